"""Tests for autograd.training: tasks, the training loop, prediction, pictures, and the example script."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import plots
from autograd.datasets import load_digits, make_moons, train_test_split
from autograd.nn import MLP
from autograd.optim import SGD, Adam
from autograd.training import (
    EpochStats,
    Task,
    decision_boundary,
    evaluate,
    fit,
    outputs,
    plot_decision_boundary,
    plot_fit,
    plot_training,
    predict,
    regression_fit,
)
from tests.support import run_python

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


def test_task_messages_name_losses_not_command_line_flags():
    """The library's advice names the losses to use, never an option of the command line."""
    with pytest.raises(ValueError) as info:
        Task.for_labels("bce", [0, 1, 2])
    assert "use the cross-entropy loss for more classes or mse for regression" in str(info.value)
    assert "--" not in str(info.value)


def test_training_library_loads_no_command_line():
    """import autograd.training loads neither argparse nor any module of autograd.cli."""
    code = (
        "import sys\n"
        "import autograd.training\n"
        "print(sorted(m for m in sys.modules if m == 'argparse' or m.startswith('autograd.cli')))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


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
    """With tqdm the bar shows loss and accuracy; without it (or with "plain") plain lines
    counting steps are printed instead; progress=False prints nothing."""
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

    plain = io.StringIO()
    fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=2, progress="plain", stream=plain)
    lines = plain.getvalue().splitlines()  # one step per epoch (the whole set): no epoch count
    assert [line.split()[:3] for line in lines] == [["train:", "step", "1/2"], ["train:", "step", "2/2"]]
    assert "accuracy" in lines[-1] and "epoch" not in plain.getvalue() and "bar" not in plain.getvalue()

    monkeypatch.setitem(sys.modules, "tqdm", None)
    stream = io.StringIO()
    fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=2, batch_size=4, stream=stream)
    lines = stream.getvalue().splitlines()  # three steps per epoch: the first and the last step
    assert [line.split()[:5] for line in lines] == [
        ["train:", "step", "1/6", "epoch", "1/2"],
        ["train:", "step", "6/6", "epoch", "2/2"],
    ]
    quiet = io.StringIO()
    fit(model, xs, ys, task, SGD(model.parameters(), lr=0.1), epochs=2, progress=False, stream=quiet)
    assert quiet.getvalue() == ""
    with pytest.raises(TypeError, match="progress must be True, False or 'plain', got 'bar'"):
        fit(model, xs, ys, task, SGD(model.parameters()), epochs=1, progress="bar")  # type: ignore[arg-type]


def test_plain_progress_prints_a_line_every_two_seconds(monkeypatch):
    """On a clock that moves 0.5 s per step, fit's plain lines are the first step, every
    fourth step after it (2 s later each) and the last; with held-out data, a line at an
    epoch's end shows that epoch's held-out numbers."""
    from autograd import _progress

    ticks = iter(range(1000))
    monkeypatch.setattr(_progress, "monotonic", lambda: 0.5 * next(ticks))
    xs, ys, task, model = _moons_setup(n=20)
    stream = io.StringIO()
    fit(
        model,
        xs,
        ys,
        task,
        SGD(model.parameters(), lr=0.1),
        epochs=5,
        batch_size=5,
        progress="plain",
        stream=stream,
        validation=(xs[:6], ys[:6]),
    )
    lines = stream.getvalue().splitlines()
    assert [line.split()[2] for line in lines] == ["1/20", "5/20", "9/20", "13/20", "17/20", "20/20"]
    assert [line.split()[4] for line in lines] == ["1/5", "2/5", "3/5", "4/5", "5/5", "5/5"]
    assert "held-out accuracy" in lines[-1]  # the last step ends epoch 5: its held-out numbers
    assert not any("held-out" in line for line in lines[:-1])  # the others are in mid-epoch


@pytest.mark.parametrize(("loss", "n_classes"), [("hinge", 2), ("cross-entropy", 3), ("mse", 0)])
def test_fit_records_the_held_out_loss_and_accuracy_of_each_epoch(loss, n_classes):
    """history[k] holds evaluate()'s held-out numbers for the model after k + 1 epochs (a run
    of k + 1 epochs with the same seed is the same run), None without validation."""
    xs, ys = make_moons(30, noise=0.2, seed=3)
    if n_classes == 3:
        ys = [(t + (i % 2)) for i, t in enumerate(ys)]  # classes 0, 1, 2
    labels = [float(t) + 0.5 for t in ys] if loss == "mse" else ys
    task = Task.for_labels(loss, labels)
    train, held_out = (xs[:20], labels[:20]), (xs[20:], labels[20:])

    def run(epochs, validation=held_out):
        model = MLP(2, [6, task.n_outputs], seed=1)
        history = fit(model, *train, task, Adam(model.parameters(), lr=0.05), epochs=epochs,
                      batch_size=7, seed=2, progress=False, validation=validation)
        return model, history

    _, history = run(3)
    assert len(history) == 3
    for epochs in (1, 2, 3):
        model, _ = run(epochs)
        val_loss, val_accuracy = evaluate(model, *held_out, task)
        stats = history[epochs - 1]
        assert stats.validation_loss == pytest.approx(val_loss, rel=1e-12)
        assert stats.validation_accuracy == val_accuracy and (val_accuracy is None) == (loss == "mse")
    assert len({s.validation_loss for s in history}) == 3  # the model changed each epoch
    _, plain = run(3, validation=None)
    assert [(s.loss, s.accuracy) for s in plain] == [(s.loss, s.accuracy) for s in history]
    assert all(s.validation_loss is None and s.validation_accuracy is None for s in plain)


