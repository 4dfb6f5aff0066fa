// Transposition search (issue #13): the positions that games reach by different move orders, over
// a whole dataset in bounded memory. Pure C++17; the partition files are the caller's
// (mothello_data.transpositions writes and reads them).
//
// Each game contributes, per ply k up to max_ply, a node of `words` (2 or 3) uint64 words:
//   w0 = the position hash after ply k (the engine's, or the canonical one: position_hash.hpp),
//   w1 = the top 40 bits of key = mix64(w0 ^ mix64(order ^ kOrderIV)), then 18 bits of games
//        (how many games the node stands for), then 6 bits of ply (1..60),
//   w2 = an example game id (the least id among those games; only with examples).
// order is the move-order hash: z_0 = kOrderIV, z_k = mix64(z_{k-1} ^ move_k); canonical: the
// least over the images of the moves under the start symmetries (kStartSymmetries), so two move
// orders that are images of each other count as one. Two nodes with equal w0 and equal key bits
// are one (position, move order): their games add up. A position with two or more move orders is a
// transposition; its game pairs are (N^2 - sum c_i^2) / 2 with c_i the games of move order i.
//
// Plies 1..kEarlyPlies are merged in memory for the whole run (at most 65,004 move sequences
// exist up to ply 7, so the table stays small whatever the dataset); later plies are returned per
// batch, grouped by partition p = mix64(w0) >> (64 - partition_bits), for the caller to append to
// its partition files. Each partition is then counted (or grouped) alone.
#pragma once

#include <cstdint>
#include <vector>

#include "engine.hpp"  // kMaxPlies

namespace mothello {

constexpr std::uint64_t kOrderIV = 0x5851F42D4C957F2Dull;
constexpr int kEarlyPlies = 7;
constexpr int kNodeGameBits = 18;  // games a node stands for: larger counts are split over nodes
constexpr std::uint64_t kNodeMaxGames = (1ull << kNodeGameBits) - 1;

// Nodes of some batch, grouped by partition: partition p holds nodes bounds[p] .. bounds[p + 1] - 1,
// node i being words nodes[i * words .. i * words + words - 1].
struct NodeBatch {
    std::vector<std::uint64_t> nodes;
    std::vector<std::int64_t> bounds;
};

// Builds the nodes of one search (exact or canonical). One instance is not safe to call from two
// threads at once (it holds the early plies' table).
class TranspositionNodes {
   public:
    TranspositionNodes(bool canonical, int max_ply, int partition_bits, bool examples);

    int words() const { return words_; }
    int partitions() const { return 1 << bits_; }

    // Games ids [n], moves [n][60], lengths [n], positions [n][60] (the hash after each ply, the
    // canonical one for a canonical search): their early plies go to the table, the later plies'
    // nodes (up to max_ply and the game's length) to `out`.
    void add(const std::uint64_t* ids, const std::uint8_t* moves, const std::uint8_t* lengths,
             const std::uint64_t* positions, std::int64_t n, NodeBatch& out);

    // The table's nodes (then emptied), grouped by partition like add's.
    void flush(NodeBatch& out);

   private:
    struct Early {
        std::uint64_t key, pos, games, game;
        int ply;
    };
    void insert_early(std::uint64_t key, std::uint64_t pos, std::uint64_t game, int ply);
    void group(NodeBatch& out);  // scatters scratch_ into out by scratch_part_

    bool canonical_, examples_;
    int max_ply_, bits_, words_;
    std::uint8_t square_map_[4][256];
    std::vector<Early> table_;  // open addressing on key; games == 0 marks a free slot
    std::int64_t used_ = 0;
    std::vector<std::uint64_t> scratch_;
    std::vector<std::uint16_t> scratch_part_;
};

struct TranspositionCounts {
    std::int64_t per_ply[kMaxPlies + 1] = {};  // transposed positions per ply
    std::uint64_t pairs = 0;                   // game pairs reaching one by different move orders
};

// The transpositions of one partition's nodes [m][words] (sorted in place first).
TranspositionCounts count_transpositions(std::uint64_t* nodes, std::int64_t m, int words);

// Every transposition of one partition's nodes (sorted in place first), in position order: position
// i has hash position[i], ply[i], and move orders offsets[i] .. offsets[i + 1] - 1, each with its
// games and example game (0 without examples), in key order.
struct TranspositionGroups {
    std::vector<std::uint64_t> position;
    std::vector<std::uint8_t> ply;
    std::vector<std::int64_t> offsets{0};
    std::vector<std::uint64_t> games, example;
};
TranspositionGroups transposition_groups(std::uint64_t* nodes, std::int64_t m, int words);

}  // namespace mothello
