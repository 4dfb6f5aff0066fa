"""Move spaces of rule variants (issue #15): 64 squares, the pass as a move, permuted (iago) languages,
and the rule set of a run. References are plain restatements, not the package's own tables."""

import numpy as np
import pytest

from mothello_data.moves import CLASSIC, N_CODES, PASS_MOVE, MoveSpace, metaothello_iago_permutation
from mothello_data.rules import CLASSIC_RULES, RuleSet, parse_rules
from mothello_data.shards import language_of_games
from mothello_data.spec import LanguageSpec, SpecError
from mothello_data.targets import IGNORE_INDEX
from mothello_data.vocabulary import Vocabulary

CENTRE = {27, 28, 35, 36}


def random_move_rows(n, space, seed=0, max_len=70):
    """Arbitrary move-code rows of the space (token layer only: legality does not matter here)."""
    rng = np.random.default_rng(seed)
    codes = np.array(space.codes)
    lengths = rng.integers(1, max_len + 1, size=n)
    moves = np.full((n, max_len), 255, dtype=np.uint8)
    for g, k in enumerate(lengths):
        moves[g, :k] = rng.choice(codes, size=k)
    return moves, lengths.astype(np.uint8)


def reference_index(space, code):
    """Move index, restated: the squares of the space in increasing order, then the pass."""
    squares = [sq for sq in range(64) if space.squares == 64 or sq not in CENTRE]
    return squares.index(code) if code != 64 else len(squares)


def test_move_space_codes_and_indices():
    assert CLASSIC.codes == tuple(sq for sq in range(64) if sq not in CENTRE) and CLASSIC.size == 60 and CLASSIC.is_classic
    for space in (MoveSpace(60, True), MoveSpace(64, False), MoveSpace(64, True)):
        table = space.code_to_index()
        assert space.size == space.squares + space.pass_move
        for code in range(65):
            inside = code in space.codes
            assert table[code] == (reference_index(space, code) if inside else -1)
        assert space.index_to_code().tolist() == list(space.codes)
    with pytest.raises(ValueError, match="60 or 64"):
        MoveSpace(62)


@pytest.mark.parametrize("types", [["atomic"], ["split", "compositional"], ["compositional", "atomic", "split"]])
@pytest.mark.parametrize("squares", [60, 64])
def test_pass_token_in_every_language_type(types, squares):
    vocab = Vocabulary(LanguageSpec(types=types, squares=squares, pass_token=True, seed=5))
    space = vocab.space
    for lang in range(len(types)):
        seq = vocab.sequence(PASS_MOVE, lang)
        assert len(seq) == 1 and vocab.names[seq[0]] == f"L{lang}:pass"
        if squares == 64:
            for c in CENTRE:  # the centre squares are moves of a 64-square space
                assert len(vocab.sequence(c, lang)) >= 1
    moves, lengths = random_move_rows(200, space, seed=len(types))
    langs = np.arange(200) % len(types)
    enc = vocab.encode_batch(moves, lengths, langs)
    back, n = vocab.decode_batch(enc.tokens, enc.lengths, langs)
    assert (n == lengths).all()
    for g in range(200):
        assert back[g, : n[g]].tolist() == moves[g, : lengths[g]].tolist()
    # unified targets: after the last token of move t, the move index of move t + 1 (pass included)
    unified = vocab.unified_targets(enc, moves, lengths)
    for g in range(0, 200, 7):
        expect = []
        row = moves[g, : lengths[g]].tolist()
        for t, code in enumerate(row):
            k = len(vocab.sequence(code, int(langs[g])))
            nxt = reference_index(space, row[t + 1]) if t + 1 < len(row) else IGNORE_INDEX
            expect += [IGNORE_INDEX] * (k - 1) + [nxt]
        assert unified[g, : enc.lengths[g]].tolist() == expect


def test_classic_vocabulary_unchanged_by_the_new_settings():
    base = LanguageSpec(types=["atomic", "split", "compositional"], anchors=0.1, seed=3)
    assert set(base.to_dict()) == {"types", "anchors", "groups", "seed", "lang_tags", "unified_output", "input_languages"}
    vocab = Vocabulary(base)
    assert vocab.to_json()["unified_target_space"] == "move index 0..59 = playable squares in increasing order"
    assert all(len(vocab.sequence(c, lang)) == 0 for c in CENTRE | {PASS_MOVE} for lang in range(3))


def test_split_draws_cover_the_centre_with_64_squares():
    spec = LanguageSpec(types=["split"], squares=64, seed=11)
    rs = np.random.RandomState(11)  # the paper's stream, one randint per square in square order
    assert spec.split_lengths()[0].tolist() == rs.randint(1, 4, size=64).tolist()
    assert len(spec.anchor_squares_from_anchors()) == 0
    shared = LanguageSpec(types=["atomic", "atomic"], squares=64, anchors=0.25, seed=2)
    assert len(shared.overlap) == 16  # a quarter of 64 squares
    with pytest.raises(SpecError, match="centre square"):
        LanguageSpec(types=["atomic", "atomic"], anchors=["d4"])
    assert LanguageSpec(types=["atomic", "atomic"], squares=64, anchors=["d4"]).overlap == {27: [(0, 1)]}


