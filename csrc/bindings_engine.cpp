// Bindings of the game engine: generate, replay, perft, kernel, build_type, constants, mix64,
// row_hashes.
#include <algorithm>
#include <cstring>
#include <string>

#include "bindings_common.hpp"
#include "engine.hpp"
#include "game_loop.hpp"
#include "policies.hpp"
#include "rng.hpp"

namespace mothello_py {
namespace {

using namespace mothello;

// Allocates the per-ply label arrays, points `labels` at them and adds them to `result`.
void add_label_arrays(py::ssize_t n, py::ssize_t P, PlyLabels& labels, py::dict& result) {
    labels.before = new_output<std::uint64_t>(result, "board_before", {n, P, 2});
    labels.after = new_output<std::uint64_t>(result, "board_after", {n, P, 2});
    labels.legal = new_output<std::uint64_t>(result, "legal", {n, P});
    labels.flipped = new_output<std::uint64_t>(result, "flipped", {n, P});
    labels.player = new_output<std::uint8_t>(result, "player", {n, P});
    labels.passed = new_output<std::uint8_t>(result, "passed", {n, P});
}

py::dict generate(std::int64_t n_games, std::uint64_t seed, std::uint64_t first_game_index, int threads,
                  bool labels, int policy, int depth, std::uint64_t epsilon_threshold, int white_policy,
                  int white_depth, std::uint64_t white_epsilon_threshold, int opening_plies, int rule,
                  py::object rules_per_game, bool pass_token, int max_plies) {
    if (n_games < 0) throw py::value_error("n_games must be >= 0, got " + std::to_string(n_games));
    check_threads(threads);
    if (max_plies < 1 || max_plies > kMaxWidth)
        throw py::value_error("max_plies must be in 1.." + std::to_string(kMaxWidth) + ", got " + std::to_string(max_plies));
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, n_games, holder);
    const bool match = white_policy >= 0;
    if (!match && policy == kUniform && (depth != 0 || epsilon_threshold != 0))
        throw py::value_error("the uniform policy takes no depth or epsilon");
    const PolicyConfig cfg[2] = {{policy, depth, epsilon_threshold},
                                 match ? PolicyConfig{white_policy, white_depth, white_epsilon_threshold}
                                       : PolicyConfig{policy, depth, epsilon_threshold}};
    py::dict result;
    GameArrays out;
    out.width = max_plies;
    out.moves = new_output<std::uint8_t>(result, "moves", {n_games, max_plies});
    out.lengths = new_output<std::uint8_t>(result, "lengths", {n_games});
    out.ended = new_output<std::uint8_t>(result, "ended", {n_games});
    if (labels) add_label_arrays(n_games, max_plies, out.labels, result);
    {
        py::gil_scoped_release release;
        if (policy == kUniform && !match && opening_plies == 0)
            generate_games(n_games, seed, first_game_index, threads, out, rules);
        else
            generate_policy_games(n_games, seed, first_game_index, cfg, opening_plies, threads, out, rules);
    }
    return result;
}

py::dict replay(exact_array<std::uint8_t> moves, exact_array<std::uint8_t> lengths, int threads, bool labels, int rule,
                py::object rules_per_game, bool pass_token) {
    check_threads(threads);
    if (moves.ndim() != 2) throw py::value_error("moves must be a 2-D array (games x plies)");
    if (lengths.ndim() != 1 || lengths.shape(0) != moves.shape(0))
        throw py::value_error("lengths must be a 1-D array with one entry per game");
    const py::ssize_t n = moves.shape(0);
    const int width = static_cast<int>(moves.shape(1));
    const std::uint8_t* len = lengths.data();
    for (py::ssize_t i = 0; i < n; ++i) {
        if (len[i] > width)
            throw py::value_error("game " + std::to_string(i) + ": length " + std::to_string(len[i]) +
                                  " exceeds the row width " + std::to_string(width));
    }
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, n, holder);
    py::dict result;
    GameArrays out;
    out.width = width;
    out.lengths = new_output<std::uint8_t>(result, "lengths", {n});
    out.ended = new_output<std::uint8_t>(result, "ended", {n});
    if (labels) add_label_arrays(n, width, out.labels, result);
    {
        py::gil_scoped_release release;
        replay_games(moves.data(), n, width, len, threads, out, rules);
    }
    return result;
}

