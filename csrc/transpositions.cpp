// Transposition nodes, partitions and counts (transpositions.hpp). Compiled once, for the baseline
// instruction set.
#include "transpositions.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#ifdef _WIN32
#include <io.h>  // _write
#define MOTHELLO_WRITE ::_write
#else
#include <fcntl.h>     // open
#include <sys/mman.h>  // mmap: the partitions are read through their page-cache pages
#include <sys/stat.h>  // fstat
#include <unistd.h>    // write, close, unlink
#define MOTHELLO_WRITE ::write
#endif

#include "position_hash.hpp"  // kSymmetries
#include "rng.hpp"            // mix64
#include "rows.hpp"           // start_images

namespace mothello {
namespace {

constexpr int kMaxPartitionBits = 12;  // partitions take the position hash's low bits, at most 12
constexpr int kIndexShift = kMaxPartitionBits;  // a partition's filter and buckets index the bits above
constexpr int kGameShift = 6, kSymmetryShift = kGameShift + kNodeGameBits, kTauShift = kSymmetryShift + 3;
constexpr int kKeyShift = kTauShift + 2;  // 24: the key's top 40 bits
constexpr std::uint64_t kKeyMask = ~((1ull << kKeyShift) - 1);

inline std::uint64_t node_key(std::uint64_t pos, std::uint64_t order) { return mix64(pos ^ mix64(order ^ kOrderIV)); }
inline std::uint64_t order_bits(int tau, int s, int ply) {
    return static_cast<std::uint64_t>(tau) << kTauShift | static_cast<std::uint64_t>(s) << kSymmetryShift |
           static_cast<std::uint64_t>(ply);
}
// The move-order chains of one game, one per start symmetry t (transpositions.hpp: z_k = mix64(z_{k-1}
// ^ image_t(move_k))), and after each move the least chain (order) with the least t reaching it.
struct OrderChains {
    const StartImages& images = start_images();  // a written pass stays a pass in every image
    std::uint64_t z[4] = {kOrderIV, kOrderIV, kOrderIV, kOrderIV};
    std::uint64_t order = 0;
    int tau = 0;

