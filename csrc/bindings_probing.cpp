// Bindings of the probing labels: per token position, from a replay of the moves or from the
// per-ply label columns stored in shards. Both return the same dict.
#include <string>

#include "bindings_common.hpp"
#include "engine.hpp"
#include "position_labels.hpp"

namespace mothello_py {
namespace {

using namespace mothello;

// Checks the arguments both label functions share and allocates the requested outputs.
struct LabelCall {
    py::dict result;
    PositionIndex index{};
    PositionOutputs out;
};

LabelCall prepare(const char* fn, const carray<std::uint8_t>& moves, const carray<std::uint8_t>& lengths,
                  const carray<std::int16_t>& state_index, const carray<std::int64_t>& n_tokens, bool board_state,
                  bool legal_moves, bool flipped, bool player, bool states, int threads, const GameRules& rules,
                  bool legal_squares) {
    check_threads(threads);
    const std::string name(fn);
    if (state_index.ndim() != 2) throw py::value_error(name + ": state_index must be (n, T)");
    const py::ssize_t n = state_index.shape(0), T = state_index.shape(1);
    const int width = check_move_rows(name, moves, lengths);
    if (moves.shape(0) != n || n_tokens.ndim() != 1 || n_tokens.shape(0) != n)
        throw py::value_error(name + ": moves (n, W), lengths (n,) and n_tokens (n,) must agree");
    const py::ssize_t S = width + 1;
    LabelCall call;
    call.index = PositionIndex{state_index.data(), n_tokens.data(), n, T, width};
    if (states) {  // the per-state rows instead of per-position labels
        call.out.states = StateRows{new_output<std::uint64_t>(call.result, "state_boards", {n, S, 2}),
                                    new_output<std::uint8_t>(call.result, "state_player", {n, S}),
                                    new_output<std::uint64_t>(call.result, "state_legal", {n, S}),
                                    new_output<std::uint64_t>(call.result, "state_flipped", {n, S}),
                                    static_cast<int>(S)};
        return call;
    }
    if (legal_moves && !legal_squares) {  // the 60-move index has no centre squares, which delflank can play
        for (py::ssize_t g = 0; g < n; ++g)
            if (rules.of(g) == kDelFlankRule)
                throw py::value_error(name + ": legal_moves over the 60-move index cannot hold delflank's centre squares; "
                                      "use legal_squares=True (64 squares) or states=True");
    }
    call.out.legal_squares = legal_squares;
    // bools are filled as bytes 0 / 1
    if (board_state) call.out.board = new_output<std::int8_t>(call.result, "board_state", {n, T, 64});
    if (legal_moves)
        call.out.legal = reinterpret_cast<std::uint8_t*>(
            new_output<bool>(call.result, "legal_moves", {n, T, legal_squares ? 64 : 60}));
    if (flipped) call.out.flipped = reinterpret_cast<std::uint8_t*>(new_output<bool>(call.result, "flipped", {n, T, 64}));
    if (player) call.out.player = new_output<std::int8_t>(call.result, "player", {n, T});
    return call;
}

py::dict replay_labels(carray<std::uint8_t> moves, carray<std::uint8_t> lengths, carray<std::int16_t> state_index,
                       carray<std::int64_t> n_tokens, bool board_state, bool legal_moves, bool flipped, bool player,
                       bool states, int threads, int rule, py::object rules_per_game, bool pass_token, bool legal_squares) {
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, moves.shape(0), holder);
    LabelCall call = prepare("replay_position_labels", moves, lengths, state_index, n_tokens, board_state,
                             legal_moves, flipped, player, states, threads, rules, legal_squares);
    {
        py::gil_scoped_release release;  // a bad move throws std::invalid_argument: ValueError
        replay_position_labels(moves.data(), lengths.data(), call.index, threads, call.out, rules);
    }
    return call.result;
}

py::dict stored_labels(carray<std::uint64_t> board_before, carray<std::uint64_t> legal, carray<std::uint64_t> flipped_,
                       carray<std::uint8_t> player_, carray<std::uint8_t> moves, carray<std::uint8_t> lengths,
                       carray<std::int16_t> state_index, carray<std::int64_t> n_tokens, bool board_state,
                       bool legal_moves, bool flipped, bool player, bool states, int threads, int rule,
                       py::object rules_per_game, bool pass_token, bool legal_squares) {
    exact_array<std::uint8_t> holder;
    const GameRules rules = game_rules(rule, rules_per_game, pass_token, moves.shape(0), holder);
    LabelCall call = prepare("stored_position_labels", moves, lengths, state_index, n_tokens, board_state,
                             legal_moves, flipped, player, states, threads, rules, legal_squares);
    const py::ssize_t n = call.index.n, W = call.index.width;
    const auto plies_ok = [n, W](const py::array& a, int extra) {
        return a.ndim() == (extra ? 3 : 2) && a.shape(0) == n && a.shape(1) == W && (!extra || a.shape(2) == extra);
    };
    if (!plies_ok(board_before, 2) || !plies_ok(legal, 0) || !plies_ok(flipped_, 0) || !plies_ok(player_, 0))
        throw py::value_error("stored_position_labels: board_before must be (n, W, 2) and legal, flipped, player (n, W), "
                              "W the width of moves");
    // `player` indexes the board pairs in C++: a value other than 0/1 would write out of bounds.
    const std::uint8_t* who = player_.data();
    for (py::ssize_t i = 0; i < n * W; ++i)
        if (who[i] > 1)
            throw py::value_error("stored_position_labels: game " + std::to_string(i / W) + ", ply " +
                                  std::to_string(i % W) + ": player " + std::to_string(who[i]) +
                                  " is not 0 (black) or 1 (white)");
    const StoredPlies plies{board_before.data(), legal.data(), flipped_.data(), player_.data()};
    {
        py::gil_scoped_release release;
        stored_position_labels(plies, moves.data(), lengths.data(), call.index, threads, call.out, rules);
    }
    return call.result;
}

constexpr const char* kOutputs = R"doc(
Returns a dict with the requested labels, per token position t of game g, for the state s =
state_index[g, t] (the position after s moves; state `length` is the final position with the pass
rule resolved: the side that can move next, or, game over, the opponent of the last mover with no
legal moves):
  board_state (n, T, 64) int8: 0 empty, 1 mine, 2 theirs for the player to move (pads: -100);
  legal_moves (n, T, 60) bool over the move index (n, T, 64 over the squares with legal_squares);
  flipped (n, T, 64) bool: discs turned over (delflank: removed) by the move that made s; player
  (n, T) int8: player to move (0 black, 1 white).
Positions t >= n_tokens[g] are pads (zeros, board -100).
With states=True it returns the states themselves instead (the packed form, 8 bytes per bitboard),
for s = 0..W of each game: state_boards (n, W+1, 2) uint64 (black, white), state_player (n, W+1)
uint8, state_legal (n, W+1) uint64 (bit i = square i), state_flipped (n, W+1) uint64; states past
the final one repeat it with no legal moves and no flips.)doc";

}  // namespace

