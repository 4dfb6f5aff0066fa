// Sinks of the game loop (see game_loop.hpp): per-ply labels for generate/replay, per-state
// arrays (states 0..60) for the probing labels, and per-state world-model labels (WorldSink).
#pragma once

#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "engine.hpp"
#include "position_hash.hpp"

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

// ---- world-model labels (issue #13): hashes, counts, mobility, flip history, last move ---------

// Per-state arrays of one game for the world-model labels; state k as in StateRows. Optional
// arrays are null when not asked for (they cost the most: 128 bytes a state).
struct WorldRows {
    std::uint64_t* boards;     // [61][2] black, white
    std::uint8_t* player;      // [61] player to move
    std::uint8_t* mobility;    // [61][2] legal moves of black, of white, or null
    std::uint8_t* last_move;   // [61] square of the move that made the state (255 in state 0)
    std::uint64_t* hash;       // [61] position_hash, or null
    std::uint64_t* canonical;  // [61] canonical_hash, or null
    std::uint8_t* flip_count;  // [61][64] times each square's disc has flipped, or null
    std::int8_t* age;          // [61][64] move number (1-based) that last placed or flipped the disc; 0 an
                               // unflipped start disc, -1 empty; or null
    int hash_states = kStates;  // hash and canonical are written for states 0 .. hash_states - 1 only

    MOTHELLO_INLINE WorldRows game(std::int64_t r) const {
        const std::int64_t s = kStates * r;
        return {boards + 2 * s, player + s, mobility ? mobility + 2 * s : nullptr, last_move + s,
                hash ? hash + s : nullptr, canonical ? canonical + s : nullptr,
                flip_count ? flip_count + 64 * s : nullptr, age ? age + 64 * s : nullptr, hash_states};
    }
};

// Records WorldRows through the game loop; the position hashes are those of position_hash.hpp.
struct WorldSink {
    WorldRows rows;
    std::uint8_t counts[64] = {};
    std::int8_t age[64];
    std::uint8_t last = 255;

    explicit WorldSink(const WorldRows& r) : rows(r) {
        for (int i = 0; i < 64; ++i) age[i] = ((kStartBlack | kStartWhite) >> i & 1) ? 0 : -1;
    }

    MOTHELLO_INLINE void set(int k, const Position& p, u64 legal) const {
        const u64 black = p.player ? p.opp : p.me, white = p.player ? p.me : p.opp;
        rows.boards[2 * k] = black;
        rows.boards[2 * k + 1] = white;
        rows.player[k] = static_cast<std::uint8_t>(p.player);
        if (rows.mobility) {
            rows.mobility[2 * k + p.player] = static_cast<std::uint8_t>(popcount64(legal));
            rows.mobility[2 * k + (p.player ^ 1)] = static_cast<std::uint8_t>(popcount64(legal_moves(p.opp, p.me)));
        }
        rows.last_move[k] = last;
        if (k < rows.hash_states) {
            if (rows.hash) rows.hash[k] = position_hash(black, white, p.player);
            if (rows.canonical) rows.canonical[k] = canonical_hash(black, white, p.player);
        }
        if (rows.flip_count) std::memcpy(rows.flip_count + 64 * k, counts, 64);
        if (rows.age) std::memcpy(rows.age + 64 * k, age, 64);
    }

    MOTHELLO_INLINE void ply(int k, const Position& before, u64 legal, bool, int sq, u64 flips, const Position&) {
        set(k, before, legal);
        for (u64 f = flips; f; f &= f - 1) {
            const int i = lowest_square(f);
            ++counts[i];
            age[i] = static_cast<std::int8_t>(k + 1);
        }
        age[sq] = static_cast<std::int8_t>(k + 1);
        last = static_cast<std::uint8_t>(sq);
    }

    // The final state k, and copies of it (no legal moves) for the later states.
    MOTHELLO_INLINE void final_state(int k, const Position& pos, u64 legal) {
        set(k, pos, legal);
        for (int j = k + 1; j < kStates; ++j) {
            set(j, pos, 0);
            if (rows.mobility) rows.mobility[2 * j] = rows.mobility[2 * j + 1] = 0;
        }
    }
};

}  // namespace mothello
