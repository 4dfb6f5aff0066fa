// The one game loop: a move source drives a game from the start position, a sink records it.
// generate (random moves), policy games (policies.hpp), replay (given moves) and the probing replay
// all run through play_game; only the source and the sink differ, and both are inlined into the loop.
//
// Header-only and `static inline` like board.hpp: kernel.inl includes it once per instruction set.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "board.hpp"
#include "rng.hpp"

#if defined(__BMI2__)
#include <immintrin.h>
#endif

namespace mothello {

// A move source has next(ply, legal, pos), called while the side to move of `pos` (pass rule
// resolved) has the legal moves `legal` (not 0): the square to play (0..63) or, only when its
// kMayRefuse is true (it plays a given list), kStop when the list is done or a bad move of
// ReplayError kind k as -1 - k; pass(ply), called only with written passes at a forced pass:
// kPassSquare, or (kMayRefuse) kStop or a bad move; and after_end(ply), called once the game is
// over: kStop, or a refused move (kind 3) when the source still has moves.
constexpr int kStop = -1;
constexpr int kPassSquare = 64;  // a written pass in a move row
static constexpr int bad_move(int kind) { return -1 - kind; }

// How a game ended: `plies` moves were played (written passes count); `over` when nobody can move
// in the final state (false for a game cut at max_plies); `error` is the ReplayError kind of the
// move at ply `plies` that was refused (0: none).
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

// Uniformly random legal moves from the counter RNG; appends each chosen square at `out`. A
// written pass draws nothing, so a game with passes written is the same game with 64s inserted.
struct RandomMoves {
    static constexpr bool kMayRefuse = false;  // plays until the game is over: no test for bad moves
    GameRng rng;
    std::uint8_t* out;

    MOTHELLO_INLINE int after_end(int) const { return kStop; }
    MOTHELLO_INLINE int pass(int) {
        *out++ = static_cast<std::uint8_t>(kPassSquare);
        return kPassSquare;
    }
    template <class P>
    MOTHELLO_INLINE int next(int, u64 legal, const P&) {
        const int sq = select_square(legal, rng.below(static_cast<unsigned>(popcount64(legal))));
        *out++ = static_cast<std::uint8_t>(sq);
        return sq;
    }
};

// The first `length` squares of `row`, checked: the order of the checks fixes which error a
// move reports (after the game ended, then out of range, then illegal). With `pass_tokens` a 64
// must sit exactly where the side to move has no legal move (kind 2 elsewhere, kind 4 for a square
// where a pass is forced); without, a 64 is out of range (kind 1).
struct GivenMoves {
    static constexpr bool kMayRefuse = true;
    const std::uint8_t* row;
    int length;
    bool pass_tokens = false;

