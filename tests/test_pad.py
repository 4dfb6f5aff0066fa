"""The loader's one path from a list column to padded rows (``loader._pad``, C++ ``_core.pad_lists``)
against plain Python on random ragged lists: empty rows, sliced arrays (nonzero first offset), chunked
columns, large lists, every element size the loader reads, a width over the longest row; and the
errors for rows longer than the width and mismatched arrays; ``arrow_numpy`` against pyarrow's
``to_numpy``."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from helpers import gen
from mothello_data import _core
from mothello_data.loader import _pad, arrow_numpy

DTYPES = [(np.uint8, 255), (np.uint16, 0), (np.int8, -1), (np.uint64, 0), (np.uint32, 7), (np.int64, -3)]


def random_rows(rng, n, dtype, longest):
    info = np.iinfo(dtype)
    return [[int(v) for v in rng.integers(info.min, info.max, size=int(rng.integers(0, longest + 1)), dtype=dtype,
                                          endpoint=True)] for _ in range(n)]


def reference(rows, width, fill):
    """Plain Python: each row then fill up to the width (the longest row when width is None)."""
    W = max((len(r) for r in rows), default=0) if width is None else width
    return [r + [fill] * (W - len(r)) for r in rows], [len(r) for r in rows]


def check(column, rows, width, fill, dtype):
    out, lens = _pad(column, width, fill, dtype)
    want, want_lens = reference(rows, width, fill)
    assert out.dtype == np.dtype(dtype) and out.flags.c_contiguous
    assert out.shape == (len(rows), len(want[0]) if want else (width or 0))
    assert out.tolist() == want and lens.tolist() == want_lens


@pytest.mark.parametrize("dtype,fill", DTYPES, ids=lambda x: str(x))
@pytest.mark.parametrize("large", [False, True], ids=["list", "large_list"])
def test_pad_matches_plain_python(dtype, fill, large):
    rng = np.random.default_rng(13)
    list_type = (pa.large_list if large else pa.list_)(pa.from_numpy_dtype(np.dtype(dtype)))
    for trial in range(20):
        rows = random_rows(rng, int(rng.integers(0, 40)), dtype, longest=int(rng.integers(0, 9)))
        if trial % 5 == 0 and rows:
            rows[0] = []  # an empty first row, and sometimes all empty
        arr = pa.array(rows, list_type)
        longest = max((len(r) for r in rows), default=0)
        for width in (None, longest, longest + 3):
            check(arr, rows, width, fill, dtype)
            check(pa.chunked_array([arr], list_type), rows, width, fill, dtype)
        a, b = sorted(rng.integers(0, len(rows) + 1, size=2)) if rows else (0, 0)
        check(arr.slice(a, b - a), rows[a:b], None, fill, dtype)  # nonzero first offset
        parts = [arr.slice(0, a), arr.slice(a, b - a), arr.slice(b)]
        check(pa.chunked_array(parts, list_type), rows, longest + 1, fill, dtype)  # several chunks, one empty
    check(pa.chunked_array([], list_type), [], None, fill, dtype)


def test_pad_casts_values_to_the_asked_dtype_and_keeps_nulls_empty():
    arr = pa.array([[1, 2], None, [300]], pa.list_(pa.int32()))
    out, lens = _pad(arr, 4, 9, np.uint16)
    assert out.tolist() == [[1, 2, 9, 9], [9, 9, 9, 9], [300, 9, 9, 9]] and lens.tolist() == [2, 0, 1]


def test_pad_refuses_a_row_longer_than_the_width():
    with pytest.raises(ValueError, match="longer than the width 2"):
        _pad(pa.array([[1], [1, 2, 3]], pa.list_(pa.uint8())), 2, 0, np.uint8)


def test_pad_lists_checks_its_arrays():
    out = np.zeros((2, 3), np.uint8)
    fill = np.array(0, np.uint8)
    values = np.arange(5, dtype=np.uint8)
    _core.pad_lists(np.array([1, 3, 5], np.int32), values, out, 0, fill)
    assert out.tolist() == [[1, 2, 0], [3, 4, 0]]
    for offsets in ([0, 3, 2], [0, 2, 6], [-1, 0, 1]):  # falling, past the values, negative
        with pytest.raises(ValueError):
            _core.pad_lists(np.array(offsets, np.int32), values, out, 0, fill)
    with pytest.raises(ValueError):  # rows past the end of out
        _core.pad_lists(np.array([0, 1, 2], np.int32), values, out, 1, fill)
    with pytest.raises(TypeError):  # values of another dtype
        _core.pad_lists(np.array([0, 1, 2], np.int32), values.astype(np.uint16), out, 0, fill)
    with pytest.raises(TypeError):  # offsets of another dtype
        _core.pad_lists(np.array([0, 1, 2], np.uint32), values, out, 0, fill)
    frozen = np.zeros((2, 3), np.uint8)
    frozen.flags.writeable = False
    for bad_out in (frozen, np.zeros((3, 2), np.uint8).T):  # read-only, not C-contiguous
        with pytest.raises(ValueError):
            _core.pad_lists(np.array([0, 1, 2], np.int32), values, bad_out, 0, fill)


@pytest.mark.parametrize("array", [
    pa.array([1, 2**64 - 1, 0], pa.uint64()), pa.array(np.arange(10, dtype=np.int8)).slice(3, 4),
    pa.chunked_array([pa.array([1, 2], pa.uint16()), pa.array([], pa.uint16()), pa.array([3], pa.uint16())]),
    pa.chunked_array([pa.array([7], pa.int64())]), pa.chunked_array([], pa.uint8()), pa.array([], pa.int32()),
    pa.array([True, False]), pa.array([1, None, 3], pa.int64()),
], ids=["uint64", "sliced", "chunks", "one-chunk", "no-chunks", "empty", "bool", "nulls"])
def test_arrow_numpy_matches_to_numpy(array):
    got, want = arrow_numpy(array), array.to_numpy(zero_copy_only=False)
    assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=array.null_count > 0)


def test_reading_a_dataset_does_not_import_pandas(tmp_path):
    """pyarrow's to_numpy imports pandas (0.2-0.4 s) on its first call; the reader, and the dataset
    report over a labelled dataset with rule variants, go around it."""
    gen("--out", tmp_path / "ds", "--quiet", "--games", 300, "--langs", 2, "--labels", "all",
        "--rules", "classic,nomidflip", check=True)
    code = ("import sys\nfrom mothello_data.dataset_reader import iter_games\nfrom mothello_data import stats\n"
            f"rows = sum(len(b.game_id) for b in iter_games({str(tmp_path / 'ds')!r}, columns=['tokens']))\n"
            f"report = stats.collect({str(tmp_path / 'ds')!r}, progress=False)\n"
            "print(rows, report['games'], bool(report['label_distributions']), 'pandas' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.split() == ["300", "300", "True", "False"], res.stderr
