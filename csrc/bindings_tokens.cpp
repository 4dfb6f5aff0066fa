// Bindings of the tokenizer kernels: encode (moves -> tokens) and token_targets.
#include <string>

#include "bindings_common.hpp"
#include "encode.hpp"
#include "engine.hpp"
#include "targets.hpp"

namespace mothello_py {
namespace {

using namespace mothello;

// Tokens of a batch of games in their languages, as Arrow-style values + offsets.
py::dict encode(exact_array<std::uint8_t> moves,
                exact_array<std::uint8_t> lengths,
                carray<std::int64_t> langs,
                exact_array<std::uint16_t> seq, exact_array<std::uint8_t> seq_len,
                py::object tag_ids, bool with_ply) {
    if (moves.ndim() != 2 || lengths.ndim() != 1 || langs.ndim() != 1 || lengths.shape(0) != moves.shape(0) ||
        langs.shape(0) != moves.shape(0))
        throw py::value_error("encode: moves (n, w), lengths (n,) and langs (n,) must agree");
    if (seq.ndim() != 3 || seq.shape(1) != kMoveCodes || seq.shape(2) != 3 || seq_len.ndim() != 2 ||
        seq_len.shape(0) != seq.shape(0) || seq_len.shape(1) != kMoveCodes)
        throw py::value_error("encode: bad token table");
    const py::ssize_t n = moves.shape(0);
    const int width = static_cast<int>(moves.shape(1));
    TokenTable table{seq.data(), seq_len.data(), nullptr, static_cast<int>(seq.shape(0))};
    carray<std::int32_t> tags;
    if (!tag_ids.is_none()) {
        tags = tag_ids.cast<carray<std::int32_t>>();
        if (tags.ndim() != 1 || tags.shape(0) != seq.shape(0)) throw py::value_error("encode: bad tag ids");
        table.tag_ids = tags.data();
    }
    const std::int64_t* lang = langs.data();
    const std::uint8_t* len = lengths.data();
    for (py::ssize_t g = 0; g < n; ++g) {
        if (lang[g] < 0 || lang[g] >= table.n_langs)
            throw py::value_error("game " + std::to_string(g) + ": language " + std::to_string(lang[g]) + " does not exist");
        if (len[g] > width) throw py::value_error("game " + std::to_string(g) + ": length exceeds the row width");
    }
    py::array_t<std::int64_t> offsets(n + 1);
    std::int64_t bad = -1, total_moves = 0;
    bool ok;
    {
        py::gil_scoped_release release;
        ok = count_tokens(table, moves.data(), width, len, lang, n, offsets.mutable_data(), &bad);
        for (py::ssize_t g = 0; g < n; ++g) total_moves += len[g];
    }
    if (!ok) throw py::value_error("game " + std::to_string(bad) + ": a move is not a move of its language");
    const std::int64_t total = offsets.data()[n];
    py::array_t<std::uint16_t> tokens(total);
    py::array_t<std::int8_t> token_ply(with_ply ? total : 0);
    py::array_t<std::uint8_t> flat_moves(total_moves);
    {
        py::gil_scoped_release release;
        write_tokens(table, moves.data(), width, len, lang, n, offsets.data(), tokens.mutable_data(),
                     with_ply ? token_ply.mutable_data() : nullptr, flat_moves.mutable_data());
    }
    py::dict out;
    out["tokens"] = tokens;
    out["offsets"] = offsets;
    if (with_ply) out["token_ply"] = token_ply;
    out["moves"] = flat_moves;
    return out;
}

py::dict token_targets_py(carray<std::uint16_t> tokens, carray<std::int8_t> token_ply, carray<std::int64_t> n_tokens,
                          carray<std::uint8_t> moves, carray<std::int64_t> lengths, carray<std::int16_t> square_to_move,
                          bool unified) {
    if (tokens.ndim() != 2 || token_ply.ndim() != 2 || tokens.shape(0) != token_ply.shape(0) ||
        tokens.shape(1) != token_ply.shape(1))
        throw py::value_error("token_targets: tokens and token_ply must be the same (n, T) shape");
    const py::ssize_t n = tokens.shape(0), T = tokens.shape(1);
    if (n_tokens.ndim() != 1 || n_tokens.shape(0) != n || lengths.ndim() != 1 || lengths.shape(0) != n ||
        moves.ndim() != 2 || moves.shape(0) != n || moves.shape(1) < 1 || square_to_move.size() != kMoveCodes)
        throw py::value_error("token_targets: n_tokens (n,), moves (n, W), lengths (n,), square_to_move (65,)");
    py::dict result;
    auto* targets = new_output<std::int64_t>(result, "targets", {n, T});
    auto* completes = reinterpret_cast<std::uint8_t*>(new_output<bool>(result, "completes", {n, T}));
    {
        py::gil_scoped_release release;
        token_targets(tokens.data(), token_ply.data(), n_tokens.data(), moves.data(), static_cast<int>(moves.shape(1)),
                      lengths.data(), square_to_move.data(), n, T, unified, targets, completes);
    }
    return result;
}

}  // namespace

void bind_tokens(py::module_& m) {
    m.attr("IGNORE_INDEX") = kIgnoreIndex;  // the target the loss skips (targets.hpp)
    m.def("encode", &encode, py::arg("moves"), py::arg("lengths"), py::arg("langs"), py::arg("seq"),
          py::arg("seq_len"), py::arg("tag_ids") = py::none(), py::arg("with_ply") = true,
          R"doc(Tokens of a batch of games, each in its language, as Arrow-style values + offsets.

Args: moves (n, w) uint8 squares, lengths (n,) uint8 (<= w), langs (n,) int64 language per game,
seq (L, 65, 3) uint16 token ids of each move code (squares 0..63, 64 the pass) per language,
seq_len (L, 65) uint8 tokens per move code (0: not a move), tag_ids (L,) int32 language tag ids or None (no tags), with_ply: also return token_ply (the shard
writer does not need it: shard formats 2 and 3 store none, readers derive it).
Returns a dict: tokens (N,) uint16, offsets (n + 1,) int64, token_ply (N,) int8 (the ply a token
belongs to, -1 for a tag; only with with_ply), moves (sum of lengths,) uint8.
Raises ValueError on shapes that disagree, an unknown language, a length over the row width or a
square that is not a move in its language.)doc");
    m.def("token_targets", &token_targets_py, py::arg("tokens"), py::arg("token_ply"), py::arg("n_tokens"),
          py::arg("moves"), py::arg("lengths"), py::arg("square_to_move"), py::arg("unified"),
          R"doc(Training targets of padded token rows in one pass.

Args: tokens (n, T) uint16, token_ply (n, T) int8, n_tokens (n,) int64, moves (n, W) uint8 move
codes (255 past the end), lengths (n,) int64, square_to_move (65,) int16 move code -> move index, unified (bool: move index of
the next move at move-completing positions; else the next token id).
Returns a dict: targets (n, T) int64 (ignore -100), completes (n, T) bool.
Raises ValueError on shapes that disagree.)doc");
}

}  // namespace mothello_py
