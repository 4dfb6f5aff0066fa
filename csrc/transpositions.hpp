// Transposition search (issue #13): the positions that games reach by different move orders, over
// a whole dataset in bounded memory. C++17 and POSIX write(); the partition files are the caller's
// (mothello_data.transpositions opens, reads and removes them; the nodes are written here).
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
// exist up to ply 7 in classic Othello, so the table stays small whatever the dataset; a table
// past 2**18 slots, as delflank's many sequences make it, is written out and emptied); later plies' nodes go to
// partition p = the low partition_bits bits of w0 (uniform: the canonical hash is the least of 8
// hashes, its low bits are as uniform as the others'), appended to the caller's partition file p
// through a buffer per partition (one write() per full buffer). Each partition is then counted (or
// grouped) alone.
#pragma once

#include <cstdint>
#include <vector>

#include "engine.hpp"  // kMaxPlies

namespace mothello {

constexpr std::uint64_t kOrderIV = 0x5851F42D4C957F2Dull;
constexpr int kEarlyPlies = 7;
constexpr int kNodeGameBits = 18;  // games a node stands for: larger counts are split over nodes
constexpr std::uint64_t kNodeMaxGames = (1ull << kNodeGameBits) - 1;

// Appends nodes to the partition files (open file descriptors, one per partition, the caller's)
// through a buffer of `capacity` nodes per partition, each written out by one write() when full
// and by flush(). A failed write throws std::system_error (its errno).
class PartitionWriter {
   public:
    PartitionWriter(std::vector<int> fds, int words);
    void push(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2) {
        const std::size_t p = static_cast<std::size_t>(w0 & mask_);
        std::uint64_t* node = buffer_.data() + (p * capacity_ + fill_[p]) * words_;
        node[0] = w0;
        node[1] = w1;
        if (words_ > 2) node[2] = w2;
        if (++fill_[p] == capacity_) write_out(p);
    }
    void flush();
    std::int64_t nodes() const { return nodes_; }  // nodes written (flushed) so far

   private:
    void write_out(std::size_t p);
    std::vector<int> fds_;
    int words_;
    std::uint64_t mask_;
    std::size_t capacity_;
    std::vector<std::uint64_t> buffer_;
    std::vector<std::size_t> fill_;
    std::int64_t nodes_ = 0;
};

// Builds the nodes of one search (exact or canonical) into its partition files (`fds`: 2**
// partition_bits open file descriptors, written to, never closed). One instance is not safe to
// call from two threads at once (it holds the early plies' table and the buffers).
class TranspositionNodes {
   public:
    TranspositionNodes(bool canonical, int max_ply, int partition_bits, bool examples, std::vector<int> fds);

    int words() const { return words_; }
    int partitions() const { return 1 << bits_; }
    std::int64_t nodes_written() const { return writer_.nodes(); }

    // Games ids [n], moves [n][60], lengths [n], positions [n][60] (the hash after each ply, the
    // canonical one for a canonical search): their early plies go to the table, the later plies'
    // nodes (up to max_ply and the game's length) to the partitions.
    void add(const std::uint64_t* ids, const std::uint8_t* moves, const std::uint8_t* lengths,
             const std::uint64_t* positions, std::int64_t n);

    // Writes the table's nodes (then emptied) and every buffered node to the partition files.
    void flush();

   private:
    // The early plies' table: open addressing on the node key, slots_ (key, games; games == 0 marks
    // a free slot) probed on every insert, info_ (the rest, same index) touched when a node is new.
    // It grows at half full up to kEarlySlots slots (classic and nomidflip games never get there:
    // 65,004 sequences); a table that full (delflank: its move sequences outnumber a dataset's
    // games) is written to the partitions and emptied, since the count adds up the games of equal
    // nodes wherever they are: memory stays bounded.
    static constexpr std::size_t kEarlySlots = std::size_t{1} << 18;
    struct Slot {
        std::uint64_t key, games;
    };
    struct Info {
        std::uint64_t pos, game;
        int ply;
    };
    void insert_early(std::uint64_t key, std::uint64_t pos, std::uint64_t game, int ply);
    void spill_early();  // writes the table's nodes to the partitions and empties it

    bool canonical_, examples_;
    int max_ply_, bits_, words_;
    std::uint8_t square_map_[4][256];
    std::vector<Slot> slots_;
    std::vector<Info> info_;
    std::int64_t used_ = 0;
    PartitionWriter writer_;
};

struct TranspositionCounts {
    std::int64_t per_ply[kMaxPlies + 1] = {};  // transposed positions per ply
    std::uint64_t pairs = 0;                   // game pairs reaching one by different move orders
};

// The transpositions of one partition's nodes [m][words] (left as they are: a copy is grouped).
TranspositionCounts count_transpositions(const std::uint64_t* nodes, std::int64_t m, int words);

// Every transposition of one partition's nodes (grouped in a copy), in position order (by bits 12..
// of the position hash, then the hash; see count_transpositions): position
// i has hash position[i], ply[i], and move orders offsets[i] .. offsets[i + 1] - 1, each with its
// games and example game (0 without examples), in key order.
struct TranspositionGroups {
    std::vector<std::uint64_t> position;
    std::vector<std::uint8_t> ply;
    std::vector<std::int64_t> offsets{0};
    std::vector<std::uint64_t> games, example;
};
TranspositionGroups transposition_groups(const std::uint64_t* nodes, std::int64_t m, int words);

}  // namespace mothello
