// Sinks of the game loop (see game_loop.hpp): per-ply labels for generate/replay, and per-state
// arrays (states 0..60) for the probing labels.
#pragma once

#include <cstdint>

#include "board.hpp"
#include "engine.hpp"

namespace mothello {

constexpr int kStates = kMaxPlies + 1;  // states 0..60 of a game

// Per-ply labels of one game row (PlyLabels in engine.hpp); rows are zeroed beforehand, so plies
// past the end stay 0.
struct PlyLabelSink {
    PlyLabels L;  // a copy: the pointers stay in registers across the byte stores
    std::int64_t row;

    MOTHELLO_INLINE void ply(int k, const Position& before, u64 legal, bool passed, int, u64 flipped, const Position& after) {
        const std::int64_t i = row * kMaxPlies + k;
        const int who = before.player;
        L.before[2 * i + who] = before.me;
        L.before[2 * i + (who ^ 1)] = before.opp;
        L.legal[i] = legal;
        L.player[i] = static_cast<std::uint8_t>(who);
        L.passed[i] = passed ? 1 : 0;
        L.flipped[i] = flipped;
        L.after[2 * i + who] = after.opp;  // `after` has handed the turn over: the mover is opp
        L.after[2 * i + (who ^ 1)] = after.me;
    }
    MOTHELLO_INLINE void final_state(int, const Position&, u64) {}
};

// Per-state arrays, each pointing at one game's rows of 61 states: state k is the position before
// move k with the pass rule resolved (state `length` the final position), its player to move and
// legal moves, and the discs flipped by the move that made it (0 for state 0).
struct StateRows {
    std::uint64_t* boards;   // [61][2] black, white
    std::uint8_t* player;    // [61]
    std::uint64_t* legal;    // [61]
    std::uint64_t* flipped;  // [61]

    // The rows of game r when these point at game 0 of a buffer.
    MOTHELLO_INLINE StateRows game(std::int64_t r) const {
        return {boards + 2 * kStates * r, player + kStates * r, legal + kStates * r, flipped + kStates * r};
    }

    MOTHELLO_INLINE void set(int k, const Position& p, u64 legal_moves, u64 flips) const {
        boards[2 * k + p.player] = p.me;
        boards[2 * k + (p.player ^ 1)] = p.opp;
        player[k] = static_cast<std::uint8_t>(p.player);
        legal[k] = legal_moves;
        flipped[k] = flips;
    }

    // Writes the final state k and keeps the later states defined: copies of it, with no legal
    // moves and no flips.
    MOTHELLO_INLINE void set_final(int k, const Position& p, u64 legal_moves, u64 flips) const {
        set(k, p, legal_moves, flips);
        for (int j = k + 1; j < kStates; ++j) set(j, p, 0, 0);
    }
};

struct StateSink {
    StateRows rows;
    u64 last_flips = 0;

    MOTHELLO_INLINE void ply(int k, const Position& before, u64 legal, bool, int, u64 flips, const Position&) {
        rows.set(k, before, legal, last_flips);
        last_flips = flips;
    }
    MOTHELLO_INLINE void final_state(int k, const Position& pos, u64 legal) { rows.set_final(k, pos, legal, last_flips); }
};

}  // namespace mothello
