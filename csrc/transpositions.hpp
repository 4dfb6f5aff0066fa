// Transposition search (issue #13): the positions that games reach by different move orders, over
// a whole dataset in bounded memory, exact and up to the board's symmetries in one search. C++17
// and POSIX write(); the partition files are the caller's (mothello_data.transpositions opens,
// reads and removes them; the nodes are written here).
//
// Each game contributes, per ply k up to max_ply, one node of `words` (2 or 4) uint64 words:
//   w0 = C, the canonical position hash after ply k (position_hash.hpp; the caller may XOR it with
//        a key, e.g. per rule, the same key as w3's),
//   w1 = the top 40 bits of key = mix64(C ^ mix64(order ^ kOrderIV)), then tau (2 bits), s (3 bits),
//        games (13 bits: how many games the node stands for), ply (6 bits, 1..60), high to low,
//   w2 = an example game id (the least id among those games), w3 = the exact position hash (the
//        caller's, with the same key as w0): only with examples.
// The move-order hash of start symmetry t (kStartSymmetries) is z_0 = kOrderIV, z_k = mix64(z_{k-1}
// ^ image_t(move_k)) (image_t: rows.hpp's start_images, where a written pass stays a pass); order =
// the least z_t over t and tau the least t reaching it; s = the canonical symmetry of the position
// (the least symmetry whose image hashes to C).
// Up to symmetry, a position is a C and its move orders the distinct keys (move orders that are
// images of each other under a start symmetry have the same order, so count once). Exactly, a
// position is a (C, s) (equal positions have equal images; equal C and s mean equal images under
// s, so equal positions) and its move orders the distinct (key, tau) (equal orders have equal
// chains; equal order and tau mean equal chains z_tau, so equal images under tau, so equal moves),
// so one search grouping by C counts both, and the exact chain is not kept. Two nodes of one
// position and move order are one: their games add up. A position with two or more move orders is
// a transposition; its game pairs are (N^2 - sum c_i^2) / 2 with c_i the games of move order i.
//
// Plies 1..kEarlyPlies are merged in memory for the whole run: a table counts the games of each
// distinct opening (its first kEarlyPlies moves, or all of a shorter game's, and the position they
// reach: games of other rules stay apart; told apart by a 64-bit key of both), one probe a game
// (a probe per ply into a table of a node per (position, move order) cost more than the rest of
// the game's nodes); at flush each opening gives its nodes of plies 1..7 with its games, and the
// count adds up the games of equal nodes. At most
// 55,092 sequences of 7 moves exist in classic Othello, so the table stays small whatever the
// dataset (a table past 2**18 slots, as delflank's many sequences make it, is written out and
// emptied). Later plies' nodes go to partition p = the low partition_bits bits of w0 (uniform: the
// canonical hash is the least of 8 hashes, its low bits are as uniform as the others'), appended
// to the caller's partition file p through a buffer per partition (one write() per full buffer).
// Each partition is then counted (or grouped) alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine.hpp"  // kMaxPlies

