"""Tests for autograd.training: tasks, the training loop, and the demo/train/predict commands."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import nn, plots
from autograd.datasets import load_digits, make_moons, train_test_split
from autograd.nn import MLP
from autograd.optim import SGD, Adam
from autograd.training import (
    EpochStats,
    Task,
    evaluate,
    fit,
    outputs,
    plot_decision_boundary,
    plot_training,
    predict,
)


def autograd_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m autograd ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "autograd", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def write_csv(path: Path, rows, header: str | None = "x1,x2,label") -> Path:
    """Write rows of numbers as a CSV file (with a header line unless None)."""
    lines = ([header] if header else []) + [",".join(repr(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- tasks


@pytest.mark.parametrize(
    ("labels", "loss", "classes"),
    [
        ([0, 1, 1], "hinge", (0.0, 1.0)),
        ([3, 7, 3.0], "hinge", (3.0, 7.0)),
        ([2, 0, 1], "cross-entropy", (0.0, 1.0, 2.0)),
        ([0.5, 1.0], "mse", ()),
        ([4, 4], "mse", ()),
    ],
)
def test_auto_task_picks_the_loss_from_the_labels(labels, loss, classes):
    """auto: two classes -> hinge, more -> cross-entropy, non-integers (or one value) -> mse."""
    task = Task.for_labels("auto", labels)
    assert (task.loss, task.classes) == (loss, classes)


def test_task_encodes_targets_and_decides_labels():
    """Targets are -1/1 for hinge, 0/1 for bce, indices for cross-entropy; outputs map back to labels."""
    assert Task.for_labels("hinge", [3, 7]).targets([7, 3]) == [1.0, -1.0]
    assert Task.for_labels("bce", [3, 7]).targets([7, 3]) == [1.0, 0.0]
    assert Task.for_labels("cross-entropy", [5, 1, 9]).targets([9, 1]) == [2.0, 0.0]
    assert Task.for_labels("hinge", [3, 7]).decide([0.1]) == 7.0
    assert Task.for_labels("bce", [3, 7]).decide([0.4]) == 3.0
    assert Task.for_labels("bce-logits", [3, 7]).decide([0.4]) == 7.0
    assert Task.for_labels("cross-entropy", [5, 1, 9]).decide([0.1, 2.0, -1.0]) == 5.0
    assert Task("mse").decide([1.25]) == 1.25
    with pytest.raises(ValueError, match="label 4 is not one of the classes 3, 7"):
        Task.for_labels("hinge", [3, 7]).targets([4])


def test_task_round_trips_through_json_and_checks_what_it_reads():
    """to_json/from_json round-trip; malformed task data raises ValueError."""
    task = Task.for_labels("cross-entropy", [0, 2, 1])
    assert Task.from_json(json.loads(json.dumps(task.to_json()))) == task
    assert task.to_json() == {"loss": "cross-entropy", "classes": [0, 1, 2]}
    for bad in [
        {"loss": "hinge"},
        {"loss": "hinge", "classes": [0, 1, 2]},
        {"loss": "x", "classes": []},
        {"loss": "hinge", "classes": ["a", "b"]},
        [1, 2],
    ]:
        with pytest.raises(ValueError):
            Task.from_json(bad)


def test_two_class_losses_refuse_more_classes():
    """hinge and the binary cross-entropies need exactly two classes and say what to use instead."""
    with pytest.raises(
        ValueError, match=r"two classes, but the labels have 3 distinct values .*cross-entropy"
    ):
        Task.for_labels("hinge", [0, 1, 2])


# ----------------------------------------------------------------------------- the loop


def _moons_setup(seed: int = 0, n: int = 40):
    xs, ys = make_moons(n, noise=0.1, seed=seed)
    task = Task.for_labels("hinge", ys)
    model = MLP(2, [8, 1], seed=seed)
    return xs, ys, task, model


def test_fit_is_reproducible_for_a_seed():
    """Two runs with the same seeds give the same history and the same weights."""
    runs = []
    for _ in range(2):
        xs, ys, task, model = _moons_setup()
        history = fit(
            model,
            xs,
            ys,
            task,
            Adam(model.parameters(), lr=0.05),
            epochs=5,
            batch_size=8,
            seed=1,
            progress=False,
        )
        runs.append((history, model.state_dict()))
    assert runs[0] == runs[1]
    assert all(isinstance(s, EpochStats) for s in runs[0][0])


def _close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize(
    ("loss", "labels"),
    [("hinge", None), ("mse", None), ("cross-entropy", [0, 1, 2])],
)
def test_fit_compiled_matches_the_dynamic_engine(loss, labels):
    """fit(compile=True) gives the dynamic engine's history and weights (to 1e-9) for each
    loss it supports, with minibatches (a short last batch: two traces) and an L2 term."""
    xs, ys = make_moons(30, noise=0.1, seed=2)
    if labels is not None:
        ys = [float(labels[i % 3]) for i in range(len(ys))]
    elif loss == "mse":
        ys = [x[0] - 0.5 * x[1] for x in xs]
    runs = []
    for compiled in (False, True):
        task = Task.for_labels(loss, ys)
        model = MLP(2, [6, 5, task.n_outputs], seed=3, activation="tanh")
        history = fit(model, xs, ys, task, Adam(model.parameters(), lr=0.02), epochs=3, batch_size=8,
                      seed=4, l2=1e-3, progress=False, compile=compiled)
        runs.append((history, [p.data for p in model.parameters()]))
    (h1, p1), (h2, p2) = runs
    for a, b in zip(h1, h2):
        assert _close(a.loss, b.loss)
        assert a.accuracy == b.accuracy
    assert all(_close(a, b) for a, b in zip(p1, p2))


def test_fit_compiled_refuses_the_bce_losses():
    """The bce losses branch on each sample's value: compile=True says so instead of replaying wrongly."""
    xs, ys = make_moons(10, noise=0.1, seed=0)
    task = Task.for_labels("bce", ys)
    model = MLP(2, [4, 1], seed=0, output_activation="sigmoid")
    with pytest.raises(ValueError, match="compile=True supports the hinge, mse and cross-entropy"):
        fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=1, progress=False, compile=True)


