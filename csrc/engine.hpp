// Public C++ API of the engine: batch generation, replay to per-ply labels, perft.
// Pure C++17, no Python. Arrays are caller-allocated, row-major, one row of 60 plies per game.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mothello {

constexpr int kMaxPlies = 60;            // a game has at most 60 placements
constexpr std::uint8_t kPadSquare = 255;  // fills move rows past a game's end

// Per-ply labels; either every pointer is set or labels are off (before == nullptr).
struct PlyLabels {
    std::uint64_t* before = nullptr;   // [n][60][2] black, white discs before the ply
    std::uint64_t* after = nullptr;    // [n][60][2] black, white discs after the ply
    std::uint64_t* legal = nullptr;    // [n][60] legal squares of the player to move
    std::uint64_t* flipped = nullptr;  // [n][60] discs flipped by the ply
    std::uint8_t* player = nullptr;    // [n][60] player to move: 0 black, 1 white
    std::uint8_t* passed = nullptr;    // [n][60] 1 when the other side passed just before
};

struct GameArrays {
    std::uint8_t* moves = nullptr;    // [n][60] squares, kPadSquare past the end
    std::uint8_t* lengths = nullptr;  // [n] number of placements
    std::uint8_t* ended = nullptr;    // [n] replay only: 1 when neither side can move after the last ply
    PlyLabels labels;
};

// The first bad move met while replaying games.
struct ReplayError {
    std::int64_t game = -1;  // -1: no error
    int ply = 0;
    int square = 0;
    int kind = 0;  // 1 square out of range, 2 illegal move, 3 move after the game ended
};

// Throws std::invalid_argument "game G, ply P: illegal move d3 (19)" (or the other kinds).
[[noreturn]] void throw_replay_error(const ReplayError& error);

// Plays n uniformly random games: game k of the batch is game (first_index + k) of the run.
void generate_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, int threads,
                    const GameArrays& out);

struct PolicyConfig;  // policies.hpp

// Plays n games with move policies, cfg[0] for black and cfg[1] for white (see policies.hpp for the
// rule of a ply): game k of the batch is game (first_index + k) of the run. Throws
// std::invalid_argument for a bad config (kind, search depth 1..8, epsilon_threshold <= 2^32).
// The first `opening` plies (0..60) are uniformly random moves (a random opening, for matches).
void generate_policy_games(std::int64_t n, std::uint64_t seed, std::uint64_t first_index, const PolicyConfig cfg[2],
                           int opening, int threads, const GameArrays& out);

// Replays n games given as rows of `width` squares with their lengths; fills out.lengths (copied),
// out.ended and the labels. Throws std::invalid_argument naming the first bad game and ply.
void replay_games(const std::uint8_t* moves, std::int64_t n, int width, const std::uint8_t* lengths,
                  int threads, const GameArrays& out);

// Leaf count of the game tree from the start position; a forced pass counts as a move and a
// finished game as a leaf.
std::uint64_t perft(int depth);

// Name of the kernel chosen at run time: "bmi2" or "generic" (MOTHELLO_KERNEL=generic|bmi2 forces it;
// another value throws std::invalid_argument).
std::string kernel_name();

}  // namespace mothello
