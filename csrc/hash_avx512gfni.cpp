// AVX-512 (F, DQ, BW, VL) + GFNI build of the batch position hashes: 8 positions per vector, the
// mirror and transposes of the symmetry images one GF2P8AFFINEQB each. CMake compiles this file with
// -mavx512f -mavx512dq -mavx512bw -mavx512vl -mgfni on x86-64 only; hash_kernels.cpp calls it only
// when the CPU runs those.
#include <immintrin.h>

#include <cstdint>

#include "hash_kernels.hpp"

#define MOTHELLO_HASH_NS hash_avx512gfni
#define MOTHELLO_HASH_GFNI 1
#include "hash_avx512_ops.inl"
#include "hash_simd.inl"
