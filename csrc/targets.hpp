// Training targets per token position, for the loader: one pass over a padded batch.
#pragma once

#include <cstdint>

namespace mothello {

constexpr std::int64_t kIgnoreIndex = -100;  // PyTorch's default ignore_index

// tokens / token_ply: [n][T] (pad positions t >= n_tokens[g]); moves: [n][width] move codes; lengths: [n].
// Writes completes[n][T] (1 on the token that completes its move) and targets[n][T]:
//   unified:    at a completing token of ply p, and at a leading tag (ply -1), the move index of
//               ply p + 1 (square_to_move[65] maps move codes to the move space, -1 outside it);
//               elsewhere kIgnoreIndex;
//   next token: token t + 1 for t + 1 < n_tokens[g]; elsewhere kIgnoreIndex.
void token_targets(const std::uint16_t* tokens, const std::int8_t* token_ply, const std::int64_t* n_tokens,
                   const std::uint8_t* moves, int width, const std::int64_t* lengths, const std::int16_t* square_to_move,
                   std::int64_t n, std::int64_t T, bool unified, std::int64_t* targets, std::uint8_t* completes);

}  // namespace mothello