def test_fit_refuses_held_out_data_that_does_not_fit():
    """validation must be (inputs, labels) of the same length, with the task's classes."""
    xs, ys, task, model = _moons_setup(n=10)
    before = model.state_dict()
    cases = [
        (xs, TypeError, "validation must be a tuple \\(inputs, labels\\), got list"),
        ((xs, ys[:3]), ValueError, "fit: validation: got 10 samples but 3 labels"),
        (([], []), ValueError, "fit: validation: expected at least one sample"),
        ((xs[:2], [0, 5]), ValueError, "fit: validation: label 5 is not one of the classes 0, 1"),
    ]
    for validation, error, match in cases:
        with pytest.raises(error, match=match):
            fit(model, xs, ys, task, SGD(model.parameters()), epochs=1, progress=False, validation=validation)
    assert model.state_dict() == before


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


def test_decision_boundary_names_the_classes_by_their_labels():
    """The boundary's legend names are the task's labels as written (3, 7, 8), not indices."""
    xs, ys = make_moons(12, noise=0.1, seed=0)
    labels = [(3, 7, 8)[i % 3] for i in range(len(ys))]
    task = Task.for_labels("cross-entropy", labels)
    model = MLP(2, [4, 3], seed=0)
    boundary = decision_boundary(model, xs, labels, task)
    assert boundary.names() == ["3", "7", "8"] and boundary.classes == [(3, 7, 8).index(t) for t in labels]
    with pytest.raises(ValueError, match="needs a classifier with 2 inputs, got 1 inputs and the mse loss"):
        decision_boundary(MLP(1, [1], seed=0), [[0.0]], [0.5], Task("mse"))


def _line_data(n=20):
    xs = [[i / (n - 1)] for i in range(n)]
    return xs, [2.0 * x[0] + 0.25 for x in xs]


def test_regression_fit_holds_the_models_predictions_and_curve():
    """One input: each sample's target, the model's prediction, held-out samples, and the
    model's outputs over 200 inputs spanning all the data; several inputs: no curve."""
    xs, ys = _line_data()
    task = Task("mse")
    model = MLP(1, [4, 1], seed=0)
    fit(model, xs[:15], ys[:15], task, Adam(model.parameters(), lr=0.05), epochs=30, progress=False)
    picture = regression_fit(model, xs[:15], ys[:15], task, validation=(xs[15:], ys[15:]))
    assert picture.targets == ys[:15] and picture.predictions == predict(model, xs[:15], task)
    assert picture.held_out_predictions == predict(model, xs[15:], task)
    assert picture.inputs == [x[0] for x in xs[:15]] and picture.held_out_inputs == [x[0] for x in xs[15:]]
    line, curve = picture.curve
    assert len(line) == 200 and line[0] == 0.0 and line[-1] == 1.0  # the held-out end included
    assert curve == [out[0] for out in outputs(model, [[x] for x in line])]
    wide = MLP(2, [1], seed=0)
    flat = regression_fit(wide, [[0.0, 1.0], [1.0, 0.0]], [0.5, 1.5], task)
    assert flat.curve is None and flat.inputs is None
    assert flat.predictions == predict(wide, [[0.0, 1.0], [1.0, 0.0]], task)
    with pytest.raises(ValueError, match="needs a regression model"):
        regression_fit(MLP(2, [1], seed=0), [[0.0, 1.0]], [1], Task.for_labels("hinge", [0, 1]))


def test_plot_fit_and_training_with_a_fit_write_pngs(tmp_path):
    """plot_fit and plot_training(fit=..., validation=...) on a regression write PNG files."""
    pytest.importorskip("matplotlib")
    xs, ys = _line_data()
    task = Task("mse")
    model = MLP(1, [4, 1], seed=0)
    held_out = (xs[15:], ys[15:])
    history = fit(model, xs[:15], ys[:15], task, Adam(model.parameters(), lr=0.05), epochs=4,
                  progress=False, validation=held_out)
    one = plot_fit(model, xs[:15], ys[:15], task, tmp_path / "fit.png", validation=held_out)
    two = plot_training(history, tmp_path / "t.png", fit=(model, xs[:15], ys[:15], task), validation=held_out)
    for path in (one, two):
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


# ----------------------------------------------------------------------------- examples


def test_example_script_runs():
    """examples/demo.py runs to the end and prints the seeds' apple gradients."""
    script = Path(__file__).resolve().parent.parent / "examples" / "demo.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "total = apple * count * tax = 220.00" in result.stdout
    assert "d total / d apple = 2.2" in result.stdout


