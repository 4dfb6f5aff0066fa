// The batch position hashes (one position per lane) and move-order keys (one game per lane) in
// SIMD lanes, compiled once per instruction set by hash_avx2.cpp and hash_avx512.cpp: each defines,
// in namespace mothello::MOTHELLO_HASH_NS's anonymous namespace, a vector type V of kLanes uint64
// lanes and its operations (splat, ^, shl<k>, shr<k>, mul (by a constant), mux(m, a, b) =
// (a & m) | (b & ~m), and_xor(m, a, b) = m & (a ^ b), xor3, bswap (per lane), min_u64, load_pairs
// (kLanes (black, white) pairs), load_u8 (kLanes bytes), load, store), then includes this file.
//
// The values are position_hash.hpp's and order_hash.hpp's (the reference, which tests compare
// these with): the same symmetry steps (mirror_files, flip_ranks, transpose), mix64 (rng.hpp) and
// order steps, written lane-wise. Everything here has internal linkage: no copy can be merged with
// another instruction set's.
#include "order_hash.hpp"     // kOrderIV
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

// kLanes positions from boards [kLanes][2] and player [kLanes].
template <bool kHash, bool kCanonical>
inline void hash_block(const std::uint64_t* boards, const std::uint8_t* player, std::uint64_t* hash,
                       std::uint64_t* canonical) {
    V b[kSymmetries], w[kSymmetries];
    load_pairs(boards, b[0], w[0]);
    const V p = load_u8(player);
    const V h = hash_v(b[0], w[0], p);
    if (kHash) store(hash, h);
    if (!kCanonical) return;
    // The images as symmetry_images (position_hash.hpp) makes them: image s = symmetry(s, x).
    b[1] = mirror_files_v(b[0]);
    w[1] = mirror_files_v(w[0]);
    b[2] = bswap(b[0]);
    w[2] = bswap(w[0]);
    b[3] = bswap(b[1]);
    w[3] = bswap(w[1]);
    for (int s = 0; s < 4; ++s) {
        b[s + 4] = transpose_v(b[s]);
        w[s + 4] = transpose_v(w[s]);
    }
    V best = h;
    for (int s = 1; s < kSymmetries; ++s) best = min_u64(best, hash_v(b[s], w[s], p));
    store(canonical, best);
}

template <bool kHash, bool kCanonical>
void hash_range(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                std::uint64_t* canonical) {
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)  // whole vectors, then the rest through zero-padded copies
        hash_block<kHash, kCanonical>(boards + 2 * i, player + i, kHash ? hash + i : nullptr,
                                      kCanonical ? canonical + i : nullptr);
    while (i < n) {
        std::uint64_t bb[2 * kLanes] = {}, hh[kLanes], cc[kLanes];
        std::uint8_t pp[kLanes] = {};
        const int m = static_cast<int>(n - i < kLanes ? n - i : kLanes);
        for (int j = 0; j < m; ++j) {
            bb[2 * j] = boards[2 * (i + j)];
            bb[2 * j + 1] = boards[2 * (i + j) + 1];
            pp[j] = player[i + j];
        }
        hash_block<kHash, kCanonical>(bb, pp, hh, cc);
        for (int j = 0; j < m; ++j) {
            if (kHash) hash[i + j] = hh[j];
            if (kCanonical) canonical[i + j] = cc[j];
        }
        i += m;
    }
}

// The move-order keys of games [g0, g0 + kGames) ∩ [0, n), one game per lane of kGroups vectors
// (hash_kernels.hpp: order_keys; two vectors' chains interleave, each ply's steps depend on the
// last). The lanes' moves, their images and positions are first copied ply-major into small
// buffers, kPlyChunk plies at a time, all of them before the vector loads that read them (a load
// right after the scalar stores it spans would stall on store forwarding).
constexpr int kGroups = 2;
constexpr int kGames = kGroups * kLanes;

template <int kImages>
void order_block(const std::uint8_t* moves, const std::uint8_t* lengths, const std::uint64_t* positions, std::int64_t n,
                 int width, int max_ply, const std::uint8_t (*maps)[256], std::uint64_t* keys, std::int64_t g0) {
    constexpr int kPlyChunk = 32;
    const int games = static_cast<int>(n - g0 < kGames ? n - g0 : kGames);
    int plies[kGames] = {}, kmax = 0;
    for (int j = 0; j < games; ++j) {
        plies[j] = lengths[g0 + j] < max_ply ? lengths[g0 + j] : max_ply;
        if (plies[j] > kmax) kmax = plies[j];
    }
    V z[kGroups][kImages];
    for (int c = 0; c < kGroups; ++c)
        for (int s = 0; s < kImages; ++s) z[c][s] = splat(kOrderIV);
    std::uint8_t mv[kPlyChunk][kImages][kGames];
    std::uint64_t pos[kPlyChunk][kGames], out[kGames];
    for (int k0 = 0; k0 < kmax; k0 += kPlyChunk) {
        const int k1 = kmax - k0 < kPlyChunk ? kmax : k0 + kPlyChunk;
        for (int j = 0; j < kGames; ++j) {  // an ended game's (or a missing game's) lane gets zeros
            for (int k = k0; k < k1; ++k) {
                const bool in = j < games && k < plies[j];
                const std::uint8_t m = in ? moves[(g0 + j) * width + k] : 0;
                mv[k - k0][0][j] = m;
                for (int s = 1; s < kImages; ++s) mv[k - k0][s][j] = maps[s][m];
                pos[k - k0][j] = in ? positions[(g0 + j) * width + k] : 0;
            }
        }
        for (int k = k0; k < k1; ++k) {
            for (int c = 0; c < kGroups; ++c) {
                const int lane0 = c * kLanes;
                V order = z[c][0] = mix64v(z[c][0] ^ load_u8(mv[k - k0][0] + lane0));
                for (int s = 1; s < kImages; ++s) {
                    z[c][s] = mix64v(z[c][s] ^ load_u8(mv[k - k0][s] + lane0));
                    order = min_u64(order, z[c][s]);
                }
                const V key = mix64v(load(pos[k - k0] + lane0) ^ mix64v(order ^ splat(kOrderIV)));
                if (games == kGames)
                    store(keys + k * n + g0 + lane0, key);
                else
                    store(out + lane0, key);
            }
            if (games < kGames)
                for (int j = 0; j < games; ++j) keys[k * n + g0 + j] = out[j];
        }
    }
}

}  // namespace

void order_keys(const std::uint8_t* moves, const std::uint8_t* lengths, const std::uint64_t* positions, std::int64_t n,
                int width, int max_ply, int images, const std::uint8_t (*maps)[256], std::uint64_t* keys) {
    for (std::int64_t g0 = 0; g0 < n; g0 += kGames) {
        if (images == 4)
            order_block<4>(moves, lengths, positions, n, width, max_ply, maps, keys, g0);
        else
            order_block<1>(moves, lengths, positions, n, width, max_ply, maps, keys, g0);
    }
}

void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                     std::uint64_t* canonical) {
    if (hash && canonical)
        hash_range<true, true>(boards, player, n, hash, canonical);
    else if (canonical)
        hash_range<false, true>(boards, player, n, hash, canonical);
    else if (hash)
        hash_range<true, false>(boards, player, n, hash, canonical);
}

}  // namespace MOTHELLO_HASH_NS
}  // namespace mothello
