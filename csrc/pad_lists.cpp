// Padded rows from list offsets + values (pad_lists.hpp).
#include "pad_lists.hpp"

#include <algorithm>
#include <cstring>

namespace mothello {
namespace {

template <class T, class Offset>
void pad_typed(const Offset* offsets, std::int64_t n, const T* values, std::int64_t width, T fill, T* out) {
    for (std::int64_t g = 0; g < n; ++g, out += width) {
        const std::int64_t start = offsets[g], len = offsets[g + 1] - start;
        std::memcpy(out, values + start, static_cast<std::size_t>(len) * sizeof(T));
        std::fill(out + len, out + width, fill);
    }
}

template <class T>
T load(const void* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

}  // namespace

template <class Offset>
void pad_lists(const Offset* offsets, std::int64_t n, const void* values, int item, std::int64_t width, const void* fill,
               void* out) {
    switch (item) {
        case 1:
            return pad_typed(offsets, n, static_cast<const std::uint8_t*>(values), width, load<std::uint8_t>(fill),
                             static_cast<std::uint8_t*>(out));
        case 2:
            return pad_typed(offsets, n, static_cast<const std::uint16_t*>(values), width, load<std::uint16_t>(fill),
                             static_cast<std::uint16_t*>(out));
        case 4:
            return pad_typed(offsets, n, static_cast<const std::uint32_t*>(values), width, load<std::uint32_t>(fill),
                             static_cast<std::uint32_t*>(out));
        default:
            return pad_typed(offsets, n, static_cast<const std::uint64_t*>(values), width, load<std::uint64_t>(fill),
                             static_cast<std::uint64_t*>(out));
    }
}

template <class Offset>
std::int64_t check_list_offsets(const Offset* offsets, std::int64_t n, std::int64_t n_values, std::int64_t width) {
    if (offsets[0] < 0) return 0;
    for (std::int64_t g = 0; g < n; ++g)
        if (offsets[g + 1] < offsets[g] || offsets[g + 1] > n_values || offsets[g + 1] - offsets[g] > width) return g;
    return -1;
}

template void pad_lists<std::int32_t>(const std::int32_t*, std::int64_t, const void*, int, std::int64_t, const void*, void*);
template void pad_lists<std::int64_t>(const std::int64_t*, std::int64_t, const void*, int, std::int64_t, const void*, void*);
template std::int64_t check_list_offsets<std::int32_t>(const std::int32_t*, std::int64_t, std::int64_t, std::int64_t);
template std::int64_t check_list_offsets<std::int64_t>(const std::int64_t*, std::int64_t, std::int64_t, std::int64_t);

}  // namespace mothello