py::array_t<std::uint64_t> mix64_py(exact_array<std::uint64_t> values) {
    py::array_t<std::uint64_t> out(std::vector<py::ssize_t>(values.shape(), values.shape() + values.ndim()));
    const std::uint64_t* in = values.data();
    std::uint64_t* dst = out.mutable_data();
    const py::ssize_t n = values.size();
    {
        py::gil_scoped_release release;
        for (py::ssize_t i = 0; i < n; ++i) dst[i] = mix64(in[i]);
    }
    return out;
}

// Hash of each byte row, as mothello_data.held_out.game_hashes defines it: the row padded with 255 to
// a multiple of 8 bytes (at least 64), read as little-endian uint64 words w_0.., chained from iv:
// z = mix64(z ^ w_i). One pass instead of numpy's pad copy and one array pass per word.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "row_hashes reads words as little-endian");
py::array_t<std::uint64_t> row_hashes_py(exact_array<std::uint8_t> rows, std::uint64_t iv) {
    if (rows.ndim() != 2) throw py::value_error("row_hashes: rows must be 2-D (n, width) uint8");
    const py::ssize_t n = rows.shape(0), width = rows.shape(1);
    const py::ssize_t words = std::max<py::ssize_t>(8, (width + 7) / 8);
    py::array_t<std::uint64_t> out(n);
    const std::uint8_t* in = rows.data();
    std::uint64_t* dst = out.mutable_data();
    // Word w of row g, the bytes past the row's end read as 255.
    auto word = [&](py::ssize_t g, py::ssize_t w) {
        const std::uint8_t* row = in + g * width;
        if ((w + 1) * 8 <= width) {
            std::uint64_t x;
            std::memcpy(&x, row + w * 8, 8);  // little-endian hosts (x86-64, arm64): the word as read
            return x;
        }
        std::uint64_t x = 0;
        for (int b = 7; b >= 0; --b) x = (x << 8) | (w * 8 + b < width ? row[w * 8 + b] : 0xFFu);
        return x;
    };
    {
        py::gil_scoped_release release;
        constexpr int kLanes = 4;  // rows hashed side by side: the mix64 chain of one row is serial
        py::ssize_t g = 0;
        for (; g + kLanes <= n; g += kLanes) {
            std::uint64_t z[kLanes] = {iv, iv, iv, iv};
            for (py::ssize_t w = 0; w < words; ++w)
                for (int k = 0; k < kLanes; ++k) z[k] = mix64(z[k] ^ word(g + k, w));
            for (int k = 0; k < kLanes; ++k) dst[g + k] = z[k];
        }
        for (; g < n; ++g) {
            std::uint64_t z = iv;
            for (py::ssize_t w = 0; w < words; ++w) z = mix64(z ^ word(g, w));
            dst[g] = z;
        }
    }
    return out;
}

}  // namespace

