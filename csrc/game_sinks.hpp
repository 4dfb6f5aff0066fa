// Sinks of the game loop (see game_loop.hpp): per-ply labels for generate/replay, per-state
// arrays (states 0..60) for the probing labels, and per-state world-model labels (WorldSink).
#pragma once

#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "engine.hpp"
#include "game_loop.hpp"  // kPassSquare

namespace mothello {

constexpr int kStates = kMaxPlies + 1;  // states 0..60 of a classic game without written passes

// Per-ply labels of one game row (PlyLabels in engine.hpp, rows of `width` plies); rows are
// zeroed beforehand, so plies past the end stay 0. A written pass gets its own row (see NoSink).
struct PlyLabelSink {
    PlyLabels L;  // a copy: the pointers stay in registers across the byte stores
    std::int64_t row;
    int width = kMaxPlies;

    template <class P>
    MOTHELLO_INLINE void ply(int k, const P& before, u64 legal, bool passed, int, u64 flipped, const P& after) {
        const std::int64_t i = row * width + k;
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
    template <class P>
    MOTHELLO_INLINE void final_state(int, const P&, u64) {}
};

// Per-state arrays, each pointing at one game's rows of S = width + 1 states (61 for rows of 60
// plies): state k is the position before move k with the pass rule resolved (state `length` the
// final position), its player to move and legal moves, and the discs flipped by the move that made
// it (0 for state 0). Before a written pass (move 64) the state has the passing side to move and no
// legal moves; the state after it has the other side to move and 0 flips.
struct StateRows {
    std::uint64_t* boards;   // [S][2] black, white
    std::uint8_t* player;    // [S]
    std::uint64_t* legal;    // [S]
    std::uint64_t* flipped;  // [S]
    int states = kStates;    // S

    // The rows of game r when these point at game 0 of a buffer.
    MOTHELLO_INLINE StateRows game(std::int64_t r) const {
        const std::int64_t s = static_cast<std::int64_t>(states) * r;
        return {boards + 2 * s, player + s, legal + s, flipped + s, states};
    }

    template <class P>
    MOTHELLO_INLINE void set(int k, const P& p, u64 legal_moves, u64 flips) const {
        boards[2 * k + p.player] = p.me;
        boards[2 * k + (p.player ^ 1)] = p.opp;
        player[k] = static_cast<std::uint8_t>(p.player);
        legal[k] = legal_moves;
        flipped[k] = flips;
    }

    // Writes the final state k and keeps the later states defined: copies of it, with no legal
    // moves and no flips.
    template <class P>
    MOTHELLO_INLINE void set_final(int k, const P& p, u64 legal_moves, u64 flips) const {
        set(k, p, legal_moves, flips);
        for (int j = k + 1; j < states; ++j) set(j, p, 0, 0);
    }
};

struct StateSink {
    StateRows rows;
    u64 last_flips = 0;

    template <class P>
    MOTHELLO_INLINE void ply(int k, const P& before, u64 legal, bool, int, u64 flips, const P&) {
        rows.set(k, before, legal, last_flips);
        last_flips = flips;
    }
    template <class P>
    MOTHELLO_INLINE void final_state(int k, const P& pos, u64 legal) { rows.set_final(k, pos, legal, last_flips); }
};

// ---- world-model labels (issue #13): hashes, counts, mobility, flip history, last move ---------

// Per-state arrays of one game for the world-model labels; S states as in StateRows (a written
// pass makes a state of its own; its last_move is 64). Optional arrays are null when not asked for
// (they cost the most: 128 bytes a state). The position hashes are computed from `boards` and
// `player` after the replay, many positions at once (hash_kernels.hpp), not here.
struct WorldRows {
    std::uint64_t* boards;     // [S][2] black, white
    std::uint8_t* player;      // [S] player to move
    std::uint8_t* mobility;    // [S][2] legal moves of black, of white, or null
    std::uint8_t* last_move;   // [S] square of the move that made the state (255 in state 0)
    std::uint8_t* flip_count;  // [S][64] times each square's disc has flipped, or null
    std::int8_t* age;          // [S][64] move number (1-based) that last placed or flipped the disc; 0 an
                               // unflipped start disc, -1 empty (delflank: also a removed disc); or null
                               // (rows of at most 127 plies)
    int states = kStates;      // S

