"""Tests for autograd.cli.demo: ``autograd demo`` through a real subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd import nn
from autograd.datasets import make_moons
from autograd.nn import MLP
from autograd.training import Task, evaluate
from tests.support import autograd_cli, autograd_cli_without

PNG = b"\x89PNG\r\n\x1a\n"
MATPLOTLIB = "matplotlib is not installed (pip install 'scalar-autograd[demo]')"
DOT = "Graphviz's dot is not installed (apt-get install graphviz"


def test_demo_trains_to_95_percent_and_writes_its_files(tmp_path):
    """`autograd demo` shows a progress bar, reaches >= 95% and writes a PNG, an SVG and a loadable model."""
    out = tmp_path / "demo-out"
    result = autograd_cli("demo", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "100/100" in result.stderr and "acc=" in result.stderr  # the tqdm bar
    paths = {
        line.split(": ", 1)[0]: line.split(": ", 1)[1]
        for line in result.stdout.splitlines()
        if line.startswith(("decision boundary:", "neuron graph:", "model:"))
    }
    assert Path(paths["decision boundary"]) == out / "decision_boundary.png"
    assert (out / "decision_boundary.png").read_bytes().startswith(PNG)
    assert (out / "training.png").read_bytes().startswith(PNG)
    assert "skipped" not in result.stderr
    svg = (out / "neuron.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "layers.0.neurons." in svg and "x[0]" in svg
    model, metadata = nn.load_with_metadata(paths["model"])
    assert isinstance(model, MLP) and model.nouts == [16, 16, 1]
    task = Task.from_json(metadata["task"])
    xs, ys = make_moons(100, noise=0.1, seed=0)  # the demo's data
    _, accuracy = evaluate(model, xs, ys, task)
    assert accuracy is not None and accuracy >= 0.95
    assert f"training accuracy {100 * accuracy:.1f}%" in result.stdout


@pytest.mark.parametrize(
    "missing", [("matplotlib",), ("tqdm",), ("dot",), ("matplotlib", "tqdm", "dot")], ids="-".join
)
def test_demo_without_an_optional_part_trains_and_says_what_it_skipped(tmp_path, missing):
    """Without matplotlib, tqdm or Graphviz's dot the demo still trains and saves its model;
    each picture it could make is made, each it could not is named on one `skipped` line with
    the reason; without tqdm the progress is plain step lines."""
    out = tmp_path / "out"
    result = autograd_cli_without(missing, "demo", "--out", str(out), "--steps", "30", "--samples", "40")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "training accuracy" in result.stdout
    model, _ = nn.load_with_metadata(out / "model.json")
    assert isinstance(model, MLP)
    skipped = sorted(line for line in result.stderr.splitlines() if line.startswith("skipped"))
    expected = []
    if "matplotlib" in missing:
        pictures = ("decision_boundary.png", "training.png")
        expected += [f"skipped {out / name}: {MATPLOTLIB}" for name in pictures]
    else:
        assert (out / "decision_boundary.png").read_bytes().startswith(PNG)
        assert (out / "training.png").read_bytes().startswith(PNG)
    if "dot" in missing:
        assert any(line.startswith(f"skipped {out / 'neuron.svg'}: {DOT}") for line in skipped)
        skipped = [line for line in skipped if "neuron.svg" not in line]
    else:
        assert "<svg" in (out / "neuron.svg").read_text(encoding="utf-8")
    assert skipped == sorted(expected)
    made = {"model.json"} | ({"neuron.svg"} if "dot" not in missing else set())
    made |= {"decision_boundary.png", "training.png"} if "matplotlib" not in missing else set()
    assert {p.name for p in out.iterdir()} == made
    if "tqdm" in missing:
        steps = [line.split()[2] for line in result.stderr.splitlines() if line.startswith("demo: step")]
        assert steps[0] == "1/30" and steps[-1] == "30/30"
        assert "%|" not in result.stderr
    else:
        assert "30/30" in result.stderr and "%|" in result.stderr  # tqdm's bar


def test_demo_no_progress_prints_plain_step_lines(tmp_path):
    """--no-progress with tqdm installed: plain lines naming steps, no bar, no mention of one."""
    argv = ["demo", "--out", str(tmp_path / "o"), "--steps", "5", "--samples", "20", "--no-progress"]
    result = autograd_cli(*argv)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("demo:")]
    assert lines[0].startswith("demo: step 1/5  loss ") and lines[-1].startswith("demo: step 5/5  loss ")
    assert "held-out accuracy" in lines[-1] and "epoch" not in result.stderr
    assert "%|" not in result.stderr and "bar" not in result.stdout + result.stderr
