"""Bad input, case by case: every refusal is one line on stderr, exit status 2, no traceback, and
nothing left in (or created as) the output folder; the inputs that must be accepted are accepted."""

import os
import re
import resource
import subprocess
import sys
import time

import pytest

from mothello_data import engine
from mothello_data.arguments import plan_from_argv
from mothello_data.cli import main
from mothello_data.jobs import job_shards
from mothello_data.plan import Shard
from mothello_data.records import RunError
from mothello_data.verify import main as verify_main

MOTHELLO = "{'language_types': %s, 'overlap_toks': {}, 'train_seed': %s, 'unified_output': True}"

# (id, arguments, files to write in the working folder, regex the one-line message must match)
REFUSED = [
    # issue #12, item 1: config files that crashed
    ("binary-json", ["--config", "x.json"], {"x.json": b"\x97\xff\x00{\x80"}, r"x\.json: not a text file"),
    ("mothello-seed-text", ["--config", "m.py"], {"m.py": MOTHELLO % ("['atomic']", "'abc'")},
     r"m\.py: train_seed must be an integer in 0\.\.2\*\*32-1, got 'abc'"),
    ("mothello-types-int", ["--config", "m.py"], {"m.py": MOTHELLO % ("5", "0")},
     r"m\.py: language_types must be a list of language types, got 5"),
    # item 3: ranges
    ("games-past-2**64", ["--games", 2**64 + 1, "--dry-run"], {}, r"--games must be an integer in 1\.\.2\*\*64"),
    ("games-per-shard-huge", ["--games-per-shard", 10**27], {}, r"--games-per-shard must be an integer in 1\.\.2\*\*63-1"),
    ("seed-2**64", ["--seed", 2**64], {}, r"--seed must be an integer in 0\.\.2\*\*64-1"),
    ("seed-negative", ["--seed", -1], {}, r"--seed must be an integer"),
    ("language-seed-negative", ["--language-seed", -1], {}, r"--language-seed must be an integer in 0\.\.2\*\*32-1"),
    ("language-seed-2**32", ["--language-seed", 2**32], {}, r"--language-seed must be an integer in 0\.\.2\*\*32-1"),
    ("seed-too-big-for-languages", ["--seed", 2**32], {}, r"--seed 4294967296 is above 2\*\*32-1.*give --language-seed"),
    ("input-languages-range", ["--langs", 3, "--input-languages", "2-1"], {}, r"--input-languages: the range '2-1' is empty"),
    ("input-languages-text", ["--langs", 3, "--input-languages", "x"], {}, r"--input-languages: 'x' is not a language"),
    ("input-languages-missing", ["--langs", 3, "--input-languages", "3"], {}, r"input_languages must be an integer in 0\.\.2"),
    ("config-policy-unknown", ["--config", "p.toml"], {"p.toml": 'languages = 2\npolicy = "bogus"\n'},
     r"p\.toml: policy: unknown policy 'bogus'"),
    ("config-split-by-bad", ["--config", "p.toml"], {"p.toml": 'languages = 2\nsplit_by = "x"\n'},
     r"p\.toml: split_by: expected id or opening:K"),
    ("config-dedupe-bad", ["--config", "p.toml"], {"p.toml": 'languages = 2\ndedupe = "fuzzy"\n'},
     r"p\.toml: dedupe: expected exact or symmetric"),
    # issue #11: the paper's files have exactly its four keys
    ("mothello-missing-key", ["--config", "m.py"], {"m.py": "{'language_types': ['atomic'], 'overlap_toks': {}}"},
     r"m\.py: missing key 'train_seed': a mOthello experiment file has exactly the keys"),
    ("mothello-extra-key", ["--config", "m.py"], {"m.py": MOTHELLO[:-1] % ("['atomic', 'atomic']", "0") + ", 'n_layer': 8}"},
     r"m\.py: unexpected key 'n_layer'"),
    ("mothello-unified-one-language", ["--config", "m.py"], {"m.py": MOTHELLO % ("['atomic']", "0")},
     r"m\.py: unified_output needs at least 2 languages"),
    ("language-seed-2**64", ["--language-seed", 2**64], {}, r"--language-seed must be an integer"),
    # item 4: settings that were dropped or accepted silently
    ("unified-output-text", ["--config", "u.json"], {"u.json": '{"types": ["atomic"], "unified_output": "no"}'},
     r"u\.json: unified_output must be true or false, got 'no'"),
    ("types-vs-languages", ["--config", "t.json"], {"t.json": '{"types": ["atomic", "atomic"], "languages": 3}'},
     r"t\.json: types lists 2 languages but languages is 3"),
    ("types-vs-lang-types", ["--config", "t.json"], {"t.json": '{"types": ["atomic", "atomic"], "lang_types": "split"}'},
     r"t\.json: types .* and lang_types 'split' disagree"),
    ("anchors-one-language", ["--anchors", 0.1, "--langs", 1], {}, r"anchors need at least 2 languages"),
    ("anchor-moves-empty", ["--anchor-moves", ",", "--langs", 2], {}, r"--anchor-moves: empty item in ','"),
    ("labels-empty-item", ["--labels", ","], {}, r"--labels: empty item in ','"),
    # issue #13: world-model labels and split hygiene
    ("labels-unknown-world", ["--labels", "hash,age"], {}, r"--labels: unknown label 'age' \(choose from .*canonical_hash"),
    ("split-by-unknown", ["--split-by", "moves"], {}, r"--split-by: expected id or opening:K with K in 1\.\.60, got 'moves'"),
    ("split-by-k-0", ["--split-by", "opening:0"], {}, r"--split-by: expected id or opening:K"),
    ("split-by-k-61", ["--split-by", "opening:61"], {}, r"--split-by: expected id or opening:K"),
    ("split-by-one-move", ["--split-by", "opening:1"], {}, r"--split-by opening:1: no opening of 1 moves falls to split 'validation'"),
    ("dedupe-unknown", ["--dedupe", "fuzzy"], {}, r"--dedupe: expected exact or symmetric, got 'fuzzy'"),
    ("threads-100000", ["--threads", 100000], {}, r"--threads must be in 1\.\.1024, got 100000"),
    ("empty-toml", ["--config", "e.toml"], {"e.toml": ""}, r"e\.toml: the file holds no settings"),
    ("unknown-extension-garbage", ["--config", "x.conf"], {"x.conf": "games = 100\nnot toml {"},
     r"x\.conf: not JSON, TOML or a Python dict literal"),
    # item 8: job counts
    ("num-shards-0", ["--shard-index", 0, "--num-shards", 0], {}, r"--num-jobs must be at least 1, got 0"),
    ("num-jobs-0", ["--job-index", 0, "--num-jobs", 0], {}, r"--num-jobs must be at least 1, got 0"),
    # more of our own
    ("splits-train-0", ["--splits", "train=0"], {}, r"--splits: counts add up to 0|the splits hold no games"),
    ("splits-past-2**64", ["--splits", f"train={2**64 + 1}"], {}, r"more than 2\*\*64"),
    ("games-per-shard-negative", ["--games-per-shard", -5], {}, r"--games-per-shard must be an integer in 1\.\."),
    ("config-is-a-folder", ["--config", "d.toml"], {"d.toml/": None}, r"cannot read config d\.toml: it is a folder"),
    ("config-missing", ["--config", "nope.toml"], {}, r"cannot read config nope\.toml: No such file"),
    ("toml-anchors-text", ["--config", "a.toml"], {"a.toml": 'types = ["atomic", "split"]\nanchors = "lots"\n'},
     r"a\.toml: anchors must be a fraction in \[0, 1\] or a list of squares, got 'lots'"),
    ("lang-types-empty-item", ["--langs", 3, "--lang-types", "atomic,,split"], {}, r"lang_types: empty item in 'atomic,,split'"),
    ("json-groups-not-a-map", ["--config", "g.json"], {"g.json": '{"types": ["atomic", "split"], "groups": 5}'},
     r"g\.json: groups must map a square to a list of language groups"),
    ("toml-group-language-missing", ["--config", "g.toml"], {"g.toml": 'types = ["atomic", "atomic"]\n[groups]\na5 = [[0, 5]]\n'},
     r"g\.toml: groups\[a5\]: language 5 does not exist"),
    ("langs-huge", ["--langs", 100000], {}, r"at most 1024 languages"),
    ("toml-games-text", ["--config", "g.toml"], {"g.toml": 'games = "100"\n'}, r"g\.toml: games must be an integer"),
    ("toml-games-bool-overridden", ["--config", "g.toml"], {"g.toml": "games = true\n"}, r"g\.toml: games must be an integer"),
    ("json-seed-float", ["--config", "s.json"], {"s.json": '{"seed": 1.5}'}, r"s\.json: seed must be an integer"),
    ("json-duplicate-key", ["--config", "d.json"], {"d.json": '{"games": 100, "games": 200}'}, r"d\.json: games given twice"),
    ("toml-parallel-text", ["--config", "p.toml"], {"p.toml": 'parallel = "yes"\n'}, r"p\.toml: parallel must be true or false"),
    ("toml-lang-tags-int", ["--config", "t.toml"], {"t.toml": 'types = ["atomic"]\nlang_tags = 1\n'},
     r"t\.toml: lang_tags must be true or false, got 1"),
    ("toml-splits-int", ["--config", "s.toml"], {"s.toml": "splits = 5\n"}, r"s\.toml: splits must be text"),
    ("toml-labels-int", ["--config", "l.toml"], {"l.toml": "labels = 5\n"}, r"l\.toml: --labels: expected none, all or a list"),
    ("json-top-level-list", ["--config", "l.json"], {"l.json": "[1, 2]"}, r"l\.json: expected a table/dict"),
    ("python-dict-call", ["--config", "c.py"], {"c.py": '{"types": list(["atomic"]), "games": 100}'},
     r"c\.py: types: not a literal value"),
    ("mothello-types-text", ["--config", "m.py"], {"m.py": MOTHELLO % ("'atomic'", "0")}, r"m\.py: language_types must be a list"),
    ("mothello-seed-bool", ["--config", "m.py"], {"m.py": MOTHELLO % ("['atomic']", "True")}, r"m\.py: train_seed must be an integer"),
    ("mothello-overlap-list", ["--config", "m.py"], {"m.py": MOTHELLO.replace("{}", "[1]", 1) % ("['atomic']", "0")},
     r"m\.py: overlap_toks must map a square"),
    ("job-index-negative", ["--job-index", -1, "--num-jobs", 2], {}, r"--job-index must be in 0\.\.1 for --num-jobs 2, got -1"),
    ("anchors-nan", ["--anchors", "nan", "--langs", 2], {}, r"anchors must be a fraction in \[0, 1\], got nan"),
    ("anchor-moves-centre", ["--anchor-moves", "e4", "--langs", 2], {}, r"centre square"),
    ("labels-empty-text", ["--labels", ""], {}, r"--labels: empty item"),
    ("null-bytes", ["--config", "n.cfg"], {"n.cfg": "x\x00y"}, r"n\.cfg: not JSON, TOML or a Python dict literal"),
    ("json-nested-deeply", ["--config", "d.json"], {"d.json": "[" * 100_000}, r"d\.json: nested too deeply"),
    ("python-dict-int-key", ["--config", "k.py"], {"k.py": "{1: 2, 'a': 3}"}, r"k\.py: unknown setting\(s\): 1, a"),
    ("python-dict-duplicate-key", ["--config", "d.py"], {"d.py": "{'games': 5, 'games': 7}"}, r"d\.py: games given twice"),
    # issue #14: policies
    ("policy-unknown", ["--policy", "best"], {}, r"--policy: unknown policy 'best'"),
    ("policy-search-depth-0", ["--policy", "search:0"], {}, r"--policy: search depth must be in 1\.\.8, got 0"),
    ("policy-search-no-depth", ["--policy", "search"], {}, r"--policy: unknown policy 'search'"),
    ("epsilon-above-1", ["--policy", "greedy", "--epsilon", 2], {}, r"--epsilon must be a number in 0\.\.1, got 2\.0"),
    ("epsilon-nan", ["--policy", "greedy", "--epsilon", "nan"], {}, r"--epsilon must be a number in 0\.\.1"),
    ("epsilon-text", ["--policy", "greedy", "--epsilon", "lots"], {}, r"--epsilon: invalid float value"),
    ("epsilon-with-uniform", ["--epsilon", 0.1], {}, r"--epsilon needs a policy other than uniform"),
    ("split-by-with-policy", ["--policy", "greedy", "--split-by", "opening:4"], {},
     r"--split-by opening:K draws fresh uniform candidates .* cannot be combined with --policy, --rules"),
    ("split-by-with-rules", ["--rules", "nomidflip", "--split-by", "opening:4"], {},
     r"--split-by opening:K .* cannot be combined with --policy, --rules/--pass-token/--max-plies"),
    ("unknown-rule", ["--rules", "classic,reversi"], {}, r"--rules: unknown rule 'reversi' \(choose from classic, nomidflip, delflank\)"),
    ("rule-twice", ["--rules", "classic,classic"], {}, r"--rules: a rule is listed twice"),
    ("max-plies-range", ["--max-plies", 121], {}, r"--max-plies must be an integer in 1..120, got 121"),
    ("iago-without-pass", ["--lang-types", "atomic,iago"], {}, r"the languages write passes .*an iago language.* add --pass-token"),
    ("iago-first", ["--lang-types", "iago,atomic", "--pass-token"], {}, r"language 0 \(iago\): its base must be a lower language"),
    ("max-plies-beyond-classic", ["--max-plies", 90], {}, r"--max-plies 90: classic games have at most 60 moves \(120 with --pass-token\)"),
    ("config-pass-token-text", ["--config", "exp.json"], {"exp.json": '{"pass_token": "no"}'}, r"exp.json: pass_token must be true or false"),
    ("config-bad-rule-overridden", ["--config", "exp.json", "--rules", "classic"], {"exp.json": '{"rules": "othello"}'}, r"exp.json: --rules: unknown rule 'othello'"),
]


