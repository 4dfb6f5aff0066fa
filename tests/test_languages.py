"""mOthello languages: round trips, anchor sharing, id layout, targets and bad specs."""

import json

import numpy as np
import pytest

from mothello_data import engine
from mothello_data.config import load_experiment
from mothello_data.languages import (
    IGNORE_INDEX,
    LanguageSpec,
    SpecError,
    Vocabulary,
    othello_world_spec,
)
from mothello_data.squares import PLAYABLE_SQUARES, SQUARE_TO_MOVE

MIXED = ["atomic", "split", "compositional", "split", "atomic"]


@pytest.fixture(scope="module")
def games():
    return engine.generate(3000, seed=11)


@pytest.mark.parametrize("types", [["atomic"] * 3, ["split"] * 3, ["compositional"] * 3, MIXED])
@pytest.mark.parametrize("anchors", [0.0, 0.1, 0.5])
@pytest.mark.parametrize("lang_tags", [False, True])
def test_round_trip_for_thousands_of_games(games, types, anchors, lang_tags):
    vocab = Vocabulary(LanguageSpec(types=types, anchors=anchors, seed=3, lang_tags=lang_tags))
    langs = np.arange(len(games)) % len(types)
    enc = vocab.encode_batch(games.moves, games.lengths, langs)
    moves, lengths = vocab.decode_batch(enc.tokens, enc.lengths, langs)
    np.testing.assert_array_equal(lengths, games.lengths)
    np.testing.assert_array_equal(moves, games.moves)
    # Token counts follow the per-move sequence lengths (independent count in plain Python).
    for g in range(0, len(games), 97):
        expected = sum(len(vocab.sequence(sq, langs[g])) for sq in games.game(g)) + int(lang_tags)
        assert enc.lengths[g] == expected


def test_single_game_encode_decode_and_names():
    vocab = Vocabulary(LanguageSpec(types=["atomic", "split", "compositional"], anchors=["c4"]))
    for lang in range(3):
        tokens = vocab.encode([19, 18, 17, 26], lang)
        assert vocab.decode(tokens, lang) == [19, 18, 17, 26]
        assert vocab.token_names(tokens)[-1] == "L0:c4"  # anchored: language 0's token, everywhere
    assert vocab.token_names(vocab.encode([19], 0)) == ["L0:d3"]
    assert vocab.token_names(vocab.encode([19], 2)) == ["L2:row3", "L2:cold"]


def test_languages_are_disjoint_except_exactly_the_anchor_tokens():
    spec = LanguageSpec(types=MIXED, anchors=0.2, groups={}, seed=5)
    vocab = Vocabulary(spec)
    for i in range(spec.n_languages):
        for j in range(i + 1, spec.n_languages):
            shared_squares = [sq for sq, gs in spec.overlap.items() if any(i in g and j in g for g in gs)]
            for sq in shared_squares:
                assert vocab.sequence(sq, i) == vocab.sequence(sq, j)
            expected = {t for sq in shared_squares for t in vocab.sequence(sq, i)}
            assert vocab.language_tokens(i) & vocab.language_tokens(j) == expected


def test_group_rule_uses_lowest_language_and_separate_groups_stay_apart():
    # mOthello's own example: square 32 shared by {0,1} and separately by {2,3}.
    spec = LanguageSpec(types=["split", "atomic", "compositional", "atomic"], groups={32: [[0, 1], [2, 3]]}, seed=2)
    vocab = Vocabulary(spec)
    assert vocab.sequence(32, 1) == vocab.sequence(32, 0)
    assert len(vocab.sequence(32, 0)) == spec.split_lengths()[0, 32]
    assert all(vocab.names[t].startswith("L0:a5.") for t in vocab.sequence(32, 0))
    # A compositional base shares its own row and column tokens.
    assert vocab.token_names(vocab.sequence(32, 3)) == ["L2:row5", "L2:cola"]
    assert set(vocab.sequence(32, 0)).isdisjoint(vocab.sequence(32, 2))
    for lang in range(4):
        assert vocab.decode(vocab.encode([19, 32], lang), lang) == [19, 32]


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.33, 1.0])
def test_anchor_count_is_rounded_fraction_of_60(fraction):
    spec = LanguageSpec(types=["atomic"] * 3, anchors=fraction, seed=9)
    assert len(spec.overlap) == round(fraction * 60)
    assert all(gs == [(0, 1, 2)] for gs in spec.overlap.values())
    assert len(Vocabulary(spec).language_tokens(0) & Vocabulary(spec).language_tokens(1)) == round(fraction * 60)