def test_outputs_compiled_for_many_inputs_equal_the_dynamic_forward():
    """outputs() replays a compiled forward from 200 inputs on: the same numbers as the dynamic forward."""
    from autograd import no_grad

    xs, _ = make_moons(250, noise=0.1, seed=5)
    model = MLP(2, [8, 3], seed=1)
    with no_grad():
        want = [[v.data for v in model.forward(x)] for x in xs]
    assert outputs(model, xs) == want


def test_fit_takes_one_step_per_batch_and_follows_the_schedule():
    """ceil(n / batch_size) steps per epoch, lr_schedule called with the step number before each."""
    xs, ys, task, model = _moons_setup(n=10)
    steps: list[int] = []
    optimizer = SGD(model.parameters(), lr=0.1)

    def schedule(step: int) -> float:
        steps.append(step)
        return 0.01 * (step + 1)

    fit(model, xs, ys, task, optimizer, epochs=3, batch_size=4, lr_schedule=schedule, progress=False)
    assert steps == list(range(9))
    assert optimizer.lr == pytest.approx(0.09)


def test_fit_reduces_the_loss_and_reports_accuracy():
    """Training lowers the loss; accuracy is reported for classification and None for regression."""
    xs, ys, task, model = _moons_setup()
    history = fit(
        model,
        xs,
        ys,
        task,
        Adam(model.parameters(), lr=0.05),
        epochs=20,
        batch_size=10,
        seed=0,
        progress=False,
    )
    assert history[-1].loss < history[0].loss / 2
    assert history[-1].accuracy is not None and history[-1].accuracy >= 0.8

    points = [[i / 10, (7 * i % 10) / 10] for i in range(20)]
    targets = [2 * a - b + 0.5 for a, b in points]
    linear = MLP(2, [1], output_activation="linear", seed=0)
    stats = fit(
        linear, points, targets, Task("mse"), Adam(linear.parameters(), lr=0.1), epochs=200, progress=False
    )
    assert stats[-1].accuracy is None
    loss, accuracy = evaluate(linear, points, targets, Task("mse"))
    assert loss < 1e-3 and accuracy is None
    assert predict(linear, [[1.0, 0.0]], Task("mse"))[0] == pytest.approx(2.5, abs=0.05)


