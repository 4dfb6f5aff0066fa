// The batch loops over games, compiled once per instruction set by kernel_generic.cpp and
// kernel_bmi2.cpp with MOTHELLO_KERNEL_NS naming the namespace. Every game runs through
// play_game (game_loop.hpp); only the k-th-legal-move selection and the bit-count instructions
// differ between the two builds.
#include <cstring>

#include "game_loop.hpp"
#include "game_sinks.hpp"
#include "kernel.hpp"
#include "policies.hpp"

namespace mothello {
namespace MOTHELLO_KERNEL_NS {
namespace {

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

template <class Sink>
inline void random_game(std::int64_t row, std::uint64_t seed, std::uint64_t first_index, const GameArrays& out,
                        Sink& sink) {
    std::uint8_t* moves = out.moves + row * kMaxPlies;
    RandomMoves source{GameRng(seed, first_index + static_cast<std::uint64_t>(row)), moves};
    const int plies = play_game(source, sink).plies;
    std::memset(moves + plies, kPadSquare, kMaxPlies - plies);
    out.lengths[row] = static_cast<std::uint8_t>(plies);
}

template <class Sink>
inline void policy_game(std::int64_t row, std::uint64_t seed, std::uint64_t first_index, const PolicyConfig* cfg,
                        int opening, const GameArrays& out, Sink& sink) {
    std::uint8_t* moves = out.moves + row * kMaxPlies;
    PolicyMoves source{GameRng(seed, first_index + static_cast<std::uint64_t>(row)), moves, {cfg[0], cfg[1]}, opening};
    const int plies = play_game(source, sink).plies;
    std::memset(moves + plies, kPadSquare, kMaxPlies - plies);
    out.lengths[row] = static_cast<std::uint8_t>(plies);
}

}  // namespace

void generate_range(std::int64_t begin, std::int64_t end, std::uint64_t seed, std::uint64_t first_index,
                    const GameArrays& out) {
    if (out.labels.before) {
        clear_label_rows(out.labels, begin, end);
        for (std::int64_t row = begin; row < end; ++row) {
            PlyLabelSink sink{out.labels, row};
            random_game(row, seed, first_index, out, sink);
        }
    } else {
        NoSink sink;
        for (std::int64_t row = begin; row < end; ++row) random_game(row, seed, first_index, out, sink);
    }
}

void generate_policy_range(std::int64_t begin, std::int64_t end, std::uint64_t seed, std::uint64_t first_index,
                           const PolicyConfig* cfg, int opening, const GameArrays& out) {
    if (out.labels.before) {
        clear_label_rows(out.labels, begin, end);
        for (std::int64_t row = begin; row < end; ++row) {
            PlyLabelSink sink{out.labels, row};
            policy_game(row, seed, first_index, cfg, opening, out, sink);
        }
    } else {
        NoSink sink;
        for (std::int64_t row = begin; row < end; ++row) policy_game(row, seed, first_index, cfg, opening, out, sink);
    }
}

ReplayError replay_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                         const std::uint8_t* lengths, const GameArrays& out) {
    const bool labels = out.labels.before != nullptr;
    if (labels) clear_label_rows(out.labels, begin, end);
    for (std::int64_t row = begin; row < end; ++row) {
        const std::uint8_t* in = moves + row * width;
        const int n = lengths[row];
        GivenMoves source{in, n};
        GameEnd game;
        if (labels) {
            PlyLabelSink sink{out.labels, row};
            game = play_game(source, sink);
        } else {
            NoSink sink;
            game = play_game(source, sink);
        }
        if (game.error) return ReplayError{row, game.plies, in[game.plies], game.error};
        out.lengths[row] = static_cast<std::uint8_t>(n);
        if (out.moves) {
            std::memcpy(out.moves + row * kMaxPlies, in, n);
            std::memset(out.moves + row * kMaxPlies + n, kPadSquare, kMaxPlies - n);
        }
        out.ended[row] = game.over ? 1 : 0;
    }
    return ReplayError{};
}

ReplayError replay_states_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves,
                                const std::uint8_t* lengths, const StateRows& out) {
    for (std::int64_t g = begin; g < end; ++g) {
        const std::uint8_t* in = moves + g * kMaxPlies;
        GivenMoves source{in, lengths[g]};
        StateSink sink{out.game(g - begin)};
        const GameEnd game = play_game(source, sink);
        if (game.error) return ReplayError{g, game.plies, in[game.plies], game.error};
    }
    return ReplayError{};
}

}  // namespace MOTHELLO_KERNEL_NS
}  // namespace mothello
