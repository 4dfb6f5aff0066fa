// Position hashes and move-order keys of many positions at once (issue #13: they cost the most in
// `mothello-gen stats` and the world-model labels), in SIMD lanes where the CPU has them.
//
// The definitions are position_hash.hpp's (position_hash, canonical_hash) and order_hash.hpp's
// (order_step, node_key): the reference; the kernels compute the same values: "scalar" calls them position by position, "avx2" (4 positions
// per vector, 64-bit products from 32-bit ones) and "avx512" (AVX-512 F/DQ/BW/VL, 8 positions per
// vector) run hash_simd.inl, compiled once per instruction set by hash_avx2.cpp and hash_avx512.cpp
// (CMake gives those two files their flags, on x86-64 only, and defines MOTHELLO_HASH_SIMD). The
// kernel is chosen at run time: the best this CPU runs, or MOTHELLO_HASH_KERNEL (scalar, avx2,
// avx512) when set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mothello {

enum class HashKernel : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// "scalar", "avx2" or "avx512".
const char* hash_kernel_name(HashKernel kernel);

// The kernels this build has and this CPU runs, scalar first.
std::vector<HashKernel> runnable_hash_kernels();

// The kernel called `name`; throws std::invalid_argument for an unknown name or one this CPU (or
// build) does not run.
HashKernel hash_kernel_named(const std::string& name);

// The kernel of this process: MOTHELLO_HASH_KERNEL when set and not empty (checked as
// hash_kernel_named: a bad value throws std::invalid_argument on every call), else the best the
// CPU runs. Call it on the calling thread, before any worker starts.
HashKernel hash_kernel();

// Hashes of n positions, boards [n][2] (black, white) and player [n] (0 black, 1 white to move):
// hash[i] = position_hash, canonical[i] = canonical_hash of position i (position_hash.hpp); either
// output may be null.
void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                     std::uint64_t* canonical, HashKernel kernel);

// The move-order keys of the transposition search (order_hash.hpp) of n games, moves [n][width]
// and positions [n][width] (the position hash after each ply): for k < min(lengths[g], max_ply),
// keys[k * n + g] = node_key(positions[g][k], order), order = z_{k+1} of the moves (images = 1), or
// the least z_{k+1} over the images of the moves (images = 4: image 0 the moves as they are, image
// s the moves mapped by maps[s]); the other entries of keys [max_ply][n] may be overwritten.
void order_keys(const std::uint8_t* moves, const std::uint8_t* lengths, const std::uint64_t* positions,
                std::int64_t n, int width, int max_ply, int images, const std::uint8_t (*maps)[256],
                std::uint64_t* keys, HashKernel kernel);

// The SIMD instances (hash_simd.inl); call them only through position_hashes and order_keys.
#define MOTHELLO_DECLARE_HASH_KERNEL(NS)                                                                   \
    namespace NS {                                                                                         \
    void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n,          \
                         std::uint64_t* hash, std::uint64_t* canonical);                                   \
    void order_keys(const std::uint8_t* moves, const std::uint8_t* lengths, const std::uint64_t* positions, \
                    std::int64_t n, int width, int max_ply, int images, const std::uint8_t (*maps)[256],  \
                    std::uint64_t* keys);                                                                  \
    }
MOTHELLO_DECLARE_HASH_KERNEL(hash_avx2)
MOTHELLO_DECLARE_HASH_KERNEL(hash_avx512)

}  // namespace mothello
