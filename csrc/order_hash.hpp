// The move-order hash of the transposition search (transpositions.hpp), one owner: the scalar
// definitions here are the reference that the SIMD kernels (hash_simd.inl) are tested against.
//   z_0 = kOrderIV, z_k = mix64(z_{k-1} ^ move_k)          (order_step)
//   key = mix64(position ^ mix64(order ^ kOrderIV))        (node_key)
// with mix64 the SplitMix64 finaliser of rng.hpp and move_k the square byte of ply k (64 a pass).
// A canonical search takes the least z_k over the moves' images under the start symmetries: image
// 0 the moves as they are, image s the moves mapped by start_square_maps()[s].
#pragma once

#include <cstdint>
#include <cstring>

#include "board.hpp"          // lowest_square
#include "engine.hpp"         // kPadSquare
#include "position_hash.hpp"  // symmetry, kStartSymmetries
#include "rng.hpp"

namespace mothello {

constexpr std::uint64_t kOrderIV = 0x5851F42D4C957F2Dull;

static inline std::uint64_t order_step(std::uint64_t z, std::uint64_t move) { return mix64(z ^ move); }

static inline std::uint64_t node_key(std::uint64_t pos, std::uint64_t order) { return mix64(pos ^ mix64(order ^ kOrderIV)); }

// maps[s][move] = the square of `move` under kStartSymmetries[s]; kPadSquare for a byte that is no
// square (64 a pass, a pad).
static inline void start_square_maps(std::uint8_t maps[4][256]) {
    for (int s = 0; s < 4; ++s) {
        std::memset(maps[s], kPadSquare, 256);
        for (int sq = 0; sq < 64; ++sq)
            maps[s][sq] = static_cast<std::uint8_t>(lowest_square(symmetry(kStartSymmetries[s], 1ull << sq)));
    }
}

}  // namespace mothello
