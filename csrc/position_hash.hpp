// Position hashes and the 8 symmetries of the square board (one owner of both).
//
// Symmetry s (0..7) of a bitboard applies, in this order: a mirror of the files (a <-> h) when
// s & 1, a flip of the ranks (1 <-> 8) when s & 2, a transpose (square (row, col) -> (col, row),
// the a1-h8 diagonal) when s & 4. So 0 is the identity, 3 the half turn, 4 the a1-h8 reflection,
// 7 the a8-h1 reflection: these four (kStartSymmetries) map the start position to itself.
//
// Position hash ("mothello-position-hash-v1"), with mix64 the SplitMix64 finaliser of rng.hpp:
//   hash(black, white, player) = mix64(mix64(mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player)
// black and white the disc bitboards (bit i = square i), player the side to move (0 black,
// 1 white). canonical_hash = the least hash(sym_s(black), sym_s(white), player) over s = 0..7
// (colours kept); canonical_symmetry = the least s whose image has that hash. Two positions are
// equal exactly when their canonical hashes and canonical symmetries are (up to 64-bit hash
// collisions: equal positions have equal images; conversely equal s and hash(sym_s(x)) mean
// sym_s(x1) == sym_s(x2), so x1 == x2), which lets one canonical search count exact positions.
#pragma once

#include <cstdint>

#include "inline.hpp"
#include "rng.hpp"

namespace mothello {

constexpr std::uint64_t kHashIV = 0x243F6A8885A308D3ull;
constexpr int kSymmetries = 8;
constexpr int kStartSymmetries[4] = {0, 3, 4, 7};

static inline std::uint64_t mirror_files(std::uint64_t x) {
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    return ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);
}

static inline std::uint64_t flip_ranks(std::uint64_t x) { return __builtin_bswap64(x); }

static inline std::uint64_t transpose(std::uint64_t x) {
    std::uint64_t t;
    t = 0x0F0F0F0F00000000ull & (x ^ (x << 28));
    x ^= t ^ (t >> 28);
    t = 0x3333000033330000ull & (x ^ (x << 14));
    x ^= t ^ (t >> 14);
    t = 0x5500550055005500ull & (x ^ (x << 7));
    x ^= t ^ (t >> 7);
    return x;
}

static inline std::uint64_t symmetry(int s, std::uint64_t x) {
    if (s & 1) x = mirror_files(x);
    if (s & 2) x = flip_ranks(x);
    if (s & 4) x = transpose(x);
    return x;
}

static inline std::uint64_t position_hash(std::uint64_t black, std::uint64_t white, int player) {
    return mix64(mix64(mix64(kHashIV ^ black) ^ white) ^ static_cast<std::uint64_t>(player));
}

// The 8 images of a bitboard, image[s] = symmetry(s, x), sharing the steps: one mirror, two
// byte swaps and four transposes instead of four of each.
static inline void symmetry_images(std::uint64_t x, std::uint64_t image[kSymmetries]) {
    image[0] = x;
    image[1] = mirror_files(x);
    image[2] = flip_ranks(x);
    image[3] = flip_ranks(image[1]);
    for (int s = 0; s < 4; ++s) image[s + 4] = transpose(image[s]);
}

// The canonical hash and the least symmetry index reaching it (ties go to the least index).
static inline std::uint64_t canonical_hash(std::uint64_t black, std::uint64_t white, int player, int& symmetry_index) {
    std::uint64_t b[kSymmetries], w[kSymmetries];
    symmetry_images(black, b);
    symmetry_images(white, w);
    std::uint64_t best = position_hash(b[0], w[0], player);
    symmetry_index = 0;
    for (int s = 1; s < kSymmetries; ++s) {
        const std::uint64_t h = position_hash(b[s], w[s], player);
        if (h < best) {
            best = h;
            symmetry_index = s;
        }
    }
    return best;
}

static inline std::uint64_t canonical_hash(std::uint64_t black, std::uint64_t white, int player) {
    int unused;
    return canonical_hash(black, white, player, unused);
}

}  // namespace mothello
