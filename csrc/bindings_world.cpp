// Bindings of the world-model labels (issue #13): position hashes, the board symmetries, and the
// labels of world_labels.hpp per ply and per token position.
#include <string>

#include "bindings_common.hpp"
#include "engine.hpp"
#include "hash_kernels.hpp"
#include "position_hash.hpp"
#include "world_labels.hpp"

namespace mothello_py {
namespace {

using namespace mothello;


// The hash (what 0), canonical hash (1) or canonical symmetry (2, uint8) of each position.
template <class T>
py::array_t<T> hashes_of(const char* fn, carray<std::uint64_t> black, carray<std::uint64_t> white,
                         carray<std::uint8_t> player, int what, py::object kernel_name) {
    const py::ssize_t n = black.size();
    if (white.size() != n || player.size() != n)
        throw py::value_error(std::string(fn) + ": black, white and player must have the same size");
    for (py::ssize_t i = 0; i < n; ++i)
        if (player.data()[i] > 1) throw py::value_error(std::string(fn) + ": player must be 0 (black) or 1 (white)");
    const HashKernel kernel = kernel_name.is_none() ? hash_kernel() : hash_kernel_named(kernel_name.cast<std::string>());
    py::array_t<T> out(std::vector<py::ssize_t>(black.shape(), black.shape() + black.ndim()));
    T* dst = out.mutable_data();
    const std::uint64_t *b = black.data(), *w = white.data();
    const std::uint8_t* p = player.data();
    {
        py::gil_scoped_release release;
        std::vector<std::uint64_t> boards(2 * static_cast<std::size_t>(n));  // [n][2] black, white
        for (py::ssize_t i = 0; i < n; ++i) {
            boards[2 * i] = b[i];
            boards[2 * i + 1] = w[i];
        }
        position_hashes(boards.data(), p, n, what == 0 ? reinterpret_cast<std::uint64_t*>(dst) : nullptr,
                        what == 1 ? reinterpret_cast<std::uint64_t*>(dst) : nullptr,
                        what == 2 ? reinterpret_cast<std::uint8_t*>(dst) : nullptr, kernel);
    }
    return out;
}

py::array_t<std::uint64_t> hashes(carray<std::uint64_t> black, carray<std::uint64_t> white, carray<std::uint8_t> player,
                                  bool canonical, py::object kernel_name) {
    return hashes_of<std::uint64_t>("position_hash", black, white, player, canonical ? 1 : 0, kernel_name);
}

py::array_t<std::uint8_t> symmetries(carray<std::uint64_t> black, carray<std::uint64_t> white, carray<std::uint8_t> player,
                                     py::object kernel_name) {
    return hashes_of<std::uint8_t>("canonical_symmetry", black, white, player, 2, kernel_name);
}

py::list hash_kernel_names() {
    py::list names;
    for (HashKernel k : runnable_hash_kernels()) names.append(hash_kernel_name(k));
    return names;
}

py::array_t<std::uint64_t> symmetry_py(carray<std::uint64_t> boards, int s) {
    if (s < 0 || s >= kSymmetries) throw py::value_error("symmetry must be in 0..7, got " + std::to_string(s));
    py::array_t<std::uint64_t> out(std::vector<py::ssize_t>(boards.shape(), boards.shape() + boards.ndim()));
    for (py::ssize_t i = 0; i < boards.size(); ++i) out.mutable_data()[i] = symmetry(s, boards.data()[i]);
    return out;
}

py::dict ply_labels(carray<std::uint8_t> moves, carray<std::uint8_t> lengths, bool hash, bool canonical, bool count,
                    bool mobility, int threads, int rule, py::object rules_per_game, bool pass_token, int hash_plies,
                    bool canonical_symmetry, bool passes) {
    check_threads(threads);
    const int W = check_move_rows("world_ply_labels", moves, lengths);
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, moves.shape(0), holder);
    const py::ssize_t n = moves.shape(0);
    py::dict result;
    if (hash_plies < -1 || hash_plies > W)
        throw py::value_error("world_ply_labels: hash_plies must be -1 (all) or in 0.." + std::to_string(W) + ", got " +
                              std::to_string(hash_plies));
    WorldPlyOutputs out;
    out.hash_plies = hash_plies < 0 ? W : hash_plies;
    const py::ssize_t H = out.hash_plies;  // the hash columns: only the plies hashed
    if (hash) out.hash = new_output<std::uint64_t>(result, "hash", {n, H});
    if (canonical) out.canonical = new_output<std::uint64_t>(result, "canonical_hash", {n, H});
    if (canonical_symmetry) out.symmetry = new_output<std::uint8_t>(result, "canonical_symmetry", {n, H});
    if (count) out.count = new_output<std::uint8_t>(result, "count", {n, W, 2});
    if (mobility) out.mobility = new_output<std::uint8_t>(result, "mobility", {n, W, 2});
    if (passes) out.passes = new_output<std::int64_t>(result, "passes", {n});
    {
        py::gil_scoped_release release;
        world_ply_labels(moves.data(), lengths.data(), n, W, threads, out, rules);
    }
    return result;
}

py::dict position_labels(carray<std::uint8_t> moves, carray<std::uint8_t> lengths, carray<std::int16_t> state_index,
                         carray<std::int64_t> n_tokens, py::list which, int threads, int rule,
                         py::object rules_per_game, bool pass_token) {
    check_threads(threads);
    const int W = check_move_rows("world_position_labels", moves, lengths);
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, moves.shape(0), holder);
    if (state_index.ndim() != 2 || state_index.shape(0) != moves.shape(0) || n_tokens.ndim() != 1 ||
        n_tokens.shape(0) != moves.shape(0))
        throw py::value_error("world_position_labels: state_index (n, T) and n_tokens (n,) must agree with moves");
    const py::ssize_t n = state_index.shape(0), T = state_index.shape(1);
    py::dict result;
    WorldPositionOutputs out;
    for (auto item : which) {
        const std::string name = py::str(item);
        if (name == "hash") out.hash = new_output<std::uint64_t>(result, "hash", {n, T});
        else if (name == "canonical_hash") out.canonical = new_output<std::uint64_t>(result, "canonical_hash", {n, T});
        else if (name == "disc_count") out.disc_count = new_output<std::int8_t>(result, "disc_count", {n, T, 2});
        else if (name == "mobility") out.mobility = new_output<std::int8_t>(result, "mobility", {n, T, 2});
        else if (name == "flip_count") out.flip_count = new_output<std::int8_t>(result, "flip_count", {n, T, 64});
        else if (name == "age") {
            if (W > 127) throw py::value_error("world_position_labels: age is int8: rows of at most 127 plies, got " + std::to_string(W));
            out.age = new_output<std::int8_t>(result, "age", {n, T, 64});
        }
        else if (name == "last_move") out.last_move = new_output<std::int8_t>(result, "last_move", {n, T});
        else if (name == "final_count") out.final_count = new_output<std::int8_t>(result, "final_count", {n, 2});
        else if (name == "winner") out.winner = new_output<std::int8_t>(result, "winner", {n});
        else throw py::value_error("world_position_labels: unknown label '" + name + "'");
    }
    const PositionIndex index{state_index.data(), n_tokens.data(), n, T, W};
    {
        py::gil_scoped_release release;
        world_position_labels(moves.data(), lengths.data(), index, threads, out, rules);
    }
    return result;
}

}  // namespace

