// Public C++ API of the engine: batch generation, replay to per-ply labels, perft.
// Pure C++17, no Python. Arrays are caller-allocated, row-major, one row of `width` plies per game
// (60 for classic games without written passes).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mothello {

constexpr int kMaxPlies = 60;            // a classic game has at most 60 placements
constexpr std::uint8_t kPadSquare = 255;  // fills move rows past a game's end
constexpr int kMaxWidth = 255;           // longest row (max_plies): lengths are uint8

// The rules of a batch (board.hpp RuleId: 0 classic, 1 nomidflip, 2 delflank): one rule, or one
// per game (per_game[k] for game k of the batch, when not null). With pass_token a forced pass is
// a ply of its own, written as move 64.
struct GameRules {
    int rule = 0;
    const std::uint8_t* per_game = nullptr;
    bool pass_token = false;

    int of(std::int64_t game) const { return per_game ? per_game[game] : rule; }
};

// Throws std::invalid_argument unless every rule id of the batch's n games is 0..2.
void check_rules(const GameRules& rules, std::int64_t n);

// Per-ply labels, rows of W = GameArrays::width plies; either every pointer is set or labels are
// off (before == nullptr). A written pass ply: before = after (the passing side to move), legal 0,
// flipped 0.
struct PlyLabels {
    std::uint64_t* before = nullptr;   // [n][W][2] black, white discs before the ply
    std::uint64_t* after = nullptr;    // [n][W][2] black, white discs after the ply
    std::uint64_t* legal = nullptr;    // [n][W] legal squares of the player to move
    std::uint64_t* flipped = nullptr;  // [n][W] discs flipped (delflank: removed) by the ply
    std::uint8_t* player = nullptr;    // [n][W] player to move: 0 black, 1 white
    std::uint8_t* passed = nullptr;    // [n][W] 1 when the other side passed just before
};

struct GameArrays {
    std::uint8_t* moves = nullptr;    // [n][W] squares (64 a written pass), kPadSquare past the end
    std::uint8_t* lengths = nullptr;  // [n] number of written moves
    std::uint8_t* ended = nullptr;    // [n] 1 when neither side can move after the last ply (0: cut)
    PlyLabels labels;
    int width = kMaxPlies;            // W: plies per row (generation: max_plies, 1..255)
};

// The first bad move met while replaying games.
struct ReplayError {
    std::int64_t game = -1;  // -1: no error
    int ply = 0;
    int square = 0;
    int kind = 0;  // 1 square out of range, 2 illegal move (or pass), 3 move after the game ended,
                   // 4 a square where a pass (64) is forced
};

// Throws std::invalid_argument "game G, ply P: illegal move d3 (19)" (or the other kinds).
[[noreturn]] void throw_replay_error(const ReplayError& error);

// Plays n uniformly random games: game k of the batch is game (first_index + k) of the run, under
// its rule; a game stops after out.width plies (then out.ended is 0). out.ended may be null.
void generate_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, int threads,
                    const GameArrays& out, const GameRules& rules = GameRules{});

struct PolicyConfig;  // policies.hpp

// Plays n games with move policies, cfg[0] for black and cfg[1] for white (see policies.hpp for the
// rule of a ply): game k of the batch is game (first_index + k) of the run. Throws
// std::invalid_argument for a bad config (kind, search depth 1..8, epsilon_threshold <= 2^32).
// The first `opening` plies (0..60) are uniformly random moves (a random opening, for matches).
void generate_policy_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, const PolicyConfig cfg[2],
                           int opening, int threads, const GameArrays& out, const GameRules& rules = GameRules{});

// Replays n games given as rows of `width` squares with their lengths under their rules; fills
// out.lengths (copied), out.ended and the labels (rows of out.width, set to `width` by the
// caller). Throws std::invalid_argument naming the first bad game and ply.
void replay_games(const std::uint8_t* moves, std::int64_t n, int width, const std::uint8_t* lengths,
                  int threads, const GameArrays& out, const GameRules& rules = GameRules{});

// Leaf count of the game tree from the start position of `rule`; a forced pass counts as a move
// and a finished game as a leaf.
std::uint64_t perft(int depth, int rule = 0);

// Name of the kernel chosen at run time: "bmi2" or "generic" (MOTHELLO_KERNEL=generic|bmi2 forces it;
// another value throws std::invalid_argument).
std::string kernel_name();

}  // namespace mothello
