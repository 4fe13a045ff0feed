"""Tests for autograd.cli.predict: ``autograd predict`` through a real subprocess."""

from __future__ import annotations

from autograd.nn import MLP
from autograd.training import outputs
from tests.support import autograd_cli, write_csv


def test_predict_prints_raw_outputs_for_a_model_without_a_task(tmp_path):
    """A model saved without task metadata still predicts: its raw outputs, comma-separated."""
    model = MLP(2, [3, 2], seed=0)
    path = model.save(tmp_path / "m.json")
    csv = write_csv(tmp_path / "x.csv", [[0.5, 1.0]], header=None)
    result = autograd_cli("predict", str(path), str(csv))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ",".join(repr(v) for v in outputs(model, [[0.5, 1.0]])[0])
