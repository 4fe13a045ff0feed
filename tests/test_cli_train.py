"""Tests for autograd.cli.train: ``autograd train`` (and ``predict`` on what it saves) through a
real subprocess."""

from __future__ import annotations

from autograd import nn
from autograd.datasets import make_moons
from autograd.nn import MLP
from autograd.training import Task, predict
from tests.support import autograd_cli, write_csv


def test_train_save_plot_and_predict_round_trip(tmp_path):
    """`train --save --plot` writes a model that `predict` uses to print the same labels as the library."""
    model_path, plot_path = tmp_path / "m.json", tmp_path / "p.png"
    options = ["--data", "moons", "--samples", "60", "--epochs", "15", "--hidden", "8", "--no-progress"]
    result = autograd_cli("train", *options, "--save", str(model_path), "--plot", str(plot_path))
    assert result.returncode == 0, result.stderr
    assert "held out: loss" in result.stdout and f"model: {model_path}" in result.stdout
    assert plot_path.read_bytes().startswith(b"\x89PNG")

    xs, ys = make_moons(30, noise=0.1, seed=9)
    csv = write_csv(tmp_path / "x.csv", [[a, b, t] for (a, b), t in zip(xs, ys)])
    result = autograd_cli("predict", str(model_path), str(csv))
    assert result.returncode == 0, result.stderr
    model, metadata = nn.load_with_metadata(model_path)
    expected = predict(model, xs, Task.from_json(metadata["task"]))  # type: ignore[arg-type]
    assert result.stdout.split() == [str(int(p)) for p in expected]
    hits = sum(p == t for p, t in zip(expected, ys))
    assert f"accuracy {100 * hits / 30:.1f}% ({hits} of 30)" in result.stderr


def test_train_on_a_csv_keeps_the_label_values(tmp_path):
    """A CSV with labels 3 and 7 trains with bce (sigmoid output); predict prints 3s and 7s."""
    xs, ys = make_moons(40, noise=0.1, seed=2)
    csv = write_csv(tmp_path / "d.csv", [[a, b, 7 if t else 3] for (a, b), t in zip(xs, ys)])
    model_path = tmp_path / "m.json"
    options = ["--loss", "bce", "--epochs", "5", "--hidden", "4", "--test-fraction", "0", "--no-progress"]
    result = autograd_cli("train", "--data", str(csv), *options, "--save", str(model_path))
    assert result.returncode == 0, result.stderr
    model, metadata = nn.load_with_metadata(model_path)
    assert metadata["task"] == {"loss": "bce", "classes": [3, 7]}
    assert isinstance(model, MLP) and model.output_activation == "sigmoid"
    features = write_csv(tmp_path / "f.csv", xs, header=None)
    result = autograd_cli("predict", str(model_path), str(features))
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) <= {"3", "7"} and len(result.stdout.split()) == 40
    assert result.stderr == ""  # no label column, no accuracy


def test_train_with_too_large_a_learning_rate_fails_cleanly(tmp_path):
    """A diverging run stops with a message suggesting a smaller --lr, not a traceback."""
    csv = write_csv(tmp_path / "d.csv", [[1e150 * i, 1.0, float(i % 2)] for i in range(8)])
    options = ["--optimizer", "sgd", "--lr", "1e300", "--epochs", "3", "--loss", "mse"]
    options += ["--test-fraction", "0", "--no-progress"]
    result = autograd_cli("train", "--data", str(csv), *options)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "training failed" in result.stderr and "smaller --lr" in result.stderr


def test_train_compile_on_the_command_line_matches_the_dynamic_run(tmp_path):
    """`autograd train --compile` trains to the same printed accuracy and loss as without it."""
    argv = ["train", "--data", "moons", "--samples", "80", "--epochs", "3", "--no-progress", "--seed", "1"]
    plain = autograd_cli(*argv, cwd=tmp_path)
    compiled = autograd_cli(*argv, "--compile", cwd=tmp_path)
    assert plain.returncode == 0 and compiled.returncode == 0, compiled.stderr
    assert compiled.stdout == plain.stdout
    assert "held out: loss" in compiled.stdout
