// The batch loops over games, compiled once per instruction set by kernel_generic.cpp and
// kernel_bmi2.cpp with MOTHELLO_KERNEL_NS naming the namespace. Every game runs through
// play_game (game_loop.hpp); only the k-th-legal-move selection and the bit-count instructions
// differ between the two builds.
#include <cstring>
#include <type_traits>

#include "game_loop.hpp"
#include "game_sinks.hpp"
#include "kernel.hpp"
#include "policies.hpp"

namespace mothello {
namespace MOTHELLO_KERNEL_NS {
namespace {

void clear_label_rows(const PlyLabels& L, int width, std::int64_t begin, std::int64_t end) {
    const std::size_t plies = static_cast<std::size_t>(end - begin) * width;
    const std::size_t first = static_cast<std::size_t>(begin) * width;
    std::memset(L.before + 2 * first, 0, plies * 2 * sizeof(u64));
    std::memset(L.after + 2 * first, 0, plies * 2 * sizeof(u64));
    std::memset(L.legal + first, 0, plies * sizeof(u64));
    std::memset(L.flipped + first, 0, plies * sizeof(u64));
    std::memset(L.player + first, 0, plies);
    std::memset(L.passed + first, 0, plies);
}

// The rows [begin, end) of one loop kind: a function of its own per kind, so that each holds one
// compact copy of the game loop (as the loop of a single rule would), whatever the compiler's
// inlining budget.
template <class Kind, class Game>
__attribute__((noinline)) void kind_rows(std::int64_t begin, std::int64_t end, Game& game) {
    for (std::int64_t row = begin; row < end; ++row) game(Kind{}, row);
}

// Runs game(kind, row) for rows [begin, end), dispatching on the rule once for a batch of one rule.
template <bool kMayCut, class Game>
inline void for_rows(const GameRules& rules, int max_plies, std::int64_t begin, std::int64_t end, Game game) {
    if (!rules.per_game) {
        with_kind<kMayCut>(rules.rule, rules.pass_token, max_plies,
                           [&](auto kind) { kind_rows<decltype(kind)>(begin, end, game); });
        return;
    }
    for (std::int64_t row = begin; row < end; ++row)
        with_kind<kMayCut>(rules.per_game[row], rules.pass_token, max_plies,
                           [&](auto kind) { kind_rows<decltype(kind)>(row, row + 1, game); });
}

template <class Kind, class Source, class Sink>
inline void generated_game(std::int64_t row, const GameArrays& out, Source& source, Sink& sink) {
    const int width = out.width;
    const GameEnd game = play_game<Kind>(source, sink, width);
    std::memset(out.moves + row * width + game.plies, kPadSquare, width - game.plies);
    out.lengths[row] = static_cast<std::uint8_t>(game.plies);
    if (out.ended) out.ended[row] = game.over ? 1 : 0;
}

template <class Kind, class Sink>
inline void random_game(std::int64_t row, std::uint64_t seed, std::uint64_t first_index, const GameArrays& out,
                        Sink& sink) {
    RandomMoves source{GameRng(seed, first_index + static_cast<std::uint64_t>(row)), out.moves + row * out.width};
    generated_game<Kind>(row, out, source, sink);
}

template <class Kind, class Sink>
inline void policy_game(std::int64_t row, std::uint64_t seed, std::uint64_t first_index, const PolicyConfig* cfg,
                        int opening, const GameArrays& out, Sink& sink) {
    PolicyMoves source{GameRng(seed, first_index + static_cast<std::uint64_t>(row)), out.moves + row * out.width,
                       {cfg[0], cfg[1]}, opening};
    generated_game<Kind>(row, out, source, sink);
}

// Replays the given rows [begin, end) through the game loop, each game into the sink that
// make_sink(kind, g) returns; done(g, sink, game) for each game that replays without error. Returns
// the first bad move (the rows after it are skipped), or none.
template <class MakeSink, class Done>
ReplayError replay_rows(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                        const std::uint8_t* lengths, const GameRules& rules, MakeSink make_sink, Done done) {
    ReplayError error;
    for_rows<false>(rules, width, begin, end, [&](auto kind, std::int64_t g) {
        if (error.game >= 0) return;
        const std::uint8_t* in = moves + g * width;
        GivenMoves source{in, lengths[g], rules.pass_token};
        auto sink = make_sink(kind, g);
        const GameEnd game = play_game<decltype(kind)>(source, sink);
        if (game.error) error = ReplayError{g, game.plies, in[game.plies], game.error};
        else done(g, sink, game);
    });
    return error;
}

template <bool kMobility>
ReplayError replay_world_rows(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                              const std::uint8_t* lengths, const GameRules& rules, const WorldRows& out,
                              std::int64_t* passes) {
    return replay_rows(
        begin, end, moves, width, lengths, rules,
        [&](auto kind, std::int64_t g) {
            using Rule = typename decltype(kind)::Rule;
            return WorldSink<kMobility>(out.game(g - begin), Rule::kBlack | Rule::kWhite);
        },
        [&](std::int64_t g, const WorldSink<kMobility>& sink, const GameEnd&) {
            if (passes) passes[g] = sink.passes;
        });
}

}  // namespace

void generate_range(std::int64_t begin, std::int64_t end, std::uint64_t seed, std::uint64_t first_index,
                    const GameArrays& out, const GameRules& rules) {
    if (out.labels.before) {
        clear_label_rows(out.labels, out.width, begin, end);
        for_rows<true>(rules, out.width, begin, end, [&](auto kind, std::int64_t row) {
            PlyLabelSink sink{out.labels, row, out.width};
            random_game<decltype(kind)>(row, seed, first_index, out, sink);
        });
    } else {
        for_rows<true>(rules, out.width, begin, end, [&](auto kind, std::int64_t row) {
            NoSink sink;
            random_game<decltype(kind)>(row, seed, first_index, out, sink);
        });
    }
}

void generate_policy_range(std::int64_t begin, std::int64_t end, std::uint64_t seed, std::uint64_t first_index,
                           const PolicyConfig* cfg, int opening, const GameArrays& out, const GameRules& rules) {
    if (out.labels.before) {
        clear_label_rows(out.labels, out.width, begin, end);
        for_rows<true>(rules, out.width, begin, end, [&](auto kind, std::int64_t row) {
            PlyLabelSink sink{out.labels, row, out.width};
            policy_game<decltype(kind)>(row, seed, first_index, cfg, opening, out, sink);
        });
    } else {
        for_rows<true>(rules, out.width, begin, end, [&](auto kind, std::int64_t row) {
            NoSink sink;
            policy_game<decltype(kind)>(row, seed, first_index, cfg, opening, out, sink);
        });
    }
}

ReplayError replay_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                         const std::uint8_t* lengths, const GameArrays& out, const GameRules& rules) {
    const auto record = [&](std::int64_t row, const auto&, const GameEnd& game) {
        const int n = lengths[row];
        out.lengths[row] = static_cast<std::uint8_t>(n);
        if (out.moves) {
            std::memcpy(out.moves + row * out.width, moves + row * width, n);
            std::memset(out.moves + row * out.width + n, kPadSquare, out.width - n);
        }
        out.ended[row] = game.over ? 1 : 0;
    };
    if (!out.labels.before)
        return replay_rows(begin, end, moves, width, lengths, rules, [](auto, std::int64_t) { return NoSink{}; }, record);
    clear_label_rows(out.labels, out.width, begin, end);
    return replay_rows(
        begin, end, moves, width, lengths, rules,
        [&](auto, std::int64_t row) { return PlyLabelSink{out.labels, row, out.width}; }, record);
}

ReplayError replay_states_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                                const std::uint8_t* lengths, const GameRules& rules, const StateRows& out) {
    return replay_rows(
        begin, end, moves, width, lengths, rules, [&](auto, std::int64_t g) { return StateSink{out.game(g - begin)}; },
        [](std::int64_t, const StateSink&, const GameEnd&) {});
}

ReplayError replay_world_range(std::int64_t begin, std::int64_t end, const std::uint8_t* moves, int width,
                               const std::uint8_t* lengths, const GameRules& rules, const WorldRows& out,
                               std::int64_t* passes) {
    return out.mobility ? replay_world_rows<true>(begin, end, moves, width, lengths, rules, out, passes)
                        : replay_world_rows<false>(begin, end, moves, width, lengths, rules, out, passes);
}

}  // namespace MOTHELLO_KERNEL_NS
}  // namespace mothello
