"""One record mechanism and one folder policy for single runs, --resume, jobs and finalize; and
the package's modules import each other without cycles."""

import ast
import hashlib
import json
import os

import pytest
from helpers import gen, shard_hashes as hashes

ARGS = ["--games", "900", "--langs", "2", "--games-per-shard", "150", "--seed", "1", "--quiet", "--threads", "1"]
PACKAGE = os.path.join(os.path.dirname(__file__), os.pardir, "python", "mothello_data")




def snapshot(path):
    """Every file under ``path`` with its bytes' hash: to prove a refusal touched nothing."""
    if os.path.isfile(path):
        return {"": hashlib.sha256(open(path, "rb").read()).hexdigest()}
    out = {}
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            full = os.path.join(root, name)
            out[os.path.relpath(full, path)] = None if os.path.isdir(full) else hashlib.sha256(open(full, "rb").read()).hexdigest()
    return out


def damage_same_size(path):
    """Change bytes in the middle of a file, keeping its size (a size check cannot see it)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8] = bytes(b ^ 0xFF for b in data[middle:middle + 8])
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "ds"
    res = gen(*ARGS, "--out", out)
    assert res.returncode == 0, res.stderr
    return out


def unfinished(out, *extra):
    """An interrupted run: job 0 of 2 is exactly what a killed single run leaves behind."""
    res = gen(*ARGS, *extra, "--out", out, "--job-index", 0, "--num-jobs", 2)
    assert res.returncode == 0, res.stderr
    return out


def stray(out):
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    return out


def legacy(out):
    out.mkdir()
    (out / ".mothello-run.json").write_text(json.dumps({"plan": {}, "finished": []}))
    return out


def finished(out):
    assert gen(*ARGS, "--out", out).returncode == 0
    return out


def a_file(out):
    out.write_text("x")
    return out


JOB = ["--job-index", 1, "--num-jobs", 2]


@pytest.mark.parametrize("make,flags,message", [
    (stray, [], "is not empty; use --overwrite to replace it or --resume"),
    (stray, ["--resume"], "holds no unfinished mothello-gen run to resume"),
    (stray, JOB, "holds no split run"),
    (legacy, ["--resume"], "older mothello-data"),
    (finished, [], "is not empty"),
    (finished, ["--resume"], "holds a finished dataset; nothing to resume"),
    (finished, JOB, "holds a finished dataset (manifest.json)"),
    (unfinished, [], "is not empty"),
    (unfinished, ["--resume", "--labels", "legal"], '--resume with different arguments (labels: was [], now ["legal_moves"])'),
    (unfinished, [*JOB, "--labels", "legal"], 'different arguments (labels: other jobs [], this job ["legal_moves"])'),
    (unfinished, [*JOB, "--overwrite"], "--overwrite cannot be combined with --job-index"),
    (unfinished, ["--resume", "--overwrite"], "give --overwrite or --resume, not both"),
    (a_file, ["--overwrite"], "exists and is not a folder"),
])
def test_a_refused_out_folder_is_one_line_exit_2_and_untouched(tmp_path, make, flags, message):
    out = make(tmp_path / "out")
    before = snapshot(out)
    res = gen(*ARGS, *flags, "--out", out)
    assert res.returncode == 2, res.stderr
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert snapshot(out) == before


def test_overwrite_replaces_only_what_mothello_gen_wrote(whole, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "data").mkdir()
    (out / "data" / "train-00099-of-00100.parquet").write_text("old")
    res = gen(*ARGS, "--out", out, "--overwrite")
    assert res.returncode == 0, res.stderr
    assert (out / "notes.txt").read_text() == "mine"
    assert hashes(out) == hashes(whole)


def test_resume_regenerates_a_shard_damaged_at_the_same_size(whole, tmp_path):
    out = unfinished(tmp_path / "out")
    victim = out / "data" / "train-00000-of-00006.parquet"
    size = victim.stat().st_size
    damage_same_size(victim)
    (out / "data" / ".train-00002-of-00006.parquet.tmp-1-2").write_bytes(b"half")  # a killed writer's
    res = gen(*ARGS, "--out", out, "--resume")
    assert res.returncode == 0, res.stderr
    assert victim.stat().st_size == size and hashes(out) == hashes(whole)
    assert sorted(os.listdir(out)) == ["README.md", "data", "manifest.json", "vocab.json"]
    assert gen("verify", out, "--quiet", "--sample", 10).returncode == 0


def test_a_rerun_job_regenerates_a_shard_damaged_at_the_same_size(whole, tmp_path):
    out = tmp_path / "out"
    for index in range(2):
        assert gen(*ARGS, "--out", out, "--job-index", index, "--num-jobs", 2).returncode == 0
    victim = out / "data" / "train-00001-of-00006.parquet"  # job 1's
    damage_same_size(victim)
    res = gen("finalize", out, "--check-hashes")
    assert res.returncode == 2 and "1 of 8 shards are not finished (train-00001-of-00006.parquet)" in res.stderr
    assert gen(*ARGS, "--out", out, "--job-index", 0, "--num-jobs", 2).returncode == 0  # not job 0's shard
    assert gen("finalize", out, "--check-hashes").returncode == 2
    assert gen(*ARGS, "--out", out, "--job-index", 1, "--num-jobs", 2).returncode == 0
    res = gen("finalize", out, "--check-hashes")
    assert res.returncode == 0, res.stderr
    assert hashes(out) == hashes(whole)


def test_a_split_run_is_finished_by_a_single_resume_and_equals_a_single_run(whole, tmp_path):
    out = unfinished(tmp_path / "out")
    assert gen(*ARGS, "--out", out, "--resume").returncode == 0
    assert hashes(out) == hashes(whole)
    manifests = [json.loads((d / "manifest.json").read_text()) for d in (out, whole)]
    for m in manifests:
        m.pop("argv")
    assert manifests[0] == manifests[1]


def test_old_shard_index_and_num_shards_flags_still_work(whole, tmp_path):
    out = tmp_path / "out"
    dry = gen(*ARGS, "--out", out, "--shard-index", 1, "--num-shards", 2, "--dry-run")
    assert dry.returncode == 0 and "job 1 of 2: 4 shards" in dry.stdout
    assert gen(*ARGS, "--out", out, "--shard-index", 1, "--num-shards", 2).returncode == 0
    assert gen(*ARGS, "--out", out, "--job-index", 0, "--num-jobs", 2).returncode == 0  # the new names, same run
    assert gen("finalize", out).returncode == 0
    assert hashes(out) == hashes(whole)
    argv = json.loads((out / "manifest.json").read_text())["argv"]
    assert "--shard-index" not in argv and "--job-index" not in argv and "--threads" not in argv and "--out" in argv


def test_finalize_refuses_what_is_no_unfinished_run(whole, tmp_path):
    res = gen("finalize", whole)
    assert res.returncode == 2 and "already finalized" in res.stderr
    res = gen("finalize", tmp_path)
    assert res.returncode == 2 and "holds no unfinished run" in res.stderr and len(res.stderr.splitlines()) == 1
    (tmp_path / "a-file").write_text("x")
    for target, message in ((tmp_path / "a-file", "is not a folder"), (tmp_path / "nope", "no such folder")):
        res = gen("finalize", target)
        assert res.returncode == 2 and message in res.stderr and len(res.stderr.splitlines()) == 1, res.stderr


def _package_imports():
    """module -> the package modules it imports anywhere in its source (also inside functions)."""
    modules = {name[:-3] for name in os.listdir(PACKAGE) if name.endswith(".py")}
    init = ast.parse(open(os.path.join(PACKAGE, "__init__.py")).read())
    package_names = {t.id for n in init.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    package_names |= {a.asname or a.name for n in init.body if isinstance(n, ast.ImportFrom) for a in n.names}
    package_names |= {"__version__"}  # bound in a try block
    graph = {}
    for module in modules:
        tree = ast.parse(open(os.path.join(PACKAGE, module + ".py")).read())
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 or (
                    isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mothello_data")):
                base = node.module.removeprefix("mothello_data").lstrip(".") if node.module else ""
                if base:
                    edges.add(base.split(".")[0])
                else:  # from . import a, b: modules, names of the package itself, or the C++ _core
                    edges |= {a.name for a in node.names if a.name in modules}
                    edges |= {"__init__" for a in node.names if a.name in package_names}
            elif isinstance(node, ast.Import):
                edges |= {a.name.split(".")[1] for a in node.names if a.name.startswith("mothello_data.")}
        graph[module] = edges & modules - {module}
    return graph


def test_no_import_cycles_between_the_package_modules():
    graph = _package_imports()
    assert [m for m, imports in graph.items() if "cli" in imports] == ["__main__"]
    assert {"arguments", "jobs"} <= graph["cli"] and "__init__" in graph["card"]  # the parse sees both kinds
    state: dict = {}

    def visit(module, path):
        state[module] = "open"
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                cycle = path[path.index(other):] + [other]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, path + [other])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_manifest_argv_leaves_out_per_process_flags_and_abbreviations_are_refused():
    from mothello_data.arguments import manifest_argv

    argv = ["mothello-gen", "--games", "9", "--threads", "2", "--job-index=1", "--num-jobs", "3", "--quiet",
            "--backend", "threads", "--resume", "--labels", "all"]
    assert manifest_argv(argv) == ["mothello-gen", "--games", "9", "--labels", "all"]
    res = gen("--games", "9", "--thread", "1", "--dry-run")  # an abbreviation would slip past the filter
    assert res.returncode == 2 and "unrecognized arguments: --thread" in res.stderr


def test_a_run_of_an_older_shard_format_is_not_continued(tmp_path):
    """A run started by 0.3 (shard format 1, no ``shard_format`` in its plan file) would mix formats:
    --resume, a job and finalize refuse it in one line, touching nothing; --overwrite starts afresh."""
    out = unfinished(tmp_path / "out")
    plan = out / ".mothello-plan.json"
    doc = json.loads(plan.read_text())
    assert doc.pop("shard_format") == 3
    plan.write_text(json.dumps(doc))
    before = snapshot(out)
    for extra in (["--resume"], ["--job-index", "0", "--num-jobs", "2"]):
        res = gen(*ARGS, "--out", out, *extra)
        assert res.returncode != 0 and "shard format 1" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = gen("finalize", out)
    assert res.returncode != 0 and "shard format 1" in res.stderr
    assert snapshot(out) == before
    assert gen(*ARGS, "--out", out, "--overwrite").returncode == 0


def test_the_writer_pool_is_jemalloc_when_it_works_else_the_system_pool(monkeypatch):
    """jemalloc where pyarrow has it and it allocates; the system pool where it fails (jemalloc
    compiled in but not working, e.g. on 64K-page arm64); ARROW_DEFAULT_MEMORY_POOL wins."""
    import pyarrow as pa

    from mothello_data.shards import use_writer_memory_pool

    before = pa.default_memory_pool()
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    try:
        use_writer_memory_pool()
        want = "jemalloc" if "jemalloc" in pa.supported_memory_backends() else "system"
        assert pa.default_memory_pool().backend_name == want

        def broken(*args, **kwargs):
            raise pa.ArrowMemoryError("jemalloc: unsupported page size")

        monkeypatch.setattr(pa, "allocate_buffer", broken)
        use_writer_memory_pool()
        assert pa.default_memory_pool().backend_name == "system"
        monkeypatch.undo()
        pa.set_memory_pool(pa.system_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        use_writer_memory_pool()  # the user's choice is left alone
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)