void bind_probing(py::module_& m) {
    m.def("replay_position_labels", &replay_labels, py::arg("moves"), py::arg("lengths"), py::arg("state_index"),
          py::arg("n_tokens"), py::arg("board_state") = true, py::arg("legal_moves") = true,
          py::arg("flipped") = true, py::arg("player") = true, py::arg("states") = false, py::arg("threads") = 1,
          py::arg("rule") = 0, py::arg("rules") = py::none(), py::arg("pass_token") = false,
          py::arg("legal_squares") = false,
          (std::string(R"doc(Probing labels per token position, replaying the games in the engine's game loop.

Args: moves (n, W) uint8 (255-padded; W = 60 for classic rows), lengths (n,) uint8 <= W, state_index
(n, T) int16 (0..W), n_tokens (n,) int64, the four bool flags choosing the outputs, states (bool),
threads (int >= 1), rule or rules and pass_token (as replay(); flipped holds delflank's removals;
a written pass makes a state with the passing side to move and no legal moves), legal_squares
(legal_moves over the 64 squares instead of the 60-move index; needed for delflank).)doc") + kOutputs + R"doc(
Raises ValueError on shapes that disagree, a length over W, threads < 1, a bad move (same
messages as replay(), lowest bad game), or legal_moves over the 60-move index for a delflank game.)doc").c_str());
    // The label columns `flipped` and `player` share their names with two output flags, so the
    // eight arrays are positional-only (their keyword names are unused).
    m.def("stored_position_labels", &stored_labels, py::arg("board_before"), py::arg("legal"), py::arg("ply_flipped"),
          py::arg("ply_player"), py::arg("moves"), py::arg("lengths"), py::arg("state_index"), py::arg("n_tokens"),
          py::pos_only(), py::arg("board_state") = true, py::arg("legal_moves") = true, py::arg("flipped") = true,
          py::arg("player") = true, py::arg("states") = false, py::arg("threads") = 1, py::arg("rule") = 0,
          py::arg("rules") = py::none(), py::arg("pass_token") = false, py::arg("legal_squares") = false,
          (std::string(R"doc(Probing labels per token position from the per-ply label columns stored in shards.

Args (the eight arrays positional-only): board_before (n, W, 2) uint64 (black, white), legal (n, W)
uint64, flipped (n, W) uint64, player (n, W) uint8, moves (n, W) uint8 (255-padded), lengths (n,) uint8 <= W, state_index
(n, T) int16, n_tokens (n,) int64, the four bool flags, states (bool), threads (int >= 1), rule or
rules, pass_token and legal_squares (as replay_position_labels). States before the
last move are read from the columns; the final state is built by playing the last move on its
before-board, then the pass rule (the same rule as replay_position_labels).)doc") + kOutputs + R"doc(
Raises ValueError on shapes that disagree, a length over W, threads < 1, or a last move that is
out of range or not in the stored legal set (same messages as replay()).)doc").c_str());
}

}  // namespace mothello_py
