// The board verbs of 8x8 Othello: legal moves, flips, play, and the pass rule (one owner).
//
// Square numbering (used everywhere in the package): index = 8 * row + col, row 0..7 is rank
// 1..8, col 0..7 is file a..h, so a1 = 0, h1 = 7, a8 = 56, h8 = 63 and d3 = 19. Bit i of a
// uint64_t is square i. The start position has white on d4 (27) and e5 (36), black on e4 (28)
// and d5 (35); black moves first (legal first moves d3, c4, f5, e6).
//
// Everything here is header-only and `static inline` so that each kernel translation unit
// (generic and BMI2) compiles its own copy with its own instruction set.
#pragma once

#include <cstdint>

#include "inline.hpp"

namespace mothello {

using u64 = std::uint64_t;

constexpr u64 kStartBlack = (1ull << 28) | (1ull << 35);
constexpr u64 kStartWhite = (1ull << 27) | (1ull << 36);
constexpr u64 kNotFileA = 0xFEFEFEFEFEFEFEFEull;
constexpr u64 kNotFileH = 0x7F7F7F7F7F7F7F7Full;

// ---- bit tricks, with portable fallbacks for the baseline x86-64 build -----------------------

static inline int popcount64(u64 x) {
#if defined(__POPCNT__) || !defined(__x86_64__)
    return __builtin_popcountll(x);
#else
    // SWAR popcount: the baseline build must not call libgcc's table-driven helper in the hot loop.
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return static_cast<int>((x * 0x0101010101010101ull) >> 56);
#endif
}

static inline int lowest_square(u64 x) { return __builtin_ctzll(x); }

// ---- legal moves: Edax-style parallel prefix fill in the 4 line directions ---------------------

static inline u64 moves_in_direction(u64 P, u64 mask, int dir) {
    // Opponent runs of up to 6 discs adjacent to P, grown left and right by doubling steps.
    const int dir2 = dir + dir;
    u64 flip_l = mask & (P << dir);
    u64 flip_r = mask & (P >> dir);
    flip_l |= mask & (flip_l << dir);
    flip_r |= mask & (flip_r >> dir);
    const u64 mask_l = mask & (mask << dir);
    const u64 mask_r = mask_l >> dir;
    flip_l |= mask_l & (flip_l << dir2);
    flip_r |= mask_r & (flip_r >> dir2);
    flip_l |= mask_l & (flip_l << dir2);
    flip_r |= mask_r & (flip_r >> dir2);
    return (flip_l << dir) | (flip_r >> dir);
}

// Squares where the player owning P may move, the opponent owning O.
static inline u64 legal_moves(u64 P, u64 O) {
    // Opponent discs on files a and h cannot be flanked horizontally or diagonally; masking them
    // stops shifts from wrapping round the board edge.
    const u64 inner = O & 0x7E7E7E7E7E7E7E7Eull;
    return (moves_in_direction(P, inner, 1) | moves_in_direction(P, O, 8) |
            moves_in_direction(P, inner, 7) | moves_in_direction(P, inner, 9)) &
           ~(P | O);
}

// ---- flips: one ray mask per square and direction, outflank found by bit scan --------------------

struct RayTable {
    // ray[d][sq]: squares strictly beyond sq in direction d, up to the board edge.
    // d = 0..3 move to higher indices (+1, +7, +8, +9); d = 4..7 to lower (-1, -7, -8, -9).
    u64 ray[8][64];
};

constexpr RayTable make_ray_table() {
    RayTable t{};
    const int dr[8] = {0, 1, 1, 1, 0, -1, -1, -1};
    const int dc[8] = {1, -1, 0, 1, -1, 1, 0, -1};
    for (int d = 0; d < 8; ++d) {
        for (int sq = 0; sq < 64; ++sq) {
            u64 m = 0;
            int r = sq / 8 + dr[d], c = sq % 8 + dc[d];
            while (r >= 0 && r < 8 && c >= 0 && c < 8) {
                m |= 1ull << (8 * r + c);
                r += dr[d];
                c += dc[d];
            }
            t.ray[d][sq] = m;
        }
    }
    return t;
}

inline constexpr RayTable kRays = make_ray_table();

// Discs flipped when the owner of P plays on empty square sq (0 if sq flanks nothing).
static inline u64 flips(int square, u64 P, u64 O) {
    // Unsigned index: the compiler cannot always prove square >= 0, and a sign extension would
    // sit on the loop's critical path (move -> table load -> flips -> next legal moves).
    const unsigned sq = static_cast<unsigned>(square);
    u64 f = 0;
    for (int d = 0; d < 4; ++d) {
        // Toward higher indices the nearest square on the ray is its lowest set bit.
        const u64 r = kRays.ray[d][sq];
        const u64 not_opp = r & ~O;
        const u64 first = not_opp & (0 - not_opp);
        const u64 hit = 0 - static_cast<u64>((first & P) != 0);
        f |= r & (first - 1) & hit;
    }
    for (int d = 4; d < 8; ++d) {
        // Toward lower indices the nearest square is the highest set bit.
        const u64 r = kRays.ray[d][sq];
        const u64 not_opp = r & ~O;
        const u64 first = 1ull << (63 - __builtin_clzll(not_opp | 1));
        const u64 hit = 0 - static_cast<u64>((first & not_opp & P) != 0);
        f |= r & (0 - (first << 1)) & hit;
    }
    return f;
}

// ---- the rule variants (issue #15): one policy type per rule, a template parameter of the loop ---

// nomidflip: per direction only the first and the last disc of the flanked run flip (a run of one
// flips that disc). The runs are found exactly as in flips(). Per axis (direction d and its
// opposite d + 4, one step s apart on the board) the union of the two runs is split by the played
// square, and a disc is an end of its run iff it lacks a run neighbour on one side:
// ends = u & ~((u << s) & (u >> s)). The runs lie on one ray each, so a shift never meets a disc of
// the run from across a board edge.
static inline u64 end_flips(int square, u64 P, u64 O) {
    const unsigned sq = static_cast<unsigned>(square);
    constexpr int kStep[4] = {1, 7, 8, 9};
    u64 f = 0;
    for (int d = 0; d < 4; ++d) {
        const u64 up = kRays.ray[d][sq];
        const u64 up_not_opp = up & ~O;
        const u64 up_first = up_not_opp & (0 - up_not_opp);
        u64 run = up & (up_first - 1) & (0 - static_cast<u64>((up_first & P) != 0));
        const u64 down = kRays.ray[d + 4][sq];
        const u64 down_not_opp = down & ~O;
        const u64 down_first = 1ull << (63 - __builtin_clzll(down_not_opp | 1));
        run |= down & (0 - (down_first << 1)) & (0 - static_cast<u64>((down_first & down_not_opp & P) != 0));
        f |= run & ~((run << kStep[d]) & (run >> kStep[d]));
    }
    return f;
}

// Empty squares 8-adjacent to a disc of P (delflank's legal moves); the file masks stop wraps.
static inline u64 adjacent_empty(u64 P, u64 O) {
    const u64 row = P | ((P << 1) & kNotFileA) | ((P >> 1) & kNotFileH);
    return (row | (row << 8) | (row >> 8)) & ~(P | O);
}

enum RuleId : int { kClassicRule = 0, kNoMidFlipRule = 1, kDelFlankRule = 2 };
constexpr int kRules = 3;

// A rule: the start discs, legal(me, opp), and play(sq, me, opp) that updates both sides for the
// mover and returns the discs it changed (flipped, or for delflank removed). kMaxPlacements bounds
// the moves of a game (0: unbounded).
// The two flanking rules: legal moves as in Othello; Effect gives the discs a move flips (every
// flanked run: flips; only the two ends of each run: end_flips).
template <int Id, u64 (*Effect)(int, u64, u64)>
struct FlankingRule {
    static constexpr int kId = Id;
    static constexpr u64 kBlack = kStartBlack, kWhite = kStartWhite;
    static constexpr int kMaxPlacements = 60;
    static constexpr bool kLegalIffEffect = true;  // a move on an empty square is legal iff it flips
    static MOTHELLO_INLINE u64 legal(u64 me, u64 opp) { return legal_moves(me, opp); }
    static MOTHELLO_INLINE u64 effect(int sq, u64 me, u64 opp) { return Effect(sq, me, opp); }
    static MOTHELLO_INLINE u64 play(int sq, u64& me, u64& opp) {
        const u64 f = Effect(sq, me, opp);
        me ^= f | (1ull << sq);
        opp ^= f;
        return f;
    }
};

using Classic = FlankingRule<kClassicRule, flips>;
using NoMidFlip = FlankingRule<kNoMidFlipRule, end_flips>;

// Open start: black c3 (18) and f6 (45), white f3 (21) and c6 (42).
struct DelFlank {
    static constexpr int kId = kDelFlankRule;
    static constexpr u64 kBlack = (1ull << 18) | (1ull << 45), kWhite = (1ull << 21) | (1ull << 42);
    static constexpr int kMaxPlacements = 0;
    static constexpr bool kLegalIffEffect = false;  // a legal move may remove nothing
    static MOTHELLO_INLINE u64 legal(u64 me, u64 opp) { return adjacent_empty(me, opp); }
    static MOTHELLO_INLINE u64 effect(int sq, u64 me, u64 opp) { return flips(sq, me, opp); }  // the removed discs
    static MOTHELLO_INLINE u64 play(int sq, u64& me, u64& opp) {
        const u64 r = flips(sq, me, opp);
        me |= 1ull << sq;
        opp &= ~r;
        return r;
    }
};

// ---- a position and the pass rule -------------------------------------------------------------

// Discs of the side to move (`me`) and of the other side (`opp`); `player` is the side to move,
// 0 black, 1 white. The rule R fixes the start, the legal moves and the effect of a move.
template <class R>
struct RulePosition {
    using Rule = R;
    u64 me = R::kBlack;
    u64 opp = R::kWhite;
    int player = 0;

