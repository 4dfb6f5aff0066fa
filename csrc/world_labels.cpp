// World-model labels through the game loop: per-state buffers (WorldSink) expanded to plies or to
// token positions; the position hashes of the states, after the replay, by the batch kernels of
// hash_kernels.hpp. Compiled once, for the baseline instruction set; the replay itself runs in the
// engine's kernel of the CPU (kernel.hpp).
#include "world_labels.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "board.hpp"
#include "engine.hpp"
#include "game_sinks.hpp"  // WorldRows
#include "hash_kernels.hpp"
#include "kernel.hpp"
#include "parallel.hpp"

namespace mothello {
namespace {

// Scratch memory of the calling thread, at least `bytes`, reused by its chunks: fresh pages for
// each chunk (the kernel zeroes them) cost a tenth of the stats replay.
std::uint8_t* thread_scratch(std::size_t bytes) {
    thread_local std::unique_ptr<std::uint8_t[]> memory;
    thread_local std::size_t size = 0;
    if (bytes > size) {
        memory.reset(new std::uint8_t[bytes]);
        size = bytes;
    }
    return memory.get();
}

// Per-state buffers of a chunk of games, in the thread's scratch memory (one chunk at a time per
// thread), not initialised: the sink writes every state of a game it replays (final_state fills
// the states after the end), and a chunk is read only after all of its games replayed.
struct WorldBuffers {
    std::uint64_t *boards, *hash, *canonical;
    std::uint8_t *player, *mobility, *last, *flip_count;
    std::int8_t* age;
    WorldRows rows{};

    WorldBuffers(std::int64_t games, int states, bool hashes, bool canonical_hashes, bool history, bool mobilities) {
        const std::size_t s = static_cast<std::size_t>(games) * states;
        const std::size_t sizes[8] = {16 * s, hashes ? 8 * s : 0, canonical_hashes ? 8 * s : 0, s,
                                      mobilities ? 2 * s : 0, s, history ? 64 * s : 0, history ? 64 * s : 0};
        std::size_t at[8], total = 0;
        for (int i = 0; i < 8; ++i) {
            at[i] = total;
            total += (sizes[i] + 63) & ~std::size_t{63};
        }
        std::uint8_t* base = thread_scratch(total);
        auto part = [&](int i) { return sizes[i] ? base + at[i] : nullptr; };
        boards = reinterpret_cast<std::uint64_t*>(part(0));
        hash = reinterpret_cast<std::uint64_t*>(part(1));
        canonical = reinterpret_cast<std::uint64_t*>(part(2));
        player = part(3);
        mobility = part(4);
        last = part(5);
        flip_count = part(6);
        age = reinterpret_cast<std::int8_t*>(part(7));
        rows = {boards, player, mobility, last, flip_count, age, states};
    }
};

// Replays games [b, e) into buf (row g - b), and each game's passes into passes[g] when not null;
// the first bad move, or none. Without mobility the sink reads no legal moves (the fast replay).
// The loop runs in the engine's kernel picked by the caller (`bmi2`: use_bmi2(), asked on the calling
// thread, where a bad MOTHELLO_KERNEL throws).
ReplayError replay_world(bool bmi2, const std::uint8_t* moves, int width, const std::uint8_t* lengths,
                         const GameRules& rules, std::int64_t b, std::int64_t e, const WorldBuffers& buf,
                         std::int64_t* passes = nullptr) {
    return bmi2 ? kernel_bmi2::replay_world_range(b, e, moves, width, lengths, rules, buf.rows, passes)
                : kernel_generic::replay_world_range(b, e, moves, width, lengths, rules, buf.rows, passes);
}

template <class Fill>
void run_chunks(std::int64_t n, int threads, Fill fill) {
    std::mutex lock;
    ReplayError first;
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) {
        const ReplayError err = fill(b, e);
        if (err.game < 0) return;
        std::lock_guard<std::mutex> guard(lock);
        if (first.game < 0 || err.game < first.game) first = err;
    });
    if (first.game >= 0) throw_replay_error(first);
}

}  // namespace

