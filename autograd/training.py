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

Progress is drawn with tqdm (``pip install 'scalar-autograd[demo]'``); without tqdm the
loop prints a plain line to stderr every tenth of the epochs instead. ``plot_training`` and
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
    "label_text",
]

LOSSES = ("hinge", "bce", "bce-logits", "cross-entropy", "mse")
"""The losses ``Task`` knows: hinge (labels -1/1, one linear output), bce (one sigmoid output,
probability of the second class), bce-logits (one linear output), cross-entropy (one linear
output per class) and mse (regression, one linear output)."""

COMPILED_LOSSES = ("hinge", "mse", "cross-entropy")
"""The losses ``fit(compile=True)`` can replay: the bce losses take a branch on each sample's
value (the clip, the stable form's sign), which a compiled replay cannot follow."""

DEMO_EXTRA = plots.DEMO_EXTRA  # how to install tqdm and matplotlib

Features = Sequence[Sequence[float]]


# ---------------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Task:
    """What a model's outputs mean: the loss that trains them and, for classification, the
    classes (the distinct labels, sorted; the outputs refer to them by position).

    Make one with ``Task.for_labels(loss, labels)``; ``Task("mse", ())`` is regression.
    """

    loss: str
    classes: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"Task: loss must be one of {', '.join(LOSSES)}, got {self.loss!r:.80}")
        k = len(self.classes)
        if self.loss == "mse":
            if k:
                raise ValueError(f"Task: mse is regression and takes no classes, got {k}")
        elif self.loss == "cross-entropy":
            if k < 2:
                raise ValueError(f"Task: cross-entropy needs at least 2 classes, got {k}")
        elif k != 2:
            raise ValueError(
                f"Task: {self.loss} is for exactly 2 classes, got {k}: {list(self.classes)!r:.80}"
            )
        if len(set(self.classes)) != k or list(self.classes) != sorted(self.classes):
            raise ValueError(f"Task: classes must be distinct and sorted, got {list(self.classes)!r:.80}")

    @classmethod
    def for_labels(cls, loss: str, labels: Sequence[float]) -> Task:
        """The task of training with ``loss`` on these labels (``"auto"`` picks a loss:
        hinge for 2 classes, cross-entropy for more, mse when a label is not an integer)."""
        values = [float(t) for t in labels]
        if not values:
            raise ValueError("Task: expected at least one label, got none")
        bad = next((t for t in values if not math.isfinite(t)), None)
        if bad is not None:
            raise ValueError(f"Task: labels must be finite numbers, got {bad!r}")
        classes = tuple(sorted(set(values)))
        if loss == "auto":
            if not all(t.is_integer() for t in classes) or len(classes) < 2:
                loss = "mse"
            else:
                loss = "hinge" if len(classes) == 2 else "cross-entropy"
        if loss == "mse":
            return cls("mse")
        if loss in LOSSES and loss != "cross-entropy" and len(classes) != 2:
            raise ValueError(
                f"the {loss} loss is for two classes, but the labels have {len(classes)} distinct values"
                + (
                    f" ({', '.join(label_text(c) for c in classes[:5])}{' ...' if len(classes) > 5 else ''})"
                    if classes
                    else ""
                )
                + "; use the cross-entropy loss for more classes or mse for regression"
            )
        return cls(loss, classes)

    @property
    def is_classification(self) -> bool:
        """True unless the loss is mse."""
        return self.loss != "mse"

    @property
    def n_outputs(self) -> int:
        """How many outputs the model needs: one per class for cross-entropy, else one."""
        return len(self.classes) if self.loss == "cross-entropy" else 1

    @property
    def output_activation(self) -> str:
        """The last layer's activation the loss expects: sigmoid for bce, else linear."""
        return "sigmoid" if self.loss == "bce" else "linear"

    def targets(self, labels: Sequence[float]) -> list[float]:
        """Labels as the loss wants them: -1/1 (hinge), 0/1 (bce), class index, or the number."""
        if not self.is_classification:
            return [float(t) for t in labels]
        index = {c: i for i, c in enumerate(self.classes)}
        out: list[float] = []
        for t in labels:
            i = index.get(float(t))
            if i is None:
                raise ValueError(
                    f"label {label_text(float(t))} is not one of the classes "
                    f"{', '.join(label_text(c) for c in self.classes)}"
                )
            out.append(2.0 * i - 1.0 if self.loss == "hinge" else float(i))
        return out

    def loss_value(self, outs: Sequence[Sequence[Value]], targets: Sequence[float]) -> Value:
        """The loss of a batch of model outputs (``model.forward`` lists) against ``targets``."""
        if self.loss == "cross-entropy":
            return losses.cross_entropy(outs, [int(t) for t in targets])
        first = [o[0] for o in outs]
        if self.loss == "hinge":
            return losses.hinge(first, targets)
        if self.loss == "bce":
            return losses.binary_cross_entropy(first, targets)
        if self.loss == "bce-logits":
            return losses.binary_cross_entropy_with_logits(first, targets)
        return losses.mse(first, targets)

    def decide(self, out: Sequence[float]) -> float:
        """The label a model output stands for (the class, or the number for regression)."""
        if self.loss == "cross-entropy":
            return self.classes[max(range(len(out)), key=out.__getitem__)]
        if self.loss == "mse":
            return out[0]
        threshold = 0.5 if self.loss == "bce" else 0.0
        return self.classes[1] if out[0] > threshold else self.classes[0]

    def to_json(self) -> dict[str, Any]:
        """The task as JSON data, for a model file's metadata."""
        return {"loss": self.loss, "classes": [_json_label(c) for c in self.classes]}

    @classmethod
    def from_json(cls, data: object) -> Task:
        """The task saved by ``to_json``; ValueError when it is malformed."""
        if not isinstance(data, dict) or set(data) != {"loss", "classes"}:
            raise ValueError(f"expected a task with the keys 'loss' and 'classes', got {data!r:.80}")
        classes = data["classes"]
        if not isinstance(classes, list) or not all(
            type(c) in (int, float) and math.isfinite(c) for c in classes
        ):
            raise ValueError(f"the task's classes must be a list of numbers, got {classes!r:.80}")
        return cls(str(data["loss"]), tuple(float(c) for c in classes))


