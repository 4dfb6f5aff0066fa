#include "position_labels.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "bitboard.hpp"
#include "engine.hpp"
#include "parallel.hpp"

namespace mothello {
namespace {

// kSpread[b]: the 8 bits of byte b spread to 8 bytes of 0/1 (little-endian: bit i -> byte i).
struct SpreadTable {
    std::array<std::uint64_t, 256> v{};
    SpreadTable() {
        for (int b = 0; b < 256; ++b)
            for (int i = 0; i < 8; ++i)
                if (b >> i & 1) v[b] |= 1ull << (8 * i);
    }
};
const SpreadTable kSpread;

// 64 bytes of 0/1 (times `scale`) from a bitboard.
inline void spread(std::uint64_t bb, std::uint64_t scale, std::uint8_t* out64) {
    for (int k = 0; k < 8; ++k) {
        const std::uint64_t bytes = kSpread.v[(bb >> (8 * k)) & 0xFF] * scale;
        std::memcpy(out64 + 8 * k, &bytes, 8);
    }
}

// Drops the four centre squares (27, 28, 35, 36): 64 square flags -> 60 move flags.
inline void squares_to_moves(const std::uint8_t* sq64, std::uint8_t* mv60) {
    std::memcpy(mv60, sq64, 27);
    std::memcpy(mv60 + 27, sq64 + 29, 6);
    std::memcpy(mv60 + 33, sq64 + 37, 27);
}

// Positions of games [begin, end); the states of game g are row g - state_base of `s`.
void expand_rows(const StateArrays& s, std::int64_t state_base, const std::int16_t* state_index,
                 const std::int64_t* n_tokens, std::int64_t begin, std::int64_t end, std::int64_t T,
                 const PositionOutputs& out) {
    std::uint8_t tmp[64], tmp2[64];
    for (std::int64_t g = begin; g < end; ++g) {
        const std::int64_t len = std::clamp<std::int64_t>(n_tokens[g], 0, T);
        for (std::int64_t t = 0; t < T; ++t) {
            const std::int64_t p = g * T + t;
            if (t >= len) {
                if (out.board) std::memset(out.board + 64 * p, out.pad_board, 64);
                if (out.legal) std::memset(out.legal + 60 * p, 0, 60);
                if (out.flipped) std::memset(out.flipped + 64 * p, 0, 64);
                if (out.player) out.player[p] = 0;
                continue;
            }
            const std::int64_t k = (g - state_base) * kStates + std::clamp<int>(state_index[p], 0, kStates - 1);
            const int who = s.player[k];
            if (out.board) {
                const std::uint64_t mine = s.boards[2 * k + who], theirs = s.boards[2 * k + (who ^ 1)];
                spread(mine, 1, tmp);
                spread(theirs, 2, tmp2);
                std::int8_t* dst = out.board + 64 * p;
                for (int i = 0; i < 64; ++i) dst[i] = static_cast<std::int8_t>(tmp[i] | tmp2[i]);
            }
            if (out.legal) {
                spread(s.legal[k], 1, tmp);
                squares_to_moves(tmp, out.legal + 60 * p);
            }
            if (out.flipped) spread(s.flipped[k], 1, out.flipped + 64 * p);
            if (out.player) out.player[p] = static_cast<std::int8_t>(who);
        }
    }
}

// Per-state arrays of games [begin, end), written at row g - begin. Checks moves as the engine's
// replay does and returns the first bad one (game -1: none).
ReplayError replay_states(const std::uint8_t* moves, const std::uint8_t* lengths, std::int64_t begin,
                          std::int64_t end, std::uint64_t* boards, std::uint8_t* player, std::uint64_t* legal,
                          std::uint64_t* flipped) {
    for (std::int64_t g = begin; g < end; ++g) {
        const std::int64_t row = (g - begin) * kStates;
        const int len = std::min<int>(lengths[g], kMaxPlies);
        u64 me = kStartBlack, opp = kStartWhite, last_flips = 0;
        int who = 0;
        u64 moves_now = legal_moves(me, opp);
        for (int k = 0;; ++k) {
            if (moves_now == 0) {  // a pass: the other side moves if it can (else: game over)
                const u64 other = legal_moves(opp, me);
                if (other) {
                    std::swap(me, opp);
                    who ^= 1;
                    moves_now = other;
                }
            }
            boards[2 * (row + k) + who] = me;
            boards[2 * (row + k) + (who ^ 1)] = opp;
            player[row + k] = static_cast<std::uint8_t>(who);
            legal[row + k] = moves_now;
            flipped[row + k] = last_flips;
            if (k == len) {
                for (int j = k + 1; j < kStates; ++j) {  // keep later states defined: the final one
                    boards[2 * (row + j)] = boards[2 * (row + k)];
                    boards[2 * (row + j) + 1] = boards[2 * (row + k) + 1];
                    player[row + j] = player[row + k];
                    legal[row + j] = 0;
                    flipped[row + j] = 0;
                }
                break;
            }
            const int sq = moves[g * kMaxPlies + k];
            if (moves_now == 0) return ReplayError{g, k, sq, 3};
            if (sq >= 64) return ReplayError{g, k, sq, 1};
            if (!((moves_now >> sq) & 1)) return ReplayError{g, k, sq, 2};
            last_flips = flips(sq, me, opp);
            me ^= last_flips | (1ull << sq);
            opp ^= last_flips;
            std::swap(me, opp);
            who ^= 1;
            moves_now = legal_moves(me, opp);
        }
    }
    return ReplayError{};
}

}  // namespace

void expand_position_labels(const StateArrays& states, const std::int16_t* state_index, const std::int64_t* n_tokens,
                            std::int64_t n, std::int64_t T, int threads, const PositionOutputs& out) {
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) { expand_rows(states, 0, state_index, n_tokens, b, e, T, out); });
}

void replay_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const std::int16_t* state_index,
                            const std::int64_t* n_tokens, std::int64_t n, std::int64_t T, int threads,
                            const PositionOutputs& out) {
    std::mutex lock;
    ReplayError first;  // the bad game with the lowest index, whichever thread met it
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) {
        const std::size_t rows = static_cast<std::size_t>(e - b) * kStates;
        std::vector<std::uint64_t> boards(2 * rows), legal(rows), flipped(rows);
        std::vector<std::uint8_t> player(rows);
        const ReplayError err = replay_states(moves, lengths, b, e, boards.data(), player.data(), legal.data(), flipped.data());
        if (err.game >= 0) {
            std::lock_guard<std::mutex> guard(lock);
            if (first.game < 0 || err.game < first.game) first = err;
            return;
        }
        const StateArrays states{boards.data(), player.data(), legal.data(), flipped.data()};
        expand_rows(states, b, state_index, n_tokens, b, e, T, out);  // buffer row 0 is game b
    });
    if (first.game >= 0) throw_replay_error(first);
}

}  // namespace mothello
