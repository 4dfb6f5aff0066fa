"""The mOthello paper's token ids, checked against a plain restatement of its rules
(tests/paper_reference.py) on its four experiment files and on files of our own."""

import ast
import glob
import json
import os

import pytest

from mothello_data.config import load_experiment
from mothello_data.spec import LanguageSpec, SpecError
from mothello_data.vocabulary import Vocabulary

from helpers import gen

from paper_reference import PLAYABLE, PaperLanguages

HERE = os.path.dirname(__file__)
PAPER_FILES = sorted(glob.glob(os.path.join(HERE, "data", "paper_configs", "*.txt")))
# vocabulary sizes (pad included) the paper's MOthello_Config + CharDataset give for its files
PAPER_SIZES = {"naive_training_with_10_atomic_languages": 601, "two_atomic_languages_with_anchor_tokens": 113,
               "multiple_lang_types_unified_output": 323, "test_config": 262}

OWN = [  # several split languages sharing one stream; groups with compositional or split bases, unsorted
    {"language_types": ["split", "atomic", "split", "split"], "overlap_toks": {19: [[3, 0]], 44: [[2, 1, 3]]},
     "train_seed": 7, "unified_output": False},
    {"language_types": ["compositional", "split", "atomic", "compositional"],
     "overlap_toks": {0: [[3, 0], [2, 1]], 9: [[1, 0, 2]], 63: [[2]]}, "train_seed": 123, "unified_output": True},
    {"language_types": ["atomic", "compositional", "split", "atomic", "split"],
     "overlap_toks": {8: [[4, 2]], 16: [[4, 1]], 17: [[1, 3]], 59: [[0, 1, 2, 3, 4]]}, "train_seed": 2**32 - 1,
     "unified_output": True},
]


def _check_against_reference(spec: LanguageSpec, experiment: dict) -> Vocabulary:
    ref = PaperLanguages(experiment)
    vocab = Vocabulary(spec)
    assert vocab.paper_size == ref.vocab_size
    for lang in range(len(ref.types)):
        for square in PLAYABLE:
            assert vocab.sequence(square, lang) == [t + 1 for t in ref.table[lang][square]], (lang, square)
    return vocab


@pytest.mark.parametrize("path", PAPER_FILES, ids=lambda p: os.path.basename(p)[:-4])
def test_the_papers_files_give_the_papers_ids(path):
    spec, _ = load_experiment(path)
    with open(path) as f:
        experiment = ast.literal_eval(f.read())
    vocab = _check_against_reference(spec, experiment)
    assert vocab.size == PAPER_SIZES[os.path.basename(path)[:-4]]


@pytest.mark.parametrize("experiment", OWN)
def test_own_files_give_the_papers_ids(tmp_path, experiment):
    path = tmp_path / "exp.txt"
    path.write_text(repr(experiment))
    spec, _ = load_experiment(str(path))
    vocab = _check_against_reference(spec, json.loads(json.dumps(experiment), object_hook=_int_keys))
    for lang in range(spec.n_languages):  # still decodable: each language's sequences are prefix-free
        assert vocab.decode(vocab.encode(PLAYABLE, lang), lang) == PLAYABLE


def _int_keys(d):
    return {int(k) if k.isdigit() else k: v for k, v in d.items()}


def test_fractional_anchors_equal_the_paper_file_with_those_squares():
    types = ["split", "atomic", "split", "compositional"]
    ours = LanguageSpec(types=types, anchors=0.1, seed=5)
    squares = ours.anchor_squares_from_anchors()
    assert len(squares) == 6
    paper = {"language_types": types, "overlap_toks": {sq: [[0, 1, 2, 3]] for sq in squares}, "train_seed": 5,
             "unified_output": False}
    _check_against_reference(ours, paper)  # the anchor choice consumed nothing of the split stream


def test_tags_come_after_every_paper_id():
    plain = Vocabulary(LanguageSpec(types=["atomic", "split"], seed=3))
    tagged = Vocabulary(LanguageSpec(types=["atomic", "split"], seed=3, lang_tags=True))
    assert tagged.names[: plain.size] == plain.names
    assert tagged.tag_ids.tolist() == [plain.size, plain.size + 1] and tagged.size == plain.size + 2


def test_a_layout_1_vocabulary_is_refused_in_one_line(tmp_path):
    doc = Vocabulary(LanguageSpec(types=["atomic"])).to_json()
    doc["format"] = "mothello-vocab-v1"
    (tmp_path / "vocab.json").write_text(json.dumps(doc))
    with pytest.raises(SpecError, match=r"token layout 1 .*regenerate the dataset") as info:
        Vocabulary.load(tmp_path / "vocab.json")
    assert "\n" not in str(info.value)


def test_verify_and_the_loader_refuse_a_layout_1_dataset_in_one_line(tmp_path):
    out = tmp_path / "old"
    assert gen("--langs", 2, "--games", 300, "--out", out, "--quiet").returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["token_layout"] == 2 and json.loads((out / "vocab.json").read_text())["token_layout"] == 2
    doc = json.loads((out / "vocab.json").read_text())
    doc["format"] = "mothello-vocab-v1"
    (out / "vocab.json").write_text(json.dumps(doc))
    res = gen("verify", out)
    assert res.returncode == 1 and res.stderr.count("\n") == 1, res.stderr
    assert "token layout 1" in res.stderr and "regenerate" in res.stderr and "Traceback" not in res.stderr
