// pybind11 bindings: thin batch calls. Output arrays are allocated as numpy arrays and filled in
// place with the GIL released, so nothing is copied on the way back to Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "encode.hpp"
#include "engine.hpp"
#include "position_labels.hpp"
#include "targets.hpp"

namespace py = pybind11;
using namespace mothello;

namespace {

// Allocates a numpy array of `shape`, stores it as result[name] and returns its buffer, which the
// engine then fills in place (with the GIL released).
template <class T>
T* new_output(py::dict& result, const char* name, std::vector<py::ssize_t> shape) {
    py::array_t<T> array(shape);
    result[name] = array;
    return array.mutable_data();
}

// Allocates the per-ply label arrays, points `labels` at them and adds them to `result`.
void add_label_arrays(py::ssize_t n, PlyLabels& labels, py::dict& result) {
    const py::ssize_t P = kMaxPlies;
    labels.before = new_output<std::uint64_t>(result, "board_before", {n, P, 2});
    labels.after = new_output<std::uint64_t>(result, "board_after", {n, P, 2});
    labels.legal = new_output<std::uint64_t>(result, "legal", {n, P});
    labels.flipped = new_output<std::uint64_t>(result, "flipped", {n, P});
    labels.player = new_output<std::uint8_t>(result, "player", {n, P});
    labels.passed = new_output<std::uint8_t>(result, "passed", {n, P});
}

void check_threads(int threads) {
    if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
}

py::dict generate(std::int64_t n_games, std::uint64_t seed, std::uint64_t first_game_index, int threads,
                  bool labels) {
    if (n_games < 0) throw py::value_error("n_games must be >= 0, got " + std::to_string(n_games));
    check_threads(threads);
    py::dict result;
    GameArrays out;
    out.moves = new_output<std::uint8_t>(result, "moves", {n_games, kMaxPlies});
    out.lengths = new_output<std::uint8_t>(result, "lengths", {n_games});
    if (labels) add_label_arrays(n_games, out.labels, result);
    {
        py::gil_scoped_release release;
        generate_games(n_games, seed, first_game_index, threads, out);
    }
    return result;
}

py::dict replay(py::array_t<std::uint8_t, py::array::c_style> moves,
                py::array_t<std::uint8_t, py::array::c_style> lengths, int threads, bool labels) {
    check_threads(threads);
    if (moves.ndim() != 2) throw py::value_error("moves must be a 2-D array (games x plies)");
    if (lengths.ndim() != 1 || lengths.shape(0) != moves.shape(0))
        throw py::value_error("lengths must be a 1-D array with one entry per game");
    const py::ssize_t n = moves.shape(0);
    const int width = static_cast<int>(moves.shape(1));
    const std::uint8_t* len = lengths.data();
    for (py::ssize_t i = 0; i < n; ++i) {
        if (len[i] > width || len[i] > kMaxPlies)
            throw py::value_error("game " + std::to_string(i) + ": length " + std::to_string(len[i]) +
                                  " exceeds the row width or 60 plies");
    }
    py::dict result;
    GameArrays out;
    out.lengths = new_output<std::uint8_t>(result, "lengths", {n});
    out.ended = new_output<std::uint8_t>(result, "ended", {n});
    if (labels) add_label_arrays(n, out.labels, result);
    {
        py::gil_scoped_release release;
        replay_games(moves.data(), n, width, len, threads, out);
    }
    return result;
}

// Tokens of a batch of games in their languages, as Arrow-style values + offsets.
py::dict encode(py::array_t<std::uint8_t, py::array::c_style> moves,
                py::array_t<std::uint8_t, py::array::c_style> lengths,
                py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> langs,
                py::array_t<std::uint16_t, py::array::c_style> seq, py::array_t<std::uint8_t, py::array::c_style> seq_len,
                py::object tag_ids) {
    if (moves.ndim() != 2 || lengths.ndim() != 1 || langs.ndim() != 1 || lengths.shape(0) != moves.shape(0) ||
        langs.shape(0) != moves.shape(0))
        throw py::value_error("encode: moves (n, w), lengths (n,) and langs (n,) must agree");
    if (seq.ndim() != 3 || seq.shape(1) != 64 || seq.shape(2) != 3 || seq_len.ndim() != 2 ||
        seq_len.shape(0) != seq.shape(0) || seq_len.shape(1) != 64)
        throw py::value_error("encode: bad token table");
    const py::ssize_t n = moves.shape(0);
    const int width = static_cast<int>(moves.shape(1));
    TokenTable table{seq.data(), seq_len.data(), nullptr, static_cast<int>(seq.shape(0))};
    py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> tags;
    if (!tag_ids.is_none()) {
        tags = tag_ids.cast<py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>>();
        if (tags.ndim() != 1 || tags.shape(0) != seq.shape(0)) throw py::value_error("encode: bad tag ids");
        table.tag_ids = tags.data();
    }
    const std::int64_t* lang = langs.data();
    const std::uint8_t* len = lengths.data();
    for (py::ssize_t g = 0; g < n; ++g) {
        if (lang[g] < 0 || lang[g] >= table.n_langs)
            throw py::value_error("game " + std::to_string(g) + ": language " + std::to_string(lang[g]) + " does not exist");
        if (len[g] > width) throw py::value_error("game " + std::to_string(g) + ": length exceeds the row width");
    }
    py::array_t<std::int64_t> offsets(n + 1);
    std::int64_t bad = -1, total_moves = 0;
    bool ok;
    {
        py::gil_scoped_release release;
        ok = count_tokens(table, moves.data(), width, len, lang, n, offsets.mutable_data(), &bad);
        for (py::ssize_t g = 0; g < n; ++g) total_moves += len[g];
    }
    if (!ok) throw py::value_error("game " + std::to_string(bad) + ": a move is not a playable square");
    const std::int64_t total = offsets.data()[n];
    py::array_t<std::uint16_t> tokens(total);
    py::array_t<std::int8_t> token_ply(total);
    py::array_t<std::uint8_t> flat_moves(total_moves);
    {
        py::gil_scoped_release release;
        write_tokens(table, moves.data(), width, len, lang, n, offsets.data(), tokens.mutable_data(),
                     token_ply.mutable_data(), flat_moves.mutable_data());
    }
    py::dict out;
    out["tokens"] = tokens;
    out["offsets"] = offsets;
    out["token_ply"] = token_ply;
    out["moves"] = flat_moves;
    return out;
}

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Allocates the requested per-position label arrays into `result` (bools are filled as bytes 0 / 1).
PositionOutputs position_outputs(py::dict& result, py::ssize_t n, py::ssize_t T, bool board, bool legal,
                                 bool flipped, bool player) {
    PositionOutputs out;
    if (board) out.board = new_output<std::int8_t>(result, "board_state", {n, T, 64});
    if (legal) out.legal = reinterpret_cast<std::uint8_t*>(new_output<bool>(result, "legal_moves", {n, T, 60}));
    if (flipped) out.flipped = reinterpret_cast<std::uint8_t*>(new_output<bool>(result, "flipped", {n, T, 64}));
    if (player) out.player = new_output<std::int8_t>(result, "player", {n, T});
    return out;
}

py::dict replay_position_labels_py(carray<std::uint8_t> moves, carray<std::uint8_t> lengths,
                                   carray<std::int16_t> state_index, carray<std::int64_t> n_tokens, bool want_board,
                                   bool want_legal, bool want_flipped, bool want_player, int threads) {
    check_threads(threads);
    if (state_index.ndim() != 2) throw py::value_error("replay_position_labels: state_index must be (n, T)");
    const py::ssize_t n = state_index.shape(0), T = state_index.shape(1);
    if (moves.ndim() != 2 || moves.shape(0) != n || moves.shape(1) != kMaxPlies || lengths.ndim() != 1 ||
        lengths.shape(0) != n || n_tokens.ndim() != 1 || n_tokens.shape(0) != n)
        throw py::value_error("replay_position_labels: moves (n, 60), lengths (n,) and n_tokens (n,) must agree");
    for (py::ssize_t g = 0; g < n; ++g)
        if (lengths.data()[g] > kMaxPlies) throw py::value_error("game " + std::to_string(g) + ": length exceeds 60");
    py::dict result;
    const PositionOutputs out = position_outputs(result, n, T, want_board, want_legal, want_flipped, want_player);
    {
        py::gil_scoped_release release;  // a bad move throws std::invalid_argument: ValueError
        replay_position_labels(moves.data(), lengths.data(), state_index.data(), n_tokens.data(), n, T, threads, out);
    }
    return result;
}

py::dict position_labels(carray<std::uint64_t> boards, carray<std::uint8_t> player, carray<std::uint64_t> legal,
                         carray<std::uint64_t> flipped, carray<std::int16_t> state_index, carray<std::int64_t> n_tokens,
                         bool want_board, bool want_legal, bool want_flipped, bool want_player, int threads) {
    check_threads(threads);
    if (state_index.ndim() != 2) throw py::value_error("position_labels: state_index must be (n, T)");
    const py::ssize_t n = state_index.shape(0), T = state_index.shape(1);
    const auto states_ok = [n](const py::array& a, int extra) {
        return a.ndim() == (extra ? 3 : 2) && a.shape(0) == n && a.shape(1) == kStates && (!extra || a.shape(2) == extra);
    };
    if (!states_ok(boards, 2) || !states_ok(player, 0) || !states_ok(legal, 0) || !states_ok(flipped, 0) ||
        n_tokens.ndim() != 1 || n_tokens.shape(0) != n)
        throw py::value_error("position_labels: state arrays must be (n, 61[, 2]) and n_tokens (n,)");
    py::dict result;
    const PositionOutputs out = position_outputs(result, n, T, want_board, want_legal, want_flipped, want_player);
    StateArrays states{boards.data(), player.data(), legal.data(), flipped.data()};
    {
        py::gil_scoped_release release;
        expand_position_labels(states, state_index.data(), n_tokens.data(), n, T, threads, out);
    }
    return result;
}

py::dict token_targets_py(carray<std::uint16_t> tokens, carray<std::int8_t> token_ply, carray<std::int64_t> n_tokens,
                          carray<std::uint8_t> moves, carray<std::int64_t> lengths, carray<std::int16_t> square_to_move,
                          bool unified) {
    if (tokens.ndim() != 2 || token_ply.ndim() != 2 || tokens.shape(0) != token_ply.shape(0) ||
        tokens.shape(1) != token_ply.shape(1))
        throw py::value_error("token_targets: tokens and token_ply must be the same (n, T) shape");
    const py::ssize_t n = tokens.shape(0), T = tokens.shape(1);
    if (n_tokens.ndim() != 1 || n_tokens.shape(0) != n || lengths.ndim() != 1 || lengths.shape(0) != n ||
        moves.ndim() != 2 || moves.shape(0) != n || moves.shape(1) != kMaxPlies || square_to_move.size() != 64)
        throw py::value_error("token_targets: n_tokens (n,), moves (n, 60), lengths (n,), square_to_move (64,)");
    py::dict result;
    auto* targets = new_output<std::int64_t>(result, "targets", {n, T});
    auto* completes = reinterpret_cast<std::uint8_t*>(new_output<bool>(result, "completes", {n, T}));
    {
        py::gil_scoped_release release;
        token_targets(tokens.data(), token_ply.data(), n_tokens.data(), moves.data(), lengths.data(),
                      square_to_move.data(), n, T, unified, targets, completes);
    }
    return result;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "Native bitboard Othello engine of mothello-data (see mothello_data.engine).";
    m.def("generate", &generate, py::arg("n_games"), py::arg("seed"), py::arg("first_game_index") = 0,
          py::arg("threads") = 1, py::arg("labels") = false);
    m.def("replay", &replay, py::arg("moves"), py::arg("lengths"), py::arg("threads") = 1,
          py::arg("labels") = true);
    m.def(
        "perft",
        [](int depth) {
            py::gil_scoped_release release;
            return perft(depth);
        },
        py::arg("depth"));
    m.def("encode", &encode, py::arg("moves"), py::arg("lengths"), py::arg("langs"), py::arg("seq"),
          py::arg("seq_len"), py::arg("tag_ids") = py::none());
    m.def("position_labels", &position_labels, py::arg("boards"), py::arg("player"), py::arg("legal"),
          py::arg("flipped"), py::arg("state_index"), py::arg("n_tokens"), py::arg("board") = true,
          py::arg("legal_moves") = true, py::arg("flipped_discs") = true, py::arg("player_to_move") = true,
          py::arg("threads") = 1);
    m.def("replay_position_labels", &replay_position_labels_py, py::arg("moves"), py::arg("lengths"),
          py::arg("state_index"), py::arg("n_tokens"), py::arg("board") = true, py::arg("legal_moves") = true,
          py::arg("flipped_discs") = true, py::arg("player_to_move") = true, py::arg("threads") = 1);
    m.def("token_targets", &token_targets_py, py::arg("tokens"), py::arg("token_ply"), py::arg("n_tokens"),
          py::arg("moves"), py::arg("lengths"), py::arg("square_to_move"), py::arg("unified"));
    m.def("kernel", &kernel_name);
#ifndef MOTHELLO_BUILD_TYPE
#define MOTHELLO_BUILD_TYPE "unknown"
#endif
    m.def("build_type", [] { return std::string(MOTHELLO_BUILD_TYPE); });
    m.attr("PAD_SQUARE") = kPadSquare;
    m.attr("MAX_PLIES") = kMaxPlies;
}
