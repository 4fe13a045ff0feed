"""The training library: tasks, the training loop, evaluation, prediction and their pictures.

``fit`` trains a model on a list of samples with a ``Task`` (what the outputs mean and which
loss scores them) and an optimiser, showing a progress bar; ``evaluate`` and ``predict``
run a trained model without recording a graph.

>>> from autograd.datasets import make_moons
>>> from autograd.nn import MLP
>>> from autograd.optim import Adam
>>> points, y = make_moons(40, noise=0.1, seed=0)
>>> task = Task.for_labels("hinge", y)
>>> model = MLP(2, [16, task.n_outputs], seed=0)
>>> optimizer = Adam(model.parameters(), lr=0.05)
>>> history = fit(model, points, y, task, optimizer, epochs=40, batch_size=10, seed=0, progress=False)
>>> len(history), history[-1].loss < history[0].loss
(40, True)
>>> loss, accuracy = evaluate(model, points, y, task)
>>> accuracy
1.0
>>> predict(model, points[:4], task) == y[:4]
True

Progress is drawn with tqdm (``pip install 'scalar-autograd[demo]'``); without tqdm, or
with ``progress="plain"``, the loop prints plain lines to stderr instead: the first and the
last step and at most one line every two seconds between them (``autograd._progress``).
``fit(validation=(inputs, labels))`` evaluates held-out samples after every epoch. ``plot_training`` and
``plot_decision_boundary`` compute what to show (the model's outputs on a grid, the loss per
epoch) and ``autograd.plots`` draws it with matplotlib (the same extra), off-screen.

The ``autograd demo``, ``train`` and ``predict`` commands (``autograd.cli``) are built on
this module; nothing here knows about the command line.
"""

from __future__ import annotations

import math
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from autograd import losses, plots
from autograd._mode import no_grad
from autograd._progress import Progress, ProgressSetting, check_setting
from autograd._task import COMPILED_LOSSES, LOSSES, Task, label_text
from autograd.compiler import compile as compile_function
from autograd.nn import MLP
from autograd.ops import add_n
from autograd.optim import Optimizer
from autograd.value import Value

__all__ = [
    "LOSSES",
    "COMPILED_LOSSES",
    "Task",
    "EpochStats",
    "fit",
    "evaluate",
    "predict",
    "outputs",
    "COMPILE_OUTPUTS_FROM",
    "plot_training",
    "plot_decision_boundary",
    "plot_fit",
    "decision_boundary",
    "regression_fit",
    "label_text",
]

DEMO_EXTRA = plots.DEMO_EXTRA  # how to install tqdm and matplotlib

Features = Sequence[Sequence[float]]


# ---------------------------------------------------------------------------- loops
@dataclass(frozen=True)
class EpochStats:
    """One epoch of ``fit``: the mean training loss over its batches (the L2 term included)
    and the training accuracy of the predictions made during the epoch (None for
    regression); with ``fit(validation=...)``, the held-out loss and accuracy of the model
    at the end of the epoch (``evaluate``'s numbers: no L2 term), else None."""

    epoch: int
    loss: float
    accuracy: float | None
    validation_loss: float | None = None
    validation_accuracy: float | None = None


def _check_data(model: MLP, inputs: Features, labels: Sequence[float], task: Task, what: str) -> None:
    if not isinstance(model, MLP):
        raise TypeError(f"{what}: expected an MLP, got {type(model).__name__}")
    if len(inputs) != len(labels):
        raise ValueError(f"{what}: got {len(inputs)} samples but {len(labels)} labels")
    if not inputs:
        raise ValueError(f"{what}: expected at least one sample, got none")
    if model.nouts[-1] != task.n_outputs:
        raise ValueError(
            f"{what}: the {task.loss} task needs {task.n_outputs} outputs, the model has {model.nouts[-1]}"
        )


