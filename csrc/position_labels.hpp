// Probing labels per token position, from per-state arrays (state k = the position after k
// moves). Two ways to the states: replaying the moves (replay_position_labels) or reading the
// per-ply label columns stored in shards (stored_position_labels). Pure C++17.
#pragma once

#include <cstdint>

#include "game_sinks.hpp"  // StateRows: the per-state output
#include "targets.hpp"     // kIgnoreIndex: pad positions of board_state

namespace mothello {

// Per position outputs (any may be null): board [n][T][64] int8 0 empty / 1 mine / 2 theirs
// relative to the player to move (pad positions: pad_board), legal [n][T][60] 0/1 over the move
// index (or [n][T][64] over the squares with legal_squares), flipped [n][T][64] 0/1, player [n][T].
// Positions t >= n_tokens[g] are pads.
// Or, with states.boards set, the per-state rows themselves ([n][S] each; see StateRows), written
// instead of any per-position output: the packed form a loader ships and expands on the device.
struct PositionOutputs {
    bool legal_squares = false;  // legal over the 64 squares instead of the 60-move index
    std::int8_t* board = nullptr;
    std::uint8_t* legal = nullptr;
    std::uint8_t* flipped = nullptr;
    std::int8_t* player = nullptr;
    std::int8_t pad_board = static_cast<std::int8_t>(kIgnoreIndex);
    StateRows states{nullptr, nullptr, nullptr, nullptr};
};

// Which state each position sees: state_index [n][T] (0..width), n_tokens [n]; the move rows have
// `width` plies (states 0..width).
struct PositionIndex {
    const std::int16_t* state_index;
    const std::int64_t* n_tokens;
    std::int64_t n;
    std::int64_t T;
    int width = kMaxPlies;
};

// Replays games (moves [n][width], lengths [n] <= width) through the engine's game loop and writes the
// per-position labels. State k < length is the position before move k with the pass rule
// resolved; state `length` is the final position: the side that can move next, or (game over)
// the opponent of the last mover with no legal moves. A bad move throws as engine replay does
// (throw_replay_error, lowest game first).
// `rules`: the games' rules (board.hpp) and whether passes are written.
void replay_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const PositionIndex& index,
                            int threads, const PositionOutputs& out, const GameRules& rules = GameRules{});

// Per-ply label columns as stored in shards, all [n][width]: board_before [n][width][2] (black, white).
struct StoredPlies {
    const std::uint64_t* board_before;
    const std::uint64_t* legal;
    const std::uint64_t* flipped;
    const std::uint8_t* player;
};

// The same labels from stored per-ply columns: states k < length are read from ply k; the final
// state is built with the board verbs (the last move played on its before-board, then the pass
// rule), so it follows the same rule as replay_position_labels (a written pass as the last move:
// the turn handed over). A last move that is out of range or not in the stored legal set throws as
// replay does.
void stored_position_labels(const StoredPlies& plies, const std::uint8_t* moves, const std::uint8_t* lengths,
                            const PositionIndex& index, int threads, const PositionOutputs& out,
                            const GameRules& rules = GameRules{});

}  // namespace mothello