    void play(std::uint8_t move) {
        order = z[0] = mix64(z[0] ^ move);
        tau = 0;
        for (int t = 1; t < 4; ++t) {  // branch-free: which t wins is a coin toss
            z[t] = mix64(z[t] ^ images.table[t][move]);
            const bool less = z[t] < order;  // ties keep the least t
            tau = less ? t : tau;
            order = less ? z[t] : order;
        }
    }
    // w1 of the node of this move order (games 0) at `ply`, of canonical hash pos and symmetry s
    std::uint64_t node_w1(std::uint64_t pos, int s, int ply) const {
        return (node_key(pos, order) & kKeyMask) | order_bits(tau, s, ply);
    }
};
inline std::uint64_t games_of(std::uint64_t w1) { return w1 >> kGameShift & kNodeMaxGames; }
inline int ply_of(std::uint64_t w1) { return static_cast<int>(w1 & 63); }
inline int symmetry_of(std::uint64_t w1) { return static_cast<int>(w1 >> kSymmetryShift & 7); }
inline std::uint64_t exact_order_of(std::uint64_t w1) { return w1 >> kSymmetryShift; }  // key, tau, s

template <int W>
struct Node {
    std::uint64_t w[W];
};

// Scratch of a partition's count, kept by each thread from one partition to the next (fresh
// allocations of this size would be zeroed by the kernel page by page at each partition): the
// filter's 4 bytes a node, and the kept nodes (twice). The candidates' buffer has room for every
// node but is left uninitialised, so only the pages the kept nodes fill are ever touched.
struct Workspace {
    std::vector<std::uint64_t> bitmaps;  // filter: words (seen, again) interleaved
    std::unique_ptr<std::uint64_t[]> candidates;  // the nodes it keeps
    std::size_t candidate_words = 0;
    std::vector<std::uint64_t> grouped;     // the candidates scattered by bucket
    std::vector<std::int64_t> start, next;  // bucket bounds
    std::vector<std::pair<std::uint64_t, std::uint64_t>> orders;
};

Workspace& workspace() {
    thread_local Workspace w;
    return w;
}

// Picks the nodes whose canonical position may be held by another node (the exact positions of
// one are among its nodes): a filter of two bitmaps of about 16 bits a node, indexed by bits 12..
// of C (the bits below are the partition's),
// marks the indices seen once and seen again; a node whose index was seen once only holds a
// position no other node holds (no false negatives; a unique position shares an index with
// another node with odds about 1 in 16 and is kept for the exact grouping). Most positions past
// ply 10 are reached by one game, so few nodes are kept.
template <int W>
const Node<W>* pick_candidates(const Node<W>* nodes, std::int64_t m, Workspace& ws, std::int64_t& kept) {
    int bits = 6;
    while (bits < 40 && (std::int64_t{1} << bits) < 16 * m) ++bits;
    const std::uint64_t mask = (1ull << bits) - 1;
    ws.bitmaps.assign(std::size_t{2} << (bits - 6), 0);
    std::uint64_t* maps = ws.bitmaps.data();
    for (std::int64_t i = 0; i < m; ++i) {
        const std::uint64_t h = nodes[i].w[0] >> kIndexShift & mask, bit = 1ull << (h & 63);
        std::uint64_t* pair = maps + 2 * (h >> 6);
        pair[1] |= pair[0] & bit;
        pair[0] |= bit;
    }
    if (ws.candidate_words < static_cast<std::size_t>(m) * W) {
        ws.candidate_words = static_cast<std::size_t>(m) * W;
        ws.candidates.reset(new std::uint64_t[ws.candidate_words]);  // uninitialised
    }
    auto* out = reinterpret_cast<Node<W>*>(ws.candidates.get());
    kept = 0;
    for (std::int64_t i = 0; i < m; ++i) {
        const std::uint64_t h = nodes[i].w[0] >> kIndexShift & mask;
        out[kept] = nodes[i];
        kept += static_cast<std::int64_t>(maps[2 * (h >> 6) + 1] >> (h & 63) & 1);  // branch-free
    }
    return out;
}

// Groups nodes by canonical hash, then exact move order (key, tau, s): one counting pass scatters
// them by bits 12.. of C into buckets of about two nodes, then each bucket of two or more nodes is
// sorted (insertion sort: buckets are small; std::sort for a heavy one, e.g. the early plies'
// split nodes). Calls visit(first, last) for each run of two or more nodes of one C, in bucket
// order: only there can one position have two nodes.
template <int W, class Visit>
void for_each_group(const Node<W>* nodes, std::int64_t m, Workspace& ws, Visit visit) {
    int bits = 0;
    while (bits < 24 && (std::int64_t{1} << (bits + 1)) < m) ++bits;
    const std::uint64_t mask = (1ull << bits) - 1;
    const auto bucket = [mask](const Node<W>& n) { return static_cast<std::size_t>(n.w[0] >> kIndexShift & mask); };
    ws.start.assign((std::size_t{1} << bits) + 1, 0);
    std::int64_t* start = ws.start.data();
    for (std::int64_t i = 0; i < m; ++i) ++start[bucket(nodes[i]) + 1];
    for (std::size_t b = 1; b < ws.start.size(); ++b) start[b] += start[b - 1];
    ws.grouped.resize(static_cast<std::size_t>(m) * W);
    auto* data = reinterpret_cast<Node<W>*>(ws.grouped.data());
    ws.next.assign(ws.start.begin(), ws.start.end() - 1);
    for (std::int64_t i = 0; i < m; ++i) data[ws.next[bucket(nodes[i])]++] = nodes[i];
    const auto less = [](const Node<W>& a, const Node<W>& b) {
        return a.w[0] != b.w[0] ? a.w[0] < b.w[0] : exact_order_of(a.w[1]) < exact_order_of(b.w[1]);
    };
    for (std::size_t b = 0; b + 1 < ws.start.size(); ++b) {
        Node<W>* first = data + start[b];
        Node<W>* last = data + start[b + 1];
        if (last - first < 2) continue;
        if (last - first > 32) {
            std::sort(first, last, less);
        } else {
            for (Node<W>* i = first + 1; i < last; ++i) {
                const Node<W> x = *i;
                Node<W>* j = i;
                for (; j > first && less(x, j[-1]); --j) *j = j[-1];
                *j = x;
            }
        }
        for (const Node<W>* i = first; i < last;) {
            const Node<W>* j = i + 1;
            while (j < last && j->w[0] == i->w[0]) ++j;
            if (j - i >= 2) visit(i, j);
            i = j;
        }
    }
}

// Calls order(first node, games, least example) for each move order of the group [i, end) (nodes
// of one C in (key, tau, s) order), in key order: up to symmetry the runs of one key; exact the
// runs of one (key, tau, s), those with symmetry s (s < 0: every symmetry).
template <int W, class Order>
void for_each_order(const Node<W>* i, const Node<W>* end, bool canonical, int s, Order order) {
    const std::uint64_t mask = canonical ? kKeyMask : ~((1ull << kSymmetryShift) - 1);
    while (i < end) {
        const std::uint64_t key = i->w[1] & mask;
        const Node<W>* j = i;
        std::uint64_t games = 0, example = ~0ull;
        for (; j < end && (j->w[1] & mask) == key; ++j) {
            games += games_of(j->w[1]);
            if constexpr (W > 2) example = std::min(example, j->w[2]);
        }
        if (canonical || s < 0 || symmetry_of(i->w[1]) == s) order(*i, games, W > 2 ? example : 0);
        i = j;
    }
}

// One position's move orders, added up: the count of orders, games N and sum of c_i^2, and the
// ply of its first node.
struct Tally {
    int orders = 0, ply = 0;
    std::uint64_t n = 0, squares = 0;
    void add(std::uint64_t games, int at) {
        if (!orders++) ply = at;
        n += games;
        squares += games * games;
    }
    void count(TranspositionCounts& out, int search) const {
        if (orders < 2) return;
        ++out.per_ply[search][ply];
        out.pairs[search] += (n * n - squares) / 2;
    }
};

template <int W>
TranspositionCounts count_impl(const std::uint64_t* raw, std::int64_t m) {
    TranspositionCounts out;
    Workspace& ws = workspace();
    std::int64_t kept = 0;
    const Node<W>* candidates = pick_candidates(reinterpret_cast<const Node<W>*>(raw), m, ws, kept);
    for_each_group(candidates, kept, ws, [&](const Node<W>* first, const Node<W>* last) {
        Tally canonical, exact[kSymmetries];
        for_each_order(first, last, true, 0, [&](const Node<W>& n, std::uint64_t games, std::uint64_t) {
            canonical.add(games, ply_of(n.w[1]));
        });
        // exact move orders, each to the tally of its position (its symmetry), in one pass
        for_each_order(first, last, false, -1, [&](const Node<W>& n, std::uint64_t games, std::uint64_t) {
            exact[symmetry_of(n.w[1])].add(games, ply_of(n.w[1]));
        });
        canonical.count(out, 1);
        for (const Tally& t : exact) t.count(out, 0);
    });
    return out;
}

template <int W>
TranspositionGroups groups_impl(const std::uint64_t* raw, std::int64_t m, bool canonical) {
    TranspositionGroups out;
    Workspace& ws = workspace();
    std::int64_t kept = 0;
    const Node<W>* candidates = pick_candidates(reinterpret_cast<const Node<W>*>(raw), m, ws, kept);
    for_each_group(candidates, kept, ws, [&](const Node<W>* first, const Node<W>* last) {
        for (int s = 0; s < (canonical ? 1 : kSymmetries); ++s) {  // exact: the group's position of each symmetry
            ws.orders.clear();
            const Node<W>* head = nullptr;
            for_each_order(first, last, canonical, s, [&](const Node<W>& n, std::uint64_t games, std::uint64_t example) {
                if (!head) head = &n;
                ws.orders.emplace_back(games, example);
            });
            if (ws.orders.size() < 2) continue;
            out.position.push_back(canonical || W == 2 ? head->w[0] : head->w[W - 1]);
            out.ply.push_back(static_cast<std::uint8_t>(ply_of(head->w[1])));
            for (const auto& o : ws.orders) {
                out.games.push_back(o.first);
                out.example.push_back(o.second);
            }
            out.offsets.push_back(static_cast<std::int64_t>(out.games.size()));
        }
    });
    return out;
}

void check_words(int words) {
    if (words != 2 && words != 4) throw std::invalid_argument("transposition nodes have 2 or 4 words, got " + std::to_string(words));
}

}  // namespace

PartitionWriter::PartitionWriter(std::vector<int> fds, int words)
    : fds_(std::move(fds)), words_(words), mask_(fds_.size() - 1), capacity_((std::size_t{1} << 19) / fds_.size()),
      buffer_(capacity_ * fds_.size() * static_cast<std::size_t>(words)), fill_(fds_.size(), 0) {}

void PartitionWriter::write_out(std::size_t p) {
    const char* data = reinterpret_cast<const char*>(buffer_.data() + p * capacity_ * words_);
    std::size_t left = fill_[p] * words_ * sizeof(std::uint64_t);
    while (left) {
        const auto done = MOTHELLO_WRITE(fds_[p], data, static_cast<unsigned>(std::min<std::size_t>(left, 1u << 30)));
        if (done < 0 && errno == EINTR) continue;
        if (done < 0) throw std::system_error(errno, std::generic_category(), "writing a transposition partition file");
        data += done;
        left -= static_cast<std::size_t>(done);
    }
    nodes_ += static_cast<std::int64_t>(fill_[p]);
    fill_[p] = 0;
}

void PartitionWriter::flush() {
    for (std::size_t p = 0; p < fds_.size(); ++p)
        if (fill_[p]) write_out(p);
}

namespace {
std::vector<int> checked_fds(std::vector<int> fds, int partition_bits) {
    if (partition_bits < 0 || partition_bits > kMaxPartitionBits)
        throw std::invalid_argument("partition_bits must be in 0..12, got " + std::to_string(partition_bits));
    if (fds.size() != (std::size_t{1} << partition_bits))
        throw std::invalid_argument("TranspositionNodes needs one file descriptor per partition (" +
                                    std::to_string(1 << partition_bits) + "), got " + std::to_string(fds.size()));
    return fds;
}
}  // namespace

TranspositionNodes::TranspositionNodes(int max_ply, int partition_bits, bool examples, std::vector<int> fds)
    : examples_(examples), max_ply_(max_ply), bits_(partition_bits), words_(examples ? 4 : 2),
      info_words_(kInfoWords + (examples ? kEarlyPlies : 0)),
      writer_(checked_fds(std::move(fds), partition_bits), examples ? 4 : 2) {
    if (max_ply < 1 || max_ply > kMaxPlies) throw std::invalid_argument("max_ply must be in 1..60, got " + std::to_string(max_ply));
    slots_.resize(1 << 12);
    info_.resize(slots_.size() * info_words_);
}

void TranspositionNodes::grow_early() {  // twice the slots, the openings re-placed
    std::vector<Slot> old_slots(slots_.size() * 2);
    std::vector<std::uint64_t> old_info(old_slots.size() * info_words_);
    old_slots.swap(slots_);
    old_info.swap(info_);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t j = 0; j < old_slots.size(); ++j)
        if (old_slots[j].games) {
            std::size_t i = old_slots[j].key & mask;
            while (slots_[i].games) i = (i + 1) & mask;
            slots_[i] = old_slots[j];
            std::copy_n(old_info.begin() + j * info_words_, info_words_, info_.begin() + i * info_words_);
        }
}