def fit(
    model: MLP,
    inputs: Features,
    labels: Sequence[float],
    task: Task,
    optimizer: Optimizer,
    *,
    epochs: int,
    batch_size: int | None = None,
    seed: int | random.Random | None = None,
    l2: float = 0.0,
    lr_schedule: Callable[[int], float] | None = None,
    validation: tuple[Features, Sequence[float]] | None = None,
    progress: ProgressSetting = True,
    description: str = "train",
    stream: TextIO | None = None,
    compile: bool = False,
) -> list[EpochStats]:
    """Train ``model`` on ``(inputs, labels)`` for ``epochs`` passes; returns one EpochStats per epoch.

    Each epoch shuffles the samples (with ``seed``) and takes one optimiser step per batch of
    ``batch_size`` (default: the whole set, as micrograd's demo). The loss is
    ``task``'s loss plus ``l2 * sum(p * p)`` over the parameters; ``lr_schedule(step)``, when
    given, sets the optimiser's learning rate before each step (steps count from 0).

    ``compile=True`` records one sample's loss once and replays it (``autograd.compile``) for
    every sample, each replay adding its share of the batch's gradient; the L2 term is
    compiled too. Same losses and gradients as the dynamic engine up to the order in which
    the samples' gradients are added. Hinge, mse and cross-entropy only: the bce losses
    take a branch on each sample's value, which a replay cannot follow.

    ``validation=(inputs, labels)``, held-out samples, is evaluated after every epoch
    (``evaluate``: the task's loss and accuracy, no graph recorded) into each EpochStats'
    ``validation_loss`` and ``validation_accuracy``.

    ``progress=True`` draws a tqdm bar over the steps (plain lines without tqdm),
    ``"plain"`` prints a plain line for the first and last step and at most one every two
    seconds between them, to ``stream`` (default: stderr), and False prints nothing.
    """
    _check_data(model, inputs, labels, task, "fit")
    progress = check_setting(progress, "fit")
    if validation is not None:
        if not isinstance(validation, tuple) or len(validation) != 2:
            raise TypeError(
                f"fit: validation must be a tuple (inputs, labels), got {type(validation).__name__}"
            )
        _check_data(model, validation[0], validation[1], task, "fit: validation")
        try:  # every label is one of the classes, before training
            task.targets(validation[1])
        except ValueError as error:
            raise ValueError(f"fit: validation: {error}") from None
        # compiled once its one trace pays: over all the epochs' evaluations, not one epoch's
        validation_forward = _forward(model, len(validation[0]) * epochs)
    if type(epochs) is not int or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r:.80}")
    n = len(inputs)
    if batch_size is None:
        batch_size = n
    if type(batch_size) is not int or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r:.80}")
    if type(l2) not in (int, float) or not math.isfinite(l2) or l2 < 0:
        raise ValueError(f"fit: l2 must be a finite number >= 0, got {l2!r:.80}")
    if type(compile) is not bool:
        raise TypeError(f"fit: compile must be a bool, got {type(compile).__name__}")
    targets = task.targets(labels)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    params = model.parameters()
    if compile:
        sample_loss, sample_targets = _compiled_sample_loss(model, task, targets)
        reg_loss = compile_function(lambda: l2 * losses.l2(params)) if l2 else None
    batches = math.ceil(n / batch_size)
    bar = Progress(epochs * batches, progress, description, stream or sys.stderr)
    held_out: dict[str, str] = {}  # the last epoch's held-out numbers, for the bar
    history: list[EpochStats] = []
    step = 0
    try:
        for epoch in range(1, epochs + 1):
            order = list(range(n))
            if batch_size < n:
                rng.shuffle(order)
            total_loss = 0.0
            correct = 0
            seen = 0
            for start in range(0, n, batch_size):
                batch = order[start : start + batch_size]
                if compile:
                    optimizer.zero_grad()
                    scale = 1.0 / len(batch)
                    values: list[float] = []
                    numbers: list[list[float]] = []
                    for i in batch:
                        value, out_numbers = sample_loss.run(inputs[i], sample_targets[i], gradient=scale)
                        values.append(value)
                        numbers.append(out_numbers)
                    loss_value = sum(values) * scale
                    if reg_loss is not None:
                        loss_value = loss_value + reg_loss()
                else:
                    outs = [model.forward(inputs[i]) for i in batch]
                    loss = task.loss_value(outs, [targets[i] for i in batch])
                    if l2:
                        loss = loss + l2 * losses.l2(params)
                    numbers = [[o.data for o in out] for out in outs]
                    loss_value = loss.data
                    optimizer.zero_grad()
                    loss.backward()
                if task.is_classification:
                    correct += sum(task.decide(out) == float(labels[i]) for out, i in zip(numbers, batch))
                seen += len(batch)
                total_loss += loss_value * len(batch)
                if lr_schedule is not None:
                    optimizer.lr = lr_schedule(step)
                optimizer.step()
                step += 1
                if seen < n:  # the epoch's last step is reported with its held-out numbers
                    mean, hits = total_loss / seen, correct / seen
                    _report(bar, step, epoch, epochs, batches, mean, hits, task, held_out, epoch_end=False)
            validation_loss = validation_accuracy = None
            if validation is not None:
                validation_loss, validation_accuracy = _scores(
                    task, validation_forward(validation[0]), validation[1]
                )
                held_out = {"held-out loss": f"{validation_loss:.4f}"}
                if validation_accuracy is not None:
                    held_out["held-out accuracy"] = f"{100 * validation_accuracy:.1f}%"
            stats = EpochStats(
                epoch,
                total_loss / n,
                correct / n if task.is_classification else None,
                validation_loss,
                validation_accuracy,
            )
            history.append(stats)
            mean, hits = total_loss / n, correct / n
            _report(bar, step, epoch, epochs, batches, mean, hits, task, held_out, epoch_end=True)
    finally:
        bar.close()
    return history


