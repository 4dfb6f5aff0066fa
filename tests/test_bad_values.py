"""Bad values through the Python API (issue #12, item 8: vocabulary and replay): out-of-range languages, token ids and uint64 move
values give one clear ``ValueError``, never an IndexError or a silently shortened game."""

import numpy as np
import pytest

from mothello_data import engine
from mothello_data.languages import LanguageSpec, Vocabulary

VOCAB = Vocabulary(LanguageSpec(types=["atomic", "split", "compositional"], seed=1))
GAME = [19, 18, 17]


@pytest.mark.parametrize("lang", [3, -1, 99])
@pytest.mark.parametrize("call", [
    lambda v, lang: v.decode(v.encode(GAME, 0), lang),
    lambda v, lang: v.decode_batch(np.zeros((2, 4), np.int64), np.array([4, 4]), np.array([0, lang])),
    lambda v, lang: v.encode(GAME, lang),
    lambda v, lang: v.encode_batch(np.array([GAME]), np.array([3]), lang),
    lambda v, lang: v.encode_flat(np.array([GAME, GAME]), np.array([3, 3]), np.array([lang, 0])),
    lambda v, lang: v.sequence(19, lang),
    lambda v, lang: v.language_tokens(lang),
], ids=["decode", "decode_batch", "encode", "encode_batch", "encode_flat", "sequence", "language_tokens"])
def test_a_language_outside_the_vocabulary_is_named(call, lang):
    with pytest.raises(ValueError, match=rf"language {lang} is not one of this vocabulary's languages 0\.\.2"):
        call(VOCAB, lang)


def test_valid_languages_still_round_trip():
    for lang in range(3):
        assert VOCAB.decode(VOCAB.encode(GAME, lang), lang) == GAME


@pytest.mark.parametrize("bad", [-1, VOCAB.size, 10**6])
def test_token_names_refuse_ids_outside_the_vocabulary(bad):
    with pytest.raises(ValueError, match=rf"token id {bad} is outside this vocabulary's ids 0\.\.{VOCAB.size - 1}"):
        VOCAB.token_names([0, bad])
    assert VOCAB.token_names([0, VOCAB.size - 1]) == [VOCAB.names[0], VOCAB.names[-1]]


@pytest.mark.parametrize("value", [2**63, 2**64 - 1, 256])
def test_replay_treats_huge_uint64_squares_as_out_of_range_not_as_the_end(value):
    rows = np.array([[19, value, 255]], dtype=np.uint64)
    with pytest.raises(ValueError, match=rf"game 0, ply 1: square {value} is out of range 0\.\.63"):
        engine.replay(rows)


def test_replay_of_a_python_int_beyond_int64_is_out_of_range():
    with pytest.raises(ValueError, match="game 0: a square is out of range"):
        engine.replay([[19, 2**64]])


@pytest.mark.parametrize("rows,length", [
    (np.array([[19, 255, 7]], dtype=np.uint64), 1),  # PAD_SQUARE ends a game
    (np.array([[19, -1, 7]], dtype=np.int64), 1),  # so does a negative value in a signed input
    (np.array([[19, 255]], dtype=np.uint8), 1),
])
def test_replay_still_ends_games_at_the_pad_square_and_negative_values(rows, length):
    assert engine.replay(rows, labels=False).lengths.tolist() == [length]
