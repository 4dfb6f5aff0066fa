// Canonical move rows and passes per game (rows.hpp).
#include "rows.hpp"

#include "engine.hpp"
#include "game_loop.hpp"
#include "position_hash.hpp"

namespace mothello {

const StartImages& start_images() {
    static const StartImages tables = [] {
        StartImages t{};
        for (int k = 0; k < 4; ++k) {
            const int s = kStartSymmetries[k];
            for (int v = 0; v < 256; ++v) t.table[k][v] = s == 0 ? static_cast<std::uint8_t>(v) : kPadSquare;
            if (s == 0) continue;
            for (int sq = 0; sq < 64; ++sq)
                t.table[k][sq] = static_cast<std::uint8_t>(__builtin_ctzll(symmetry(s, 1ull << sq)));
            t.table[k][kPassSquare] = kPassSquare;
        }
        return t;
    }();
    return tables;
}

void canonical_rows(const std::uint8_t* rows, std::int64_t n, std::int64_t width, std::uint8_t* out) {
    const StartImages& t = start_images();
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = rows + g * width;
        std::uint8_t* dst = out + g * width;
        // The images still least so far (bit k: image k); a game's first move already tells its
        // four images apart, so this loop mostly ends after one byte.
        unsigned alive = 0xF;
        for (std::int64_t i = 0; i < width && (alive & (alive - 1)); ++i) {
            std::uint8_t least = 255;
            for (int k = 0; k < 4; ++k)
                if (alive >> k & 1 && t.table[k][row[i]] < least) least = t.table[k][row[i]];
            for (int k = 0; k < 4; ++k)
                if (t.table[k][row[i]] != least) alive &= ~(1u << k);
        }
        const std::uint8_t* map = t.table[__builtin_ctz(alive)];  // tied images are the same bytes
        for (std::int64_t i = 0; i < width; ++i) dst[i] = map[row[i]];
    }
}

void written_passes(const std::uint8_t* rows, std::int64_t n, std::int64_t width, const std::uint8_t* lengths,
                    std::int64_t* out) {
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = rows + g * width;
        std::int64_t passes = 0;
        for (std::int64_t k = 0; k < lengths[g]; ++k) passes += row[k] == kPassSquare;
        out[g] = passes;
    }
}

std::int64_t merge_counts(const std::uint64_t* a, const std::int64_t* a_counts, std::int64_t na, const std::uint64_t* b,
                          const std::int64_t* b_counts, std::int64_t nb, std::uint64_t* out_keys, std::int64_t* out_counts) {
    std::int64_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            out_keys[k] = a[i];
            out_counts[k++] = a_counts[i++];
        } else if (b[j] < a[i]) {
            out_keys[k] = b[j];
            out_counts[k++] = b_counts[j++];
        } else {
            out_keys[k] = a[i];
            out_counts[k++] = a_counts[i++] + b_counts[j++];
        }
    }
    for (; i < na; ++i, ++k) out_keys[k] = a[i], out_counts[k] = a_counts[i];
    for (; j < nb; ++j, ++k) out_keys[k] = b[j], out_counts[k] = b_counts[j];
    return k;
}

}  // namespace mothello