void bind_engine(py::module_& m) {
    m.def("generate", &generate, py::arg("n_games"), py::arg("seed"), py::arg("first_game_index") = 0,
          py::arg("threads") = 1, py::arg("labels") = false, py::arg("policy") = 0, py::arg("depth") = 0,
          py::arg("epsilon_threshold") = 0, py::arg("white_policy") = -1, py::arg("white_depth") = 0,
          py::arg("white_epsilon_threshold") = 0, py::arg("opening_plies") = 0, py::arg("rule") = 0,
          py::arg("rules") = py::none(), py::arg("pass_token") = false, py::arg("max_plies") = kMaxPlies,
          R"doc(Play n_games games; game k is game first_game_index + k of the run `seed`.

Args: n_games (int >= 0), seed and first_game_index (uint64), threads (int >= 1; the output does not
depend on it), labels (bool), policy (0 uniform random, 1 greedy, 2 mobility, 3 search; policies.hpp),
depth (search: 1..8), epsilon_threshold (0..2**32: a ply plays a uniform move when the high 32 bits
of its draw are below it). white_policy, white_depth, white_epsilon_threshold: a match, where white
plays this policy and black the first one (white_policy -1: both sides play the first). opening_plies
(0..60): the first plies are uniformly random moves (the same ones for any policies: paired matches).
rule (0 classic, 1 nomidflip, 2 delflank) for every game, or rules: a uint8 array of one rule id per
game. pass_token: a forced pass is a ply of its own, written as 64. max_plies (1..255): a game stops
after that many plies (passes count when written) and is then not ended.
Returns a dict: moves (n, max_plies) uint8 squares padded with 255, lengths (n,) uint8, ended (n,)
uint8 (1: nobody can move, 0: cut at max_plies); with labels also board_before, board_after
(n, max_plies, 2) uint64 (black, white), legal, flipped (n, max_plies) uint64 (flips, or delflank's
removals), player, passed (n, max_plies) uint8 (0 past a game's end).
Raises ValueError when n_games < 0, threads < 1, for a bad policy, depth, epsilon_threshold, rule
id or max_plies.)doc");
    m.def("replay", &replay, py::arg("moves"), py::arg("lengths"), py::arg("threads") = 1,
          py::arg("labels") = true, py::arg("rule") = 0, py::arg("rules") = py::none(), py::arg("pass_token") = false,
          R"doc(Replay games from the start position of their rule.

Args: moves (n, w) uint8 squares, lengths (n,) uint8 with lengths <= w, threads (int >= 1),
labels (bool), rule or rules (as generate()), pass_token (a 64 must sit exactly at a forced pass;
without it passes are implicit and 64 is out of range). Label arrays have the row width w.
Returns a dict: lengths (n,) uint8, ended (n,) uint8 (1 when nobody can move after the last move),
and with labels the per-ply arrays of generate().
Raises ValueError on bad shapes, a length over the row width or 60, threads < 1, or a bad move:
"game G, ply P: square S is out of range 0..63", "...: illegal move d3 (19)" or
"...: move after the game ended: d3 (19)", "...: illegal pass (64): ...", "...: a pass (64) is
forced here, got d3 (19)" (the lowest bad game); a bad rule id. TypeError for another dtype.)doc");
    m.def(
        "perft",
        [](int depth, int rule) {
            py::gil_scoped_release release;
            return perft(depth, rule);
        },
        py::arg("depth"), py::arg("rule") = 0,
        R"doc(Leaf count of the game tree from the start position of `rule` (0 classic, 1 nomidflip,
2 delflank) to `depth` (int); a forced pass counts as a move and a finished game as a leaf.
Returns int. Raises ValueError when depth < 0 or for a bad rule id.)doc");
    m.def("kernel", &kernel_name,
          R"doc(Name of the kernel chosen at run time: "bmi2" or "generic" (MOTHELLO_KERNEL=generic or bmi2 forces
it). Raises ValueError for another MOTHELLO_KERNEL value, or bmi2 on a CPU without BMI2/POPCNT.)doc");
#ifndef MOTHELLO_BUILD_TYPE
#define MOTHELLO_BUILD_TYPE "unknown"
#endif
    m.def(
        "build_type", [] { return std::string(MOTHELLO_BUILD_TYPE); },
        R"doc(CMake build type of this extension, e.g. "Release".)doc");
    m.def("mix64", &mix64_py, py::arg("values"),
          R"doc(Elementwise SplitMix64 finaliser (rng.hpp mix64, the mixer of the counter RNG).

Args: values, a uint64 array of any shape. Returns a new uint64 array of the same shape.
Raises TypeError for another dtype.)doc");
    m.def("row_hashes", &row_hashes_py, py::arg("rows"), py::arg("iv"),
          R"doc(64-bit hash of each row of a (n, width) uint8 array (mothello_data.held_out.game_hashes).

The row, padded with 255 to a multiple of 8 bytes and at least 64, is read as little-endian uint64
words w_0, w_1, ...; z = iv, then z = mix64(z ^ w_i) for each word. Returns (n,) uint64.
Raises TypeError for another dtype, ValueError for another number of dimensions.)doc");
    m.attr("PAD_SQUARE") = kPadSquare;
    m.attr("MAX_PLIES") = kMaxPlies;
    m.attr("MAX_WIDTH") = kMaxWidth;
    m.attr("PASS_MOVE") = kPassSquare;
}

}  // namespace mothello_py