def _report(
    bar: Progress,
    step: int,
    epoch: int,
    epochs: int,
    batches: int,
    loss: float,
    accuracy: float,
    task: Task,
    held_out: dict[str, str],
    *,
    epoch_end: bool,
) -> None:
    """Tell the progress that ``step`` is done: the epoch's mean loss (and accuracy) so far;
    the held-out numbers in the line of an epoch's end (they are that epoch's) and in the
    bar's postfix until the next epoch's end."""
    numbers = {"loss": f"{loss:.4f}"}
    if task.is_classification:
        numbers["accuracy"] = f"{100 * accuracy:.1f}%"
    if epoch_end:
        numbers.update(held_out)
    text = "  ".join(f"{k} {v}" for k, v in numbers.items())
    if batches > 1:  # the step count is not the epoch count: say both
        text = f"epoch {epoch}/{epochs}  {text}"
    postfix = {"loss": numbers["loss"]}
    if "accuracy" in numbers:
        postfix["acc"] = numbers["accuracy"]
    if "held-out accuracy" in held_out:
        postfix["held-out acc"] = held_out["held-out accuracy"]
    elif "held-out loss" in held_out:
        postfix["held-out loss"] = held_out["held-out loss"]
    bar.update(step, text, postfix)


def _compiled_sample_loss(model: MLP, task: Task, targets: list[float]) -> tuple[Any, list[Any]]:
    """One sample's loss as a compiled function of (features, target), with the model's
    outputs as auxiliary results; and each sample's target argument. The loss is the
    per-sample term whose mean over a batch is the loss ``task.loss_value`` computes."""
    if task.loss == "hinge":

        def hinge(x: list[Value], t: Value) -> tuple[Value, list[Value]]:
            out = model.forward(x)
            return losses.hinge_term(out[0], t), out

        return compile_function(hinge, has_aux=True), targets
    if task.loss == "mse":

        def squared(x: list[Value], t: Value) -> tuple[Value, list[Value]]:
            out = model.forward(x)
            return losses.squared_error(out[0], t), out

        return compile_function(squared, has_aux=True), targets
    if task.loss == "cross-entropy":
        k = task.n_outputs

        def cross_entropy(x: list[Value], one_hot: list[Value]) -> tuple[Value, list[Value]]:
            out = model.forward(x)
            # The class is an argument (one weight per output), so one trace serves every
            # sample; the log-sum-exp's shift is the traced sample's (see losses.log_sum_exp).
            return losses.cross_entropy_term(out, one_hot), out

        one_hots = [[1.0 if j == int(t) else 0.0 for j in range(k)] for t in targets]
        return compile_function(cross_entropy, has_aux=True), one_hots
    raise ValueError(
        f"fit: compile=True supports the {', '.join(COMPILED_LOSSES[:-1])} and {COMPILED_LOSSES[-1]} losses, "
        f"not {task.loss}: "
        "it takes a branch on each sample's value, which a compiled replay cannot follow"
    )