    MOTHELLO_INLINE WorldRows game(std::int64_t r) const {
        const std::int64_t s = static_cast<std::int64_t>(states) * r;
        return {boards + 2 * s, player + s, mobility ? mobility + 2 * s : nullptr, last_move + s,
                flip_count ? flip_count + 64 * s : nullptr, age ? age + 64 * s : nullptr, states};
    }
};

// Records WorldRows through the game loop. The flip history (counts, age) is kept only when
// flip_count or age is asked for; mobility only with kMobility (rows.mobility set): without it the
// sink reads no legal moves, and the loop replays known moves without generating them (play_game).
// `passes` counts the game's passes: written passes, and forced passes the rows do not write (a
// ply whose side to move had no legal move before it, `passed`, after a ply that was not a written
// pass): the same count either way, the plies whose mover also made the ply before.
template <bool kMobility = true>
struct WorldSink {
    static constexpr bool kReadsLegal = kMobility;
    WorldRows rows;
    bool history;
    std::uint8_t counts[64] = {};
    std::int8_t age[64];
    std::uint8_t last = 255;
    int passes = 0;

    // `start`: the discs of the start position (the rule's).
    MOTHELLO_INLINE explicit WorldSink(const WorldRows& r, u64 start = kStartBlack | kStartWhite)
        : rows(r), history(r.flip_count || r.age) {
        for (int i = 0; i < 64; ++i) age[i] = (start >> i & 1) ? 0 : -1;
    }

    template <class P>
    MOTHELLO_INLINE void set(int k, const P& p, u64 legal) const {
        const u64 black = p.player ? p.opp : p.me, white = p.player ? p.me : p.opp;
        rows.boards[2 * k] = black;
        rows.boards[2 * k + 1] = white;
        rows.player[k] = static_cast<std::uint8_t>(p.player);
        if (kMobility && rows.mobility) {
            rows.mobility[2 * k + p.player] = static_cast<std::uint8_t>(popcount64(legal));
            rows.mobility[2 * k + (p.player ^ 1)] = static_cast<std::uint8_t>(popcount64(p.other_legal()));
        }
        rows.last_move[k] = last;
        if (rows.flip_count) std::memcpy(rows.flip_count + 64 * k, counts, 64);
        if (rows.age) std::memcpy(rows.age + 64 * k, age, 64);
    }

    // `flips` holds delflank's removed discs: their squares become empty (age -1, count 0), and
    // a disc placed on an emptied square starts with count 0.
    template <class P>
    MOTHELLO_INLINE void ply(int k, const P& before, u64 legal, bool passed, int sq, u64 flips, const P&) {
        constexpr bool kRemoves = P::Rule::kId == kDelFlankRule;
        set(k, before, legal);
        passes += (sq == kPassSquare) | (passed & (last != kPassSquare));
        last = static_cast<std::uint8_t>(sq);
        if (!history) return;
        for (u64 f = flips; f; f &= f - 1) {
            const int i = lowest_square(f);
            counts[i] = kRemoves ? 0 : static_cast<std::uint8_t>(counts[i] + 1);
            age[i] = static_cast<std::int8_t>(kRemoves ? -1 : k + 1);
        }
        if (sq < 64) {
            age[sq] = static_cast<std::int8_t>(k + 1);
            if (kRemoves) counts[sq] = 0;
        }
    }

    // The final state k, and copies of it (no legal moves) for the later states.
    template <class P>
    MOTHELLO_INLINE void final_state(int k, const P& pos, u64 legal) {
        set(k, pos, legal);
        for (int j = k + 1; j < rows.states; ++j) {
            set(j, pos, 0);
            if (kMobility && rows.mobility) rows.mobility[2 * j] = rows.mobility[2 * j + 1] = 0;
        }
    }
};

}  // namespace mothello
