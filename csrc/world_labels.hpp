// World-model labels (issue #13): position hashes, disc counts, mobility, flip history, last move,
// per ply (for the shard writer) and per token position (for the loader), by replaying the moves
// through the one game loop with WorldSink (game_sinks.hpp). Pure C++17.
#pragma once

#include <cstdint>

#include "engine.hpp"           // GameRules, kMaxPlies
#include "position_labels.hpp"  // PositionIndex

namespace mothello {

// Per-ply outputs, each [n][W] (pairs [n][W][2] black, white; W the row width) but the hashes and
// symmetry, [n][H] for H = min(hash_plies, W) (only those plies are hashed: the canonical hash costs
// the most); any may be null. Ply k holds the position after the ply with the pass rule resolved
// (state k + 1); plies past a game's end are 0.
struct WorldPlyOutputs {
    std::uint64_t* hash = nullptr;
    std::uint64_t* canonical = nullptr;
    std::uint8_t* symmetry = nullptr;  // the canonical hash's symmetry (position_hash.hpp)
    int hash_plies = 1 << 30;  // every ply unless set
    std::uint8_t* count = nullptr;     // discs of black, of white
    std::uint8_t* mobility = nullptr;  // legal moves of black, of white
    std::int64_t* passes = nullptr;    // [n] per game: its passes (WorldSink::passes)
};

// Per token position outputs (any may be null), relative to the player to move in the state the
// position sees: hash, canonical [n][T] (the uint64 bits), disc_count and mobility [n][T][2]
// (mine, theirs), flip_count and age [n][T][64], last_move [n][T] (-1 in state 0); per game:
// final_count [n][2] (black, white) and winner [n] (0 black, 1 white, 2 draw). Pads are 0.
struct WorldPositionOutputs {
    std::uint64_t* hash = nullptr;
    std::uint64_t* canonical = nullptr;
    std::int8_t* disc_count = nullptr;
    std::int8_t* mobility = nullptr;
    std::int8_t* flip_count = nullptr;
    std::int8_t* age = nullptr;
    std::int8_t* last_move = nullptr;
    std::int8_t* final_count = nullptr;
    std::int8_t* winner = nullptr;
};

// Replays n games (moves [n][width], lengths [n] <= width) under their rules, passes written or
// not (a written pass is a ply and a state of its own). A bad move throws as engine replay does.
// Ages are int8: rows of at most 127 plies when asked for.
void world_ply_labels(const std::uint8_t* moves, const std::uint8_t* lengths, std::int64_t n, int width, int threads,
                      const WorldPlyOutputs& out, const GameRules& rules = GameRules{});

void world_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const PositionIndex& index,
                           int threads, const WorldPositionOutputs& out, const GameRules& rules = GameRules{});

}  // namespace mothello
