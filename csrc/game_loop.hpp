// The one game loop: a move source drives a game from the start position, a sink records it.
// generate (random moves), policy games (policies.hpp), replay (given moves) and the probing replay
// all run through play_game; only the source and the sink differ, and both are inlined into the loop.
//
// Header-only and `static inline` like board.hpp: kernel.inl includes it once per instruction set.
#pragma once

#include <cstdint>

#include "board.hpp"
#include "rng.hpp"

#if defined(__BMI2__)
#include <immintrin.h>
#endif

namespace mothello {

// A move source has next(ply, legal, pos), called while the side to move of `pos` (pass rule
// resolved) has the legal moves `legal` (not 0): the square to play (0..63) or, only when its kMayRefuse is true (it plays a given list), kStop
// when the list is done or a bad move of ReplayError kind k as -1 - k; and after_end(ply), called
// once the game is over: kStop, or a refused move (kind 3) when the source still has moves.
constexpr int kStop = -1;
static constexpr int bad_move(int kind) { return -1 - kind; }

// How a game ended: `plies` moves were played; `over` when nobody can move in the final state;
// `error` is the ReplayError kind of the move at ply `plies` that was refused (0: none).
struct GameEnd {
    int plies;
    bool over;
    int error;
};

// Square of the k-th (0-based) set bit of m, k < popcount(m).
static inline int select_square(u64 m, unsigned k) {
#if defined(__BMI2__)
    return lowest_square(_pdep_u64(1ull << k, m));
#else
    for (; k; --k) m &= m - 1;
    return lowest_square(m);
#endif
}

// Uniformly random legal moves from the counter RNG; appends each chosen square at `out`.
struct RandomMoves {
    static constexpr bool kMayRefuse = false;  // plays until the game is over: no test for bad moves
    GameRng rng;
    std::uint8_t* out;

    MOTHELLO_INLINE int after_end(int) const { return kStop; }
    MOTHELLO_INLINE int next(int, u64 legal, const Position&) {
        const int sq = select_square(legal, rng.below(static_cast<unsigned>(popcount64(legal))));
        *out++ = static_cast<std::uint8_t>(sq);
        return sq;
    }
};

// The first `length` squares of `row`, checked: the order of the checks fixes which error a
// move reports (after the game ended, then out of range, then illegal).
struct GivenMoves {
    static constexpr bool kMayRefuse = true;
    const std::uint8_t* row;
    int length;

    MOTHELLO_INLINE int after_end(int ply) const { return ply == length ? kStop : bad_move(3); }
    MOTHELLO_INLINE int next(int ply, u64 legal, const Position&) const {
        if (ply == length) return kStop;
        const int sq = row[ply];
        if (sq >= 64) return bad_move(1);
        if (!((legal >> sq) & 1)) return bad_move(2);
        return sq;
    }
};

// Sink interface: ply(k, before, legal, passed, sq, flips, after) for each move k, where `before`
// is the position with the pass rule resolved and `legal` its legal moves; final_state(k, pos,
// legal) once at the end with the final position (pass rule resolved; legal 0 iff game over).
struct NoSink {
    MOTHELLO_INLINE void ply(int, const Position&, u64, bool, int, u64, const Position&) {}
    MOTHELLO_INLINE void final_state(int, const Position&, u64) {}
};

// The shape of this loop was picked by counting instructions (callgrind): the BMI2 kernel runs
// as many per game as the hand-written loop it replaced.
template <class Source, class Sink>
static inline GameEnd play_game(Source& source, Sink& sink) {
    Position pos;
    bool passed = false;
    u64 legal = pos.legal();
    for (int ply = 0;; ++ply) {
        int sq;
        if (__builtin_expect(legal == 0, 0)) {  // rare: a pass or the end of the game, settled by the pass rule
            legal = resolve_pass(pos, legal, passed);
            sq = legal ? source.next(ply, legal, pos) : source.after_end(ply);
        } else {
            sq = source.next(ply, legal, pos);
        }
        if (sq == kStop) {
            sink.final_state(ply, pos, legal);
            return GameEnd{ply, legal == 0, 0};
        }
        if (Source::kMayRefuse && sq < 0) return GameEnd{ply, legal == 0, -1 - sq};
        const Position before = pos;
        const u64 f = pos.play(sq);
        sink.ply(ply, before, legal, passed, sq, f, pos);
        passed = false;
        legal = pos.legal();
    }
}

}  // namespace mothello
