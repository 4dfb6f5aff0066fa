// Expands per-state labels (state k = the position after k moves) to one label row per token
// position, for probing. Pure C++17; the loader calls it once per batch.
#pragma once

#include <cstdint>

namespace mothello {

constexpr int kStates = 61;  // states 0..60 of a game

struct StateArrays {
    const std::uint64_t* boards;   // [n][61][2] black, white discs
    const std::uint8_t* player;    // [n][61] player to move in the state
    const std::uint64_t* legal;    // [n][61] legal squares of that player
    const std::uint64_t* flipped;  // [n][61] discs flipped by the move that made the state
};

// Per position outputs (any may be null): board [n][T][64] int8 0 empty / 1 mine / 2 theirs
// relative to the player to move (pad positions: pad_board), legal [n][T][60] 0/1 over the move
// index, flipped [n][T][64] 0/1, player [n][T]. Positions t >= n_tokens[g] are pads.
struct PositionOutputs {
    std::int8_t* board = nullptr;
    std::uint8_t* legal = nullptr;
    std::uint8_t* flipped = nullptr;
    std::int8_t* player = nullptr;
    std::int8_t pad_board = -100;
};

// state_index [n][T]: the state each position sees (0..60).
void expand_position_labels(const StateArrays& states, const std::int16_t* state_index, const std::int64_t* n_tokens,
                            std::int64_t n, std::int64_t T, int threads, const PositionOutputs& out);

// Replays games (moves [n][60], lengths [n]) from the start position and writes the per-position
// labels directly, without per-ply arrays. State k < length is the position before ply k with the
// player to move after any pass; state `length` is the final position, whose player is the side that
// can move next, or (game over) the opponent of the last mover, with no legal moves. A bad move
// throws as engine replay does (throw_replay_error, lowest game first).
void replay_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const std::int16_t* state_index,
                            const std::int64_t* n_tokens, std::int64_t n, std::int64_t T, int threads,
                            const PositionOutputs& out);

}  // namespace mothello
