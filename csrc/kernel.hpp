// Declarations of one kernel instance; kernel.inl is compiled once per instruction set.
#pragma once

#include "engine.hpp"

namespace mothello {

#define MOTHELLO_DECLARE_KERNEL(NS)                                                               \
    namespace NS {                                                                                \
    void generate_range(std::int64_t begin, std::int64_t end, std::uint64_t seed,                 \
                        std::uint64_t first_index, const GameArrays& out);                        \
    ReplayError replay_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves,     \
                             int width, const std::uint8_t* lengths, const GameArrays& out);      \
    }

MOTHELLO_DECLARE_KERNEL(kernel_generic)
MOTHELLO_DECLARE_KERNEL(kernel_bmi2)

}  // namespace mothello
