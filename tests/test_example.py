"""examples/train_tiny_gpt.py runs end to end on a tiny dataset and its loss falls."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "train_tiny_gpt.py"


def load_example():
    spec = importlib.util.spec_from_file_location("train_tiny_gpt", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("targets,stream", [("unified", False), ("next_token", False), ("unified", True)])
def test_training_example_loss_falls(tmp_path, targets, stream):
    out = tmp_path / "ds"
    res = subprocess.run([sys.executable, "-m", "mothello_data", "--games", "1500", "--langs", "2", "--lang-types",
                          "atomic,split", "--anchors", "0.1", "--splits", "train=0.9,validation=0.1",
                          "--out", str(out), "--quiet"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    result = load_example().main([str(out), "--steps", "60", "--batch-size", "32", "--d-model", "32",
                                  "--layers", "1", "--heads", "2", "--lr", "3e-3", "--eval-batches", "2",
                                  "--log-every", "20", "--targets", targets] + (["--stream"] if stream else []))
    losses = result["losses"]
    assert len(losses) == 60
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.1
    assert len(result["accuracy"]) == 2 and all(0.0 <= a <= 1.0 for a in result["accuracy"])
