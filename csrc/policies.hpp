// Move policies: engine players of a chosen strength, each a move source for play_game
// (game_loop.hpp). The uniform policy is RandomMoves itself; this header owns the others.
//
// The rule of one ply, for a policy other than uniform (draws from the game's GameRng, in order):
//   1. only when epsilon_threshold > 0: draw a 64-bit word w; if (w >> 32) < epsilon_threshold,
//      play a uniformly random legal move: select_square(legal, rng.below(popcount(legal)));
//   2. otherwise score every legal move (higher is better), take the set of best-scoring moves and
//      play select_square(best, rng.below(popcount(best))): ties are broken uniformly, and the
//      draw is made even when one move is best.
// epsilon_threshold = round(epsilon * 2^32) (2^32 for epsilon 1: always random).
// A random opening (matches): plies before `opening` draw one uniform legal move instead, exactly
// like RandomMoves, so two matches with the same seed and game index share their opening.
//
// Scores of a legal move sq of the side to move:
//   uniform:  0 for every move (inside a match, where each side has its own policy: step 2 then
//             draws uniformly among the legal moves, the same draw as RandomMoves).
//   greedy:   discs flipped (delflank: removed) by sq.
//   mobility: minus the number of legal moves the opponent has after sq.
//   search:D: minus the negamax value, to depth D - 1, of the position after sq (so search:1 scores
//             a move by evaluate() of the position it leads to, from the mover's side).
// negamax(p, d): d == 0 -> evaluate(p); the side to move has no move: the other side has none
//   either -> the final score, else -negamax(p with the turn passed, d) (a pass uses no depth);
//   else the maximum over the moves of -negamax(child, d - 1).
// evaluate(p), from the side to move: game over -> kWin * (own discs - other discs); otherwise
//   sum of kSquareWeights over own discs - the same over the other's
//   + kMobilityWeight * (own legal moves - the other side's legal moves).
// Under a rule variant (board.hpp) every step uses the rule's legal moves and moves; a pass
// written as a ply draws nothing (the policy is not asked).
// The search is alpha-beta (fail-soft) with exact values at the root: each root move is searched
// with the window (best so far - 1, +inf), so every move that ties the best gets its exact value.
#pragma once

#include <cstdint>

#include "board.hpp"
#include "game_loop.hpp"
#include "rng.hpp"

namespace mothello {

enum PolicyKind : int { kUniform = 0, kGreedy = 1, kMobility = 2, kSearch = 3 };
constexpr int kMaxSearchDepth = 8;

struct PolicyConfig {
    int kind = kUniform;
    int depth = 0;                         // search only: 1..kMaxSearchDepth
    std::uint64_t epsilon_threshold = 0;   // 0..2^32, see above
};

// Corners high, the squares next to them low; symmetric under the board's 8 symmetries.
constexpr int kSquareWeights[64] = {
    100, -20, 10, 5, 5, 10, -20, 100,  //
    -20, -50, -2, -2, -2, -2, -50, -20,  //
    10, -2, -1, -1, -1, -1, -2, 10,  //
    5, -2, -1, -1, -1, -1, -2, 5,  //
    5, -2, -1, -1, -1, -1, -2, 5,  //
    10, -2, -1, -1, -1, -1, -2, 10,  //
    -20, -50, -2, -2, -2, -2, -50, -20,  //
    100, -20, 10, 5, 5, 10, -20, 100,
};
constexpr int kMobilityWeight = 5;
constexpr int kWin = 1000;
constexpr int kInfinity = 1 << 20;

static inline int square_sum(u64 discs) {
    int s = 0;
    for (; discs; discs &= discs - 1) s += kSquareWeights[lowest_square(discs)];
    return s;
}

// Positions are RulePosition<Rule> (board.hpp): legal moves, moves and passes follow the game's rule.
template <class P>
static inline int evaluate(const P& p) {
    const int mine = popcount64(p.legal());
    const int theirs = popcount64(p.other_legal());
    if (mine == 0 && theirs == 0) return kWin * (popcount64(p.me) - popcount64(p.opp));
    return square_sum(p.me) - square_sum(p.opp) + kMobilityWeight * (mine - theirs);
}

template <class P>
static inline int negamax(const P& p, int depth, int alpha, int beta) {
    if (depth == 0) return evaluate(p);
    const u64 legal = p.legal();
    if (!legal) {
        if (!p.other_legal()) return kWin * (popcount64(p.me) - popcount64(p.opp));
        return -negamax(p.passed(), depth, -beta, -alpha);
    }
    int best = -kInfinity;
    for (u64 m = legal; m; m &= m - 1) {
        P child = p;
        child.play(lowest_square(m));
        const int v = -negamax(child, depth - 1, -beta, -alpha);
        if (v > best) best = v;
        if (v > alpha) alpha = v;
        if (alpha >= beta) break;
    }
    return best;
}

// The best-scoring legal moves of the side to move of `p` (legal != 0) under `cfg`.
template <class P>
static inline u64 best_moves(const P& p, u64 legal, const PolicyConfig& cfg) {
    if (cfg.kind == kUniform) return legal;
    u64 best = 0;
    int top = -kInfinity;
    for (u64 m = legal; m; m &= m - 1) {
        const int sq = lowest_square(m);
        int score;
        if (cfg.kind == kGreedy) {
            score = popcount64(P::Rule::effect(sq, p.me, p.opp));
        } else {
            P child = p;
            child.play(sq);
            if (cfg.kind == kMobility)
                score = -popcount64(child.legal());
            else  // search: window (top - 1, +inf) gives the exact value of every move that ties the best
                score = -negamax(child, cfg.depth - 1, -kInfinity, -(top - 1));
        }
        if (score > top) {
            top = score;
            best = 0;
        }
        if (score == top) best |= 1ull << sq;
    }
    return best;
}

// A policy's moves, drawn from the counter RNG of the game; appends each chosen square at `out`.
// side[0] plays black, side[1] white: the same policy for generation, two for a match.
struct PolicyMoves {
    static constexpr bool kMayRefuse = false;
    GameRng rng;
    std::uint8_t* out;
    PolicyConfig side[2];
    int opening = 0;

    MOTHELLO_INLINE int after_end(int) const { return kStop; }
    MOTHELLO_INLINE int pass(int) {
        *out++ = static_cast<std::uint8_t>(kPassSquare);
        return kPassSquare;
    }
    template <class P>
    MOTHELLO_INLINE int next(int ply, u64 legal, const P& pos) {
        const PolicyConfig& cfg = side[pos.player];
        int sq;
        if (ply < opening) {
            sq = select_square(legal, rng.below(static_cast<unsigned>(popcount64(legal))));
        } else if (cfg.epsilon_threshold && (rng.next() >> 32) < cfg.epsilon_threshold) {
            sq = select_square(legal, rng.below(static_cast<unsigned>(popcount64(legal))));
        } else {
            const u64 best = best_moves(pos, legal, cfg);
            sq = select_square(best, rng.below(static_cast<unsigned>(popcount64(best))));
        }
        *out++ = static_cast<std::uint8_t>(sq);
        return sq;
    }
};

}  // namespace mothello