COMPILE_OUTPUTS_FROM = 200
"""outputs() compiles the model's forward for this many inputs or more (tracing costs about one
forward on Values and generating the code a few more)."""


def _forward(model: MLP, n: int) -> Callable[[Features], list[list[float]]]:
    """A function giving the model's output numbers for each input, with no graph recorded,
    for ``n`` forwards in all: the compiled forward from COMPILE_OUTPUTS_FROM on (traced
    once, on the first call; it reads the parameters' current values on every call)."""
    if n >= COMPILE_OUTPUTS_FROM:
        compiled: Any = None

        def replay(inputs: Features) -> list[list[float]]:
            nonlocal compiled
            if compiled is None:
                compiled = compile_function(lambda x: (add_n(o := model.forward(x)), o), has_aux=True)
            return [compiled.forward(x)[1] for x in inputs]

        return replay

    def dynamic(inputs: Features) -> list[list[float]]:
        with no_grad():
            return [[v.data for v in model.forward(x)] for x in inputs]

    return dynamic


def outputs(model: MLP, inputs: Features) -> list[list[float]]:
    """The model's output numbers for each sample, computed without recording a graph.

    From COMPILE_OUTPUTS_FROM inputs on, the forward is compiled (``autograd.compile``) and
    replayed on floats: the same numbers, several times faster (the decision boundary's
    2,500 grid points, say).
    """
    return _forward(model, len(inputs))(inputs)


def _scores(
    task: Task, numbers: Sequence[Sequence[float]], labels: Sequence[float]
) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of the output numbers against the labels (accuracy None for regression)."""
    with no_grad():
        loss = task.loss_value([[Value(v) for v in out] for out in numbers], task.targets(labels)).data
    if not task.is_classification:
        return loss, None
    hits = sum(task.decide(out) == float(t) for out, t in zip(numbers, labels))
    return loss, hits / len(numbers)


def predict(model: MLP, inputs: Features, task: Task) -> list[float]:
    """The label the model gives each sample (a class, or a number for regression)."""
    if model.nouts[-1] != task.n_outputs:
        raise ValueError(
            f"predict: the {task.loss} task needs {task.n_outputs} outputs, the model has {model.nouts[-1]}"
        )
    return [task.decide(out) for out in outputs(model, inputs)]


def evaluate(model: MLP, inputs: Features, labels: Sequence[float], task: Task) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of the model on ``(inputs, labels)``, without recording a graph
    (accuracy is None for regression)."""
    _check_data(model, inputs, labels, task, "evaluate")
    return _scores(task, outputs(model, inputs), labels)


# ---------------------------------------------------------------------------- pictures
def decision_boundary(
    model: MLP, inputs: Features, labels: Sequence[float], task: Task
) -> plots.DecisionBoundary:
    """What the decision-boundary picture shows: the model's scores (two classes, one output)
    or decided classes on a grid over the 2-D inputs, and each sample's class, with the
    classes' labels for the legend. Draw it with ``plots.boundary_panel(ax, ...)``."""
    if model.nin != 2 or not task.is_classification:
        raise ValueError(
            f"decision boundary: needs a classifier with 2 inputs, "
            f"got {model.nin} inputs and the {task.loss} loss"
        )
    grid = plots.Grid.covering(inputs)
    points = grid.points()
    index = {c: i for i, c in enumerate(task.classes)}
    values: list[float]
    if task.n_outputs == 1:  # binary: the score's side of the threshold, a smooth edge
        threshold = 0.5 if task.loss == "bce" else 0.0
        values = [out[0] - threshold for out in outputs(model, points)]
    else:
        values = [float(index[c]) for c in predict(model, points, task)]
    return plots.DecisionBoundary(
        grid,
        values,
        signed=task.n_outputs == 1,
        points=[(p[0], p[1]) for p in inputs],
        classes=[index[float(t)] for t in labels],
        n_classes=len(task.classes),
        class_names=[label_text(c) for c in task.classes],
    )


