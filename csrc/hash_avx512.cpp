// AVX-512 (F, DQ, BW, VL) build of the batch position hashes: 8 positions per vector. CMake
// compiles this file with -mavx512f -mavx512dq -mavx512bw -mavx512vl on x86-64 only;
// hash_kernels.cpp calls it only when the CPU runs those.
#include <immintrin.h>

#include <cstdint>

#include "hash_kernels.hpp"

#define MOTHELLO_HASH_NS hash_avx512
#include "hash_avx512_ops.inl"
#include "hash_simd.inl"
