"""Tests for autograd.cli.demo: ``autograd demo`` through a real subprocess."""

from __future__ import annotations

from pathlib import Path

from autograd import nn
from autograd.datasets import make_moons
from autograd.nn import MLP
from autograd.training import Task, evaluate
from tests.support import autograd_cli


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
    assert (out / "decision_boundary.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg = (out / "neuron.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "layers.0.neurons." in svg and "x[0]" in svg
    model, metadata = nn.load_with_metadata(paths["model"])
    assert isinstance(model, MLP) and model.nouts == [16, 16, 1]
    task = Task.from_json(metadata["task"])
    xs, ys = make_moons(100, noise=0.1, seed=0)  # the demo's data
    _, accuracy = evaluate(model, xs, ys, task)
    assert accuracy is not None and accuracy >= 0.95
    assert f"training accuracy {100 * accuracy:.1f}%" in result.stdout
