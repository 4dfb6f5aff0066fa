// The game loop, compiled once per instruction set by kernel_generic.cpp and kernel_bmi2.cpp with
// MOTHELLO_KERNEL_NS naming the namespace. Only the k-th-legal-move selection and the bit-count
// instructions differ between the two builds.
#include <cstring>

#include "bitboard.hpp"
#include "kernel.hpp"
#include "rng.hpp"

#if defined(__BMI2__)
#include <immintrin.h>
#endif

namespace mothello {
namespace MOTHELLO_KERNEL_NS {
namespace {

// Square of the k-th (0-based) set bit of m, k < popcount(m).
inline int select_square(u64 m, unsigned k) {
#if defined(__BMI2__)
    return lowest_square(_pdep_u64(1ull << k, m));
#else
    for (; k; --k) m &= m - 1;
    return lowest_square(m);
#endif
}

// Writes the labels of one ply. `me`/`opp` are the discs of the player to move and of the other.
inline void record_ply(const PlyLabels& L, std::int64_t row, int ply, int player, bool passed, u64 me,
                       u64 opp, u64 legal, u64 flipped) {
    const std::int64_t i = row * kMaxPlies + ply;
    u64* before = L.before + 2 * i;
    before[player] = me;
    before[player ^ 1] = opp;
    L.legal[i] = legal;
    L.player[i] = static_cast<std::uint8_t>(player);
    L.passed[i] = passed ? 1 : 0;
    L.flipped[i] = flipped;
}

inline void record_after(const PlyLabels& L, std::int64_t row, int ply, int player, u64 me, u64 opp) {
    u64* after = L.after + 2 * (row * kMaxPlies + ply);
    after[player] = me;
    after[player ^ 1] = opp;
}

template <bool kLabels>
void play_random_game(std::int64_t row, GameRng rng, const GameArrays& out) {
    u64 me = kStartBlack, opp = kStartWhite;
    int player = 0, ply = 0;
    bool passed = false;
    std::uint8_t* moves = out.moves + row * kMaxPlies;
    u64 legal = legal_moves(me, opp);
    for (;;) {
        if (legal == 0) {
            // Pass: the other side moves if it can, else the game is over.
            std::swap(me, opp);
            player ^= 1;
            legal = legal_moves(me, opp);
            if (legal == 0) break;
            passed = true;
        }
        const int sq = select_square(legal, rng.below(static_cast<unsigned>(popcount64(legal))));
        const u64 f = flips(sq, me, opp);
        if (kLabels) record_ply(out.labels, row, ply, player, passed, me, opp, legal, f);
        me ^= f | (1ull << sq);
        opp ^= f;
        if (kLabels) record_after(out.labels, row, ply, player, me, opp);
        moves[ply++] = static_cast<std::uint8_t>(sq);
        std::swap(me, opp);
        player ^= 1;
        passed = false;
        legal = legal_moves(me, opp);
    }
    std::memset(moves + ply, kPadSquare, kMaxPlies - ply);
    out.lengths[row] = static_cast<std::uint8_t>(ply);
}

void clear_label_rows(const PlyLabels& L, std::int64_t begin, std::int64_t end) {
    const std::size_t plies = static_cast<std::size_t>(end - begin) * kMaxPlies;
    const std::size_t first = static_cast<std::size_t>(begin) * kMaxPlies;
    std::memset(L.before + 2 * first, 0, plies * 2 * sizeof(u64));
    std::memset(L.after + 2 * first, 0, plies * 2 * sizeof(u64));
    std::memset(L.legal + first, 0, plies * sizeof(u64));
    std::memset(L.flipped + first, 0, plies * sizeof(u64));
    std::memset(L.player + first, 0, plies);
    std::memset(L.passed + first, 0, plies);
}

}  // namespace

void generate_range(std::int64_t begin, std::int64_t end, std::uint64_t seed, std::uint64_t first_index,
                    const GameArrays& out) {
    if (out.labels.before) {
        clear_label_rows(out.labels, begin, end);
        for (std::int64_t row = begin; row < end; ++row)
            play_random_game<true>(row, GameRng(seed, first_index + static_cast<std::uint64_t>(row)), out);
    } else {
        for (std::int64_t row = begin; row < end; ++row)
            play_random_game<false>(row, GameRng(seed, first_index + static_cast<std::uint64_t>(row)), out);
    }
}

ReplayError replay_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                         const std::uint8_t* lengths, const GameArrays& out) {
    const bool labels = out.labels.before != nullptr;
    if (labels) clear_label_rows(out.labels, begin, end);
    for (std::int64_t row = begin; row < end; ++row) {
        const std::uint8_t* in = moves + row * width;
        const int n = lengths[row];
        u64 me = kStartBlack, opp = kStartWhite;
        int player = 0;
        bool passed = false;
        u64 legal = legal_moves(me, opp);
        for (int ply = 0; ply < n; ++ply) {
            const int sq = in[ply];
            if (legal == 0) {
                std::swap(me, opp);
                player ^= 1;
                legal = legal_moves(me, opp);
                if (legal == 0) return ReplayError{row, ply, sq, 3};
                passed = true;
            }
            if (sq >= 64) return ReplayError{row, ply, sq, 1};
            if (!((legal >> sq) & 1)) return ReplayError{row, ply, sq, 2};
            const u64 f = flips(sq, me, opp);
            if (labels) record_ply(out.labels, row, ply, player, passed, me, opp, legal, f);
            me ^= f | (1ull << sq);
            opp ^= f;
            if (labels) record_after(out.labels, row, ply, player, me, opp);
            std::swap(me, opp);
            player ^= 1;
            passed = false;
            legal = legal_moves(me, opp);
        }
        out.lengths[row] = static_cast<std::uint8_t>(n);
        if (out.moves) {
            std::memcpy(out.moves + row * kMaxPlies, in, n);
            std::memset(out.moves + row * kMaxPlies + n, kPadSquare, kMaxPlies - n);
        }
        out.ended[row] = (legal == 0 && legal_moves(opp, me) == 0) ? 1 : 0;
    }
    return ReplayError{};
}

}  // namespace MOTHELLO_KERNEL_NS
}  // namespace mothello