namespace mothello {

constexpr std::uint64_t kOrderIV = 0x5851F42D4C957F2Dull;
constexpr int kEarlyPlies = 7;
constexpr int kNodeGameBits = 13;  // games a node stands for: larger counts are split over nodes
constexpr std::uint64_t kNodeMaxGames = (1ull << kNodeGameBits) - 1;

// Appends nodes to the partition files (open file descriptors, one per partition, the caller's)
// through a buffer of `capacity` nodes per partition, each written out by one write() when full
// and by flush(). A failed write throws std::system_error (its errno).
class PartitionWriter {
   public:
    PartitionWriter(std::vector<int> fds, int words);
    void push(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t w3) {
        const std::size_t p = static_cast<std::size_t>(w0 & mask_);
        std::uint64_t* node = buffer_.data() + (p * capacity_ + fill_[p]) * words_;
        node[0] = w0;
        node[1] = w1;
        if (words_ > 2) {
            node[2] = w2;
            node[3] = w3;
        }
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

// Builds the nodes of the search into its partition files (`fds`: 2**partition_bits open file
// descriptors, written to, never closed). One instance is not safe to call from two threads at
// once (it holds the early plies' table and the buffers).
class TranspositionNodes {
   public:
    TranspositionNodes(int max_ply, int partition_bits, bool examples, std::vector<int> fds);

    int words() const { return words_; }
    int partitions() const { return 1 << bits_; }
    std::int64_t nodes_written() const { return writer_.nodes(); }
    int max_ply() const { return max_ply_; }

    // Games ids [n], moves [n][60], lengths [n], and per ply [n][plies] (plies >= min(max_ply,
    // 60): only those are read) the canonical hash, its symmetry (0..7) and (read with examples
    // only; may be null without) the exact hash: their early plies go to the table, the later
    // plies' nodes (up to max_ply and the game's length) to the partitions.
    void add(const std::uint64_t* ids, const std::uint8_t* moves, const std::uint8_t* lengths,
             const std::uint64_t* canonical, const std::uint8_t* symmetry, const std::uint64_t* exact, std::int64_t n,
             int plies = kMaxPlies);

    // Writes the table's nodes (then emptied) and every buffered node to the partition files.
    void flush();

   private:
    // The early plies' table: open addressing on a 64-bit key of an opening (its moves, their
    // number and the canonical hash after them), slots_ (key, games; games == 0 marks a free
    // slot) probed once a game, info_ (the opening's nodes' data, kInfoWords or more a slot, same
    // index) written when the opening is new (and its least game id kept, with examples). It
    // grows at half full up to kEarlySlots slots (classic games never get there: 55,092 openings
    // of 7 moves); a table that full (delflank: its move sequences outnumber a dataset's
    // games) is written to the partitions and emptied, since the count adds up the games of equal
    // nodes wherever they are: memory stays bounded.
    static constexpr std::size_t kEarlySlots = std::size_t{1} << 18;
    struct Slot {
        std::uint64_t key, games;
    };
    // info_ of a slot: [0] the moves (byte k: move k + 1; 255 past the opening), [1] plies | the
    // symmetries s (3 bits a ply from bit 8), [2] the least game id, [3..10) the canonical hash
    // per ply, with examples [10..17) the exact hash per ply.
    static constexpr std::size_t kInfoWords = 3 + kEarlyPlies;
    void insert_early(std::uint64_t id, const std::uint8_t* row, int plies, const std::uint64_t* canonical,
                      const std::uint8_t* symmetry, const std::uint64_t* exact);
    void grow_early();
    void spill_early();  // writes the table's nodes to the partitions and empties it

    bool examples_;
    int max_ply_, bits_, words_;
    std::size_t info_words_;
    std::vector<Slot> slots_;
    std::vector<std::uint64_t> info_;
    std::int64_t used_ = 0;
    PartitionWriter writer_;
};

// The counts of one search, [0] exact and [1] up to symmetry.
struct TranspositionCounts {
    std::int64_t per_ply[2][kMaxPlies + 1] = {};  // transposed positions per ply
    std::uint64_t pairs[2] = {};                  // game pairs reaching one by different move orders
};

// The transpositions of one partition's nodes [m][words] (left as they are: a copy is grouped),
// exact and up to symmetry. A position counts at the ply of its first node in key order: the
// ply of its least key (exact: least (key, tau)). Only under rules where a position can recur at
// another ply (delflank removes discs; written passes) does that choice matter.
TranspositionCounts count_transpositions(const std::uint64_t* nodes, std::int64_t m, int words);

// The counts of the partition files at `paths` (nodes of `words` words, as written by
// TranspositionNodes), summed: each file read whole and removed, then counted; `threads` files at
// a time (each thread holds one file's nodes). A file that cannot be read throws
// std::system_error (its errno); the files not yet read are left for the caller to remove.
TranspositionCounts count_transposition_files(const std::vector<std::string>& paths, int words, int threads);

// Every transposition of one partition's nodes (grouped in a copy), exact or up to symmetry, in
// position order (by bits 12.. of C, then C, then s; see count_transpositions): position i has
// hash position[i] (up to symmetry C; exact: w3, the exact hash, or C without examples), ply[i],
// and move orders offsets[i] .. offsets[i + 1] - 1, each with its games and example game (0
// without examples), in key order.
struct TranspositionGroups {
    std::vector<std::uint64_t> position;
    std::vector<std::uint8_t> ply;
    std::vector<std::int64_t> offsets{0};
    std::vector<std::uint64_t> games, example;
};
TranspositionGroups transposition_groups(const std::uint64_t* nodes, std::int64_t m, int words, bool canonical);

}  // namespace mothello