def test_iago_is_metaothellos_order():
    """MetaOthello's Iago: moves = [a1, b1, ..., h8, None]; move i is written as move (47 i + 13) mod 65."""
    moves = list(range(64)) + [PASS_MOVE]  # its SQUARES order is our square order (a1, b1, ..., h1, a2, ...)
    vocab = Vocabulary(LanguageSpec(types=["atomic", "iago"], squares=64, pass_token=True))
    assert len(set(metaothello_iago_permutation(vocab.space))) == 65
    for i, move in enumerate(moves):
        borrowed = moves[(i * 47 + 13) % len(moves)]
        assert vocab.sequence(move, 1) == vocab.sequence(borrowed, 0)
    assert vocab.size == 1 + 65  # pad + language 0's tokens: the iago language allocates nothing
    assert vocab.language_tokens(1) == vocab.language_tokens(0)
    game = [19, 18, PASS_MOVE, 17]
    assert vocab.decode(vocab.encode(game, 1), 1) == game


def test_permuted_language_with_an_explicit_order():
    order = list(range(59, -1, -1))  # move index i written as move 59 - i
    spec = LanguageSpec(types=["split", "atomic", "permuted"], permutations={2: {"base": 0, "order": order}}, seed=4)
    vocab = Vocabulary(spec)
    codes = CLASSIC.codes
    for i, code in enumerate(codes):
        assert vocab.sequence(code, 2) == vocab.sequence(codes[59 - i], 0)
    again = LanguageSpec.from_dict(spec.to_dict())
    assert Vocabulary(again).names == vocab.names and again.permuted == spec.permuted
    with pytest.raises(SpecError, match="not a permutation"):
        LanguageSpec(types=["atomic", "permuted"], permutations={1: {"order": [0] * 60}})
    with pytest.raises(SpecError, match="needs an order"):
        LanguageSpec(types=["atomic", "permuted"])
    with pytest.raises(SpecError, match="anchors cannot be combined"):
        LanguageSpec(types=["atomic", "permuted"], anchors=0.1, permutations={1: {"order": order}})


def test_rule_sets():
    assert CLASSIC_RULES.is_classic and CLASSIC_RULES.to_json() is None and CLASSIC_RULES.engine_args(0, 5, 1) == {}
    assert parse_rules("delflank").max_plies == 60 and parse_rules("delflank").squares == 64
    assert parse_rules("classic", pass_token=True).max_plies == 120
    assert not parse_rules("classic", pass_token=True).may_cut and parse_rules("classic", max_plies=50).may_cut
    mixed = parse_rules("classic,nomidflip,delflank", pass_token=True, max_plies=80)
    assert RuleSet.from_json(mixed.to_json()) == mixed
    ids = np.arange(3000, dtype=np.uint64)
    idx = mixed.rule_of_games(ids, seed=9)
    for block in range(0, 3000, 3):  # one of each rule in every block of 3 ids
        assert sorted(idx[block:block + 3].tolist()) == [0, 1, 2]
    langs = language_of_games(ids, [0, 1, 2], 9)
    assert (langs != idx).any()  # its own stream: not the language draw
    args = mixed.engine_args(0, 3000, 9)
    assert args["rules"].tolist() == np.array([0, 1, 2])[idx].tolist() and args["max_plies"] == 80


def test_pass_code_is_the_engines():
    from mothello_data import engine

    assert PASS_MOVE == engine.PASS_MOVE and N_CODES == engine.PASS_MOVE + 1


def test_experiment_files_describe_rule_variants(tmp_path):
    from mothello_data.arguments import plan_from_argv

    iago = tmp_path / "iago.toml"
    iago.write_text('types = ["atomic", "iago"]\npass_token = true\n')
    plan = plan_from_argv(["--config", iago, "--out", tmp_path / "o"])
    assert plan.spec.move_space == MoveSpace(64, True) and plan.rules.pass_token
    bare = tmp_path / "bare.toml"
    bare.write_text('types = ["atomic", "iago"]\n')
    assert plan_from_argv(["--config", bare, "--pass-token", "--out", tmp_path / "o"]).rules.pass_token
    with pytest.raises(SpecError, match="add --pass-token"):
        plan_from_argv(["--config", bare, "--out", tmp_path / "o"])
    centre = tmp_path / "delflank.json"
    centre.write_text('{"languages": 2, "anchors": ["d4", "e5"], "rules": "delflank"}')
    plan = plan_from_argv(["--config", centre, "--out", tmp_path / "o"])
    assert sorted(plan.spec.overlap) == [27, 36] and plan.rules.names == ("delflank",)