def regression_fit(
    model: MLP,
    inputs: Features,
    labels: Sequence[float],
    task: Task,
    *,
    validation: tuple[Features, Sequence[float]] | None = None,
    steps: int = 200,
) -> plots.RegressionFit:
    """What the regression fit picture shows: each sample's target and the model's prediction
    (and the held-out samples'); with one input, the model's curve over ``steps`` inputs
    spanning the data too. Draw it with ``plots.fit_panel(ax, ...)``."""
    if task.is_classification or model.nouts[-1] != 1:
        raise ValueError(
            f"regression fit: needs a regression model (mse, one output), got the {task.loss} loss "
            f"and {model.nouts[-1]} outputs"
        )
    _check_data(model, inputs, labels, task, "regression fit")
    held_x, held_y = validation if validation is not None else ([], [])
    if validation is not None:
        _check_data(model, held_x, held_y, task, "regression fit: validation")
    predictions = predict(model, inputs, task)
    held_predictions = predict(model, held_x, task) if held_x else []
    if model.nin != 1:
        return plots.RegressionFit(
            [float(t) for t in labels], predictions, [float(t) for t in held_y], held_predictions
        )
    every = [x[0] for x in inputs] + [x[0] for x in held_x]
    low, high = min(every), max(every)
    line = [low + (high - low) * i / (steps - 1) for i in range(steps)]
    curve = [out[0] for out in outputs(model, [[x] for x in line])]
    return plots.RegressionFit(
        [float(t) for t in labels],
        predictions,
        [float(t) for t in held_y],
        held_predictions,
        inputs=[x[0] for x in inputs],
        held_out_inputs=[x[0] for x in held_x],
        curve=(line, curve),
    )


def plot_decision_boundary(
    model: MLP,
    inputs: Features,
    labels: Sequence[float],
    task: Task,
    path: str | os.PathLike[str],
    *,
    title: str = "",
) -> Path:
    """Draw the classes the model gives a grid over the 2-D data, with the samples on top and
    a legend naming the classes, into a PNG."""
    if model.nin != 2 or not task.is_classification:
        raise ValueError("plot_decision_boundary: needs a classifier with 2 inputs")
    plots.require_matplotlib()  # before computing the picture
    return plots.draw_decision_boundary(decision_boundary(model, inputs, labels, task), path, title=title)


def plot_fit(
    model: MLP,
    inputs: Features,
    labels: Sequence[float],
    task: Task,
    path: str | os.PathLike[str],
    *,
    validation: tuple[Features, Sequence[float]] | None = None,
    title: str = "fit",
) -> Path:
    """Draw a regression model's fit into a PNG: with one input, the samples and the model's
    curve; otherwise each prediction against its target beside the line y = x."""
    plots.require_matplotlib()  # before computing the picture
    fit = regression_fit(model, inputs, labels, task, validation=validation)
    return plots.draw_fit(fit, path, title=title)


def plot_training(
    history: Sequence[EpochStats],
    path: str | os.PathLike[str],
    *,
    boundary: tuple[MLP, Features, Sequence[float], Task] | None = None,
    fit: tuple[MLP, Features, Sequence[float], Task] | None = None,
    validation: tuple[Features, Sequence[float]] | None = None,
) -> Path:
    """Draw the loss (and accuracy) per epoch into a PNG, training and held out (when the
    history has held-out numbers), beside the decision boundary (``boundary``) or the
    regression fit (``fit``, with the held-out samples of ``validation``) when given."""
    plots.require_matplotlib()  # before computing the picture
    accuracies = validation_losses = validation_accuracies = None
    if history and history[0].accuracy is not None:
        accuracies = [s.accuracy or 0.0 for s in history]
    if history and history[0].validation_loss is not None:
        validation_losses = [s.validation_loss or 0.0 for s in history]
        if history[0].validation_accuracy is not None:
            validation_accuracies = [s.validation_accuracy or 0.0 for s in history]
    return plots.draw_training(
        [s.epoch for s in history],
        [s.loss for s in history],
        path,
        accuracies=accuracies,
        validation_losses=validation_losses,
        validation_accuracies=validation_accuracies,
        boundary=decision_boundary(*boundary) if boundary else None,
        fit=regression_fit(*fit, validation=validation) if fit else None,
    )