def test_anchors_and_split_lengths_are_seeded():
    a = LanguageSpec(types=["split"] * 2, anchors=0.1, seed=1)
    b = LanguageSpec(types=["split"] * 2, anchors=0.1, seed=1)
    c = LanguageSpec(types=["split"] * 2, anchors=0.1, seed=2)
    assert a.overlap == b.overlap and a.overlap != c.overlap
    np.testing.assert_array_equal(a.split_lengths(), b.split_lengths())
    assert (a.split_lengths() != c.split_lengths()).any()
    own = [sq for sq in PLAYABLE_SQUARES if sq not in a.overlap]
    assert (a.split_lengths()[0, own] != a.split_lengths()[1, own]).any()  # each language draws its own
    assert (a.split_lengths()[1, list(a.overlap)] == 0).all()  # a copied square draws nothing
    counts = a.split_lengths()[0, list(PLAYABLE_SQUARES)]
    assert set(counts.tolist()) == {1, 2, 3}


def reference_unified_targets(vocab, moves, lang):
    """Plain loop: after the last token of move t, the target is move t+1 in move-index space."""
    targets = [IGNORE_INDEX] if vocab.spec.lang_tags else []
    if vocab.spec.lang_tags:
        targets[0] = int(SQUARE_TO_MOVE[moves[0]])
    for t, sq in enumerate(moves):
        n = len(vocab.sequence(sq, lang))
        nxt = int(SQUARE_TO_MOVE[moves[t + 1]]) if t + 1 < len(moves) else IGNORE_INDEX
        targets += [IGNORE_INDEX] * (n - 1) + [nxt]
    return targets


@pytest.mark.parametrize("lang_tags", [False, True])
def test_unified_and_next_token_targets(games, lang_tags):
    vocab = Vocabulary(LanguageSpec(types=MIXED, anchors=0.1, lang_tags=lang_tags))
    langs = np.arange(len(games)) % len(MIXED)
    enc = vocab.encode_batch(games.moves, games.lengths, langs)
    unified = vocab.unified_targets(enc, games.moves, games.lengths)
    nxt = vocab.next_token_targets(enc)
    for g in range(0, len(games), 37):
        n = enc.lengths[g]
        assert unified[g, :n].tolist() == reference_unified_targets(vocab, games.game(g), langs[g])
        assert (unified[g, n:] == IGNORE_INDEX).all()
        assert nxt[g, : n - 1].tolist() == enc.tokens[g, 1:n].tolist()
        assert (nxt[g, n - 1 :] == IGNORE_INDEX).all()
        # the per-token move index points every token at its own move
        plies = enc.token_ply[g, int(lang_tags) : n]
        assert plies.tolist() == sorted(plies.tolist()) and plies.max() == games.lengths[g] - 1
        ply = enc.token_ply[g, :n].tolist()  # a token completes its move when the next is another move's
        assert enc.completes[g, :n].tolist() == [p >= 0 and (t + 1 == n or ply[t + 1] != p) for t, p in enumerate(ply)]


def test_othello_world_layout():
    vocab = Vocabulary(othello_world_spec())
    assert vocab.size == 61
    assert [vocab.sequence(sq, 0) for sq in PLAYABLE_SQUARES] == [[i] for i in range(1, 61)]


