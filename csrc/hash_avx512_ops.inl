// The AVX-512 vector operations of hash_simd.inl (8 uint64 lanes), shared by hash_avx512.cpp and
// hash_avx512gfni.cpp (which defines MOTHELLO_HASH_GFNI: the images' bit maps by GF2P8AFFINEQB).
// Included after <immintrin.h> with MOTHELLO_HASH_NS defined.
namespace mothello {
namespace MOTHELLO_HASH_NS {
namespace {

constexpr int kLanes = 8;

struct V {
    __m512i v;
};

inline V splat(std::uint64_t x) { return {_mm512_set1_epi64(static_cast<long long>(x))}; }
inline V operator^(V a, V b) { return {_mm512_xor_si512(a.v, b.v)}; }
template <int K>
inline V shl(V a) { return {_mm512_slli_epi64(a.v, K)}; }
template <int K>
inline V shr(V a) { return {_mm512_srli_epi64(a.v, K)}; }
inline V mul(V a, std::uint64_t c) { return {_mm512_mullo_epi64(a.v, splat(c).v)}; }
// vpternlogq truth tables over (m, a, b) = (0xF0, 0xCC, 0xAA).
inline V mux(V m, V a, V b) { return {_mm512_ternarylogic_epi64(m.v, a.v, b.v, 0xCA)}; }
inline V and_xor(V m, V a, V b) { return {_mm512_ternarylogic_epi64(m.v, a.v, b.v, 0x60)}; }
inline V xor3(V a, V b, V c) { return {_mm512_ternarylogic_epi64(a.v, b.v, c.v, 0x96)}; }
inline V bswap(V a) {
    const __m512i order = _mm512_set_epi8(56, 57, 58, 59, 60, 61, 62, 63, 48, 49, 50, 51, 52, 53, 54, 55,  //
                                          40, 41, 42, 43, 44, 45, 46, 47, 32, 33, 34, 35, 36, 37, 38, 39,  //
                                          24, 25, 26, 27, 28, 29, 30, 31, 16, 17, 18, 19, 20, 21, 22, 23,  //
                                          8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    return {_mm512_shuffle_epi8(a.v, order)};  // within 128-bit lanes: indices taken mod 16
}
inline V min_u64(V a, V b) { return {_mm512_min_epu64(a.v, b.v)}; }
// Where h < best (unsigned; ties keep the earlier, least index): best = h, index = s.
inline void min_index(V& best, V& index, V h, std::uint64_t s) {
    const __mmask8 less = _mm512_cmplt_epu64_mask(h.v, best.v);
    best.v = _mm512_mask_mov_epi64(best.v, less, h.v);
    index.v = _mm512_mask_mov_epi64(index.v, less, _mm512_set1_epi64(static_cast<long long>(s)));
}
inline void load_pairs(const std::uint64_t* boards, V& black, V& white) {
    const __m512i lo = _mm512_loadu_si512(boards), hi = _mm512_loadu_si512(boards + 8);
    black.v = _mm512_permutex2var_epi64(lo, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), hi);
    white.v = _mm512_permutex2var_epi64(lo, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), hi);
}
inline V load_player(const std::uint8_t* player) {
    return {_mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(player)))};
}
#if defined(MOTHELLO_HASH_GFNI)
// GF2P8AFFINEQB maps each byte of x by the 8x8 bit matrix of the same qword of A: result bit j of a
// byte is the parity of (A's byte 7 - j) & (the byte). A = 0x8040201008040201 (byte i = 1 << i)
// reverses the bits of each byte: the mirror of the files. With x = that same constant and A = y,
// byte i's bit j is bit i of y's byte 7 - j: square (i, j) of the result is square (7 - j, i) of
// y, i.e. transpose(flip_ranks(y)).
inline V mirror_gf(V x) {
    return {_mm512_gf2p8affine_epi64_epi8(x.v, _mm512_set1_epi64(0x8040201008040201ll), 0)};
}
inline V transpose_flipped_gf(V y) {
    return {_mm512_gf2p8affine_epi64_epi8(_mm512_set1_epi64(0x8040201008040201ll), y.v, 0)};
}
#endif
inline void store(std::uint64_t* dst, V a) { _mm512_storeu_si512(dst, a.v); }
inline void store_low_bytes(std::uint8_t* dst, V a) {  // vpmovqb: 8 lanes to 8 bytes
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi64_epi8(a.v));
}

}  // namespace
}  // namespace MOTHELLO_HASH_NS
}  // namespace mothello

