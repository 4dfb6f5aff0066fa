// Bindings of the per-row passes of rows.hpp: canonical move rows and passes per game. The GIL is
// released while C++ works.
#include <optional>
#include <string>

#include <pybind11/stl.h>  // std::optional weights

#include "bindings_common.hpp"
#include "rows.hpp"

namespace mothello_py {
namespace {

py::array_t<std::uint8_t> canonical_rows_py(exact_array<std::uint8_t> rows) {
    if (rows.ndim() != 2) throw py::value_error("canonical_rows: rows must be 2-D (n, width) uint8");
    const py::ssize_t n = rows.shape(0), width = rows.shape(1);
    py::array_t<std::uint8_t> out({n, width});
    const std::uint8_t* in = rows.data();
    std::uint8_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        mothello::canonical_rows(in, n, width, dst);
    }
    return out;
}

// black: (n, W) uint8, any strides (the black half of world_ply_labels' count, a view).
py::array_t<std::int64_t> mover_repeats_py(py::array_t<std::uint8_t> black, exact_array<std::uint8_t> lengths) {
    if (black.ndim() != 2 || lengths.ndim() != 1 || lengths.shape(0) != black.shape(0))
        throw py::value_error("mover_repeats: black must be (n, W) uint8 and lengths (n,) uint8");
    const py::ssize_t n = black.shape(0), width = black.shape(1);
    const std::uint8_t* len = lengths.data();
    for (py::ssize_t g = 0; g < n; ++g)
        if (len[g] > width)
            throw py::value_error("game " + std::to_string(g) + ": length exceeds the row width " + std::to_string(width));
    py::array_t<std::int64_t> out(n);
    const std::uint8_t* b = black.data();
    const py::ssize_t row_stride = black.strides(0), col_stride = black.strides(1);  // bytes = elements
    std::int64_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        mothello::mover_repeats(b, n, row_stride, col_stride, len, dst);
    }
    return out;
}

std::int64_t count_keys_py(py::array_t<std::uint64_t, py::array::c_style> table, std::int64_t used,
                           exact_array<std::uint64_t> words, std::optional<exact_array<std::uint64_t>> weights) {
    const py::ssize_t capacity = table.ndim() == 2 ? table.shape(0) : 0, n = words.ndim() == 1 ? words.shape(0) : -1;
    if (table.ndim() != 2 || table.shape(1) != 2 || capacity < 1 || (capacity & (capacity - 1)) != 0 || n < 0)
        throw py::value_error("count_keys: table must be (capacity, 2) uint64 with capacity a power of 2, words 1-D");
    if (used < 0 || used + n > capacity / 2)
        throw py::value_error("count_keys: used + len(words) must be <= capacity / 2");
    if (weights && (weights->ndim() != 1 || weights->shape(0) != n))
        throw py::value_error("count_keys: weights must be 1-D, one per word");
    const std::uint64_t* w = weights ? weights->data() : nullptr;
    for (py::ssize_t i = 0; w && i < n; ++i)
        if (w[i] == 0) throw py::value_error("count_keys: weights must be >= 1");
    std::uint64_t* slots = table.mutable_data();
    const std::uint64_t* in = words.data();
    py::gil_scoped_release release;
    return mothello::count_keys(slots, capacity, used, in, w, n);
}

}  // namespace

void bind_rows(py::module_& m) {
    m.def("canonical_rows", &canonical_rows_py, py::arg("rows"),
          R"doc(Each row of a (n, width) uint8 move array as the least, lexicographically as bytes, of its
images under the start symmetries 0, 3, 4, 7 (mothello_data.symmetry.canonical_rows): squares 0..63
mapped, a pass (64) and a pad (255) kept, other bytes read as 255 by the non-identity images.
Returns a new (n, width) uint8 array. Raises TypeError for another dtype, ValueError for another
number of dimensions.)doc");
    m.def("mover_repeats", &mover_repeats_py, py::arg("black"), py::arg("lengths"),
          R"doc(Per game, the plies k in 1..lengths[g]-1 whose mover also made ply k-1, read from black's
disc count after each ply (black: (n, W) uint8, any strides; black moved ply k when its count grew,
from 2 before ply 0); mothello_data.stats_counters.passes_per_game. Returns (n,) int64.
Raises ValueError for bad shapes or a length over W, TypeError for another lengths dtype.)doc");
    m.def("count_keys", &count_keys_py, py::arg("table").noconvert(), py::arg("used"), py::arg("words"),
          py::arg("weights") = py::none(),
          R"doc(Counts 64-bit words in a hash table, in place (mothello_data.stats_counters._OpeningCounter).

table: (capacity, 2) uint64 rows {key, count}, capacity a power of 2, a row empty while its count is
0; used: its rows in use; words (n,) uint64, each added with weight weights[i] (>= 1; default 1).
Linear probing from mix64(word). Returns the rows in use after. Raises ValueError unless
used + n <= capacity / 2 and for bad shapes or a zero weight; TypeError for another dtype.)doc");
}

}  // namespace mothello_py