void TranspositionNodes::insert_early(std::uint64_t id, const std::uint8_t* row, int plies,
                                      const std::uint64_t* canonical, const std::uint8_t* symmetry,
                                      const std::uint64_t* exact) {
    if (2 * static_cast<std::size_t>(used_ + 1) > slots_.size()) {
        if (slots_.size() >= kEarlySlots) {
            spill_early();
        } else {  // grow at half full
            grow_early();
        }
    }
    std::uint64_t moves = ~0ull;  // byte k: move k + 1, 255 past the opening
    for (int k = 0; k < plies; ++k) moves ^= static_cast<std::uint64_t>(row[k] ^ 255) << (8 * k);
    // the opening's moves and the position they reach (which differs between rules, as the
    // caller's hashes do); plies is implied by the moves (255 only past the opening)
    const std::uint64_t key = mix64(moves ^ mix64(canonical[plies - 1] ^ kOrderIV));
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = key & mask;
    while (slots_[i].games && slots_[i].key != key) i = (i + 1) & mask;
    Slot& slot = slots_[i];
    std::uint64_t* info = info_.data() + i * info_words_;
    if (!slot.games) {
        slot.key = key;
        info[0] = moves;
        std::uint64_t bits = static_cast<std::uint64_t>(plies);
        for (int k = 0; k < plies; ++k) {
            bits |= static_cast<std::uint64_t>(symmetry[k] & 7) << (8 + 3 * k);
            info[3 + k] = canonical[k];
            if (examples_) info[kInfoWords + k] = exact[k];
        }
        info[1] = bits;
        info[2] = id;
        ++used_;
    } else if (examples_ && id < info[2]) {
        info[2] = id;
    }
    ++slot.games;
}

