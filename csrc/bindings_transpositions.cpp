// Bindings of the transposition search (transpositions.hpp): the node builder, and the count and
// grouping of one partition's nodes. The GIL is released while C++ works.
#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <pybind11/stl.h>  // the file descriptors, a list of ints

#include "bindings_common.hpp"
#include "engine.hpp"
#include "transpositions.hpp"

namespace mothello_py {
namespace {

using namespace mothello;

// A numpy array that owns the vector's buffer (no copy).
template <class T>
py::array_t<T> adopt(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
    auto* heap = new std::vector<T>(std::move(v));
    py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    return py::array_t<T>(shape, heap->data(), owner);
}

// Runs f with the GIL released; a failed write of a partition file raises OSError (its errno).
template <class F>
void writing(F f) {
    try {
        py::gil_scoped_release release;
        f();
    } catch (const std::system_error& e) {
        errno = e.code().value();
        PyErr_SetFromErrno(PyExc_OSError);
        throw py::error_already_set();
    }
}

void add(TranspositionNodes& self, carray<std::uint64_t> ids, carray<std::uint8_t> moves, carray<std::uint8_t> lengths,
         carray<std::uint64_t> canonical, carray<std::uint8_t> symmetry, py::object exact_hashes) {
    const py::ssize_t n = ids.size();
    // the per-ply columns: the plies up to max_ply at least (the rest is not read), at most 60
    const py::ssize_t plies = canonical.ndim() == 2 ? canonical.shape(1) : -1;
    const auto rows = [n](const auto& a, py::ssize_t w) { return a.ndim() == 2 && a.shape(0) == n && a.shape(1) == w; };
    if (ids.ndim() != 1 || !rows(moves, kMaxPlies) || lengths.ndim() != 1 || lengths.shape(0) != n ||
        !rows(canonical, plies) || !rows(symmetry, plies) || plies < std::min(self.max_ply(), kMaxPlies) || plies > kMaxPlies)
        throw py::value_error("TranspositionNodes.add: game_ids (n,), moves (n, 60), lengths (n,), canonical (n, P) and "
                              "symmetry (n, P) must agree (P: max_ply..60)");
    std::optional<carray<std::uint64_t>> exact;
    if (!exact_hashes.is_none()) exact = exact_hashes.cast<carray<std::uint64_t>>();
    if (self.words() > 2 && (!exact || !rows(*exact, plies)))
        throw py::value_error("TranspositionNodes.add: a builder with examples needs the exact hashes (n, P), as canonical");
    for (py::ssize_t g = 0; g < n; ++g)
        if (lengths.data()[g] > kMaxPlies) throw py::value_error("game " + std::to_string(g) + ": length exceeds 60");
    for (py::ssize_t i = 0; i < symmetry.size(); ++i)
        if (symmetry.data()[i] > 7) throw py::value_error("TranspositionNodes.add: a symmetry index is above 7");
    writing([&] {
        self.add(ids.data(), moves.data(), lengths.data(), canonical.data(), symmetry.data(), exact ? exact->data() : nullptr, n,
                 static_cast<int>(plies));
    });
}

// Nodes (m, 2 or 4) uint64, C-contiguous (read only: a read-only array, e.g. a memory map, will do).
const std::uint64_t* node_rows(const exact_array<std::uint64_t>& nodes, const char* fn, std::int64_t& m, int& words) {
    if (nodes.ndim() != 2 || (nodes.shape(1) != 2 && nodes.shape(1) != 4))
        throw py::value_error(std::string(fn) + ": nodes must be (m, 2) or (m, 4) uint64");
    m = nodes.shape(0);
    words = static_cast<int>(nodes.shape(1));
    return nodes.data();
}

py::tuple counts_tuple(const TranspositionCounts& counts) {
    py::list both;
    for (int search = 0; search < 2; ++search) {
        py::array_t<std::int64_t> per_ply(kMaxPlies + 1);
        std::copy(counts.per_ply[search], counts.per_ply[search] + kMaxPlies + 1, per_ply.mutable_data());
        both.append(py::make_tuple(per_ply, py::int_(counts.pairs[search])));
    }
    return py::tuple(both);
}

py::tuple count(exact_array<std::uint64_t> nodes) {
    std::int64_t m;
    int words;
    const std::uint64_t* data = node_rows(nodes, "count_transpositions", m, words);
    TranspositionCounts counts;
    {
        py::gil_scoped_release release;
        counts = count_transpositions(data, m, words);
    }
    return counts_tuple(counts);
}

py::tuple count_files(const std::vector<std::string>& paths, int words, int threads) {
    TranspositionCounts counts;
    writing([&] { counts = count_transposition_files(paths, words, threads); });  // OSError on a failed read
    return counts_tuple(counts);
}

py::dict groups(exact_array<std::uint64_t> nodes, bool canonical) {
    std::int64_t m;
    int words;
    const std::uint64_t* data = node_rows(nodes, "transposition_groups", m, words);
    TranspositionGroups g;
    {
        py::gil_scoped_release release;
        g = transposition_groups(data, m, words, canonical);
    }
    py::dict out;
    const auto size = [](const auto& v) { return std::vector<py::ssize_t>{static_cast<py::ssize_t>(v.size())}; };
    out["position"] = adopt(std::move(g.position), size(g.position));
    out["ply"] = adopt(std::move(g.ply), size(g.ply));
    out["offsets"] = adopt(std::move(g.offsets), size(g.offsets));
    out["games"] = adopt(std::move(g.games), size(g.games));
    out["example"] = adopt(std::move(g.example), size(g.example));
    return out;
}

}  // namespace

void bind_transpositions(py::module_& m) {
    py::class_<TranspositionNodes>(m, "TranspositionNodes", R"doc(Builds the nodes of a transposition search (exact and up to symmetry at once).

TranspositionNodes(max_ply, partition_bits, examples, fds): nodes (canonical hash, move-order key |
tau | symmetry | games | ply[, example game, exact hash]) of plies 1..max_ply, appended to
2**partition_bits partition files (fds: open file descriptors, the caller's to close; partition p
holds the positions whose canonical hash's low bits are p), each through a buffer; plies 1..7
merged in memory until flush(). Not safe to call from two threads at once.)doc")
        .def(py::init<int, int, bool, std::vector<int>>(), py::arg("max_ply"), py::arg("partition_bits"),
             py::arg("examples"), py::arg("fds"))
        .def_property_readonly("words", &TranspositionNodes::words, "uint64 words per node (2, or 4 with examples)")
        .def_property_readonly("nodes_written", &TranspositionNodes::nodes_written, "nodes written to the files so far")
        .def("add", &add, py::arg("game_ids"), py::arg("moves"), py::arg("lengths"), py::arg("canonical"),
             py::arg("symmetry"), py::arg("exact") = py::none(),
             R"doc(Nodes of games: game_ids (n,) uint64, moves (n, 60) uint8, lengths (n,) uint8, and per ply
(n, P), P from min(max_ply, 60) to 60 (plies past max_ply are not read), the canonical hash (uint64), its canonical symmetry (uint8, 0..7) and, for a builder with
examples, the exact hash (uint64; None without), buffered for the files. A failed write raises
OSError; bad shapes or a symmetry above 7 ValueError.)doc")
        .def(
            "flush", [](TranspositionNodes& self) { writing([&] { self.flush(); }); },
            "Writes the early plies' merged nodes (the table is emptied) and every buffered node to the files.");
    m.def("count_transpositions", &count, py::arg("nodes"),
          R"doc(Transpositions of one partition's nodes (m, 2 or 4) uint64 (any order; left as they are).

Returns ((per_ply, pairs) exact, (per_ply, pairs) up to symmetry): per_ply (61,) int64 the positions
reached by two or more move orders, per ply; pairs the game pairs reaching one by different move
orders.)doc");
    m.def("count_transposition_files", &count_files, py::arg("paths"), py::arg("words"), py::arg("threads"),
          R"doc(The transpositions of partition files (nodes of words = 2 or 4 uint64, as TranspositionNodes
writes them), summed as count_transpositions returns them. Each file is read whole, removed and
counted, threads files at a time, all without the GIL. A file that cannot be read raises OSError
(the files not yet read are left).)doc");
    m.def("transposition_groups", &groups, py::arg("nodes"), py::arg("canonical"),
          R"doc(Every transposition of one partition's nodes (any order; left as they are), exact or up to
symmetry, in position order.

Returns a dict: position (k,) uint64 (the canonical hash; exact: the exact hash, or the canonical
one for nodes without examples), ply (k,) uint8, offsets (k + 1,) int64 and per move order games
(uint64) and example (uint64, the least game id; 0 for nodes without examples).)doc");
}

}  // namespace mothello_py