def _write(folder, files):
    for name, content in files.items():
        path = folder / name.rstrip("/")
        if content is None:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _main(argv, capsys):
    """``mothello-gen ARGV`` in this process: (exit status, stdout, stderr)."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own refusals
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def _one_line_refusal(status, err, pattern):
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(pattern, err), err


@pytest.mark.parametrize("args,files,pattern", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_in_one_line_and_nothing_written(tmp_path, monkeypatch, capsys, args, files, pattern):
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    before = sorted(os.listdir(tmp_path))
    games = [] if "--games" in args or "--splits" in args else ["--games", 100]
    status, _, err = _main([*games, *args, "--out", "out", "--quiet"], capsys)
    _one_line_refusal(status, err, pattern)
    assert sorted(os.listdir(tmp_path)) == before  # no --out folder, nothing else


def test_resume_with_nothing_to_resume_is_refused(tmp_path, capsys):
    status, _, err = _main(["--games", 100, "--resume", "--out", tmp_path / "missing"], capsys)
    _one_line_refusal(status, err, r"--resume: nothing to resume in .*missing \(no such folder\)")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "empty").mkdir()
    status, _, err = _main(["--games", 100, "--resume", "--out", tmp_path / "empty"], capsys)
    _one_line_refusal(status, err, r"--resume: nothing to resume in .*empty \(empty\)")
    assert os.listdir(tmp_path / "empty") == []


# (id, arguments, files, regex stdout of --dry-run must match): inputs that used to crash or be half-read
ACCEPTED = [
    ("labels-list-in-toml", ["--config", "l.toml"], {"l.toml": 'types = ["atomic"]\nlabels = ["board", "legal"]\n'},
     r"labels: board_state, legal_moves;"),
    ("labels-string-in-toml", ["--config", "l.toml"], {"l.toml": 'types = ["atomic"]\nlabels = "board,legal"\n'},
     r"labels: board_state, legal_moves;"),
    # an unknown extension is read by content, whole: lang_tags is true (2 x 60 moves + pad + 2 tags)
    ("json-in-conf-file", ["--config", "e.conf"], {"e.conf": '{"types": ["atomic", "atomic"], "lang_tags": true}'},
     r"L0=atomic, L1=atomic; anchors: 0 squares; vocabulary 123 tokens"),
    ("toml-in-cfg-file", ["--config", "e.cfg"], {"e.cfg": 'languages = 2\nlang_tags = true\n'}, r"vocabulary 123 tokens"),
    ("split-by-opening", ["--split-by", "opening:6", "--dedupe", "symmetric"], {},
     r"splits: train=98, validation=1, test=1; by opening of 6 moves; symmetric dedupe"),
    ("labels-all-plus-world", ["--labels", "all,hash"], {}, r"labels: board_state, legal_moves, flipped, player, hash;"),
    ("json-with-bom", ["--config", "b.json"], {"b.json": '\ufeff{"types": ["split"]}'}, r"L0=split"),
    ("mothello-python-dict", ["--config", "m.py"], {"m.py": "cfg = " + MOTHELLO % ("['atomic', 'split']", "3")
                                                     + "\nmodel = {'n_layer': int('8')}\n"}, r"L0=atomic, L1=split"),
    ("config-policy-and-splits", ["--config", "p.toml"],
     {"p.toml": 'languages = 2\npolicy = "search:2"\nepsilon = 0.05\n'}, r"policy: search:2, epsilon 0\.05"),
    ("config-split-by", ["--config", "p.toml"], {"p.toml": 'languages = 2\nsplit_by = "opening:4"\ndedupe = "symmetric"\n'},
     r"by opening of 4 moves; symmetric dedupe"),
    ("mothello-unified-inputs", ["--config", "m.py"], {"m.py": MOTHELLO % ("['atomic', 'split', 'atomic']", "3")},
     r"one language per game \(input languages 1, 2\)"),
    ("mothello-inputs-override", ["--config", "m.py", "--input-languages", "0-2"],
     {"m.py": MOTHELLO % ("['atomic', 'split', 'atomic']", "3")}, r"\(input languages 0, 1, 2\)"),
    ("mothello-one-language-group", ["--config", "m.py"],
     {"m.py": MOTHELLO.replace("{}", "{19: [[0]]}", 1) % ("['atomic', 'atomic']", "3")}, r"anchors: 0 squares; vocabulary 121"),
]


@pytest.mark.parametrize("args,files,pattern", [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted_inputs(tmp_path, monkeypatch, capsys, args, files, pattern):
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    status, out, err = _main(["--games", 100, *args, "--dry-run"], capsys)
    assert status == 0, err
    assert re.search(pattern, out), out


def test_dry_run_of_a_huge_run_is_instant_and_small(capsys):
    start, peak = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for games in (10**15, 2**64):
        status, out, err = _main(["--games", games, "--dry-run", "--job-index", 3, "--num-jobs", 7], capsys)
        assert status == 0, err
        assert "job 3 of 7: " in out
    assert time.perf_counter() - start < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100_000  # KiB
    plan = plan_from_argv(["--games", 10**15])
    shards = plan.shards()
    assert shards.size == 4_000_000_000 and shards[-1].first_game + shards[-1].n_games == 10**15
    mine = job_shards(plan, 3, 7)
    assert mine.size == 571_428_571 and mine[0] == shards[3] and mine[1] == shards[10]


def test_lazy_shards_equal_the_list_they_stand_for():
    plan = plan_from_argv(["--games", 10_007, "--games-per-shard", 999, "--splits", "train=0.9,validation=0.05,test=0.05"])
    eager, first = [], 0  # the list Plan.shards() built before it became lazy
    for name, n in plan.splits.items():
        count = max(1, -(-n // plan.games_per_shard))
        eager += [Shard(name, i, count, first + n * i // count, first + n * (i + 1) // count - first - n * i // count)
                  for i in range(count)]
        first += n
    shards = plan.shards()
    assert len(shards) == shards.size == len(eager) == 12 and shards == eager and list(shards) == eager
    assert list(shards[2::3]) == eager[2::3] and shards[-1] == eager[-1] and shards[::-2] == eager[::-2]
    with pytest.raises(RunError, match="--num-jobs must be at least 1, got 0"):
        job_shards(plan, 0, 0)


def test_verify_refuses_a_negative_sample(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        verify_main([str(tmp_path), "--sample", "-1"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and "--sample must be >= 0" in err


def test_generate_refuses_output_larger_than_memory(monkeypatch):
    with pytest.raises(ValueError, match=r"generate of 1,000,000,000,000,000 games needs .* GiB"):
        engine.generate(10**15)
    monkeypatch.setattr(engine, "physical_memory", lambda: 2**30)
    # 62 bytes a game: a row of 60 moves, its length and whether it ended
    with pytest.raises(ValueError, match=r"generate of 2,000,000,000 games needs 115\.5 GiB .* 1\.0 GiB"):
        engine.generate(2_000_000_000)
    with pytest.raises(ValueError, match=r"replay of 400,000 games needs"):
        engine.replay(engine.generate(1).moves.repeat(400_000, axis=0), labels=True)


@pytest.mark.parametrize("value,ok", [("bogus", False), ("BMI2", False), ("generic", True), ("", True)])
def test_mothello_kernel_accepts_only_generic_bmi2_or_unset(tmp_path, value, ok):
    env = dict(os.environ, MOTHELLO_KERNEL=value)
    code = "from mothello_data import engine\ntry:\n    print(engine.kernel())\nexcept ValueError as e:\n    print('refused', e)"
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert res.stdout.startswith("refused") != ok, res.stdout
    run = subprocess.run([sys.executable, "-m", "mothello_data", "--games", "10", "--out", str(tmp_path / "o"), "--quiet"],
                         env=env, capture_output=True, text=True)
    if ok:
        assert run.returncode == 0, run.stderr
    else:
        _one_line_refusal(run.returncode, run.stderr, rf"MOTHELLO_KERNEL={value} is not a kernel; use generic or bmi2")
        assert not (tmp_path / "o").exists()
