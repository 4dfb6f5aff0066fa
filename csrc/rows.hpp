// Per-row passes over move rows for mothello-gen stats and the split / held-out code: the least
// start-symmetry image of each row (mothello_data.symmetry.canonical_rows), the passes of each
// game written as moves 64 (mothello_data.stats_counters.passes_per_game; the others come from the replay),
// and the merge of sorted key counts (the openings of stats_counters._OpeningCounter).
#pragma once

#include <cstdint>

namespace mothello {

// Move-row bytes under the start symmetries: table[k][b] is square b (0..63) under
// kStartSymmetries[k] (the square maps read from the bitboard symmetries, position_hash.hpp), a
// written pass (64) stays a pass, any other byte reads 255; k = 0, the identity, keeps every byte.
// canonical_rows and the transposition search's move-order keys map moves through it.
struct StartImages {
    std::uint8_t table[4][256];
};
const StartImages& start_images();

// out[g] = the least, lexicographically as bytes, of the images of rows[g] under the start
// symmetries (position_hash.hpp kStartSymmetries): squares 0..63 mapped by the symmetry, a written
// pass (64) and a pad (255) kept; any other byte is kept by the identity and read as 255 by the
// other images (as mothello_data.symmetry.map_moves). rows and out: n rows of `width` bytes.
void canonical_rows(const std::uint8_t* rows, std::int64_t n, std::int64_t width, std::uint8_t* out);

// out[g] = the written passes (64) among the first lengths[g] moves of rows[g] (n rows of `width`
// bytes, lengths[g] <= width).
void written_passes(const std::uint8_t* rows, std::int64_t n, std::int64_t width, const std::uint8_t* lengths,
                    std::int64_t* out);

// Merges two sorted runs of distinct keys with their counts into out_keys/out_counts (room for
// na + nb); a key in both is written once with its counts added. Returns the keys written.
std::int64_t merge_counts(const std::uint64_t* a, const std::int64_t* a_counts, std::int64_t na, const std::uint64_t* b,
                          const std::int64_t* b_counts, std::int64_t nb, std::uint64_t* out_keys, std::int64_t* out_counts);

}  // namespace mothello