void world_ply_labels(const std::uint8_t* moves, const std::uint8_t* lengths, std::int64_t n, int width, int threads,
                      const WorldPlyOutputs& out, const GameRules& rules) {
    check_rules(rules, n);
    const int S = width + 1;
    const HashKernel kernel = hash_kernel();  // here: a bad MOTHELLO_HASH_KERNEL throws on this thread
    const bool bmi2 = use_bmi2();             // and a bad MOTHELLO_KERNEL
    const int hash_plies = std::clamp(out.hash_plies, 0, width);
    run_chunks(n, threads, [&](std::int64_t b, std::int64_t e) {
        WorldBuffers buf(e - b, S, false, false, false, out.mobility != nullptr);
        const ReplayError err = replay_world(bmi2, moves, width, lengths, rules, b, e, buf, out.passes);
        if (err.game >= 0) return err;
        for (std::int64_t g = b; g < e; ++g) {
            const std::int64_t s0 = (g - b) * S;
            if (out.hash || out.canonical || out.symmetry) {  // plies 0 .. m - 1 are states 1 .. m
                const int m = std::min<int>(lengths[g], hash_plies);
                std::uint64_t* hash = out.hash ? out.hash + g * hash_plies : nullptr;
                std::uint64_t* canonical = out.canonical ? out.canonical + g * hash_plies : nullptr;
                std::uint8_t* symmetry = out.symmetry ? out.symmetry + g * hash_plies : nullptr;
                position_hashes(buf.boards + 2 * (s0 + 1), buf.player + s0 + 1, m, hash, canonical, symmetry, kernel);
                if (hash) std::fill(hash + m, hash + hash_plies, 0);
                if (canonical) std::fill(canonical + m, canonical + hash_plies, 0);
                if (symmetry) std::fill(symmetry + m, symmetry + hash_plies, 0);
            }
            for (int k = 0; (out.count || out.mobility) && k < width; ++k) {
                const std::int64_t i = g * width + k, s = s0 + k + 1;
                const bool in = k < lengths[g];
                for (int c = 0; c < 2; ++c) {
                    if (out.count) out.count[2 * i + c] = in ? static_cast<std::uint8_t>(popcount64(buf.boards[2 * s + c])) : 0;
                    if (out.mobility) out.mobility[2 * i + c] = in ? buf.mobility[2 * s + c] : 0;
                }
            }
        }
        return ReplayError{};
    });
}

void world_position_labels(const std::uint8_t* moves, const std::uint8_t* lengths, const PositionIndex& index,
                           int threads, const WorldPositionOutputs& out, const GameRules& rules) {
    check_rules(rules, index.n);
    const std::int64_t T = index.T;
    const int width = index.width, S = width + 1;
    const bool history = out.flip_count || out.age;
    const HashKernel kernel = hash_kernel();  // here: a bad MOTHELLO_HASH_KERNEL throws on this thread
    const bool bmi2 = use_bmi2();             // and a bad MOTHELLO_KERNEL
    run_chunks(index.n, threads, [&](std::int64_t b, std::int64_t e) {
        WorldBuffers buf(e - b, S, out.hash != nullptr, out.canonical != nullptr, history, out.mobility != nullptr);
        const ReplayError err = replay_world(bmi2, moves, width, lengths, rules, b, e, buf);
        if (err.game >= 0) return err;
        if (out.hash || out.canonical)  // every state of the chunk's games
            position_hashes(buf.boards, buf.player, (e - b) * S, out.hash ? buf.hash : nullptr,
                            out.canonical ? buf.canonical : nullptr, nullptr, kernel);
        for (std::int64_t g = b; g < e; ++g) {
            const std::int64_t s0 = (g - b) * S;
            const std::int64_t fin = s0 + std::min<int>(lengths[g], width);
            const int nb = popcount64(buf.boards[2 * fin]), nw = popcount64(buf.boards[2 * fin + 1]);
            if (out.final_count) {
                out.final_count[2 * g] = static_cast<std::int8_t>(nb);
                out.final_count[2 * g + 1] = static_cast<std::int8_t>(nw);
            }
            if (out.winner) out.winner[g] = static_cast<std::int8_t>(nb > nw ? 0 : nw > nb ? 1 : 2);
            const std::int64_t len = std::clamp<std::int64_t>(index.n_tokens[g], 0, T);
            for (std::int64_t t = 0; t < T; ++t) {
                const std::int64_t p = g * T + t;
                const bool pad = t >= len;
                const std::int64_t s = s0 + std::clamp<int>(index.state_index[p], 0, S - 1);
                const int who = buf.player[s];
                if (out.hash) out.hash[p] = pad ? 0 : buf.hash[s];
                if (out.canonical) out.canonical[p] = pad ? 0 : buf.canonical[s];
                for (int c = 0; c < 2; ++c) {  // c = 0 mine, 1 theirs
                    const int colour = who ^ c;
                    if (out.disc_count)
                        out.disc_count[2 * p + c] = pad ? 0 : static_cast<std::int8_t>(popcount64(buf.boards[2 * s + colour]));
                    if (out.mobility) out.mobility[2 * p + c] = pad ? 0 : static_cast<std::int8_t>(buf.mobility[2 * s + colour]);
                }
                if (out.last_move) out.last_move[p] = pad ? 0 : static_cast<std::int8_t>(buf.last[s] == 255 ? -1 : buf.last[s]);
                if (out.flip_count) {
                    if (pad) std::memset(out.flip_count + 64 * p, 0, 64);
                    else std::memcpy(out.flip_count + 64 * p, buf.flip_count + 64 * s, 64);
                }
                if (out.age) {
                    if (pad) std::memset(out.age + 64 * p, 0, 64);
                    else std::memcpy(out.age + 64 * p, buf.age + 64 * s, 64);
                }
            }
        }
        return ReplayError{};
    });
}

}  // namespace mothello
