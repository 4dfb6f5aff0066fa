"""Issue #12 (hardening): empty splits, damaged shards, two writers on one folder and a full disk
each give one clear line, and every reader agrees on what a dataset holds."""

import errno
import json
import os
import re
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from helpers import gen

from mothello_data.loader import LoaderError

SMALL = ["--games", "600", "--langs", "2", "--games-per-shard", "200", "--seed", "4", "--quiet", "--threads", "1"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small") / "ds"
    res = gen(*SMALL, "--out", out)
    assert res.returncode == 0, res.stderr
    return out


def copy_of(src, tmp_path, name="copy"):
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def rows_via_loader(out, split="train"):
    from mothello_data.torch import make_loader

    return sum(len(b["lang"]) for b in make_loader(out, split=split, batch_size=64, shuffle=False))


# ---- item 2: a split too small to hold a game ----------------------------------------------------


def test_a_small_run_leaves_out_empty_splits_and_every_reader_agrees(tmp_path):
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "g10"
    res = gen("--games", 10, "--out", out, "--quiet")
    assert res.returncode == 0, res.stderr
    assert os.listdir(out / "data") == ["train-00000-of-00001.parquet"]
    card = (out / "README.md").read_text()
    header = card.split("---")[1]
    assert "validation" not in header and "test" not in header and "10..9" not in card
    assert "Empty splits (no rows, left out of this card's configs): `validation` (0 games); `test` (0 games)." in card
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["split"] for s in manifest["shards"]] == ["train"]
    ds = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert {k: v.num_rows for k, v in ds.items()} == {"train": 10}
    assert gen("verify", out, "--quiet").returncode == 0
    assert rows_via_loader(out) == 10
    from mothello_data.torch import make_loader

    with pytest.raises(LoaderError, match=r"^no shards of split 'validation' \(found: train; a split without games has none\)$"):
        make_loader(out, split="validation")


def test_a_split_whose_rows_were_all_dropped_is_named_and_refused_by_the_loader(small, tmp_path):
    from mothello_data.card import dataset_card, empty_splits
    from mothello_data.jobs import plan_from_argv
    from mothello_data.shards import ShardRecord
    from mothello_data.torch import make_loader

    plan = plan_from_argv(["--games", "10", "--splits", "train=9,test=1"])
    records = [ShardRecord("data/train-00000-of-00001.parquet", "train", 0, 9, 9, [], "x", 1),
               ShardRecord("data/test-00000-of-00001.parquet", "test", 9, 10, 0, [9], "y", 1)]
    assert empty_splits(plan, records) == {"test": "all 1 games were repeats of later splits"}
    card = dataset_card(plan, records)
    assert "split: test" not in card and "`test` (all 1 games were repeats of later splits)" in card
    out = copy_of(small, tmp_path)
    path = out / "data" / "test-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 0), path)
    manifest = json.loads((out / "manifest.json").read_text())  # as a run whose test games were all dropped
    for shard in manifest["shards"]:
        if shard["split"] == "test":
            shard.update(rows=0, bytes=path.stat().st_size)
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LoaderError, match=r"^no rows in split 'test'$"):
        make_loader(out, split="test")


# ---- item 5: damage is noticed when reading, verify names every bad shard ------------------------


