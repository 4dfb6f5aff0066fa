// Ragged list rows (Arrow list offsets + flat values) as padded fixed-width rows: the loader's
// mothello_data.loader._pad, the one path from a Parquet list column to (n, W) numpy rows.
#pragma once

#include <cstdint>

namespace mothello {

// out[g] = values[offsets[g] .. offsets[g+1]) followed by `fill` up to `width` elements, for the n
// rows g of a list array; elements of `item` bytes (1, 2, 4 or 8), out: n rows of `width` elements,
// fill: one element. The caller checks that the offsets rise, stay inside values and that no row is
// longer than width (check_list_offsets).
template <class Offset>
void pad_lists(const Offset* offsets, std::int64_t n, const void* values, int item, std::int64_t width, const void* fill,
               void* out);

// -1 when offsets[0..n] rise, start at >= 0, end at <= n_values and every row fits in width;
// else the first row g that does not (offsets[0] < 0 is row 0).
template <class Offset>
std::int64_t check_list_offsets(const Offset* offsets, std::int64_t n, std::int64_t n_values, std::int64_t width);

}  // namespace mothello