void TranspositionNodes::spill_early() {
    // each opening's node of each ply, as add() makes later ones; openings sharing their first k
    // moves share their ply-k node: equal nodes are merged (their games added) before writing
    struct EarlyNode {
        std::uint64_t w0, w1, game, exact, games;
    };
    std::vector<EarlyNode> nodes;
    nodes.reserve(static_cast<std::size_t>(used_) * kEarlyPlies);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (!slots_[i].games) continue;
        const std::uint64_t* info = info_.data() + i * info_words_;
        const int plies = static_cast<int>(info[1] & 255);
        OrderChains chains;
        for (int k = 0; k < plies; ++k) {
            chains.play(static_cast<std::uint8_t>(info[0] >> (8 * k)));
            const int s = static_cast<int>(info[1] >> (8 + 3 * k) & 7);
            nodes.push_back({info[3 + k], chains.node_w1(info[3 + k], s, k + 1), info[2],
                             examples_ ? info[kInfoWords + k] : 0, slots_[i].games});
        }
        slots_[i].games = 0;
    }
    used_ = 0;
    std::sort(nodes.begin(), nodes.end(),
              [](const EarlyNode& a, const EarlyNode& b) { return a.w0 != b.w0 ? a.w0 < b.w0 : a.w1 < b.w1; });
    for (std::size_t i = 0; i < nodes.size();) {
        EarlyNode n = nodes[i];
        for (++i; i < nodes.size() && nodes[i].w0 == n.w0 && nodes[i].w1 == n.w1; ++i) {
            n.games += nodes[i].games;
            n.game = std::min(n.game, nodes[i].game);
        }
        for (std::uint64_t left = n.games; left;) {  // 13 bits of games a node
            const std::uint64_t games = std::min(left, kNodeMaxGames);
            writer_.push(n.w0, n.w1 | games << kGameShift, n.game, n.exact);
            left -= games;
        }
    }
}

