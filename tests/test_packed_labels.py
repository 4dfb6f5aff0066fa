"""Packed probing labels (per-state bitboards) expanded by expand_labels equal the per-position
labels the loader makes directly (which tests/test_loader.py checks against the reference engine),
for replayed and stored labels, multi-token languages with tags, worker processes and the stream."""

import pytest

torch = pytest.importorskip("torch")

from mothello_data.probing import LABEL_NAMES  # noqa: E402
from mothello_data.torch import GameDataset, GameLoader, StreamDataset, expand_labels  # noqa: E402

from helpers import gen  # noqa: E402

LABELS = list(LABEL_NAMES)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("packed") / "d"
    res = gen("--games", 1500, "--langs", 3, "--lang-types", "atomic,split,compositional", "--lang-tags",
              "--labels", "all", "--splits", "train=1300,test=200", "--quiet", "--out", out)
    assert res.returncode == 0, res.stderr
    return str(out)


def _same(plain: dict, packed: dict) -> None:
    assert "label_state" in packed and "board_state" not in packed
    expanded = expand_labels(packed)
    assert set(expanded) == set(plain)
    for key in plain:
        assert expanded[key].dtype == plain[key].dtype, key
        assert torch.equal(expanded[key], plain[key]), key


@pytest.mark.parametrize("source", ["replay", "stored"])
def test_expanded_packed_labels_equal_the_direct_labels(data, source):
    kwargs = dict(split="train", batch_size=200, labels=LABELS, label_source=source, shuffle=True, seed=4)
    plain = list(GameDataset(data, **kwargs))
    packed = list(GameDataset(data, pack_labels=True, **kwargs))
    assert len(plain) == len(packed) > 1
    for a, b in zip(plain, packed):
        _same(a, b)


def test_some_kinds_only_and_a_batch_without_packed_labels_passes_through(data):
    for kinds in (["legal_moves"], ["board_state", "player"], ["flipped"]):
        a = next(iter(GameDataset(data, batch_size=100, labels=kinds, shuffle=False)))
        b = next(iter(GameDataset(data, batch_size=100, labels=kinds, shuffle=False, pack_labels=True)))
        _same(a, b)
    plain = next(iter(GameDataset(data, batch_size=50, shuffle=False)))
    assert expand_labels(plain) is plain


def test_packed_batches_cross_worker_processes_and_are_smaller(data):
    kwargs = dict(split="train", batch_size=256, labels=["board_state", "legal_moves"], shuffle=False)
    plain = list(GameLoader(GameDataset(data, **kwargs), num_workers=2))
    packed = list(GameLoader(GameDataset(data, pack_labels=True, **kwargs), num_workers=2))
    assert len(plain) == len(packed)
    for a, b in zip(plain, packed):
        _same(a, b)
    size = lambda batch: sum(v.numel() * v.element_size() for v in batch.values())  # noqa: E731
    assert size(packed[0]) * 2 < size(plain[0])


def test_stream_batches_pack_too(data):
    kwargs = dict(held_out=data, batch_size=64, labels=LABELS, games=64)
    a = next(iter(StreamDataset(**kwargs)))
    b = next(iter(StreamDataset(pack_labels=True, **kwargs)))
    _same(a, b)
