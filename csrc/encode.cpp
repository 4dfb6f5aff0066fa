#include "encode.hpp"

namespace mothello {

bool count_tokens(const TokenTable& t, const std::uint8_t* moves, int width, const std::uint8_t* lengths,
                  const std::int64_t* langs, std::int64_t n, std::int64_t* offsets, std::int64_t* bad_game) {
    const int tag = t.tag_ids ? 1 : 0;
    offsets[0] = 0;
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = moves + g * width;
        const std::uint8_t* len = t.seq_len + langs[g] * kMoveCodes;
        std::int64_t count = tag;
        for (int p = 0; p < lengths[g]; ++p) {
            const int k = row[p] < kMoveCodes ? len[row[p]] : 0;
            if (k == 0) {
                *bad_game = g;
                return false;
            }
            count += k;
        }
        offsets[g + 1] = offsets[g] + count;
    }
    return true;
}

void write_tokens(const TokenTable& t, const std::uint8_t* moves, int width, const std::uint8_t* lengths,
                  const std::int64_t* langs, std::int64_t n, const std::int64_t* offsets, std::uint16_t* tokens,
                  std::int8_t* token_ply, std::uint8_t* flat_moves) {
    std::int64_t m = 0;
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = moves + g * width;
        const std::int64_t lang = langs[g];
        std::int64_t o = offsets[g];
        if (t.tag_ids) {
            tokens[o] = static_cast<std::uint16_t>(t.tag_ids[lang]);
            token_ply[o++] = -1;
        }
        for (int p = 0; p < lengths[g]; ++p) {
            const int sq = row[p];
            const std::uint16_t* s = t.seq + (lang * kMoveCodes + sq) * 3;
            const int k = t.seq_len[lang * kMoveCodes + sq];
            for (int j = 0; j < k; ++j) {
                tokens[o] = s[j];
                token_ply[o++] = static_cast<std::int8_t>(p);
            }
            flat_moves[m++] = static_cast<std::uint8_t>(sq);
        }
    }
}

}  // namespace mothello