def flip_in_a_data_page(path):
    """Flip one byte inside the first data page of the ``tokens`` column (not its header)."""
    meta = pq.ParquetFile(path).metadata
    names = [meta.schema.column(i).path for i in range(meta.num_columns)]
    col = meta.row_group(0).column(names.index("tokens.list.element"))
    data = bytearray(path.read_bytes())
    data[col.data_page_offset + 200] ^= 0x5A  # past the page header (a few dozen bytes), inside the page
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_a_data_page_is_a_one_line_loader_error_naming_the_file(small, tmp_path):
    out = copy_of(small, tmp_path)
    bad = out / "data" / "train-00001-of-00003.parquet"
    flip_in_a_data_page(bad)
    with pytest.raises(LoaderError) as info:
        rows_via_loader(out)
    message = str(info.value)
    assert "\n" not in message and str(bad) in message and "damaged" in message and "CRC checksum" in message
    # pyarrow's plain reader (as datasets uses it by default) does not check page checksums: the rows
    # come back changed without an error; asked to, through datasets' fragment_scan_options, it does.
    assert not pq.read_table(bad).equals(pq.read_table(small / "data" / bad.name))
    datasets = pytest.importorskip("datasets")
    import pyarrow.dataset as pds

    damaged = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))["train"]["tokens"]
    good = datasets.load_dataset(str(small), cache_dir=str(tmp_path / "cache2"))["train"]["tokens"]
    assert list(damaged) != list(good)
    checked = pds.ParquetFragmentScanOptions(page_checksum_verification=True)
    with pytest.raises(Exception) as info:  # datasets >= 4.2 wraps it in DatasetGenerationError
        datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache3"), fragment_scan_options=checked)
    assert "CRC checksum verification failed" in str(info.value.__cause__ or info.value.__context__ or info.value)


@pytest.mark.parametrize("through", ["dataset", "data-folder"])  # with manifest.json, and bare shards
@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # truncated
    lambda p: p.write_bytes(b"not parquet at all"),  # replaced by another file
    lambda p: p.write_bytes(b""),  # emptied
    flip_in_a_data_page,  # one byte changed
], ids=["truncated", "not-parquet", "empty", "flipped"])
def test_loader_names_a_damaged_shard(small, tmp_path, damage, through):
    out = copy_of(small, tmp_path)
    path = out / "data" / "train-00000-of-00003.parquet"
    damage(path)
    source = out if through == "dataset" else out / "data"
    with pytest.raises(LoaderError, match=rf"^{path}: .*(not a readable Parquet shard|damaged|manifest.json says)") as info:
        rows_via_loader(source)
    assert "\n" not in str(info.value)


def test_loader_refuses_a_dataset_with_a_listed_shard_missing(small, tmp_path):
    out = copy_of(small, tmp_path)
    path = out / "data" / "train-00002-of-00003.parquet"
    path.unlink()
    with pytest.raises(LoaderError, match=rf"^{path}: listed in manifest.json but missing"):
        rows_via_loader(out)
    assert rows_via_loader(out, split="test") > 0  # other splits still load


def test_verify_reports_every_bad_shard_by_kind_then_a_summary(small, tmp_path):
    out = copy_of(small, tmp_path)
    data = out / "data"
    (data / "train-00000-of-00003.parquet").write_bytes((data / "train-00000-of-00003.parquet").read_bytes()[:100])  # PAR1 kept
    flip_in_a_data_page(data / "train-00001-of-00003.parquet")
    (data / "train-00002-of-00003.parquet").unlink()
    shutil.copy(data / "test-00000-of-00001.parquet", data / "test-00001-of-00001.parquet")
    res = gen("verify", out, "--quiet")
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1, res.stderr
    assert lines[0] == "mothello-gen verify: data/test-00001-of-00001.parquet: extra (not in the manifest)"
    assert lines[1].startswith("mothello-gen verify: data/train-00000-of-00003.parquet: truncated (100 of ")
    assert lines[2].startswith("mothello-gen verify: data/train-00001-of-00003.parquet: changed (sha256 ")
    assert lines[3] == "mothello-gen verify: data/train-00002-of-00003.parquet: missing"
    assert lines[4].startswith(f"mothello-gen verify: error: 4 problem(s) in {out} (5 shards in the manifest)")
    assert len(lines) == 5


