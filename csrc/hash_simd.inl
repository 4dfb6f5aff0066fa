// The batch position hashes in SIMD lanes (one position per lane), compiled once per instruction
// set by hash_avx2.cpp, hash_avx512.cpp and hash_avx512gfni.cpp: each defines, in namespace
// mothello::MOTHELLO_HASH_NS's anonymous namespace, a vector type V of kLanes uint64 lanes and its
// operations (splat, ^, shl<k>, shr<k>, mul (by a constant), mux(m, a, b) = (a & m) | (b & ~m),
// and_xor(m, a, b) = m & (a ^ b), xor3, bswap (per lane), min_u64, min_index (the least hash
// and its symmetry index), load_pairs, load_player, store, store_low_bytes (each lane's low byte);
// with MOTHELLO_HASH_GFNI also mirror_gf and transpose_flipped_gf, one GF2P8AFFINEQB each),
// then includes this file.
//
// The values are position_hash.hpp's (the reference, which tests compare these with): the same
// symmetry steps (mirror_files, flip_ranks, transpose) and mix64 (rng.hpp), written lane-wise.
// Everything here has internal linkage: no copy can be merged with another instruction set's.
#include "position_hash.hpp"  // kHashIV, kSymmetries

namespace mothello {
namespace MOTHELLO_HASH_NS {
namespace {

inline V mix64v(V z) {
    z = mul(z ^ shr<30>(z), 0xBF58476D1CE4E5B9ull);
    z = mul(z ^ shr<27>(z), 0x94D049BB133111EBull);
    return z ^ shr<31>(z);
}

// ((x >> k) & m) | ((x & m) << k) with ~m = m << k: one mux per step.
inline V mirror_files_v(V x) {
    x = mux(splat(0x5555555555555555ull), shr<1>(x), shl<1>(x));
    x = mux(splat(0x3333333333333333ull), shr<2>(x), shl<2>(x));
    return mux(splat(0x0F0F0F0F0F0F0F0Full), shr<4>(x), shl<4>(x));
}

inline V transpose_v(V x) {
    V t = and_xor(splat(0x0F0F0F0F00000000ull), x, shl<28>(x));
    x = xor3(x, t, shr<28>(t));
    t = and_xor(splat(0x3333000033330000ull), x, shl<14>(x));
    x = xor3(x, t, shr<14>(t));
    t = and_xor(splat(0x5500550055005500ull), x, shl<7>(x));
    return xor3(x, t, shr<7>(t));
}

inline V hash_v(V black, V white, V player) { return mix64v(mix64v(mix64v(splat(kHashIV) ^ black) ^ white) ^ player); }

// image[s] = symmetry(s, x), the steps shared as in symmetry_images (position_hash.hpp). With GFNI
// a mirror is one affine byte map, and transpose(flip_ranks(y)) one more (see the kernel's file).
inline void images_v(V x, V image[kSymmetries]) {
    image[0] = x;
#if defined(MOTHELLO_HASH_GFNI)
    image[1] = mirror_gf(x);
    image[2] = bswap(x);
    image[3] = bswap(image[1]);
    image[4] = transpose_flipped_gf(image[2]);  // transpose(x)
    image[5] = transpose_flipped_gf(image[3]);  // transpose(image[1])
    image[6] = transpose_flipped_gf(image[0]);  // transpose(image[2])
    image[7] = transpose_flipped_gf(image[1]);  // transpose(image[3])
#else
    image[1] = mirror_files_v(x);
    image[2] = bswap(x);
    image[3] = bswap(image[1]);
    for (int s = 0; s < 4; ++s) image[s + 4] = transpose_v(image[s]);
#endif
}

// kLanes positions from boards [kLanes][2] and player [kLanes]; the canonical hash is computed
// when it or its symmetry is asked for.
template <bool kHash, bool kCanonical, bool kSymmetry>
inline void hash_block(const std::uint64_t* boards, const std::uint8_t* player, std::uint64_t* hash,
                       std::uint64_t* canonical, std::uint8_t* symmetry) {
    V black, white, b[kSymmetries], w[kSymmetries];
    load_pairs(boards, black, white);
    const V p = load_player(player);
    const V h = hash_v(black, white, p);
    if (kHash) store(hash, h);
    if (!kCanonical && !kSymmetry) return;
    images_v(black, b);
    images_v(white, w);
    V best = h;
    if (kSymmetry) {
        V index = splat(0);
        for (int s = 1; s < kSymmetries; ++s) min_index(best, index, hash_v(b[s], w[s], p), static_cast<std::uint64_t>(s));
        store_low_bytes(symmetry, index);
    } else {
        for (int s = 1; s < kSymmetries; ++s) best = min_u64(best, hash_v(b[s], w[s], p));
    }
    if (kCanonical) store(canonical, best);
}

template <bool kHash, bool kCanonical, bool kSymmetry>
void hash_range(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                std::uint64_t* canonical, std::uint8_t* symmetry) {
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)  // whole vectors, then the rest through zero-padded copies
        hash_block<kHash, kCanonical, kSymmetry>(boards + 2 * i, player + i, kHash ? hash + i : nullptr,
                                                 kCanonical ? canonical + i : nullptr, kSymmetry ? symmetry + i : nullptr);
    while (i < n) {
        std::uint64_t bb[2 * kLanes] = {}, hh[kLanes], cc[kLanes];
        std::uint8_t pp[kLanes] = {}, ss[kLanes];
        const int m = static_cast<int>(n - i < kLanes ? n - i : kLanes);
        for (int j = 0; j < m; ++j) {
            bb[2 * j] = boards[2 * (i + j)];
            bb[2 * j + 1] = boards[2 * (i + j) + 1];
            pp[j] = player[i + j];
        }
        hash_block<kHash, kCanonical, kSymmetry>(bb, pp, hh, cc, ss);
        for (int j = 0; j < m; ++j) {
            if (kHash) hash[i + j] = hh[j];
            if (kCanonical) canonical[i + j] = cc[j];
            if (kSymmetry) symmetry[i + j] = ss[j];
        }
        i += m;
    }
}

template <bool kHash, bool kCanonical>
void hash_range_of(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                   std::uint64_t* canonical, std::uint8_t* symmetry) {
    if (symmetry) hash_range<kHash, kCanonical, true>(boards, player, n, hash, canonical, symmetry);
    else hash_range<kHash, kCanonical, false>(boards, player, n, hash, canonical, symmetry);
}

}  // namespace

void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                     std::uint64_t* canonical, std::uint8_t* symmetry) {
    if (hash && canonical)
        hash_range_of<true, true>(boards, player, n, hash, canonical, symmetry);
    else if (canonical)
        hash_range_of<false, true>(boards, player, n, hash, canonical, symmetry);
    else if (hash)
        hash_range_of<true, false>(boards, player, n, hash, canonical, symmetry);
    else if (symmetry)
        hash_range<false, false, true>(boards, player, n, hash, canonical, symmetry);
}

}  // namespace MOTHELLO_HASH_NS
}  // namespace mothello
