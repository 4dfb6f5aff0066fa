// Transposition nodes, partitions and counts (transpositions.hpp). Compiled once, for the baseline
// instruction set.
#include "transpositions.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "board.hpp"          // lowest_square
#include "position_hash.hpp"  // symmetry, kStartSymmetries
#include "rng.hpp"            // mix64

namespace mothello {
namespace {

constexpr std::uint64_t kKeyMask = ~((1ull << (kNodeGameBits + 6)) - 1);  // the key's top 40 bits in w1

inline std::uint64_t node_key(std::uint64_t pos, std::uint64_t order) { return mix64(pos ^ mix64(order ^ kOrderIV)); }
inline std::uint64_t pack(std::uint64_t key, std::uint64_t games, int ply) {
    return (key & kKeyMask) | games << 6 | static_cast<std::uint64_t>(ply);
}
inline std::uint64_t games_of(std::uint64_t w1) { return w1 >> 6 & kNodeMaxGames; }
inline int ply_of(std::uint64_t w1) { return static_cast<int>(w1 & 63); }

template <int W>
struct Node {
    std::uint64_t w[W];
};

// Sorts nodes by (position, key): one counting pass into ~m/4 buckets by the low bits of
// mix64(position) (the partition took its top bits), then each small bucket by std::sort.
template <int W>
void sort_nodes(Node<W>* nodes, std::int64_t m) {
    if (m < 2) return;
    int bits = 0;
    while (bits < 20 && (std::int64_t{1} << (bits + 2)) < m) ++bits;
    const std::uint64_t mask = (1ull << bits) - 1;
    std::vector<std::int64_t> start((std::size_t{1} << bits) + 1, 0);
    std::vector<std::uint32_t> bucket(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i) {
        bucket[i] = static_cast<std::uint32_t>(mix64(nodes[i].w[0]) & mask);
        ++start[bucket[i] + 1];
    }
    for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    std::vector<Node<W>> sorted(static_cast<std::size_t>(m));
    {
        std::vector<std::int64_t> next(start.begin(), start.end() - 1);
        for (std::int64_t i = 0; i < m; ++i) sorted[next[bucket[i]]++] = nodes[i];
    }
    auto less = [](const Node<W>& a, const Node<W>& b) {
        return a.w[0] != b.w[0] ? a.w[0] < b.w[0] : (a.w[1] & kKeyMask) < (b.w[1] & kKeyMask);
    };
    for (std::size_t b = 0; b + 1 < start.size(); ++b)
        if (start[b + 1] - start[b] > 1) std::sort(sorted.begin() + start[b], sorted.begin() + start[b + 1], less);
    std::copy(sorted.begin(), sorted.end(), nodes);
}

// Walks sorted nodes position by position: visit(first node, move orders as (games, example) runs).
template <int W, class Visit>
void walk_positions(const Node<W>* nodes, std::int64_t m, Visit visit) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> orders;
    for (std::int64_t i = 0; i < m;) {
        const std::uint64_t pos = nodes[i].w[0];
        orders.clear();
        std::int64_t j = i;
        while (j < m && nodes[j].w[0] == pos) {
            const std::uint64_t key = nodes[j].w[1] & kKeyMask;
            std::uint64_t games = 0, example = ~0ull;
            for (; j < m && nodes[j].w[0] == pos && (nodes[j].w[1] & kKeyMask) == key; ++j) {
                games += games_of(nodes[j].w[1]);
                if constexpr (W > 2) example = std::min(example, nodes[j].w[2]);
            }
            orders.emplace_back(games, W > 2 ? example : 0);
        }
        visit(nodes[i], orders);
        i = j;
    }
}

template <int W>
TranspositionCounts count_impl(std::uint64_t* raw, std::int64_t m) {
    auto* nodes = reinterpret_cast<Node<W>*>(raw);
    sort_nodes(nodes, m);
    TranspositionCounts out;
    walk_positions(nodes, m, [&](const Node<W>& first, const auto& orders) {
        if (orders.size() < 2) return;
        std::uint64_t n = 0, squares = 0;
        for (const auto& o : orders) {
            n += o.first;
            squares += o.first * o.first;
        }
        ++out.per_ply[ply_of(first.w[1])];
        out.pairs += (n * n - squares) / 2;
    });
    return out;
}

template <int W>
TranspositionGroups groups_impl(std::uint64_t* raw, std::int64_t m) {
    auto* nodes = reinterpret_cast<Node<W>*>(raw);
    sort_nodes(nodes, m);
    TranspositionGroups out;
    walk_positions(nodes, m, [&](const Node<W>& first, const auto& orders) {
        if (orders.size() < 2) return;
        out.position.push_back(first.w[0]);
        out.ply.push_back(static_cast<std::uint8_t>(ply_of(first.w[1])));
        for (const auto& o : orders) {
            out.games.push_back(o.first);
            out.example.push_back(o.second);
        }
        out.offsets.push_back(static_cast<std::int64_t>(out.games.size()));
    });
    return out;
}

void check_words(int words) {
    if (words != 2 && words != 3) throw std::invalid_argument("transposition nodes have 2 or 3 words, got " + std::to_string(words));
}

}  // namespace