def test_progress_bar_and_plain_fallback(monkeypatch):
    """With tqdm the bar shows loss and accuracy; without it plain lines are printed instead."""
    xs, ys, task, model = _moons_setup(n=12)
    stream = io.StringIO()
    fit(
        model,
        xs,
        ys,
        task,
        SGD(model.parameters(), lr=0.1),
        epochs=2,
        batch_size=6,
        progress=True,
        stream=stream,
        description="unit",
    )
    assert "unit" in stream.getvalue() and "4/4" in stream.getvalue() and "acc=" in stream.getvalue()

    monkeypatch.setitem(sys.modules, "tqdm", None)
    stream = io.StringIO()
    fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=2, progress=True, stream=stream)
    lines = stream.getvalue().splitlines()
    assert [line.split()[:2] for line in lines] == [["epoch", "1/2"], ["epoch", "2/2"]]
    assert "accuracy" in lines[-1]
    quiet = io.StringIO()
    fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=2, progress=False, stream=quiet)
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": 0}, "epochs must be a positive int"),
        ({"epochs": 1, "batch_size": 0}, "batch_size must be a positive int"),
        ({"epochs": 1, "l2": -1.0}, "l2 must be a finite number"),
    ],
)
def test_fit_refuses_bad_settings(kwargs, match):
    """Non-positive epochs or batch sizes and negative l2 are refused before training."""
    xs, ys, task, model = _moons_setup(n=10)
    before = model.state_dict()
    with pytest.raises(ValueError, match=match):
        fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), progress=False, **kwargs)
    assert model.state_dict() == before


def test_fit_refuses_a_model_with_the_wrong_number_of_outputs():
    """A cross-entropy task over 3 classes needs 3 outputs."""
    model = MLP(2, [4, 2], seed=0)
    task = Task.for_labels("cross-entropy", [0, 1, 2])
    with pytest.raises(ValueError, match="needs 3 outputs, the model has 2"):
        fit(model, [[0.0, 1.0]] * 3, [0, 1, 2], task, SGD(model.parameters()), epochs=1, progress=False)


@pytest.mark.slow
def test_digits_mlp_reaches_93_percent_held_out():
    """MLP(64, [32, 10]) with cross-entropy and Adam reaches >= 93% on held-out digits."""
    xs, ys = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(xs, ys, 0.25, seed=0)
    task = Task.for_labels("cross-entropy", ys)
    model = MLP(64, [32, 10], seed=0)
    fit(
        model,
        x_train,
        y_train,
        task,
        Adam(model.parameters(), lr=0.01),
        epochs=10,
        batch_size=32,
        seed=0,
        progress=False,
    )
    _, accuracy = evaluate(model, x_test, y_test, task)
    assert accuracy is not None and accuracy >= 0.93


# ----------------------------------------------------------------------------- pictures