def _json_label(c: float) -> float | int:
    return int(c) if c.is_integer() and abs(c) < 2**53 else c


def label_text(label: float) -> str:
    """A label as it is written in files and messages: ``3`` for 3.0, ``0.5`` for 0.5 (a Task
    holds its classes as floats)."""
    return str(_json_label(label))


# ---------------------------------------------------------------------------- loops
@dataclass(frozen=True)
class EpochStats:
    """One epoch of ``fit``: the mean training loss over its batches and the training accuracy
    of the predictions made during the epoch (None for regression)."""

    epoch: int
    loss: float
    accuracy: float | None


class _Progress:
    """A tqdm bar over the steps, or (without tqdm) a plain line every tenth of the epochs."""

    def __init__(self, total: int, epochs: int, desc: str, enabled: bool, stream: TextIO) -> None:
        self.epochs = epochs
        self.enabled = enabled
        self.stream = stream
        self.bar: Any = None
        if enabled:
            try:
                from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
            except ImportError:
                self.bar = None
            else:
                self.bar = tqdm(
                    total=total, desc=desc, unit="step", file=stream, leave=True, dynamic_ncols=True
                )

    def step(self, loss: float, accuracy: float | None) -> None:
        if self.bar is not None:
            postfix = {"loss": f"{loss:.4f}"}
            if accuracy is not None:
                postfix["acc"] = f"{100 * accuracy:.1f}%"
            self.bar.set_postfix(postfix, refresh=False)
            self.bar.update(1)

    def epoch(self, stats: EpochStats) -> None:
        if not self.enabled or self.bar is not None:
            return
        every = max(1, self.epochs // 10)
        if stats.epoch % every == 0 or stats.epoch == self.epochs:
            acc = "" if stats.accuracy is None else f"  accuracy {100 * stats.accuracy:.1f}%"
            print(
                f"epoch {stats.epoch}/{self.epochs}  loss {stats.loss:.4f}{acc}", file=self.stream, flush=True
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
    progress: bool = True,
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
    """
    _check_data(model, inputs, labels, task, "fit")
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
    bar = _Progress(epochs * batches, epochs, description, progress, stream or sys.stderr)
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
                bar.step(total_loss / seen, correct / seen if task.is_classification else None)
            stats = EpochStats(epoch, total_loss / n, correct / n if task.is_classification else None)
            history.append(stats)
            bar.epoch(stats)
    finally:
        bar.close()
    return history


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


def outputs(model: MLP, inputs: Features) -> list[list[float]]:
    """The model's output numbers for each sample, computed without recording a graph.

    From COMPILE_OUTPUTS_FROM inputs on, the forward is compiled (``autograd.compile``) and
    replayed on floats: the same numbers, several times faster (the decision boundary's
    2,500 grid points, say).
    """
    if len(inputs) >= COMPILE_OUTPUTS_FROM:
        forward = compile_function(lambda x: (add_n(o := model.forward(x)), o), has_aux=True).forward
        return [forward(x)[1] for x in inputs]
    with no_grad():
        return [[v.data for v in model.forward(x)] for x in inputs]


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
    targets = task.targets(labels)
    with no_grad():
        outs = [model.forward(x) for x in inputs]
        loss = task.loss_value(outs, targets).data
    if not task.is_classification:
        return loss, None
    hits = sum(task.decide([v.data for v in out]) == float(t) for out, t in zip(outs, labels))
    return loss, hits / len(inputs)


# ---------------------------------------------------------------------------- pictures
def _decision_boundary(
    model: MLP, inputs: Features, labels: Sequence[float], task: Task
) -> plots.DecisionBoundary:
    """What the decision-boundary picture shows: the model's scores (two classes, one output)
    or decided classes on a grid over the 2-D inputs, and each sample's class."""
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
    """Draw the classes the model gives a grid over the 2-D data, with the samples on top, into a PNG."""
    if model.nin != 2 or not task.is_classification:
        raise ValueError("plot_decision_boundary: needs a classifier with 2 inputs")
    plots.require_matplotlib()  # before computing the picture
    return plots.draw_decision_boundary(_decision_boundary(model, inputs, labels, task), path, title=title)


def plot_training(
    history: Sequence[EpochStats],
    path: str | os.PathLike[str],
    *,
    boundary: tuple[MLP, Features, Sequence[float], Task] | None = None,
) -> Path:
    """Draw the loss (and accuracy) per epoch into a PNG, beside the decision boundary when given."""
    plots.require_matplotlib()  # before computing the picture
    accuracies = None
    if history and history[0].accuracy is not None:
        accuracies = [s.accuracy or 0.0 for s in history]
    return plots.draw_training(
        [s.epoch for s in history],
        [s.loss for s in history],
        path,
        accuracies=accuracies,
        boundary=_decision_boundary(*boundary) if boundary else None,
    )
