// Declarations of one kernel instance; kernel.inl is compiled once per instruction set.
#pragma once

#include "engine.hpp"

namespace mothello {

struct ReplayError {
    std::int64_t game = -1;  // -1: no error
    int ply = 0;
    int square = 0;
    int kind = 0;  // 1 square out of range, 2 illegal move, 3 move after the game ended
};

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
