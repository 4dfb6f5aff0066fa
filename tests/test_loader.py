"""The shard loader: work split across ranks and workers, epoch shuffles, targets and probing labels
against the vocabulary's definitions and the pure-Python reference engine."""

import subprocess
import sys
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mothello_data import loader
from mothello_data.languages import IGNORE_INDEX, Vocabulary
from mothello_data.reference import BLACK, ReferenceBoard
from mothello_data.spec import LanguageSpec
from mothello_data.squares import SQUARE_TO_MOVE

torch = pytest.importorskip("torch")
from torch.utils.data import DataLoader  # noqa: E402

from mothello_data.torch import GameCollator, GameDataset, GameLoader, distributed_world  # noqa: E402

LABELS = ["board_state", "legal_moves", "flipped", "player"]


def gen(out, *args):
    cmd = [sys.executable, "-m", "mothello_data", "--out", str(out), "--quiet", *map(str, args)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Three language types with tags and anchors; labels stored; many small shards (units)."""
    return gen(tmp_path_factory.mktemp("mixed") / "ds", "--games", 3000, "--langs", 3,
               "--lang-types", "atomic,split,compositional", "--anchors", 0.2, "--lang-tags",
               "--games-per-shard", 250, "--splits", "train=0.9,validation=0.1", "--labels", "all", "--seed", 11)


@pytest.fixture(scope="module")
def atomic(tmp_path_factory):
    return gen(tmp_path_factory.mktemp("atomic") / "ds", "--games", 2003, "--langs", 2,
               "--games-per-shard", 300, "--splits", "train=0.9,validation=0.1", "--seed", 3)


def split_rows(ds_dir, split):
    files = loader.find_shard_files(ds_dir, split)
    return pq.ParquetDataset(files).read().to_pydict()


def epoch_ids(ds_dir, epoch, balance, seed=0, batch_size=32, world=2, workers=2, **kw):
    """game ids seen by each rank, reading through a real DataLoader with worker processes."""
    per_rank, batches = [], []
    for rank in range(world):
        ds = GameDataset(ds_dir, split="train", batch_size=batch_size, seed=seed, balance=balance,
                         rank=rank, world_size=world, buffer_size=200, **kw)
        ds.set_epoch(epoch)
        got = list(DataLoader(ds, batch_size=None, num_workers=workers))
        batches.append(len(got))
        per_rank.append(np.concatenate([b["game_id"].numpy() for b in got]))
    return per_rank, batches


def test_every_game_once_per_epoch_across_two_ranks_and_two_workers(atomic):
    all_ids = split_rows(atomic, "train")["game_id"]
    per_rank, _ = epoch_ids(atomic, epoch=0, balance="none")
    seen = np.concatenate(per_rank)
    assert sorted(seen.tolist()) == sorted(all_ids)
    assert len(set(per_rank[0].tolist()) & set(per_rank[1].tolist())) == 0


def test_padded_balance_gives_equal_batches_and_repeats_only_the_remainder(atomic):
    all_ids = split_rows(atomic, "train")["game_id"]
    per_rank, batches = epoch_ids(atomic, epoch=0, balance="pad")
    assert batches[0] == batches[1] and len(per_rank[0]) == len(per_rank[1])
    for rank in range(2):  # the announced length matches what the ranks yielded
        ds = GameDataset(atomic, split="train", batch_size=32, balance="pad", rank=rank, world_size=2)
        assert len(GameLoader(ds, num_workers=2)) == ds.batches_per_epoch(2) == batches[rank]
    counts = Counter(np.concatenate(per_rank).tolist())
    assert set(counts) == set(all_ids)
    per_consumer = -(-len(all_ids) // 4)
    assert sum(counts.values()) - len(all_ids) == 4 * per_consumer - len(all_ids) > 0


def test_order_changes_with_epoch_and_repeats_for_the_same_seed(atomic):
    a0, _ = epoch_ids(atomic, epoch=0, balance="none")
    b0, _ = epoch_ids(atomic, epoch=0, balance="none")
    a1, _ = epoch_ids(atomic, epoch=1, balance="none")
    c0, _ = epoch_ids(atomic, epoch=0, balance="none", seed=1)
    assert all(np.array_equal(x, y) for x, y in zip(a0, b0))
    assert not np.array_equal(np.concatenate(a0), np.concatenate(a1))
    assert sorted(np.concatenate(a0).tolist()) == sorted(np.concatenate(a1).tolist())
    assert not np.array_equal(np.concatenate(a0), np.concatenate(c0))


def test_language_filter_and_split_errors(atomic):
    ds = GameDataset(atomic, split="validation", languages=[1], batch_size=64, shuffle=False)
    rows = split_rows(atomic, "validation")
    want = sorted(g for g, lang in zip(rows["game_id"], rows["lang"]) if lang == 1)
    got = np.concatenate([b["game_id"].numpy() for b in ds])
    assert sorted(got.tolist()) == want and all((b["lang"] == 1).all() for b in ds)
    with pytest.raises(loader.LoaderError, match="no rows in split 'validation' with languages"):
        GameDataset(atomic, split="validation", languages=[9])
    with pytest.raises(loader.LoaderError, match="no shards of split 'dev'"):
        GameDataset(atomic, split="dev")
    with pytest.raises(loader.LoaderError, match="targets must be one of"):
        GameDataset(atomic, targets="next")
    with pytest.raises(loader.LoaderError, match="unknown label"):
        GameDataset(atomic, labels=["boards"])


def batches_by_game(ds_dir, split, **kw):
    ds = GameDataset(ds_dir, split=split, batch_size=100, shuffle=False, **kw)
    return list(ds)


@pytest.mark.parametrize("mode", ["unified", "next_token"])
def test_targets_follow_the_vocabulary_definitions(mixed, mode):
    vocab = Vocabulary.load(mixed / "vocab.json")
    rows = split_rows(mixed, "validation")
    by_id = {g: i for i, g in enumerate(rows["game_id"])}
    for batch in batches_by_game(mixed, "validation", targets=mode):
        for b in range(len(batch["game_id"])):
            i = by_id[int(batch["game_id"][b])]
            moves, lang = rows["moves"][i], rows["lang"][i]
            tokens = vocab.encode(moves, lang)
            n = len(tokens)
            ids = batch["input_ids"][b].tolist()
            assert ids[:n] == tokens and all(x == 0 for x in ids[n:])
            assert batch["attention_mask"][b].tolist() == [1] * n + [0] * (len(ids) - n)
            tgt = batch["targets"][b].tolist()
            if mode == "next_token":
                assert tgt == tokens[1:] + [IGNORE_INDEX] * (len(ids) - n + 1)
            else:  # the next move (move index) right after each complete move, or after the tag
                want = [IGNORE_INDEX] * len(ids)
                pos = 1 if vocab.spec.lang_tags else 0
                if vocab.spec.lang_tags:
                    want[0] = int(SQUARE_TO_MOVE[moves[0]])
                for k, sq in enumerate(moves):
                    pos += len(vocab.sequence(sq, lang))
                    if k + 1 < len(moves):
                        want[pos - 1] = int(SQUARE_TO_MOVE[moves[k + 1]])
                assert tgt == want


def test_shuffled_batches_carry_targets_and_completion_flags_by_the_plain_rule(mixed):
    """Independent of the C++ targets and encode passes: per game, the ply of each stored token in
    plain Python (the tag, then each move's sequence of the vocabulary; the shards store no
    token_ply), and a token completes its move when the next token has another ply (or none follows)."""
    rows = split_rows(mixed, "train")
    assert "token_ply" not in rows  # shard format 2: derived by the loader
    vocab = Vocabulary.load(mixed / "vocab.json")
    by_id = {g: i for i, g in enumerate(rows["game_id"])}
    ds = GameDataset(mixed, split="train", batch_size=64, targets="unified", shuffle=True, seed=1)
    for batch in list(ds)[:3]:
        for b in range(len(batch["game_id"])):
            i = by_id[int(batch["game_id"][b])]
            moves, lang = rows["moves"][i], rows["lang"][i]
            tokens, ply = ([int(vocab.tag_ids[lang])], [-1]) if vocab.spec.lang_tags else ([], [])
            for p, sq in enumerate(moves):
                tokens += vocab.sequence(sq, lang)
                ply += [p] * len(vocab.sequence(sq, lang))
            assert tokens == rows["tokens"][i]
            n = len(ply)
            want_done = [p >= 0 and (t + 1 == n or ply[t + 1] != p) for t, p in enumerate(ply)]
            want = [IGNORE_INDEX] * n
            for t, p in enumerate(ply):
                if (want_done[t] or p < 0) and p + 1 < len(moves):
                    want[t] = int(SQUARE_TO_MOVE[moves[p + 1]])
            assert batch["completes"][b, :n].tolist() == want_done
            assert batch["targets"][b, :n].tolist() == want
            assert not batch["completes"][b, n:].any() and (batch["targets"][b, n:] == IGNORE_INDEX).all()


_MOVES = {}


def _moves_of(ds_dir, batch):
    if ds_dir not in _MOVES:
        rows = pq.ParquetDataset(loader.find_shard_files(ds_dir)).read(columns=["game_id", "moves"]).to_pydict()
        _MOVES[ds_dir] = dict(zip(rows["game_id"], rows["moves"]))
    return [_MOVES[ds_dir][int(g)] for g in batch["game_id"]]


def _padded_moves(ds_dir, batch):
    return np.array([list(m) + [255] * (60 - len(m)) for m in _moves_of(ds_dir, batch)], dtype=np.uint8)


def reference_states(moves):
    """(planes, legal move indices, flipped squares, player) of states 0..len from the reference."""
    board = ReferenceBoard()
    states, flipped = [], []
    for k in range(len(moves) + 1):
        view = board.copy()
        if view.must_pass():  # the side to move is the one that can move (a pass breaks parity)
            view.to_move = view.opponent(view.to_move)
        states.append((view.relative_planes(), sorted(int(SQUARE_TO_MOVE[s]) for s in view.legal_moves()),
                       sorted(flipped), 0 if view.to_move == BLACK else 1))
        if k < len(moves):
            flipped = board.play(moves[k])
    return states


@pytest.mark.parametrize("source", ["replay", "stored"])
def test_probing_labels_match_the_reference_engine(mixed, source):
    vocab = Vocabulary.load(mixed / "vocab.json")
    checked = passes = 0
    for batch in batches_by_game(mixed, "validation", labels=LABELS, label_source=source):
        for b, moves in enumerate(_moves_of(mixed, batch)):
            lang = int(batch["lang"][b])
            states = reference_states(moves)
            passes += any(states[k][3] == states[k + 1][3] for k in range(len(moves)))
            position_state = [0] if vocab.spec.lang_tags else []  # which state each token sees
            for k, sq in enumerate(moves):
                width = len(vocab.sequence(sq, lang))
                position_state += [k] * (width - 1) + [k + 1]
            for t, s in enumerate(position_state):
                planes, legal, flipped, player = states[s]
                assert batch["board_state"][b, t].tolist() == planes, (b, t)
                assert np.flatnonzero(batch["legal_moves"][b, t].numpy()).tolist() == legal, (b, t)
                assert np.flatnonzero(batch["flipped"][b, t].numpy()).tolist() == flipped, (b, t)
                assert int(batch["player"][b, t]) == player, (b, t)
            T = batch["input_ids"].shape[1]
            assert (batch["board_state"][b, len(position_state):] == IGNORE_INDEX).all()
            assert not batch["legal_moves"][b, len(position_state):T].any()
            checked += 1
    assert checked == 300 and passes > 20  # every validation game, many with a pass


def test_unified_target_is_always_a_legal_move(mixed):
    for batch in batches_by_game(mixed, "train", labels=["legal_moves"])[:5]:
        tgt = batch["targets"]
        has = tgt != IGNORE_INDEX
        picked = batch["legal_moves"].gather(2, tgt.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        assert picked[has].all()


def test_collator_for_map_style_datasets_gives_the_same_batches(mixed):
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_dir=str(mixed / "data"), split="validation")
    ours = batches_by_game(mixed, "validation", labels=LABELS, label_source="replay")[0]
    mapped = next(iter(DataLoader(ds.with_format("torch"), batch_size=100, shuffle=False,
                                  collate_fn=GameCollator(labels=LABELS, vocabulary=mixed))))
    assert mapped.keys() == ours.keys()
    for key in ours:
        assert torch.equal(mapped[key], ours[key]), key


def test_game_loader_workers_ship_identical_batches(mixed):
    def make():
        return GameDataset(mixed, split="validation", batch_size=64, labels=LABELS, shuffle=False, balance="none")

    direct = list(make())
    shipped = list(GameLoader(make(), num_workers=1))
    assert len(direct) == len(shipped) > 1
    for a, b in zip(direct, shipped):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key].dtype == b[key].dtype and torch.equal(a[key], b[key]), key


def test_game_loader_refuses_options_that_would_break_epochs(atomic):
    ds = GameDataset(atomic, split="train")
    with pytest.raises(loader.LoaderError, match="persistent_workers"):
        GameLoader(ds, num_workers=1, persistent_workers=True)
    with pytest.raises(loader.LoaderError, match="batches by itself"):
        GameLoader(ds, batch_size=8)


def test_world_comes_from_torchrun_environment(monkeypatch, atomic):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert distributed_world() == (1, 2)
    ds = GameDataset(atomic, split="train", balance="none", shuffle=False)
    assert (ds.rank, ds.world_size) == (1, 2)
    with pytest.raises(loader.LoaderError, match="outside a world"):
        distributed_world(2, 2)


@pytest.mark.parametrize("balance", ["pad", "drop", "none"])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batches_per_epoch_is_exact(atomic, balance, drop_last):
    N = len(split_rows(atomic, "train")["game_id"])
    rows = []
    for rank in range(3):
        ds = GameDataset(atomic, split="train", batch_size=50, balance=balance, drop_last=drop_last,
                         rank=rank, world_size=3, buffer_size=128)
        got = list(ds)
        assert len(got) == ds.batches_per_epoch() == len(GameLoader(ds))
        assert all(len(b["lang"]) == 50 for b in got[:-1])
        rows.append(sum(len(b["lang"]) for b in got))
    if not drop_last:
        assert sum(rows) == {"pad": -(-N // 3) * 3, "drop": N // 3 * 3, "none": N}[balance]


def test_parallel_corpus_states_agree_across_languages(tmp_path_factory):
    """In a parallel corpus the same game in every language passes through the same positions: the
    labels at move-completing tokens must be identical whatever the tokenisation."""
    out = gen(tmp_path_factory.mktemp("par") / "ds", "--games", 400, "--langs", 3, "--lang-types",
              "compositional,atomic,split", "--anchors", 0.3, "--parallel", "--splits", "train=1", "--seed", 8)
    ds = GameDataset(out, split="train", batch_size=128, labels=LABELS, targets="unified", buffer_size=300, seed=4)
    seen = {}
    for batch in ds:
        for b in range(len(batch["game_id"])):
            done = batch["completes"][b]
            key = int(batch["game_id"][b])
            value = [batch[k][b][done] for k in ("targets", *LABELS)]
            seen.setdefault(key, []).append((int(batch["lang"][b]), value))
    assert len(seen) == 400
    for key, versions in seen.items():
        assert sorted(lang for lang, _ in versions) == [0, 1, 2]
        first = versions[0][1]
        for _, other in versions[1:]:
            assert all(torch.equal(x, y) for x, y in zip(first, other)), key


def test_replayed_labels_of_unfinished_games_follow_the_reference():
    """Prefixes of random games (any length, passes included): with a leading tag every state
    0..length is visited once, and the final state's player is whoever moves next."""
    from mothello_data import engine
    from mothello_data.probing import replay_position_labels

    games = engine.generate(300, seed=99)
    rng = np.random.default_rng(0)
    cut = np.minimum(games.lengths, rng.integers(0, 61, len(games))).astype(np.uint8)
    moves = np.where(np.arange(60)[None, :] < cut[:, None], games.moves, 255).astype(np.uint8)
    T = int(cut.max()) + 1
    ply = np.full((len(games), T), -1, dtype=np.int8)
    for g, n in enumerate(cut):
        ply[g, 1: n + 1] = np.arange(n)
    n_tokens = cut.astype(np.int64) + 1
    completes = (ply >= 0)
    got = replay_position_labels(moves, cut, ply, completes, n_tokens)
    for g, n in enumerate(cut):
        for s, (planes, legal, flipped, player) in enumerate(reference_states(games.game(g)[:n])):
            assert got["board_state"][g, s].tolist() == planes, (g, s)
            assert np.flatnonzero(got["legal_moves"][g, s]).tolist() == legal, (g, s)
            assert np.flatnonzero(got["flipped"][g, s]).tolist() == flipped, (g, s)
            assert int(got["player"][g, s]) == player, (g, s)
    bad, lengths = moves.copy(), cut.copy()
    bad[5, 0], lengths[5] = 0, max(1, cut[5])  # a1 is never legal on the first move
    with pytest.raises(ValueError, match=r"game 5, ply 0: illegal move a1 \(0\)"):
        replay_position_labels(bad, lengths, ply, completes, n_tokens)


def _format1_copy(ds_dir, out, vocab_file=True):
    """The validation shards of ``ds_dir`` as mothello-data 0.3 wrote them (shard format 1): with a
    ``token_ply`` column, made in plain Python from the vocabulary's sequences; no manifest."""
    vocab = Vocabulary.load(ds_dir / "vocab.json")
    (out / "data").mkdir(parents=True)
    for path in loader.find_shard_files(ds_dir, "validation"):
        table = pq.read_table(path)
        plies = []
        for moves, lang in zip(table.column("moves").to_pylist(), table.column("lang").to_pylist()):
            ply = [-1] if vocab.spec.lang_tags else []
            for p, sq in enumerate(moves):
                ply += [p] * len(vocab.sequence(sq, lang))
            plies.append(ply)
        table = table.append_column(pa.field("token_ply", pa.list_(pa.int8())), pa.array(plies, pa.list_(pa.int8())))
        pq.write_table(table, out / "data" / path.rsplit("/", 1)[-1])
    if vocab_file:
        (out / "vocab.json").write_text((ds_dir / "vocab.json").read_text())
    return out


def test_format1_shards_with_a_stored_token_ply_give_the_same_batches(mixed, tmp_path):
    want = batches_by_game(mixed, "validation", labels=LABELS)
    old = _format1_copy(mixed, tmp_path / "old")  # token_ply derived from vocab.json, the stored one ignored
    bare = _format1_copy(mixed, tmp_path / "bare", vocab_file=False)  # no vocabulary: the stored column is read
    for source in (old, bare):
        got = batches_by_game(source, "validation", labels=LABELS)
        assert len(got) == len(want)
        for a, b in zip(got, want):
            for key in b:
                assert torch.equal(a[key], b[key]), key


def test_format2_shards_without_a_vocabulary_are_refused_in_one_line(mixed, tmp_path):
    (tmp_path / "data").mkdir()
    for path in loader.find_shard_files(mixed, "validation"):
        (tmp_path / "data" / path.rsplit("/", 1)[-1]).write_bytes(open(path, "rb").read())
    with pytest.raises(loader.LoaderError, match="no token_ply") as err:
        GameDataset(tmp_path, split="validation")
    assert "\n" not in str(err.value)
    rows = pq.read_table(loader.find_shard_files(mixed, "validation")[0]).slice(0, 4).to_pylist()
    with pytest.raises(loader.LoaderError, match="vocabulary="):
        GameCollator()(rows)
    assert GameCollator(vocabulary=mixed)(rows)["input_ids"].shape[0] == 4


def test_derive_token_ply_refuses_tokens_of_another_vocabulary(mixed):
    table = pq.read_table(loader.find_shard_files(mixed, "validation")[0]).slice(0, 8)
    other = Vocabulary(LanguageSpec(types=["atomic"] * 3))
    with pytest.raises(loader.LoaderError, match="not the moves encoded"):
        loader.RowBlock.from_table(table, False, other)
