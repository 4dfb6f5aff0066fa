// Bindings of the transposition search (transpositions.hpp): the node builder, and the count and
// grouping of one partition's nodes. The GIL is released while C++ works.
#include <string>
#include <utility>

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

py::tuple batch_out(NodeBatch&& batch, int words) {
    const py::ssize_t m = static_cast<py::ssize_t>(batch.nodes.size()) / words;
    const py::ssize_t p = static_cast<py::ssize_t>(batch.bounds.size());
    return py::make_tuple(adopt(std::move(batch.nodes), {m, words}), adopt(std::move(batch.bounds), {p}));
}

py::tuple add(TranspositionNodes& self, carray<std::uint64_t> ids, carray<std::uint8_t> moves, carray<std::uint8_t> lengths,
              carray<std::uint64_t> positions) {
    const py::ssize_t n = ids.size();
    if (ids.ndim() != 1 || moves.ndim() != 2 || moves.shape(0) != n || moves.shape(1) != kMaxPlies || lengths.ndim() != 1 ||
        lengths.shape(0) != n || positions.ndim() != 2 || positions.shape(0) != n || positions.shape(1) != kMaxPlies)
        throw py::value_error("TranspositionNodes.add: game_ids (n,), moves (n, 60), lengths (n,) and positions (n, 60) must agree");
    for (py::ssize_t g = 0; g < n; ++g)
        if (lengths.data()[g] > kMaxPlies) throw py::value_error("game " + std::to_string(g) + ": length exceeds 60");
    NodeBatch batch;
    {
        py::gil_scoped_release release;
        self.add(ids.data(), moves.data(), lengths.data(), positions.data(), n, batch);
    }
    return batch_out(std::move(batch), self.words());
}

py::tuple flush(TranspositionNodes& self) {
    NodeBatch batch;
    {
        py::gil_scoped_release release;
        self.flush(batch);
    }
    return batch_out(std::move(batch), self.words());
}

// Nodes (m, 2 or 3) uint64, sorted in place: the caller's array must be writable and C-contiguous.
std::uint64_t* node_rows(exact_array<std::uint64_t>& nodes, const char* fn, std::int64_t& m, int& words) {
    if (nodes.ndim() != 2 || (nodes.shape(1) != 2 && nodes.shape(1) != 3))
        throw py::value_error(std::string(fn) + ": nodes must be (m, 2) or (m, 3) uint64");
    if (!nodes.writeable()) throw py::value_error(std::string(fn) + ": nodes must be writable (they are sorted in place)");
    m = nodes.shape(0);
    words = static_cast<int>(nodes.shape(1));
    return nodes.mutable_data();
}

py::tuple count(exact_array<std::uint64_t> nodes) {
    std::int64_t m;
    int words;
    std::uint64_t* data = node_rows(nodes, "count_transpositions", m, words);
    TranspositionCounts counts;
    {
        py::gil_scoped_release release;
        counts = count_transpositions(data, m, words);
    }
    py::array_t<std::int64_t> per_ply(kMaxPlies + 1);
    std::copy(counts.per_ply, counts.per_ply + kMaxPlies + 1, per_ply.mutable_data());
    return py::make_tuple(per_ply, py::int_(counts.pairs));
}

py::dict groups(exact_array<std::uint64_t> nodes) {
    std::int64_t m;
    int words;
    std::uint64_t* data = node_rows(nodes, "transposition_groups", m, words);
    TranspositionGroups g;
    {
        py::gil_scoped_release release;
        g = transposition_groups(data, m, words);
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
    py::class_<TranspositionNodes>(m, "TranspositionNodes", R"doc(Builds the nodes of one transposition search.

TranspositionNodes(canonical, max_ply, partition_bits, examples): nodes (position hash, move-order
key | games | ply[, example game]) of plies 1..max_ply, spread over 2**partition_bits partitions;
plies 1..7 merged in memory until flush(). Not safe to call from two threads at once.)doc")
        .def(py::init<bool, int, int, bool>(), py::arg("canonical"), py::arg("max_ply"), py::arg("partition_bits"),
             py::arg("examples"))
        .def_property_readonly("words", &TranspositionNodes::words, "uint64 words per node (2, or 3 with examples)")
        .def("add", &add, py::arg("game_ids"), py::arg("moves"), py::arg("lengths"), py::arg("positions"),
             R"doc(Nodes of games: game_ids (n,) uint64, moves (n, 60) uint8, lengths (n,) uint8, positions (n, 60)
uint64 (the hash after each ply; canonical hashes for a canonical search). Returns (nodes (m, words)
uint64 grouped by partition, bounds (partitions + 1,) int64): partition p is nodes[bounds[p]:bounds[p + 1]].)doc")
        .def("flush", &flush, "The early plies' merged nodes as (nodes, bounds) like add(); the table is emptied.");
    m.def("count_transpositions", &count, py::arg("nodes"),
          R"doc(Transpositions of one partition's nodes (m, 2 or 3) uint64 (sorted in place; must be writable).

Returns (per_ply (61,) int64: positions reached by two or more move orders, per ply; pairs: game
pairs reaching one by different move orders).)doc");
    m.def("transposition_groups", &groups, py::arg("nodes"),
          R"doc(Every transposition of one partition's nodes (sorted in place; must be writable), in position order.

Returns a dict: position (k,) uint64, ply (k,) uint8, offsets (k + 1,) int64 and per move order games
(uint64) and example (uint64, the least game id; 0 for nodes without examples).)doc");
}

}  // namespace mothello_py