@pytest.mark.parametrize(("loss", "threshold"), [("hinge", 0.0), ("bce", 0.5), ("cross-entropy", None)])
def test_plot_decision_boundary_hands_plots_the_numbers_on_a_grid(tmp_path, monkeypatch, loss, threshold):
    """The picture gets the scores minus the threshold (one output) or the decided class indices
    (cross-entropy) on a 50 x 50 grid over the data, and each sample's class index."""
    xs, ys = make_moons(20, noise=0.1, seed=0)
    task = Task.for_labels(loss, ys)
    model = MLP(2, [4, task.n_outputs], seed=0, output_activation=task.output_activation)
    seen = {}

    def draw(boundary, path, *, title=""):
        seen.update(boundary=boundary, path=path, title=title)
        return Path(path)

    monkeypatch.setattr(plots, "draw_decision_boundary", draw)
    assert plot_decision_boundary(model, xs, ys, task, tmp_path / "b.png", title="t") == tmp_path / "b.png"
    boundary = seen["boundary"]
    grid = boundary.grid.points()
    assert len(grid) == 2500 and seen["title"] == "t"
    assert min(boundary.grid.xs) == min(x for x, _ in xs) - 0.5
    if threshold is None:
        assert not boundary.signed
        assert boundary.values == [float(c) for c in predict(model, grid, task)]  # classes 0, 1
    else:
        assert boundary.signed
        assert boundary.values == [out[0] - threshold for out in outputs(model, grid)]
    assert boundary.classes == [int(t) for t in ys] and boundary.n_classes == 2
    assert list(tmp_path.iterdir()) == []


def test_plot_functions_write_pngs_and_refuse_what_they_cannot_draw(tmp_path):
    """plot_training (with a boundary) and plot_decision_boundary write PNGs; a boundary needs a
    classifier with 2 inputs."""
    xs, ys, task, model = _moons_setup(n=20)
    history = fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    curves = plot_training(history, tmp_path / "t.png", boundary=(model, xs, ys, task))
    boundary = plot_decision_boundary(model, xs, ys, task, str(tmp_path / "b.png"))
    assert curves.read_bytes().startswith(b"\x89PNG") and boundary.read_bytes().startswith(b"\x89PNG")
    regression = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="needs a classifier with 2 inputs"):
        plot_decision_boundary(regression, xs, [0.5] * 20, Task("mse"), tmp_path / "r.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png", "t.png"]


# ----------------------------------------------------------------------------- commands


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


def test_predict_prints_raw_outputs_for_a_model_without_a_task(tmp_path):
    """A model saved without task metadata still predicts: its raw outputs, comma-separated."""
    model = MLP(2, [3, 2], seed=0)
    path = model.save(tmp_path / "m.json")
    csv = write_csv(tmp_path / "x.csv", [[0.5, 1.0]], header=None)
    result = autograd_cli("predict", str(path), str(csv))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ",".join(repr(v) for v in outputs(model, [[0.5, 1.0]])[0])