TranspositionNodes::TranspositionNodes(bool canonical, int max_ply, int partition_bits, bool examples)
    : canonical_(canonical), examples_(examples), max_ply_(max_ply), bits_(partition_bits), words_(examples ? 3 : 2) {
    if (max_ply < 1 || max_ply > kMaxPlies) throw std::invalid_argument("max_ply must be in 1..60, got " + std::to_string(max_ply));
    if (partition_bits < 0 || partition_bits > 12)
        throw std::invalid_argument("partition_bits must be in 0..12, got " + std::to_string(partition_bits));
    for (int s = 0; s < 4; ++s) {
        std::memset(square_map_[s], kPadSquare, 256);
        for (int sq = 0; sq < 64; ++sq)
            square_map_[s][sq] = static_cast<std::uint8_t>(lowest_square(symmetry(kStartSymmetries[s], 1ull << sq)));
    }
    table_.resize(1 << 12);
}

void TranspositionNodes::insert_early(std::uint64_t key, std::uint64_t pos, std::uint64_t game, int ply) {
    if (2 * (used_ + 1) > static_cast<std::int64_t>(table_.size())) {  // grow at half full
        std::vector<Early> old(table_.size() * 2);
        old.swap(table_);
        used_ = 0;
        for (const Early& e : old)
            if (e.games) {
                std::size_t i = e.key & (table_.size() - 1);
                while (table_[i].games) i = (i + 1) & (table_.size() - 1);
                table_[i] = e;
                ++used_;
            }
    }
    std::size_t i = key & (table_.size() - 1);
    while (table_[i].games && table_[i].key != key) i = (i + 1) & (table_.size() - 1);
    Early& e = table_[i];
    if (!e.games) {
        e = Early{key, pos, 0, game, ply};
        ++used_;
    }
    ++e.games;
    e.game = std::min(e.game, game);
}

void TranspositionNodes::add(const std::uint64_t* ids, const std::uint8_t* moves, const std::uint8_t* lengths,
                             const std::uint64_t* positions, std::int64_t n, NodeBatch& out) {
    const int syms = canonical_ ? 4 : 1, W = words_;
    std::int64_t late = 0;
    for (std::int64_t g = 0; g < n; ++g) late += std::max(0, std::min<int>(lengths[g], max_ply_) - kEarlyPlies);
    scratch_.resize(static_cast<std::size_t>(late * W));
    scratch_part_.resize(static_cast<std::size_t>(late));
    std::int64_t j = 0;
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = moves + g * kMaxPlies;
        const std::uint64_t* pos = positions + g * kMaxPlies;
        const int plies = std::min<int>(lengths[g], max_ply_);
        std::uint64_t z[4] = {kOrderIV, kOrderIV, kOrderIV, kOrderIV};
        for (int k = 0; k < plies; ++k) {
            std::uint64_t order = z[0] = mix64(z[0] ^ row[k]);
            for (int s = 1; s < syms; ++s) {
                z[s] = mix64(z[s] ^ square_map_[s][row[k]]);
                order = std::min(order, z[s]);
            }
            const std::uint64_t key = node_key(pos[k], order);
            if (k < kEarlyPlies) {
                insert_early(key, pos[k], ids[g], k + 1);
                continue;
            }
            std::uint64_t* node = scratch_.data() + j * W;
            node[0] = pos[k];
            node[1] = pack(key, 1, k + 1);
            if (W > 2) node[2] = ids[g];
            scratch_part_[j++] = static_cast<std::uint16_t>(bits_ ? mix64(pos[k]) >> (64 - bits_) : 0);
        }
    }
    group(out);
}

void TranspositionNodes::flush(NodeBatch& out) {
    std::int64_t m = 0;
    for (const Early& e : table_)
        if (e.games) m += static_cast<std::int64_t>((e.games + kNodeMaxGames - 1) / kNodeMaxGames);
    const int W = words_;
    scratch_.resize(static_cast<std::size_t>(m * W));
    scratch_part_.resize(static_cast<std::size_t>(m));
    std::int64_t j = 0;
    for (const Early& e : table_) {
        for (std::uint64_t left = e.games; left;) {
            const std::uint64_t games = std::min(left, kNodeMaxGames);
            std::uint64_t* node = scratch_.data() + j * W;
            node[0] = e.pos;
            node[1] = pack(e.key, games, e.ply);
            if (W > 2) node[2] = e.game;
            scratch_part_[j++] = static_cast<std::uint16_t>(bits_ ? mix64(e.pos) >> (64 - bits_) : 0);
            left -= games;
        }
    }
    table_.assign(1 << 12, Early{});
    used_ = 0;
    group(out);
}

void TranspositionNodes::group(NodeBatch& out) {
    const int W = words_, P = 1 << bits_;
    const std::int64_t m = static_cast<std::int64_t>(scratch_part_.size());
    out.bounds.assign(static_cast<std::size_t>(P + 1), 0);
    for (std::int64_t i = 0; i < m; ++i) ++out.bounds[scratch_part_[i] + 1];
    for (int p = 0; p < P; ++p) out.bounds[p + 1] += out.bounds[p];
    out.nodes.resize(static_cast<std::size_t>(m * W));
    std::vector<std::int64_t> next(out.bounds.begin(), out.bounds.end() - 1);
    for (std::int64_t i = 0; i < m; ++i)
        std::memcpy(out.nodes.data() + next[scratch_part_[i]]++ * W, scratch_.data() + i * W, sizeof(std::uint64_t) * W);
}

TranspositionCounts count_transpositions(std::uint64_t* nodes, std::int64_t m, int words) {
    check_words(words);
    return words == 2 ? count_impl<2>(nodes, m) : count_impl<3>(nodes, m);
}

TranspositionGroups transposition_groups(std::uint64_t* nodes, std::int64_t m, int words) {
    check_words(words);
    return words == 2 ? groups_impl<2>(nodes, m) : groups_impl<3>(nodes, m);
}

}  // namespace mothello