    // The square the row plays at `ply` if it is one (0..63), else -1; unchecked (see play_game).
    MOTHELLO_INLINE int peek(int ply) const { return ply < length && row[ply] < 64 ? row[ply] : -1; }
    MOTHELLO_INLINE int after_end(int ply) const { return ply == length ? kStop : bad_move(3); }
    MOTHELLO_INLINE int pass(int ply) const {
        if (ply == length) return kStop;
        const int sq = row[ply];
        if (sq == kPassSquare) return kPassSquare;
        return sq > kPassSquare ? bad_move(1) : bad_move(4);
    }
    template <class P>
    MOTHELLO_INLINE int next(int ply, u64 legal, const P&) const {
        if (ply == length) return kStop;
        const int sq = row[ply];
        if (sq >= 64) return (sq == kPassSquare && pass_tokens) ? bad_move(2) : bad_move(1);
        if (!((legal >> sq) & 1)) return bad_move(2);
        return sq;
    }
};

// Sink interface: ply(k, before, legal, passed, sq, flips, after) for each ply k, where `before`
// is the position with the pass rule resolved and `legal` its legal moves (with written passes, a
// pass ply has sq = kPassSquare, `before` with the passing side to move, legal 0, flips 0, and
// `after` the same discs with the turn handed over); final_state(k, pos, legal) once at the end
// with the final position (pass rule resolved; legal 0 iff game over). Positions are
// RulePosition<Rule>, so sinks take them as a template. A sink that never reads ply()'s `legal`
// says so with kReadsLegal = false (it then gets 0 there; final_state's is always the true one).
struct NoSink {
    static constexpr bool kReadsLegal = false;
    template <class P>
    MOTHELLO_INLINE void ply(int, const P&, u64, bool, int, u64, const P&) {}
    template <class P>
    MOTHELLO_INLINE void final_state(int, const P&, u64) {}
};

// Whether ply() of sink type T reads `legal` (true unless T says kReadsLegal = false), and whether
// move source T knows its moves in advance (has peek(ply)).
template <class T, class = void>
struct ReadsLegal : std::true_type {};
template <class T>
struct ReadsLegal<T, std::void_t<decltype(T::kReadsLegal)>> : std::bool_constant<T::kReadsLegal> {};
template <class T, class = void>
struct Peeks : std::false_type {};
template <class T>
struct Peeks<T, std::void_t<decltype(std::declval<const T&>().peek(0))>> : std::true_type {};

// The loop's compile-time options: the rule, whether passes are written as plies, and whether a
// game may be cut at max_plies (false where the rule's bound makes a cut impossible: classic
// without written passes and max_plies >= 60 compiles to the plain loop).
template <class R, bool kPasses, bool kCuts>
struct LoopKind {
    using Rule = R;
    static constexpr bool kPassTokens = kPasses;
    static constexpr bool kCut = kCuts;
};

// Calls f(LoopKind<Rule, passes, cut>{}) for the rule id `rule` (0..2, checked by the caller).
// A cut test is compiled in only when kMayCut and a game of the rule can outlast `max_plies`
// (classic without written passes and max_plies >= 60 runs the plain loop).
template <class R, bool kMayCut, class F>
static inline void with_flags(bool pass, int max_plies, F& f) {
    const int bound = R::kMaxPlacements * (pass ? 2 : 1);  // written passes: one at most per placement
    const bool cut = kMayCut && (bound == 0 || max_plies < bound);
    if (pass) {
        if (cut) f(LoopKind<R, true, kMayCut>{});
        else f(LoopKind<R, true, false>{});
    } else {
        if (cut) f(LoopKind<R, false, kMayCut>{});
        else f(LoopKind<R, false, false>{});
    }
}

template <bool kMayCut, class F>
static inline void with_kind(int rule, bool pass, int max_plies, F&& f) {
    if (rule == kNoMidFlipRule) with_flags<NoMidFlip, kMayCut>(pass, max_plies, f);
    else if (rule == kDelFlankRule) with_flags<DelFlank, kMayCut>(pass, max_plies, f);
    else with_flags<Classic, kMayCut>(pass, max_plies, f);
}

// The shape of this loop was picked by counting instructions (callgrind): the BMI2 kernel runs
// as many per game as the hand-written loop it replaced. `max_plies` is read only when Kind::kCut.
//
// Replay fast path (kTryPeek): when the source knows its moves (GivenMoves), the sink does not read
// `legal` and the rule's moves are legal iff they change a disc (Rule::kLegalIffEffect), the known
// square is played first, and kept when it is empty and changes a disc: then it was legal, so the
// side to move had a move (no pass) and the ply is what the checked path would make of it. Only
// where it fails (a pass, the end, a bad move) are the legal moves generated, and the checked path
// below runs as always (same errors, same pass rule): about half of a replay's work saved.
template <class Kind, class Source, class Sink>
static inline GameEnd play_game(Source& source, Sink& sink, int max_plies = 0) {
    using Pos = RulePosition<typename Kind::Rule>;
    constexpr bool kTryPeek = Peeks<Source>::value && !ReadsLegal<Sink>::value && Kind::Rule::kLegalIffEffect && !Kind::kCut;
    Pos pos;
    bool passed = false;
    u64 legal = kTryPeek ? 0 : pos.legal();
    for (int ply = 0;; ++ply) {
        if constexpr (kTryPeek) {
            const int known = source.peek(ply);
            if (known >= 0 && !(((pos.me | pos.opp) >> known) & 1)) {
                const Pos before = pos;
                const u64 f = pos.play(known);
                if (__builtin_expect(f != 0, 1)) {
                    sink.ply(ply, before, 0, passed, known, f, pos);
                    passed = false;
                    continue;
                }
                pos = before;  // not a legal move here: the checked path decides
            }
            legal = pos.legal();
        }
        bool pass_ply = false;
        int sq;
        if (__builtin_expect(legal == 0, 0)) {  // rare: a pass or the end of the game, settled by the pass rule
            legal = resolve_pass(pos, legal, passed);
            pass_ply = Kind::kPassTokens && passed;
            if (Kind::kCut && ply == max_plies) {
                sink.final_state(ply, pos, legal);
                return GameEnd{ply, legal == 0, 0};
            }
            sq = pass_ply ? source.pass(ply) : legal ? source.next(ply, legal, pos) : source.after_end(ply);
        } else {
            if (Kind::kCut && ply == max_plies) {
                sink.final_state(ply, pos, legal);
                return GameEnd{ply, false, 0};
            }
            sq = source.next(ply, legal, pos);
        }
        if (sq == kStop) {
            sink.final_state(ply, pos, legal);
            return GameEnd{ply, legal == 0, 0};
        }
        if (Source::kMayRefuse && sq < 0) return GameEnd{ply, legal == 0, -1 - sq};
        if (__builtin_expect(pass_ply, 0)) {  // a written pass: `passed` stays set for the next ply
            sink.ply(ply, pos.passed(), 0, false, kPassSquare, 0, pos);
            continue;
        }
        const Pos before = pos;
        const u64 f = pos.play(sq);
        sink.ply(ply, before, legal, passed, sq, f, pos);
        passed = false;
        if constexpr (!kTryPeek) legal = pos.legal();
    }
}

}  // namespace mothello