def _bad_files(tmp: Path) -> dict[str, Path]:
    bad_csv = tmp / "bad.csv"
    bad_csv.write_text("1,2,0\n3,oops,1\n", encoding="utf-8")
    three = write_csv(tmp / "three.csv", [[0.0, 0.0, 0], [1.0, 0.0, 1], [0.0, 1.0, 2], [1.0, 1.0, 2]])
    model = MLP(2, [2, 1], seed=0).save(
        tmp / "model.json", metadata={"task": {"loss": "hinge", "classes": [0, 1]}}
    )
    (tmp / "garbage.json").write_text('{"format": "autograd-model/1", "model": ', encoding="utf-8")
    wide = write_csv(tmp / "wide.csv", [[1.0, 2.0, 3.0, 4.0]], header=None)
    text = tmp / "data.txt"
    text.write_text("1,2,0\n", encoding="utf-8")
    return {
        "bad": bad_csv,
        "three": three,
        "model": model,
        "garbage": tmp / "garbage.json",
        "wide": wide,
        "text": text,
        "missing": tmp / "missing.csv",
        "nofolder": tmp / "no" / "m.json",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "16,x"], "argument --hidden: expected comma-separated positive layer sizes"),
        (["train", "--lr", "-1"], "argument --lr: expected a number in (0, inf), got '-1'"),
        (["train", "--lr", "nan"], "argument --lr"),
        (["train", "--epochs", "0"], "argument --epochs: expected a positive integer, got '0'"),
        (["train", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["train", "--data", "{missing}"], "cannot read"),
        (["train", "--data", "{bad}"], "line 2, column 2: expected a number, got 'oops'"),
        (["train", "--data", "{text}"], "expected moons, circles, digits or a .csv file"),
        (["train", "--data", "{three}", "--loss", "hinge"], "the hinge loss is for two classes"),
        (["train", "--save", "{nofolder}"], "--save: the folder"),
        (["train", "--plot", "{model}"], "--plot: expected a .png file name"),
        (["predict", "{garbage}", "{bad}"], "not a model file (invalid JSON"),
        (["predict", "{missing}", "{bad}"], "cannot read the model"),
        (["predict", "{model}", "{wide}"], "the model takes 2 features, so expected 2 columns (or 3"),
        (["predict", "{model}", "{bad}"], "line 2, column 2"),
        (["demo", "--steps", "0"], "argument --steps: expected a positive integer"),
        (["demo", "--out", "{model}"], "--out: "),
        (["train", "--loss", "bce", "--compile"], "--compile: supports the hinge, mse and cross-entropy"),
    ],
)
def test_user_mistakes_exit_with_status_2_and_a_clear_message(tmp_path, argv, message):
    """Bad arguments and bad files print `autograd CMD: error: ...` and exit 2, writing nothing."""
    files = _bad_files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    model_bytes = files["model"].read_bytes()
    result = autograd_cli(*[a.format(**{k: str(v) for k, v in files.items()}) for a in argv], cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"autograd {argv[0]}: error: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert files["model"].read_bytes() == model_bytes


def test_train_with_too_large_a_learning_rate_fails_cleanly(tmp_path):
    """A diverging run stops with a message suggesting a smaller --lr, not a traceback."""
    csv = write_csv(tmp_path / "d.csv", [[1e150 * i, 1.0, float(i % 2)] for i in range(8)])
    options = ["--optimizer", "sgd", "--lr", "1e300", "--epochs", "3", "--loss", "mse"]
    options += ["--test-fraction", "0", "--no-progress"]
    result = autograd_cli("train", "--data", str(csv), *options)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "training failed" in result.stderr and "smaller --lr" in result.stderr


@pytest.mark.parametrize(
    ("blocked", "argv", "message"),
    [
        ("matplotlib", ["demo", "--out", "out"], "pip install 'scalar-autograd[demo]'"),
        ("sklearn", ["train", "--data", "digits"], "pip install 'scalar-autograd[datasets]'"),
    ],
)
def test_missing_extras_are_named_on_the_command_line(tmp_path, blocked, argv, message):
    """Without matplotlib (demo) or scikit-learn (digits) the command names the extra and exits 2."""
    code = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None\n"
        "from autograd.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # the demo failed before creating its folder


def test_example_script_runs():
    """examples/demo.py runs to the end and prints the seeds' apple gradients."""
    script = Path(__file__).resolve().parent.parent / "examples" / "demo.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "total = apple * count * tax = 220.00" in result.stdout
    assert "d total / d apple = 2.2" in result.stdout


def test_train_compile_on_the_command_line_matches_the_dynamic_run(tmp_path):
    """`autograd train --compile` trains to the same printed accuracy and loss as without it."""
    argv = ["train", "--data", "moons", "--samples", "80", "--epochs", "3", "--no-progress", "--seed", "1"]
    plain = autograd_cli(*argv, cwd=tmp_path)
    compiled = autograd_cli(*argv, "--compile", cwd=tmp_path)
    assert plain.returncode == 0 and compiled.returncode == 0, compiled.stderr
    assert compiled.stdout == plain.stdout
    assert "held out: loss" in compiled.stdout
