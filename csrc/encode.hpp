// Rendering move lists as token sequences of a language table (see mothello_data.languages).
#pragma once

#include <cstdint>

namespace mothello {

// Move codes of a table row: the squares 0..63 and the written pass (64, game_loop.hpp's kPassSquare).
constexpr int kMoveCodes = 65;

struct TokenTable {
    const std::uint16_t* seq;     // [n_langs][65][3] token ids of each move code's sequence
    const std::uint8_t* seq_len;  // [n_langs][65] tokens per move code (0: not a move)
    const std::int32_t* tag_ids;  // [n_langs] language tag id, or nullptr when tags are off
    int n_langs;
};

// Tokens needed by each game; returns false if a game uses a square with no sequence.
// counts[g] = tag + sum of sequence lengths.
bool count_tokens(const TokenTable& table, const std::uint8_t* moves, int width, const std::uint8_t* lengths,
                  const std::int64_t* langs, std::int64_t n, std::int64_t* offsets /* [n + 1] */,
                  std::int64_t* bad_game);

// Writes tokens, the ply of each token (-1 for a tag; token_ply may be nullptr: not wanted) and the
// concatenated moves (move_offsets[g] = sum of lengths before g).
void write_tokens(const TokenTable& table, const std::uint8_t* moves, int width, const std::uint8_t* lengths,
                  const std::int64_t* langs, std::int64_t n, const std::int64_t* offsets, std::uint16_t* tokens,
                  std::int8_t* token_ply, std::uint8_t* flat_moves);

}  // namespace mothello