@pytest.mark.parametrize("damage,message", [
    (lambda out: (out / "vocab.json").unlink(), "vocab.json: missing"),
    (lambda out: (out / "vocab.json").write_text("{"), "vocab.json: unreadable"),
    (lambda out: (out / "manifest.json").write_text("{not json"), "manifest.json: not a mothello-gen manifest"),
    (lambda out: (out / "manifest.json").write_text("[]"), "manifest.json: not a mothello-gen manifest"),
])
def test_verify_of_damaged_sidecars_is_one_line(small, tmp_path, damage, message):
    out = copy_of(small, tmp_path)
    damage(out)
    res = gen("verify", out)
    assert res.returncode == 1 and message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr


# ---- item 6: two writers on one folder --------------------------------------------------------------


def hold_in_another_process(out, code):
    """Start a Python process that takes a lock on ``out`` (``code``) and waits; returns it."""
    script = f"import sys, time; sys.path[:0] = {sys.path!r}\nfrom mothello_data import lock\n{code}\nprint('held', flush=True)\ntime.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.parametrize("flags", [[], ["--overwrite"]])
def test_a_second_writer_is_refused_naming_the_holder(tmp_path, flags):
    out = tmp_path / "ds"
    out.mkdir()
    proc = hold_in_another_process(out, f"lock.hold_folder({str(out)!r}, exclusive=True)")
    try:
        res = gen(*SMALL, "--out", out, *flags)
        assert res.returncode == 2
        line = res.stderr.strip()
        assert "\n" not in line and f"is in use by a mothello-gen run: pid {proc.pid} on " in line and "since" in line
        job = gen(*SMALL, "--out", out, "--job-index", 0, "--num-jobs", 2)
        assert job.returncode == 2 and f"pid {proc.pid}" in job.stderr
    finally:
        proc.kill()
        proc.wait()
    # The holder died: its lock went with it, and a folder holding only a stale lock file counts as
    # empty (a killed run's own --resume is tested in test_cli's SIGKILL test).
    res = gen(*SMALL, "--out", out)
    assert res.returncode == 0, res.stderr
    assert not [f for f in os.listdir(out) if f.startswith(".")]
    assert gen("verify", out, "--quiet").returncode == 0