void bind_world(py::module_& m) {
    m.def("position_hash", &hashes, py::arg("black"), py::arg("white"), py::arg("player"), py::arg("canonical") = false,
          py::arg("kernel") = py::none(),
          R"doc(Position hash (mothello-position-hash-v1) of (black, white, player to move), elementwise.

hash = mix64(mix64(mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player); with canonical=True the
least hash over the 8 board symmetries (colours kept). Args: black, white uint64 arrays, player
uint8 (0/1) of the same size; kernel: None (this process's, hash_kernel()) or a name from
hash_kernels() (every kernel gives the same values). Returns uint64 of black's shape. Raises
ValueError on sizes that differ, a player other than 0/1, or a kernel this CPU does not run.)doc");
    m.def("canonical_symmetry", &symmetries, py::arg("black"), py::arg("white"), py::arg("player"),
          py::arg("kernel") = py::none(),
          R"doc(Canonical symmetry of (black, white, player to move), elementwise: the least s (0..7) whose image
under symmetry s hashes to the canonical hash (position_hash(..., canonical=True)). Two positions are
equal exactly when their canonical hashes and canonical symmetries are (up to hash collisions).
Args and errors as position_hash. Returns uint8 of black's shape.)doc");
    m.def("hash_kernel", [] { return std::string(hash_kernel_name(hash_kernel())); },
          R"doc(Name of the position-hash kernel chosen at run time: "avx512gfni", "avx512", "avx2" or "scalar" (the best
this CPU runs; MOTHELLO_HASH_KERNEL forces one). Raises ValueError for a MOTHELLO_HASH_KERNEL value
that is not a kernel this CPU runs.)doc");
    m.def("hash_kernels", &hash_kernel_names,
          R"doc(Names of the position-hash kernels this build has and this CPU runs, "scalar" first.)doc");
    m.def("board_symmetry", &symmetry_py, py::arg("boards"), py::arg("symmetry"),
          R"doc(Symmetry s (0..7) applied to uint64 bitboards, elementwise: files mirrored when s & 1,
ranks flipped when s & 2, then transposed (a1-h8 diagonal) when s & 4. Returns a new array.
Raises ValueError for s outside 0..7.)doc");
    m.def("world_ply_labels", &ply_labels, py::arg("moves"), py::arg("lengths"), py::arg("hash") = true,
          py::arg("canonical_hash") = true, py::arg("count") = true, py::arg("mobility") = true,
          py::arg("threads") = 1, py::arg("rule") = 0, py::arg("rules") = py::none(), py::arg("pass_token") = false,
          py::arg("hash_plies") = -1, py::arg("canonical_symmetry") = false, py::arg("passes") = false,
          R"doc(World-model labels per ply, replaying the games in the engine's game loop.

Args: moves (n, W) uint8 (255-padded), lengths (n,) uint8 <= W, the four flags, threads (>= 1),
rule or rules and pass_token (as replay()), hash_plies (-1: every ply, H = W; 0..W: hashes are
computed for plies k < H = hash_plies only, and the hash columns hold those), canonical_symmetry and passes (flags of kinds that are not
stored labels).
Returns a dict of the asked arrays, ply k holding the position after the ply (pass rule resolved):
hash, canonical_hash (n, H) uint64; canonical_symmetry (n, H) uint8 (the least symmetry whose
image hashes to canonical_hash, as canonical_symmetry()); count, mobility (n, W, 2) uint8 (black,
white); passes (n,) int64, per game its passes: written passes, or the plies whose side to move
had to pass first (the plies whose mover also made the ply before). Plies past a game's end are 0.
Without mobility the replay generates no legal moves where a known move is legal. Raises ValueError on bad shapes or a bad move (as replay()).)doc");
    m.def("world_position_labels", &position_labels, py::arg("moves"), py::arg("lengths"), py::arg("state_index"),
          py::arg("n_tokens"), py::arg("which"), py::arg("threads") = 1, py::arg("rule") = 0,
          py::arg("rules") = py::none(), py::arg("pass_token") = false,
          R"doc(World-model labels per token position (state s = state_index[g, t]), replaying the games.

Args: moves (n, W) uint8, lengths (n,) uint8, state_index (n, T) int16 (0..W), n_tokens (n,) int64,
which (list of names; age needs W <= 127), threads, rule or rules and pass_token (as replay()). A
written pass is a state of its own (last_move 64). Under delflank a
removed disc's square is empty again (age -1, flip_count 0). Returns a dict: hash, canonical_hash (n, T) uint64; disc_count, mobility
(n, T, 2) int8 (mine, theirs for the player to move); flip_count, age (n, T, 64) int8; last_move
(n, T) int8 (-1 in state 0); final_count (n, 2) int8 (black, white); winner (n,) int8 (0 black,
1 white, 2 draw). Pads are 0. Raises ValueError on bad shapes, an unknown name or a bad move.)doc");
}

}  // namespace mothello_py
