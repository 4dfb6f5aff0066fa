"""Runs split across machines (--job-index/--num-jobs + finalize) and the Dask backend give the
same bytes as one machine."""

import json
import os

import pytest
from helpers import gen, shard_hashes as hashes

ARGS = ["--games", "4000", "--langs", "3", "--lang-types", "atomic,split,compositional", "--anchors", "0.1",
        "--games-per-shard", "600", "--splits", "train=0.9,validation=0.05,test=0.05", "--seed", "21", "--quiet"]




def manifest_without_argv(out):
    doc = json.loads(open(os.path.join(out, "manifest.json")).read())
    doc.pop("argv")
    return doc


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "ds"
    assert gen(*ARGS, "--out", out).returncode == 0
    return out


def test_split_run_in_any_order_then_finalize_equals_a_single_run(single, tmp_path):
    out = tmp_path / "split"
    for index in (3, 1, 0, 3, 2):  # any order; job 3 twice (a resubmitted array task)
        res = gen(*ARGS, "--out", out, "--job-index", index, "--num-jobs", 4, "--threads", 1)
        assert res.returncode == 0, res.stderr
    assert not (out / "manifest.json").exists()
    res = gen("finalize", out)
    assert res.returncode == 0, res.stderr
    assert hashes(out) == hashes(single)
    assert manifest_without_argv(out) == manifest_without_argv(single)
    assert (out / "README.md").read_text() == (single / "README.md").read_text()
    assert (out / "vocab.json").read_text() == (single / "vocab.json").read_text()
    assert sorted(os.listdir(out)) == ["README.md", "data", "manifest.json", "vocab.json"]
    assert gen("verify", out).returncode == 0


def test_finalize_refuses_missing_shards_and_jobs_refuse_other_arguments(tmp_path):
    out = tmp_path / "part"
    assert gen(*ARGS, "--out", out, "--job-index", 0, "--num-jobs", 3).returncode == 0
    res = gen("finalize", out)
    assert res.returncode == 2 and "5 of 8 shards are not finished" in res.stderr and len(res.stderr.splitlines()) == 1
    other = [a if a != "21" else "22" for a in ARGS]
    res = gen(*other, "--out", out, "--job-index", 1, "--num-jobs", 3)
    assert res.returncode == 2 and "seed: other jobs 21, this job 22" in res.stderr
    res = gen(*ARGS, "--out", out, "--job-index", 1, "--num-jobs", 3, "--overwrite")
    assert res.returncode == 2 and "--overwrite cannot be combined" in res.stderr
    res = gen(*ARGS, "--out", out, "--job-index", 5, "--num-jobs", 3)
    assert res.returncode == 2 and "--job-index must be in 0..2" in res.stderr
    res = gen(*ARGS, "--out", out, "--num-jobs", 3)
    assert res.returncode == 2 and "together" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_rerun_job_replaces_a_damaged_shard(single, tmp_path):
    out = tmp_path / "damaged"
    for index in range(2):
        assert gen(*ARGS, "--out", out, "--job-index", index, "--num-jobs", 2).returncode == 0
    victim = out / "data" / "train-00002-of-00006.parquet"
    victim.write_bytes(victim.read_bytes()[:-10])
    assert gen("finalize", out).returncode == 2  # size no longer matches its record
    assert gen(*ARGS, "--out", out, "--job-index", 0, "--num-jobs", 2).returncode == 0
    assert gen("finalize", out).returncode == 0
    assert hashes(out) == hashes(single)


def test_dask_backend_writes_the_same_bytes(single, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask"
    res = gen(*ARGS, "--out", out, "--backend", "dask", "--threads", 2)  # local cluster, 2 worker processes
    assert res.returncode == 0, res.stderr
    assert hashes(out) == hashes(single)
    assert manifest_without_argv(out) == manifest_without_argv(single)


def test_unreachable_scheduler_is_refused_before_writing(tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "never"
    res = gen(*ARGS, "--out", out, "--backend", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert res.returncode == 2 and "cannot reach the Dask scheduler" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not out.exists()


def test_dask_backend_in_process_cluster_through_the_python_api(single, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    from mothello_data.backends import run_shards
    from mothello_data.records import plan_from_identity

    plan = plan_from_identity(json.loads((single / "manifest.json").read_text())["config"])
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        records = run_shards(plan, plan.shards(), str(tmp_path), 2, backend="dask", scheduler=cluster.scheduler_address)
    assert [r.file for r in records] == [s.filename for s in plan.shards()]
    assert hashes(tmp_path) == hashes(single)


def test_python_api_drives_generate_shard_like_a_job(single, tmp_path):
    from mothello_data.jobs import finalize, job_shards, plan_from_argv, prepare_out, save_record
    from mothello_data.shards import generate_shard

    plan = plan_from_argv(ARGS)
    assert plan.identity() == json.loads((single / "manifest.json").read_text())["config"]
    out = str(tmp_path / "api")
    prepare_out(out, plan, ["mothello-gen", *ARGS], job=True)
    for index in range(3):
        for shard in job_shards(plan, index, 3):
            save_record(out, generate_shard(plan, shard, out))
    finalize(out)
    assert hashes(out) == hashes(single)
    assert manifest_without_argv(out) == manifest_without_argv(single)


def test_python_api_runs_a_job_and_the_old_recipe_still_works(single, tmp_path):
    from mothello_data.jobs import finalize, job_shards, plan_from_argv, prepare_job, run_job, save_record
    from mothello_data.shards import generate_shard

    plan = plan_from_argv(ARGS)
    out = str(tmp_path / "api")
    prepare_job(out, plan, ["mothello-gen", *ARGS], overwrite=False)  # the deprecated name
    for shard in job_shards(plan, 0, 2):
        save_record(out, generate_shard(plan, shard, out))
    written = run_job(plan, out, 1, 2, threads=2)
    assert [r.file for r in written] == [s.filename for s in job_shards(plan, 1, 2)]
    assert run_job(plan, out, 0, 2) == []  # finished shards are skipped
    finalize(out, check_hash=True)
    assert hashes(out) == hashes(single)
