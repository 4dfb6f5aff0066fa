// Position hashes of many positions at once (issue #13: the canonical hash costs the most in
// `mothello-gen stats` and the world-model labels), in SIMD lanes where the CPU has them.
//
// The hash definitions are position_hash.hpp's (position_hash, canonical_hash: the reference); the
// kernels compute the same values: "scalar" calls them position by position, "avx2" (4 positions
// per vector, 64-bit products from 32-bit ones), "avx512" (AVX-512 F/DQ/BW/VL, 8 positions per
// vector) and "avx512gfni" (the same with GFNI, which makes the symmetry images in fewer
// instructions) run hash_simd.inl, compiled once per instruction set by hash_avx2.cpp,
// hash_avx512.cpp and hash_avx512gfni.cpp (CMake gives those files their flags, on x86-64 only,
// and defines MOTHELLO_HASH_SIMD). The kernel is chosen at run time: the best this CPU runs, or
// MOTHELLO_HASH_KERNEL (scalar, avx2, avx512, avx512gfni) when set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mothello {

enum class HashKernel : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kAvx512Gfni = 3 };

// "scalar", "avx2", "avx512" or "avx512gfni".
const char* hash_kernel_name(HashKernel kernel);

// The kernels this build has and this CPU runs, scalar first, the fastest last.
std::vector<HashKernel> runnable_hash_kernels();

// The kernel called `name`; throws std::invalid_argument for an unknown name or one this CPU (or
// build) does not run.
HashKernel hash_kernel_named(const std::string& name);

// The kernel of this process: MOTHELLO_HASH_KERNEL when set and not empty (checked as
// hash_kernel_named: a bad value throws std::invalid_argument on every call), else the best the
// CPU runs. Call it on the calling thread, before any worker starts.
HashKernel hash_kernel();

// Hashes of n positions, boards [n][2] (black, white) and player [n] (0 black, 1 white to move):
// hash[i] = position_hash, canonical[i] = canonical_hash, symmetry[i] = its canonical symmetry (the
// least s whose image hashes to canonical[i]) of position i (position_hash.hpp); any output may be
// null.
void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                     std::uint64_t* canonical, std::uint8_t* symmetry, HashKernel kernel);

// The SIMD instances (hash_simd.inl); call them only through position_hashes.
#define MOTHELLO_DECLARE_HASH_KERNEL(NS)                                                                   \
    namespace NS {                                                                                         \
    void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n,          \
                         std::uint64_t* hash, std::uint64_t* canonical, std::uint8_t* symmetry);           \
    }
MOTHELLO_DECLARE_HASH_KERNEL(hash_avx2)
MOTHELLO_DECLARE_HASH_KERNEL(hash_avx512)
MOTHELLO_DECLARE_HASH_KERNEL(hash_avx512gfni)

}  // namespace mothello