def test_jobs_share_the_folder_but_a_copy_of_a_running_job_and_finalize_are_refused(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    proc = hold_in_another_process(out, f"lock.hold_folder({str(out)!r}, exclusive=False); lock.hold_job({str(out)!r}, 1)")
    try:
        other = gen(*SMALL, "--out", out, "--job-index", 0, "--num-jobs", 2)
        assert other.returncode == 0, other.stderr  # another job runs alongside
        same = gen(*SMALL, "--out", out, "--job-index", 1, "--num-jobs", 2)
        assert same.returncode == 2 and f"job 1 is already running in {out} (job 1: pid {proc.pid} on " in same.stderr
        for args in (["finalize", out], [*SMALL, "--out", out, "--resume"], [*SMALL, "--out", out, "--overwrite"]):
            res = gen(*args)
            assert res.returncode == 2 and f"is in use by 1 running job(s) of a split run (job 1: pid {proc.pid}" in res.stderr
    finally:
        proc.kill()
        proc.wait()
    assert gen(*SMALL, "--out", out, "--job-index", 1, "--num-jobs", 2).returncode == 0  # a killed job's lock is gone
    res = gen("finalize", out)
    assert res.returncode == 0, res.stderr
    assert not [f for f in os.listdir(out) if f.startswith(".")]
    assert gen("verify", out, "--quiet").returncode == 0


def test_two_overwrite_runs_at_once_one_finishes_the_other_is_refused(tmp_path):
    out = tmp_path / "ds"
    args = [sys.executable, "-m", "mothello_data", "--games", "60000", "--games-per-shard", "5000", "--quiet",
            "--threads", "1", "--overwrite", "--out", str(out)]
    procs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes in ([0, 2], [0, 0]), results  # [0, 0]: one finished before the other started
    for rc, err in results:
        if rc == 2:
            assert "is in use by a mothello-gen run: pid" in err and "No such file" not in err
    assert gen("verify", out, "--quiet", "--sample", "5").returncode == 0


# ---- item 7: a full disk ------------------------------------------------------------------------


def test_a_full_disk_names_the_file_and_folder_and_says_resume_finishes(tmp_path, monkeypatch, capsys):
    import pyarrow.parquet

    from mothello_data import cli

    real = pyarrow.parquet.ParquetWriter.write_table
    calls = {"n": 0}

    def full(self, *a, **k):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")
        return real(self, *a, **k)

    monkeypatch.setattr(pyarrow.parquet.ParquetWriter, "write_table", full)
    out = tmp_path / "ds"
    assert cli.main([*SMALL, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(rf"mothello-gen: error: no space left on device writing data/\S+\.parquet in {re.escape(str(out))}; "
                        r"finished shards are kept: free some space, then run again with --resume \(a job: run the same "
                        r"job again\) to finish the run", err), err
    assert not [f for f in os.listdir(out / "data") if ".tmp-" in f]  # nothing half-written
    monkeypatch.setattr(pyarrow.parquet.ParquetWriter, "write_table", real)
    assert cli.main([*SMALL, "--out", str(out), "--resume"]) == 0
    assert gen("verify", out, "--quiet").returncode == 0


def test_a_full_disk_while_writing_a_record_is_named_too(tmp_path, monkeypatch):
    from mothello_data.files import write_atomic
    from mothello_data.files import DiskFullError

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(DiskFullError, match=rf"writing x.json in {tmp_path}; finished shards are kept"):
        write_atomic(str(tmp_path / "x.json"), "{}")
    assert os.listdir(tmp_path) == []


# ---- more bad inputs -------------------------------------------------------------------------------


def test_a_torn_record_file_makes_resume_regenerate_that_shard(tmp_path):
    out = tmp_path / "ds"
    assert gen(*SMALL, "--out", out, "--job-index", 0, "--num-jobs", 2).returncode == 0  # an unfinished run
    record = sorted((out / ".mothello-parts").iterdir())[0]
    record.write_text("{torn")
    res = gen(*SMALL, "--out", out, "--resume")
    assert res.returncode == 0, res.stderr
    assert gen("verify", out, "--quiet").returncode == 0


def test_a_shard_from_another_dataset_is_named_by_verify(small, tmp_path):
    other = tmp_path / "other"
    args = [a if a != "4" else "5" for a in SMALL]  # another seed
    assert gen(*args, "--out", other).returncode == 0
    out = copy_of(small, tmp_path)
    shutil.copy(other / "data" / "train-00000-of-00003.parquet", out / "data" / "train-00000-of-00003.parquet")
    res = gen("verify", out, "--quiet")
    assert res.returncode == 1
    assert res.stderr.splitlines()[0].startswith("mothello-gen verify: data/train-00000-of-00003.parquet: changed (sha256 ")


@pytest.mark.parametrize("text", ["{", "[]", '{"format": "other"}', ""])
def test_a_damaged_vocab_json_is_one_line_naming_it(tmp_path, text):
    from mothello_data.languages import Vocabulary
    from mothello_data.spec import SpecError

    path = tmp_path / "vocab.json"
    path.write_text(text)
    with pytest.raises(SpecError, match=rf"^{path}: not (valid JSON|a mothello)") as info:
        Vocabulary.load(path)
    assert "\n" not in str(info.value)


def test_verify_names_a_shard_replaced_by_another_file(small, tmp_path):
    out = copy_of(small, tmp_path)
    (out / "data" / "test-00000-of-00001.parquet").write_text("hello")
    res = gen("verify", out, "--quiet")
    assert res.returncode == 1
    assert res.stderr.splitlines()[0] == ("mothello-gen verify: data/test-00000-of-00001.parquet: not a Parquet file "
                                          "(5 bytes; replaced or overwritten)")
