"""Tests for autograd.cli.train: ``autograd train`` (and ``predict`` on what it saves) through a
real subprocess."""

from __future__ import annotations

from autograd import nn
from autograd.datasets import make_moons
from autograd.nn import MLP
from autograd.training import Task, predict
from tests.support import autograd_cli, autograd_cli_without, write_csv

PNG = b"\x89PNG\r\n\x1a\n"


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


def test_train_without_matplotlib_or_tqdm_trains_saves_and_skips_the_plot(tmp_path):
    """Without matplotlib and tqdm, `train --plot --save` trains with plain step lines, saves the
    model and says it skipped the plot, exit status 0."""
    model_path, plot_path = tmp_path / "m.json", tmp_path / "p.png"
    options = ["--samples", "60", "--epochs", "4", "--hidden", "4", "--batch-size", "16"]
    argv = ["train", *options, "--save", str(model_path), "--plot", str(plot_path)]
    result = autograd_cli_without(["matplotlib", "tqdm"], *argv)
    assert result.returncode == 0, result.stderr
    assert f"skipped {plot_path}: matplotlib is not installed (pip install 'scalar-autograd[demo]')" in (
        result.stderr.splitlines()
    )
    assert not plot_path.exists() and f"model: {model_path}" in result.stdout
    assert isinstance(nn.load_with_metadata(model_path)[0], MLP)
    lines = [line for line in result.stderr.splitlines() if line.startswith("train: step")]
    # 48 training samples in batches of 16: 3 steps per epoch, 12 in all; the count says both
    assert lines[0].startswith("train: step 1/12  epoch 1/4  loss ")
    assert lines[-1].startswith("train: step 12/12  epoch 4/4  loss ") and "held-out accuracy" in lines[-1]


def test_train_regression_plots_curves_beside_the_fit(tmp_path):
    """A CSV of numbers trains with mse; --plot draws the curves beside the fit into a PNG, and
    --no-progress prints plain step lines with the held-out loss and no accuracy."""
    import math

    rows = [[x / 10, math.sin(x / 10) + 0.05 * ((x * 7) % 3 - 1)] for x in range(-30, 31)]
    csv = write_csv(tmp_path / "sine.csv", rows, header="x,y")
    plot_path = tmp_path / "fit.png"
    options = ["--epochs", "5", "--hidden", "8", "--no-progress", "--plot", str(plot_path)]
    result = autograd_cli("train", "--data", str(csv), *options)
    assert result.returncode == 0, result.stderr
    assert "loss mse" in result.stdout and f"plot: {plot_path}" in result.stdout
    data = plot_path.read_bytes()
    assert data.startswith(PNG) and len(data) > 1000
    last = [line for line in result.stderr.splitlines() if line.startswith("train: step")][-1]
    assert "held-out loss" in last and "accuracy" not in last
