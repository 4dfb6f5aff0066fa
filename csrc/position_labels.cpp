// Per-position probing labels: per-state buffers (from replay or from stored plies) expanded to
// token positions.
#include "position_labels.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "board.hpp"
#include "engine.hpp"
#include "game_sinks.hpp"
#include "game_loop.hpp"
#include "kernel.hpp"
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
void expand_rows(const StateRows& s, std::int64_t state_base, const PositionIndex& index, std::int64_t begin,
                 std::int64_t end, const PositionOutputs& out) {
    const std::int16_t* state_index = index.state_index;
    const std::int64_t T = index.T;
    const int S = s.states, L = out.legal_squares ? 64 : 60;
    std::uint8_t tmp[64], tmp2[64];
    for (std::int64_t g = begin; g < end; ++g) {
        const std::int64_t len = std::clamp<std::int64_t>(index.n_tokens[g], 0, T);
        for (std::int64_t t = 0; t < T; ++t) {
            const std::int64_t p = g * T + t;
            if (t >= len) {
                if (out.board) std::memset(out.board + 64 * p, out.pad_board, 64);
                if (out.legal) std::memset(out.legal + L * p, 0, L);
                if (out.flipped) std::memset(out.flipped + 64 * p, 0, 64);
                if (out.player) out.player[p] = 0;
                continue;
            }
            const std::int64_t k = (g - state_base) * S + std::clamp<int>(state_index[p], 0, S - 1);
            const int who = s.player[k];
            if (out.board) {
                const std::uint64_t mine = s.boards[2 * k + who], theirs = s.boards[2 * k + (who ^ 1)];
                spread(mine, 1, tmp);
                spread(theirs, 2, tmp2);
                std::int8_t* dst = out.board + 64 * p;
                for (int i = 0; i < 64; ++i) dst[i] = static_cast<std::int8_t>(tmp[i] | tmp2[i]);
            }
            if (out.legal) {
                if (out.legal_squares) {
                    spread(s.legal[k], 1, out.legal + 64 * p);
                } else {
                    spread(s.legal[k], 1, tmp);
                    squares_to_moves(tmp, out.legal + 60 * p);
                }
            }
            if (out.flipped) spread(s.flipped[k], 1, out.flipped + 64 * p);
            if (out.player) out.player[p] = static_cast<std::int8_t>(who);
        }
    }
}

// Per-state arrays of games [begin, end) from the stored per-ply columns, written at row g - begin.
ReplayError stored_states(const StoredPlies& in, const std::uint8_t* moves, const std::uint8_t* lengths,
                          const GameRules& rules, int width, std::int64_t begin, std::int64_t end,
                          const StateRows& out) {
    for (std::int64_t g = begin; g < end; ++g) {
        const StateRows rows = out.game(g - begin);
        const int len = lengths[g];
        const std::int64_t row = g * width;
        const auto before = [&](int k) {
            const std::int64_t i = row + k;
            const int who = in.player[i];
            return Position{in.board_before[2 * i + who], in.board_before[2 * i + (who ^ 1)], who};
        };
        for (int k = 0; k < len; ++k) rows.set(k, before(k), in.legal[row + k], k ? in.flipped[row + k - 1] : 0);
        int sq = -1;
        if (len > 0) {
            sq = moves[row + len - 1];
            const bool pass = sq == kPassSquare && rules.pass_token;
            if (sq >= 64 && !pass) return ReplayError{g, len - 1, sq, 1};
            if (pass ? in.legal[row + len - 1] != 0 : !((in.legal[row + len - 1] >> sq) & 1))
                return ReplayError{g, len - 1, sq, 2};
        }
        const Position from = len > 0 ? before(len - 1) : Position{};
        with_kind<false>(rules.of(g), false, 0, [&](auto kind) {
            using P = RulePosition<typename decltype(kind)::Rule>;
            P last = len > 0 ? P{from.me, from.opp, from.player} : P{};  // the start position when no move was made
            u64 flips = 0;
            if (sq == kPassSquare) last = last.passed();  // a written pass: the turn handed over
            else if (len > 0) flips = last.play(sq);
            bool passed;
            rows.set_final(len, last, resolve_pass(last, last.legal(), passed), flips);
        });
    }
    return ReplayError{};
}

// Fills per-state buffers chunk by chunk with fill(begin, end, rows) and expands them to the
// positions (or fills the caller's state rows, out.states); the first bad game (lowest index,
// whichever thread met it) is thrown at the end.
template <class Fill>
void label_positions(const PositionIndex& index, int threads, const PositionOutputs& out, Fill fill) {
    std::mutex lock;
    ReplayError first;
    const auto failed = [&](const ReplayError& err) {
        if (err.game < 0) return false;
        std::lock_guard<std::mutex> guard(lock);
        if (first.game < 0 || err.game < first.game) first = err;
        return true;
    };
    parallel_for(index.n, threads, [&](std::int64_t b, std::int64_t e) {
        if (out.states.boards != nullptr) {  // the states themselves: filled in place, nothing to expand
            failed(fill(b, e, out.states.game(b)));
            return;
        }
        const int S = index.width + 1;
        const std::size_t rows = static_cast<std::size_t>(e - b) * S;
        std::vector<std::uint64_t> boards(2 * rows), legal(rows), flipped(rows);
        std::vector<std::uint8_t> player(rows);
        const StateRows states{boards.data(), player.data(), legal.data(), flipped.data(), S};
        if (!failed(fill(b, e, states))) expand_rows(states, b, index, b, e, out);  // buffer row 0 is game b
    });
    if (first.game >= 0) throw_replay_error(first);
}

}  // namespace

void replay_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const PositionIndex& index,
                            int threads, const PositionOutputs& out, const GameRules& rules) {
    check_rules(rules, index.n);
    const bool bmi2 = use_bmi2();
    label_positions(index, threads, out, [&](std::int64_t b, std::int64_t e, const StateRows& rows) {
        return bmi2 ? kernel_bmi2::replay_states_range(b, e, moves, index.width, lengths, rules, rows)
                    : kernel_generic::replay_states_range(b, e, moves, index.width, lengths, rules, rows);
    });
}

void stored_position_labels(const StoredPlies& plies, const std::uint8_t* moves, const std::uint8_t* lengths,
                            const PositionIndex& index, int threads, const PositionOutputs& out, const GameRules& rules) {
    check_rules(rules, index.n);
    label_positions(index, threads, out, [&](std::int64_t b, std::int64_t e, const StateRows& rows) {
        return stored_states(plies, moves, lengths, rules, index.width, b, e, rows);
    });
}

}  // namespace mothello
