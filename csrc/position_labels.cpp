#include "position_labels.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <thread>
#include <mutex>
#include <vector>

#include "bitboard.hpp"
#include "engine.hpp"

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

void expand_rows(const StateArrays& s, const std::int16_t* state_index, const std::int64_t* n_tokens,
                 std::int64_t begin, std::int64_t end, std::int64_t T, const PositionOutputs& out) {
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
            const std::int64_t k = g * kStates + std::clamp<int>(state_index[p], 0, kStates - 1);
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

// Per-state arrays of games [begin, end), written into `s` at row g - begin. Returns the ply of the
// first illegal move of a game (and that game in *bad_game), or -1.
int replay_states(const std::uint8_t* moves, const std::uint8_t* lengths, std::int64_t begin, std::int64_t end,
                  std::uint64_t* boards, std::uint8_t* player, std::uint64_t* legal, std::uint64_t* flipped,
                  std::int64_t* bad_game) {
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
            if (sq >= 64 || !((moves_now >> sq) & 1)) {
                *bad_game = g;
                return k;
            }
            last_flips = flips(sq, me, opp);
            me ^= last_flips | (1ull << sq);
            opp ^= last_flips;
            std::swap(me, opp);
            who ^= 1;
            moves_now = legal_moves(me, opp);
        }
    }
    return -1;
}

}  // namespace

void expand_position_labels(const StateArrays& states, const std::int16_t* state_index, const std::int64_t* n_tokens,
                            std::int64_t n, std::int64_t T, int threads, const PositionOutputs& out) {
    const int workers = static_cast<int>(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, n / 64)));
    if (workers <= 1) {
        expand_rows(states, state_index, n_tokens, 0, n, T, out);
        return;
    }
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&, w] { expand_rows(states, state_index, n_tokens, n * w / workers, n * (w + 1) / workers, T, out); });
    for (auto& th : pool) th.join();
}

}  // namespace mothello

namespace mothello {

std::int64_t replay_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths,
                                    const std::int16_t* state_index, const std::int64_t* n_tokens, std::int64_t n,
                                    std::int64_t T, int threads, const PositionOutputs& out, int* bad_ply) {
    constexpr std::int64_t kChunk = 256;  // games per block of state arrays (about 0.5 MB)
    const std::int64_t n_chunks = (n + kChunk - 1) / kChunk;
    const int workers = static_cast<int>(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, n_chunks)));
    std::mutex lock;
    std::int64_t first_bad = -1;
    auto work = [&](int w) {
        std::vector<std::uint64_t> boards(kChunk * kStates * 2), legal(kChunk * kStates), flipped(kChunk * kStates);
        std::vector<std::uint8_t> player(kChunk * kStates);
        for (std::int64_t c = w; c < n_chunks; c += workers) {
            const std::int64_t b = c * kChunk, e = std::min(n, b + kChunk);
            std::int64_t bad_game = -1;
            const int ply = replay_states(moves, lengths, b, e, boards.data(), player.data(), legal.data(),
                                          flipped.data(), &bad_game);
            if (ply >= 0) {
                std::lock_guard<std::mutex> guard(lock);
                if (first_bad < 0 || bad_game < first_bad) {
                    first_bad = bad_game;
                    *bad_ply = ply;
                }
                return;
            }
            // Point the expansion at this block: rows b..e of the outputs, states from the buffers.
            const StateArrays states{boards.data(), player.data(), legal.data(), flipped.data()};
            PositionOutputs block = out;
            if (block.board) block.board += b * T * 64;
            if (block.legal) block.legal += b * T * 60;
            if (block.flipped) block.flipped += b * T * 64;
            if (block.player) block.player += b * T;
            expand_rows(states, state_index + b * T, n_tokens + b, 0, e - b, T, block);
        }
    };
    if (workers <= 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        for (int w = 0; w < workers; ++w) pool.emplace_back(work, w);
        for (auto& th : pool) th.join();
    }
    return first_bad;
}

}  // namespace mothello
