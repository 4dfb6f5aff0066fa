// Per-row passes over move rows for mothello-gen stats and the split / held-out code: the least
// start-symmetry image of each row (mothello_data.symmetry.canonical_rows), the passes of each
// game read from black's disc counts (mothello_data.stats_counters.passes_per_game), and a counting
// hash table of 64-bit words (the openings of mothello_data.stats_counters._OpeningCounter).
#pragma once

#include <cstdint>

namespace mothello {

// out[g] = the least, lexicographically as bytes, of the images of rows[g] under the start
// symmetries (position_hash.hpp kStartSymmetries): squares 0..63 mapped by the symmetry, a written
// pass (64) and a pad (255) kept; any other byte is kept by the identity and read as 255 by the
// other images (as mothello_data.symmetry.map_moves). rows and out: n rows of `width` bytes.
void canonical_rows(const std::uint8_t* rows, std::int64_t n, std::int64_t width, std::uint8_t* out);

// out[g] = the plies k in 1..lengths[g]-1 of game g whose mover also made ply k-1, the mover of ply
// k being black when black's disc count grew over it (black[g][k] > black[g][k-1], black[g][-1] = 2).
// black[g][k] sits at black + g * row_stride + k * col_stride; lengths[g] <= the row width.
void mover_repeats(const std::uint8_t* black, std::int64_t n, std::int64_t row_stride, std::int64_t col_stride,
                   const std::uint8_t* lengths, std::int64_t* out);

// Adds each of the n words (weight weights[i], or 1 when weights is null) to a hash table of
// `capacity` slots (a power of 2) of two uint64s each, {key, count}; a slot is empty while its count
// is 0. Linear probing from mix64(word). Returns the slots in use after, starting from `used`; the
// caller keeps used + n <= capacity / 2 (then every probe ends at the key's slot or an empty one).
std::int64_t count_keys(std::uint64_t* table, std::int64_t capacity, std::int64_t used, const std::uint64_t* words,
                        const std::uint64_t* weights, std::int64_t n);

}  // namespace mothello
