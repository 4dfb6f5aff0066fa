// Declarations of one kernel instance; kernel.inl is compiled once per instruction set, and
// use_bmi2() picks the instance at run time.
#pragma once

#include "engine.hpp"
#include "game_sinks.hpp"
#include "policies.hpp"

namespace mothello {

#define MOTHELLO_DECLARE_KERNEL(NS)                                                               \
    namespace NS {                                                                                \
    void generate_range(std::int64_t begin, std::int64_t end, std::uint64_t seed,                 \
                        std::uint64_t first_index, const GameArrays& out, const GameRules& rules);\
    void generate_policy_range(std::int64_t begin, std::int64_t end, std::uint64_t seed,          \
                               std::uint64_t first_index, const PolicyConfig* cfg, int opening,   \
                               const GameArrays& out, const GameRules& rules);                    \
    ReplayError replay_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves,     \
                             int width, const std::uint8_t* lengths, const GameArrays& out,       \
                             const GameRules& rules);                                             \
    ReplayError replay_states_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, \
                                    int width,                                                    \
                                    const std::uint8_t* lengths, const GameRules& rules,          \
                                    const StateRows& out);                                        \
    ReplayError replay_world_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, \
                                   int width, const std::uint8_t* lengths, const GameRules& rules, \
                                   const WorldRows& out, std::int64_t* passes);                  \
    }

MOTHELLO_DECLARE_KERNEL(kernel_generic)
MOTHELLO_DECLARE_KERNEL(kernel_bmi2)

// True when the BMI2 kernel runs: the CPU has BMI2 and POPCNT and MOTHELLO_KERNEL is not "generic".
// Throws std::invalid_argument for an unknown MOTHELLO_KERNEL, or "bmi2" on a CPU without it.
bool use_bmi2();

}  // namespace mothello
