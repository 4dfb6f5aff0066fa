// Kernel dispatch, the batch entry points (generate, replay), replay errors and perft.
#include "engine.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

#include "board.hpp"
#include "kernel.hpp"
#include "parallel.hpp"

namespace mothello {

namespace {

bool cpu_has_bmi2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#else
    return false;
#endif
}

// MOTHELLO_KERNEL: unset or empty (the best this CPU runs), "generic", or "bmi2" (refused on a CPU
// without BMI2/POPCNT, where it would crash); anything else is refused. Throws std::invalid_argument.
bool choose_bmi2() {
    const char* forced = std::getenv("MOTHELLO_KERNEL");
    if (!forced || !*forced) return cpu_has_bmi2();
    if (std::strcmp(forced, "generic") == 0) return false;
    if (std::strcmp(forced, "bmi2") == 0) {
        if (!cpu_has_bmi2()) throw std::invalid_argument("MOTHELLO_KERNEL=bmi2, but this CPU lacks BMI2/POPCNT; unset it or use generic");
        return true;
    }
    throw std::invalid_argument("MOTHELLO_KERNEL=" + std::string(forced) + " is not a kernel; use generic or bmi2, or unset it");
}

}  // namespace

bool use_bmi2() {
    static const bool chosen = choose_bmi2();  // a throw leaves it unset: every call refuses again
    return chosen;
}

namespace {

template <class P>
std::uint64_t perft_node(const P& pos, int depth);

// Leaves below `pos`, whose side to move has the moves `legal` (not 0).
template <class P>
std::uint64_t perft_moves(const P& pos, u64 legal, int depth) {
    if (depth == 0) return 1;
    if (depth == 1) return static_cast<std::uint64_t>(popcount64(legal));
    std::uint64_t total = 0;
    for (; legal; legal &= legal - 1) {
        P child = pos;
        child.play(lowest_square(legal));
        total += perft_node(child, depth - 1);
    }
    return total;
}

// A forced pass is a move of its own (it uses one level); a finished game is a leaf.
template <class P>
std::uint64_t perft_node(const P& pos, int depth) {
    if (depth == 0) return 1;
    P p = pos;
    bool passed;
    const u64 legal = resolve_pass(p, p.legal(), passed);
    if (legal == 0) return 1;
    return perft_moves(p, legal, passed ? depth - 1 : depth);
}

}  // namespace

void throw_replay_error(const ReplayError& error) {
    std::string what = "game " + std::to_string(error.game) + ", ply " + std::to_string(error.ply) + ": ";
    const std::string sq = std::to_string(error.square);
    const std::string name = error.square == 64 ? std::string("pass")
                                                : std::string{static_cast<char>('a' + error.square % 8),
                                                              static_cast<char>('1' + error.square / 8)};
    if (error.kind == 1) {
        what += "square " + sq + " is out of range 0..63";
        if (error.square == 64) what += " (64 is a written pass: replay with pass tokens)";
    } else if (error.kind == 2 && error.square == 64) {
        what += "illegal pass (64): the side to move has a legal move";
    } else if (error.kind == 4) {
        what += "a pass (64) is forced here, got " + name + " (" + sq + ")";
    } else {
        what += (error.kind == 2 ? "illegal move " : "move after the game ended: ") + name + " (" + sq + ")";
    }
    throw std::invalid_argument(what);
}

void check_rules(const GameRules& rules, std::int64_t n) {
    const auto bad = [](int id) {
        throw std::invalid_argument("rule id " + std::to_string(id) + " is not a rule; use 0 classic, 1 nomidflip, 2 delflank");
    };
    if (!rules.per_game) {
        if (rules.rule < 0 || rules.rule >= kRules) bad(rules.rule);
        return;
    }
    for (std::int64_t i = 0; i < n; ++i)
        if (rules.per_game[i] >= kRules) bad(rules.per_game[i]);
}

namespace {

void check_width(int width) {
    if (width < 1 || width > kMaxWidth)
        throw std::invalid_argument("max_plies must be in 1.." + std::to_string(kMaxWidth) + ", got " + std::to_string(width));
}

}  // namespace

void generate_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, int threads,
                    const GameArrays& out, const GameRules& rules) {
    check_width(out.width);
    check_rules(rules, n);
    const bool bmi2 = use_bmi2();
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) {
        if (bmi2)
            kernel_bmi2::generate_range(b, e, seed, first_index, out, rules);
        else
            kernel_generic::generate_range(b, e, seed, first_index, out, rules);
    });
}

void generate_policy_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, const PolicyConfig cfg[2],
                           int opening, int threads, const GameArrays& out, const GameRules& rules) {
    check_width(out.width);
    check_rules(rules, n);
    if (opening < 0 || opening > kMaxPlies) throw std::invalid_argument("opening_plies must be in 0..60, got " + std::to_string(opening));
    for (int s = 0; s < 2; ++s) {
        const PolicyConfig& c = cfg[s];
        if (c.kind < kUniform || c.kind > kSearch) throw std::invalid_argument("unknown policy kind " + std::to_string(c.kind));
        if (c.kind == kSearch ? (c.depth < 1 || c.depth > kMaxSearchDepth) : c.depth != 0)
            throw std::invalid_argument("search depth must be in 1.." + std::to_string(kMaxSearchDepth) + " (0 for other policies), got " + std::to_string(c.depth));
        if (c.epsilon_threshold > (1ull << 32)) throw std::invalid_argument("epsilon_threshold must be <= 2**32");
    }
    const bool bmi2 = use_bmi2();
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) {
        if (bmi2)
            kernel_bmi2::generate_policy_range(b, e, seed, first_index, cfg, opening, out, rules);
        else
            kernel_generic::generate_policy_range(b, e, seed, first_index, cfg, opening, out, rules);
    });
}

void replay_games(const std::uint8_t* moves, std::int64_t n, int width, const std::uint8_t* lengths,
                  int threads, const GameArrays& out, const GameRules& rules) {
    check_rules(rules, n);
    const bool bmi2 = use_bmi2();
    std::mutex lock;
    ReplayError first;  // the bad game with the lowest index, whichever thread met it
    parallel_for(n, threads, [&](std::int64_t b, std::int64_t e) {
        const ReplayError err = bmi2 ? kernel_bmi2::replay_range(b, e, moves, width, lengths, out, rules)
                                     : kernel_generic::replay_range(b, e, moves, width, lengths, out, rules);
        if (err.game < 0) return;
        std::lock_guard<std::mutex> guard(lock);
        if (first.game < 0 || err.game < first.game) first = err;
    });
    if (first.game >= 0) throw_replay_error(first);
}

std::uint64_t perft(int depth, int rule) {
    if (depth < 0) throw std::invalid_argument("perft depth must be >= 0");
    check_rules(GameRules{rule}, 1);
    if (rule == kNoMidFlipRule) return perft_node(RulePosition<NoMidFlip>{}, depth);
    if (rule == kDelFlankRule) return perft_node(RulePosition<DelFlank>{}, depth);
    return perft_node(Position{}, depth);
}

std::string kernel_name() { return use_bmi2() ? "bmi2" : "generic"; }

}  // namespace mothello
