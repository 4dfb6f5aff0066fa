"""The paper's training regime: per-epoch language draws, moves-only datasets, re-encoding into
another experiment, the default target mode, and the drop-in for the paper's CharDataset."""

import ast
import json
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mothello_data.config import load_experiment  # noqa: E402
from mothello_data.loader import LoaderError  # noqa: E402
from mothello_data.recode import epoch_languages  # noqa: E402
from mothello_data.torch import CharDataset, GameDataset  # noqa: E402
from mothello_data.vocabulary import Vocabulary  # noqa: E402

from helpers import gen  # noqa: E402
from paper_reference import PaperLanguages  # noqa: E402

PAPER = os.path.join(os.path.dirname(__file__), "data", "paper_configs")
UNIFIED = os.path.join(PAPER, "multiple_lang_types_unified_output.txt")
NEXT_TOKEN = os.path.join(PAPER, "test_config.txt")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    root = tmp_path_factory.mktemp("sampling")
    made = {}
    for name, args in {
        "unified": ["--config", UNIFIED],
        "next_token": ["--config", NEXT_TOKEN],
        "moves_only": ["--config", UNIFIED, "--moves-only"],
        "two": ["--langs", 2],
    }.items():
        out = root / name
        res = gen("--games", 1200, "--seed", 3, "--splits", "train=1000,test=200", "--quiet", *args, "--out", out)
        assert res.returncode == 0, res.stderr
        made[name] = str(out)
    return made


def _epoch(ds, epoch):
    ds.set_epoch(epoch)
    batches = list(ds)
    return {k: torch.cat([b[k] for b in batches]) for k in ("game_id", "lang", "input_ids", "length")}


def test_unified_paper_files_write_languages_1_to_n_minus_1(datasets):
    ds = GameDataset(datasets["unified"], batch_size=100, shuffle=False)
    langs = _epoch(ds, 0)["lang"]
    assert sorted(set(langs.tolist())) == [1, 2, 3, 4]
    card = open(os.path.join(datasets["unified"], "README.md")).read()
    assert "each game in one of languages 1, 2, 3, 4" in card and "language 0 is the output space" in card
    assert ds.targets == "unified"
    assert GameDataset(datasets["next_token"], batch_size=100).targets == "next_token"  # from the recorded experiment
    assert GameDataset(datasets["two"], batch_size=100).targets == "unified"


def test_the_per_epoch_draw_is_deterministic_balanced_and_new_every_epoch(datasets):
    vocab = Vocabulary.load(os.path.join(datasets["unified"], "vocab.json"))
    kwargs = dict(languages="sample", batch_size=128, seed=5)
    a0, a1 = _epoch(GameDataset(datasets["unified"], **kwargs), 0), _epoch(GameDataset(datasets["unified"], **kwargs), 1)
    again = _epoch(GameDataset(datasets["unified"], **kwargs), 0)
    by_game = lambda e: dict(zip(e["game_id"].tolist(), e["lang"].tolist()))  # noqa: E731
    assert by_game(a0) == by_game(again)
    changed = np.mean([by_game(a0)[g] != by_game(a1)[g] for g in by_game(a0)])
    assert changed > 0.5
    counts = np.bincount(a0["lang"].numpy(), minlength=5)
    assert counts[0] == 0 and counts[1:].max() - counts[1:].min() <= 8  # within a block of 4 ids each appears once
    # every rank computes the same language for a game: a pure function of (seed, epoch, game id)
    for rank in range(2):
        part = _epoch(GameDataset(datasets["unified"], rank=rank, world_size=2, **kwargs), 1)
        want = epoch_languages(part["game_id"].numpy().astype(np.uint64), [1, 2, 3, 4], 5, 1)
        assert part["lang"].tolist() == want.tolist()
    # the tokens are the moves encoded in that language
    ds = GameDataset(datasets["unified"], **kwargs)
    batch = next(iter(ds))
    for g in range(0, len(batch["lang"]), 17):
        tokens = batch["input_ids"][g][batch["attention_mask"][g].bool()].tolist()
        assert len(vocab.decode(tokens, int(batch["lang"][g]))) == int(batch["length"][g])  # raises if not that language


def test_moves_only_datasets_are_encoded_per_epoch_and_equal_a_stored_dataset(datasets):
    with pytest.raises(LoaderError, match="store moves only.*languages='sample'"):
        GameDataset(datasets["moves_only"], batch_size=100)
    with pytest.raises(LoaderError, match="moves only"):
        GameDataset(datasets["moves_only"], batch_size=100, languages=[1])
    kwargs = dict(languages="sample", batch_size=100, seed=2, shuffle=False)
    from_moves = _epoch(GameDataset(datasets["moves_only"], **kwargs), 3)
    from_tokens = _epoch(GameDataset(datasets["unified"], **kwargs), 3)
    for key in from_moves:
        assert torch.equal(from_moves[key], from_tokens[key]), key