    MOTHELLO_INLINE u64 legal() const { return R::legal(me, opp); }
    // The legal moves of the other side.
    MOTHELLO_INLINE u64 other_legal() const { return R::legal(opp, me); }

    // Places a disc on the legal square sq for the side to move, flips (or removes), hands the
    // turn to the other side and returns the changed discs. No legality check: callers have checked sq.
    MOTHELLO_INLINE u64 play(int sq) {
        u64 mine = me, theirs = opp;
        const u64 f = R::play(sq, mine, theirs);
        me = theirs;
        opp = mine;
        player ^= 1;
        return f;
    }

    // The turn handed to the other side, discs unchanged (a pass).
    MOTHELLO_INLINE RulePosition passed() const { return RulePosition{opp, me, player ^ 1}; }
};

using Position = RulePosition<Classic>;

// The pass rule, the only place it is written. `legal` holds the side to move's legal moves. If
// it has none, the turn goes to the other side when that side can move (`passed` is set);
// otherwise the game is over and the position is left as it is (so the side to move is the
// opponent of the last mover). Returns the legal moves of the side to move: 0 iff the game is over.
template <class R>
static inline u64 resolve_pass(RulePosition<R>& p, u64 legal, bool& passed) {
    passed = false;
    if (legal) return legal;
    const u64 other = p.other_legal();
    if (other) {
        p = p.passed();
        passed = true;
    }
    return other;
}

}  // namespace mothello
