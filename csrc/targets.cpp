#include "targets.hpp"

#include <algorithm>

#include "encode.hpp"
#include "engine.hpp"

namespace mothello {

void token_targets(const std::uint16_t* tokens, const std::int8_t* token_ply, const std::int64_t* n_tokens,
                   const std::uint8_t* moves, int width, const std::int64_t* lengths, const std::int16_t* square_to_move,
                   std::int64_t n, std::int64_t T, bool unified, std::int64_t* targets, std::uint8_t* completes) {
    for (std::int64_t g = 0; g < n; ++g) {
        const std::int64_t len = std::clamp<std::int64_t>(n_tokens[g], 0, T);
        const std::int8_t* ply = token_ply + g * T;
        const std::uint16_t* tok = tokens + g * T;
        std::int64_t* tgt = targets + g * T;
        std::uint8_t* done = completes + g * T;
        for (std::int64_t t = 0; t < T; ++t) {
            const bool inside = t < len;
            const bool ends_move = inside && ply[t] >= 0 && (t + 1 == len || ply[t + 1] != ply[t]);
            done[t] = ends_move ? 1 : 0;
            std::int64_t value = kIgnoreIndex;
            if (unified) {
                const int next = ply[t] + 1;  // the ply predicted here (a tag predicts ply 0)
                if (inside && (ends_move || ply[t] < 0) && next < lengths[g] && next < width) {
                    const std::uint8_t code = moves[g * width + next];
                    if (code < kMoveCodes && square_to_move[code] >= 0) value = square_to_move[code];
                }
            } else if (t + 1 < len) {
                value = tok[t + 1];
            }
            tgt[t] = value;
        }
    }
}

}  // namespace mothello