def test_another_experiment_re_encodes_the_moves_and_a_mismatch_is_refused(datasets):
    with pytest.raises(LoaderError, match="not the one the stored tokens were written in"):
        GameDataset(datasets["two"], batch_size=100, vocabulary=NEXT_TOKEN)
    GameDataset(datasets["two"], batch_size=100, vocabulary=datasets["two"])  # the same vocabulary is fine
    ds = GameDataset(datasets["two"], batch_size=100, vocabulary=NEXT_TOKEN, languages="sample", shuffle=False)
    assert ds.targets == "next_token"
    vocab = Vocabulary(load_experiment(NEXT_TOKEN)[0])
    stored = GameDataset(datasets["two"], batch_size=1000, shuffle=False)
    moves = {}
    for b in stored:
        for g, gid in enumerate(b["game_id"].tolist()):
            moves[gid] = b["input_ids"][g]
    two = Vocabulary.load(os.path.join(datasets["two"], "vocab.json"))
    stored_langs = {}
    for b in GameDataset(datasets["two"], batch_size=1000, shuffle=False):
        stored_langs.update(zip(b["game_id"].tolist(), b["lang"].tolist()))
    batch = next(iter(ds))
    for g in range(0, 100, 9):
        gid, lang = int(batch["game_id"][g]), int(batch["lang"][g])
        n = int(batch["attention_mask"][g].sum())
        game = two.decode(moves[gid][moves[gid] > 0].tolist(), stored_langs[gid])
        assert batch["input_ids"][g][:n].tolist() == vocab.encode(game, lang)


@pytest.mark.parametrize("path", [UNIFIED, NEXT_TOKEN])
def test_char_dataset_gives_the_papers_tensors(datasets, path):
    name = "unified" if path == UNIFIED else "next_token"
    with open(path) as f:
        ref = PaperLanguages(ast.literal_eval(f.read()))
    ds = CharDataset(datasets[name], split="test")
    assert len(ds) == 200 and ds.vocab_size == ref.vocab_size and ds.block_size == ref.max_len - 1
    for idx in range(0, 200, 7):
        game = ds.examples.games[idx]
        for lang in range(len(ref.types)):
            for fixed in (False, True):
                x, y = ds.examples.example(idx, lang, fixed_mode=fixed)
                want_x, want_y = ref.example(game, lang, fixed_mode=fixed)
                assert x.tolist() == want_x and y.tolist() == want_y, (idx, lang, fixed)
    # uniform mode draws like the paper: numpy's global randint, from 1..n-1 with unified output
    low = 1 if ref.unified else 0
    np.random.seed(0)
    items = [ds[i] for i in range(20)]
    np.random.seed(0)
    langs = [np.random.randint(low, len(ref.types)) for _ in range(20)]
    for i, (x, y) in enumerate(items):
        assert x.dtype == torch.long and x.shape == (ref.max_len - 1,)
        want_x, want_y = ref.example(ds.examples.games[i], langs[i])
        assert x.tolist() == want_x and y.tolist() == want_y
    ds.set_mode(2)
    assert ds[0][0].tolist() == ref.example(ds.examples.games[0], 2, fixed_mode=True)[0]


def test_char_dataset_with_a_non_atomic_language_0(datasets, tmp_path):
    experiment = {"language_types": ["split", "compositional", "atomic"], "overlap_toks": {19: [[0, 2]]},
                  "train_seed": 9, "unified_output": True}
    path = tmp_path / "exp.txt"
    path.write_text(repr(experiment))
    ref = PaperLanguages(experiment)
    ds = CharDataset(datasets["moves_only"], split="test", experiment=str(path))
    for idx in range(0, 200, 11):
        for lang in range(3):
            x, y = ds.examples.example(idx, lang)
            assert (x.tolist(), y.tolist()) == ref.example(ds.examples.games[idx], lang)


def test_verify_and_stats_read_a_moves_only_dataset(datasets):
    assert gen("verify", datasets["moves_only"]).returncode == 0
    res = gen("stats", datasets["moves_only"], "--quiet")
    assert res.returncode == 0, res.stderr
    with open(os.path.join(datasets["moves_only"], "stats", "stats.json")) as f:
        doc = json.load(f)
    assert doc["tokens_per_language"] == {}
