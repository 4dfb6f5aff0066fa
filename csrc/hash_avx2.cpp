// AVX2 build of the batch position hashes: 4 positions per vector, the 64-bit products made from
// 32-bit ones. CMake compiles this file with -mavx2 on x86-64 only; hash_kernels.cpp calls it only
// when the CPU runs AVX2.
#include <immintrin.h>

#include <cstdint>

#include "hash_kernels.hpp"

namespace mothello {
namespace hash_avx2 {
namespace {

constexpr int kLanes = 4;

struct V {
    __m256i v;
};

inline V splat(std::uint64_t x) { return {_mm256_set1_epi64x(static_cast<long long>(x))}; }
inline V operator^(V a, V b) { return {_mm256_xor_si256(a.v, b.v)}; }
template <int K>
inline V shl(V a) { return {_mm256_slli_epi64(a.v, K)}; }
template <int K>
inline V shr(V a) { return {_mm256_srli_epi64(a.v, K)}; }
// a * c mod 2^64 = lo(a) lo(c) + (hi(a) lo(c) + lo(a) hi(c)) << 32.
inline V mul(V a, std::uint64_t c) {
    const __m256i c_lo = _mm256_set1_epi64x(static_cast<long long>(c & 0xFFFFFFFFull));
    const __m256i c_hi = _mm256_set1_epi64x(static_cast<long long>(c >> 32));
    const __m256i low = _mm256_mul_epu32(a.v, c_lo);
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a.v, 32), c_lo), _mm256_mul_epu32(a.v, c_hi));
    return {_mm256_add_epi64(low, _mm256_slli_epi64(cross, 32))};
}
inline V mux(V m, V a, V b) { return {_mm256_or_si256(_mm256_and_si256(m.v, a.v), _mm256_andnot_si256(m.v, b.v))}; }
inline V and_xor(V m, V a, V b) { return {_mm256_and_si256(m.v, _mm256_xor_si256(a.v, b.v))}; }
inline V xor3(V a, V b, V c) { return {_mm256_xor_si256(a.v, _mm256_xor_si256(b.v, c.v))}; }
inline V bswap(V a) {
    const __m256i order = _mm256_set_epi8(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,  //
                                          8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    return {_mm256_shuffle_epi8(a.v, order)};
}
// No unsigned 64-bit compare in AVX2: compare with the sign bits flipped.
inline V min_u64(V a, V b) {
    const __m256i sign = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ull));
    const __m256i a_gt_b = _mm256_cmpgt_epi64(_mm256_xor_si256(a.v, sign), _mm256_xor_si256(b.v, sign));
    return {_mm256_blendv_epi8(a.v, b.v, a_gt_b)};
}
// Where h < best (unsigned; ties keep the earlier, least index): best = h, index = s.
inline void min_index(V& best, V& index, V h, std::uint64_t s) {
    const __m256i sign = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ull));
    const __m256i less = _mm256_cmpgt_epi64(_mm256_xor_si256(best.v, sign), _mm256_xor_si256(h.v, sign));
    best.v = _mm256_blendv_epi8(best.v, h.v, less);
    index.v = _mm256_blendv_epi8(index.v, _mm256_set1_epi64x(static_cast<long long>(s)), less);
}
inline void load_pairs(const std::uint64_t* boards, V& black, V& white) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(boards));      // b0 w0 b1 w1
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(boards + 4));  // b2 w2 b3 w3
    black.v = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(lo, hi), 0xD8);  // b0 b2 b1 b3 -> b0 b1 b2 b3
    white.v = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(lo, hi), 0xD8);
}
inline V load_player(const std::uint8_t* player) {
    std::int32_t four;
    __builtin_memcpy(&four, player, 4);
    return {_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four))};
}
inline void store(std::uint64_t* dst, V a) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), a.v); }
inline void store_low_bytes(std::uint8_t* dst, V a) {
    std::uint64_t lanes[kLanes];
    store(lanes, a);
    for (int j = 0; j < kLanes; ++j) dst[j] = static_cast<std::uint8_t>(lanes[j]);
}

}  // namespace
}  // namespace hash_avx2
}  // namespace mothello

#define MOTHELLO_HASH_NS hash_avx2
#include "hash_simd.inl"
