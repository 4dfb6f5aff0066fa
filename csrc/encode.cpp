#include "encode.hpp"

#include <cstring>
#include <vector>

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
    // Languages whose every move is one token (atomic, and split languages' one-token moves only)
    // take a loop without the per-move sequence length: most datasets are atomic.
    std::vector<char> one_token(static_cast<std::size_t>(t.n_langs), 1);
    for (int l = 0; l < t.n_langs; ++l)
        for (int c = 0; c < kMoveCodes; ++c) one_token[l] &= t.seq_len[l * kMoveCodes + c] <= 1;
    std::int64_t m = 0;
    for (std::int64_t g = 0; g < n; ++g) {
        const std::uint8_t* row = moves + g * width;
        const std::int64_t lang = langs[g];
        const int len = lengths[g];
        std::int64_t o = offsets[g];
        if (t.tag_ids) {
            tokens[o] = static_cast<std::uint16_t>(t.tag_ids[lang]);
            if (token_ply) token_ply[o] = -1;
            ++o;
        }
        std::memcpy(flat_moves + m, row, static_cast<std::size_t>(len));
        m += len;
        if (one_token[lang]) {  // (count_tokens checked every move has its token)
            const std::uint16_t* s = t.seq + lang * kMoveCodes * 3;
            for (int p = 0; p < len; ++p) tokens[o + p] = s[row[p] * 3];
            if (token_ply)
                for (int p = 0; p < len; ++p) token_ply[o + p] = static_cast<std::int8_t>(p);
            continue;
        }
        for (int p = 0; p < len; ++p) {
            const int sq = row[p];
            const std::uint16_t* s = t.seq + (lang * kMoveCodes + sq) * 3;
            const int k = t.seq_len[lang * kMoveCodes + sq];
            for (int j = 0; j < k; ++j) {
                tokens[o] = s[j];
                if (token_ply) token_ply[o] = static_cast<std::int8_t>(p);
                ++o;
            }
        }
    }
}

}  // namespace mothello