void TranspositionNodes::add(const std::uint64_t* ids, const std::uint8_t* moves, const std::uint8_t* lengths,
                             const std::uint64_t* canonical, const std::uint8_t* symmetry, const std::uint64_t* exact,
                             std::int64_t n, int plies_per_row) {
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = moves + g * kMaxPlies;
        const std::uint64_t* pos = canonical + g * plies_per_row;
        const std::uint8_t* sym = symmetry + g * plies_per_row;
        const std::uint64_t* same = examples_ ? exact + g * plies_per_row : nullptr;
        const int plies = std::min<int>(lengths[g], max_ply_);
        if (plies > 0) insert_early(ids[g], row, std::min(plies, kEarlyPlies), pos, sym, same);
        OrderChains chains;
        for (int k = 0; k < plies; ++k) {
            chains.play(row[k]);
            if (k < kEarlyPlies) continue;  // the opening's table has it
            writer_.push(pos[k], chains.node_w1(pos[k], sym[k] & 7, k + 1) | 1ull << kGameShift, ids[g], same ? same[k] : 0);
        }
    }
}

void TranspositionNodes::flush() {
    spill_early();
    slots_.assign(1 << 12, Slot{});
    info_.assign(slots_.size() * info_words_, 0);
    writer_.flush();
}

TranspositionCounts count_transpositions(const std::uint64_t* nodes, std::int64_t m, int words) {
    check_words(words);
    return words == 2 ? count_impl<2>(nodes, m) : count_impl<4>(nodes, m);
}

