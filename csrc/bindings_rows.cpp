// Bindings of the per-row passes of rows.hpp: canonical move rows and passes per game. The GIL is
// released while C++ works.
#include <string>

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

py::array_t<std::int64_t> written_passes_py(exact_array<std::uint8_t> moves, exact_array<std::uint8_t> lengths) {
    const int width = check_move_rows("written_passes", moves, lengths);
    const py::ssize_t n = moves.shape(0);
    py::array_t<std::int64_t> out(n);
    const std::uint8_t* in = moves.data();
    const std::uint8_t* len = lengths.data();
    std::int64_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    mothello::written_passes(in, n, width, len, dst);
    return out;
}

py::tuple merge_counts_py(exact_array<std::uint64_t> a, exact_array<std::int64_t> a_counts, exact_array<std::uint64_t> b,
                          exact_array<std::int64_t> b_counts) {
    if (a.ndim() != 1 || b.ndim() != 1 || a_counts.ndim() != 1 || b_counts.ndim() != 1 ||
        a_counts.shape(0) != a.shape(0) || b_counts.shape(0) != b.shape(0))
        throw py::value_error("merge_counts: keys and counts must be 1-D, one count per key");
    const py::ssize_t na = a.shape(0), nb = b.shape(0);
    for (const auto* keys : {&a, &b})  // sorted and distinct: else the merge would be wrong
        for (py::ssize_t i = 1; i < keys->shape(0); ++i)
            if (keys->data()[i - 1] >= keys->data()[i]) throw py::value_error("merge_counts: keys must be strictly increasing");
    py::array_t<std::uint64_t> keys(na + nb);
    py::array_t<std::int64_t> counts(na + nb);
    const std::uint64_t *pa = a.data(), *pb = b.data();
    const std::int64_t *ca = a_counts.data(), *cb = b_counts.data();
    std::uint64_t* ok = keys.mutable_data();
    std::int64_t* oc = counts.mutable_data();
    std::int64_t n;
    {
        py::gil_scoped_release release;
        n = mothello::merge_counts(pa, ca, na, pb, cb, nb, ok, oc);
    }
    keys.resize({n});
    counts.resize({n});
    return py::make_tuple(keys, counts);
}

}  // namespace

void bind_rows(py::module_& m) {
    m.def("canonical_rows", &canonical_rows_py, py::arg("rows"),
          R"doc(Each row of a (n, width) uint8 move array as the least, lexicographically as bytes, of its
images under the start symmetries 0, 3, 4, 7 (mothello_data.symmetry.canonical_rows): squares 0..63
mapped, a pass (64) and a pad (255) kept, other bytes read as 255 by the non-identity images.
Returns a new (n, width) uint8 array. Raises TypeError for another dtype, ValueError for another
number of dimensions.)doc");
    m.def("written_passes", &written_passes_py, py::arg("moves"), py::arg("lengths"),
          R"doc(Per game, the written passes (64) among its first lengths[g] moves (moves (n, W) uint8, lengths
(n,) uint8); mothello_data.stats_counters.passes_per_game. Returns (n,) int64. Raises ValueError for
bad shapes or a length over W, TypeError for another dtype.)doc");
    m.def("merge_counts", &merge_counts_py, py::arg("keys"), py::arg("counts"), py::arg("new_keys"),
          py::arg("new_counts"),
          R"doc(Merges two sorted key counts (mothello_data.stats_counters._OpeningCounter): keys and new_keys
strictly increasing uint64 with one int64 count each. Returns (keys, counts), the union of the keys,
increasing, a key in both with the sum of its counts. Raises ValueError for bad shapes or keys not
strictly increasing, TypeError for another dtype.)doc");
}

}  // namespace mothello_py