def test_vocab_json_round_trip(tmp_path):
    vocab = Vocabulary(LanguageSpec(types=MIXED, anchors=["a1", 63], groups={"b2": [[1, 3]]}, lang_tags=True))
    vocab.save(tmp_path / "vocab.json")
    again = Vocabulary.load(tmp_path / "vocab.json")
    assert again.names == vocab.names
    np.testing.assert_array_equal(again.seq, vocab.seq)
    doc = json.loads((tmp_path / "vocab.json").read_text())
    assert doc["pad_id"] == 0 and doc["tokens"][0] == "<pad>"


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(types=[]), "at least 1 language"),
        (dict(types=["atomic"], anchors=1.5), r"anchors must be a fraction in \[0, 1\]"),
        (dict(types=["atomic"], anchors=-0.1), r"anchors must be a fraction in \[0, 1\]"),
        (dict(types=["atomic", "klingon"]), "unknown type 'klingon'"),
        (dict(types=["atomic"], anchors=[64]), "out of range"),
        (dict(types=["atomic"], anchors=["d4"]), "centre square"),
        (dict(types=["atomic"] * 2, groups={32: [[0, 2]]}), "language 2 does not exist"),
        (dict(types=["atomic"] * 3, groups={32: [[0, 1], [1, 2]]}), "more than one group"),
        (dict(types=["atomic"] * 3, groups={32: [[0], [0, 1]]}), "more than one group"),
        (dict(types=["atomic"] * 3, groups={32: [[]]}), "non-empty list"),
        (dict(types=["atomic"] * 2, seed=2**32), r"seed must be an integer in 0..2\*\*32-1"),
        (dict(types=["atomic"] * 2, input_languages=[2]), "input_languages must be an integer in 0..1"),
        (dict(types=["atomic"] * 2, input_languages=[]), "non-empty list"),
    ],
)
def test_bad_specs_raise_one_clear_error(kwargs, match):
    with pytest.raises(SpecError, match=match):
        LanguageSpec(**kwargs)


def test_reads_mothello_experiment_file_as_is(tmp_path):
    path = tmp_path / "exp_config.py"
    path.write_text(
        "config = {\n"
        "    'language_types': ['atomic', 'split', 'atomic', 'compositional'],\n"
        "    'overlap_toks': {32: [[0, 1], [3, 2]], 19: [[0, 1, 2, 3]], 40: [[1]]},\n"
        "    'train_seed': 7,\n"
        "    'unified_output': True,\n"
        "}\n"
    )
    spec, generation = load_experiment(str(path))
    assert spec.types == ["atomic", "split", "atomic", "compositional"]
    assert spec.overlap == {19: [(0, 1, 2, 3)], 32: [(0, 1), (2, 3)]}  # [[1]] shares nothing
    assert spec.seed == 7 and spec.unified_output and generation == {}
    assert spec.input_languages == [1, 2, 3]  # the paper's unified regime: 0 is the output space


@pytest.mark.parametrize("edit,match", [
    (lambda d: d.pop("train_seed"), "missing key 'train_seed'"),
    (lambda d: d.update(n_layer=8), "unexpected key 'n_layer'"),
    (lambda d: d.update(train_seed=2**32), r"train_seed must be an integer in 0..2\*\*32-1"),
    (lambda d: d.update(language_types=["atomic"]), "unified_output needs at least 2 languages"),
])
def test_mothello_files_are_read_as_strictly_as_the_paper_reads_them(tmp_path, edit, match):
    doc = {"language_types": ["atomic", "atomic"], "overlap_toks": {}, "train_seed": 1, "unified_output": True}
    edit(doc)
    path = tmp_path / "exp.txt"
    path.write_text(repr(doc))
    with pytest.raises(SpecError, match=match):
        load_experiment(str(path))


def test_reads_toml_and_json_experiments(tmp_path):
    (tmp_path / "e.toml").write_text('languages = 3\nlang_types = "split"\nanchors = 0.1\nseed = 4\ngames = 500\n[groups]\nb1 = [[0, 2]]\n')
    spec, gen = load_experiment(str(tmp_path / "e.toml"))
    assert spec.types == ["split"] * 3 and spec.seed == 4 and gen == {"games": 500, "seed": 4}
    assert len(spec.overlap) == 7
    (tmp_path / "e.json").write_text(json.dumps({"types": ["atomic", "compositional"], "anchors": ["c4"], "language_seed": 2}))
    spec, gen = load_experiment(str(tmp_path / "e.json"))
    assert spec.seed == 2 and list(spec.overlap) == [26]
    (tmp_path / "bad.json").write_text(json.dumps({"types": ["atomic"], "colour": "red"}))
    with pytest.raises(SpecError, match="unknown setting"):
        load_experiment(str(tmp_path / "bad.json"))