namespace {
// One partition file's nodes, read whole, counted, then the file removed. POSIX maps the file
// (its page-cache pages, prefaulted in one call: a read() would copy them); elsewhere it is read
// into the thread's buffer, reused from file to file.
struct PartitionReader {
    std::unique_ptr<std::uint64_t[]> buffer;
    std::size_t capacity = 0;  // words

    TranspositionCounts count(const std::string& path, int words) {
#ifdef _WIN32
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) fail();
        std::size_t n = 0;
        for (;;) {
            if (n == capacity) {  // grow by half: a partition's size is not known before
                const std::size_t grown = std::max<std::size_t>(capacity + capacity / 2, std::size_t{1} << 16);
                std::unique_ptr<std::uint64_t[]> bigger(new std::uint64_t[grown]);
                std::copy(buffer.get(), buffer.get() + n, bigger.get());
                buffer.swap(bigger);
                capacity = grown;
            }
            n += std::fread(buffer.get() + n, sizeof(std::uint64_t), capacity - n, f);
            if (n < capacity) {  // a short read: the end of the file, or an error
                const bool bad = std::ferror(f) != 0;
                std::fclose(f);
                if (bad) fail();
                break;
            }
        }
        std::remove(path.c_str());
        return count_transpositions(buffer.get(), static_cast<std::int64_t>(n / words), words);
#else
        const int fd = ::open(path.c_str(), O_RDONLY);
        if (fd < 0) fail();
        struct stat st;
        if (::fstat(fd, &st) != 0) {
            const int err = errno;
            ::close(fd);
            fail(err);
        }
        const std::size_t bytes = static_cast<std::size_t>(st.st_size);
        void* map = nullptr;
        if (bytes) {
            int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
            flags |= MAP_POPULATE;
#endif
            map = ::mmap(nullptr, bytes, PROT_READ, flags, fd, 0);
            if (map == MAP_FAILED) {
                const int err = errno;
                ::close(fd);
                fail(err);
            }
        }
        ::close(fd);
        ::unlink(path.c_str());  // the map keeps the pages until it goes
        const std::int64_t m = static_cast<std::int64_t>(bytes / (sizeof(std::uint64_t) * words));
        struct Unmap {  // also when the count throws
            void* map;
            std::size_t bytes;
            ~Unmap() {
                if (map) ::munmap(map, bytes);
            }
        } unmap{map, bytes};
        return map ? count_transpositions(static_cast<const std::uint64_t*>(map), m, words) : TranspositionCounts{};
#endif
    }

    [[noreturn]] static void fail(int err = errno) {
        throw std::system_error(err, std::generic_category(), "reading a transposition partition file");
    }
};
}  // namespace

TranspositionCounts count_transposition_files(const std::vector<std::string>& paths, int words, int threads) {
    check_words(words);
    std::atomic<std::size_t> next{0};
    std::mutex lock;
    TranspositionCounts total;
    std::exception_ptr failed;
    auto work = [&] {
        PartitionReader reader;
        try {
            for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
                const TranspositionCounts part = reader.count(paths[i], words);
                std::lock_guard<std::mutex> guard(lock);
                for (int search = 0; search < 2; ++search) {
                    for (int p = 0; p <= kMaxPlies; ++p) total.per_ply[search][p] += part.per_ply[search][p];
                    total.pairs[search] += part.pairs[search];
                }
            }
        } catch (...) {
            std::lock_guard<std::mutex> guard(lock);
            if (!failed) failed = std::current_exception();
            next = paths.size();  // the others stop after their file
        }
    };
    const int workers = static_cast<int>(std::min<std::size_t>(std::max(threads, 1), std::max<std::size_t>(paths.size(), 1)));
    std::vector<std::thread> pool;
    for (int t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
    if (failed) std::rethrow_exception(failed);
    return total;
}

TranspositionGroups transposition_groups(const std::uint64_t* nodes, std::int64_t m, int words, bool canonical) {
    check_words(words);
    return words == 2 ? groups_impl<2>(nodes, m, canonical) : groups_impl<4>(nodes, m, canonical);
}

}  // namespace mothello
