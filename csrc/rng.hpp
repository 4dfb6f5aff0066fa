// Counter-based random numbers: draw j of game i in a run with seed s is a pure function of
// (s, i, j), so results never depend on threads, batch sizes or shard layout.
//
// RNG id "splitmix64-counter-v1":
//   key(s, i)   = mix64(mix64(s) ^ i)
//   draw(s,i,j) = mix64(key(s, i) + (j + 1) * 0x9E3779B97F4A7C15)
//   choice of k in [0, n) = floor(draw * n / 2^64)   (bias below n / 2^64, i.e. < 2^-58)
// mix64 is the SplitMix64 finaliser (a bijection of 64-bit words), so for a fixed seed every game
// index has its own key.
#pragma once

#include <cstdint>

#include "inline.hpp"

namespace mothello {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

static inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct GameRng {
    std::uint64_t state;

    MOTHELLO_INLINE GameRng(std::uint64_t seed, std::uint64_t game_index) : state(mix64(mix64(seed) ^ game_index)) {}

    // The next 64-bit word of the stream (the draw that below() scales).
    MOTHELLO_INLINE std::uint64_t next() {
        state += kGoldenGamma;
        return mix64(state);
    }

    // Uniform integer in [0, n), n >= 1.
    MOTHELLO_INLINE unsigned below(unsigned n) {
        state += kGoldenGamma;
        const std::uint64_t x = mix64(state);
        return static_cast<unsigned>((static_cast<unsigned __int128>(x) * n) >> 64);
    }
};

}  // namespace mothello
