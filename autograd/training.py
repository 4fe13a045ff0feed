"""Training loops and the ``demo``, ``train`` and ``predict`` commands.

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
loop prints a plain line to stderr every tenth of the epochs instead. Plots need matplotlib
(the same extra) and are drawn off-screen with its Agg backend.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from autograd import losses, plots
from autograd.compiler import compile as compile_function
from autograd.datasets import (
    DataFileError,
    MissingDependencyError,
    load_digits,
    make_circles,
    make_moons,
    read_csv,
    train_test_split,
)
from autograd.errors import UsageError
from autograd.functional import no_grad
from autograd.nn import ACTIVATIONS, MLP, ModelFileError, load_with_metadata
from autograd.ops import add_n
from autograd.optim import SGD, Adam, Optimizer
from autograd.value import Value

__all__ = [
    "LOSSES",
    "Task",
    "EpochStats",
    "fit",
    "evaluate",
    "predict",
    "outputs",
    "add_subcommands",
]

LOSSES = ("hinge", "bce", "bce-logits", "cross-entropy", "mse")
"""The losses ``Task`` knows: hinge (labels -1/1, one linear output), bce (one sigmoid output,
probability of the second class), bce-logits (one linear output), cross-entropy (one linear
output per class) and mse (regression, one linear output)."""

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
                    f" ({', '.join(_label_text(c) for c in classes[:5])}{' ...' if len(classes) > 5 else ''})"
                    if classes
                    else ""
                )
                + "; use --loss cross-entropy for more classes or mse for regression"
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
                    f"label {_label_text(float(t))} is not one of the classes "
                    f"{', '.join(_label_text(c) for c in self.classes)}"
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


def _label_text(c: float) -> str:
    return str(_json_label(c))


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
        f"fit: compile=True supports the hinge, mse and cross-entropy losses, not {task.loss}: "
        "it takes a branch on each sample's value, which a compiled replay cannot follow"
    )


#: outputs() compiles the model's forward for this many inputs or more (tracing costs
#: about one forward on Values and generating the code a few more).
COMPILE_OUTPUTS_FROM = 200


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


# ---------------------------------------------------------------------------- commands
def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return n


def _sample_count(text: str) -> int:
    n = _positive_int(text)
    if n < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 samples, got {text!r}")
    return n


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _number_in(
    low: float, high: float, *, low_open: bool = False, high_open: bool = True
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            x = float(text)
        except ValueError:
            x = math.nan
        ok = (
            math.isfinite(x)
            and (x > low if low_open else x >= low)
            and (x < high if high_open else x <= high)
        )
        if not ok:
            lo, hi = ("(" if low_open else "[") + f"{low:g}", f"{high:g}" + (")" if high_open else "]")
            raise argparse.ArgumentTypeError(f"expected a number in {lo}, {hi}, got {text!r}")
        return x

    return parse


def _hidden(text: str) -> list[int]:
    if not text.strip():
        return []
    sizes = []
    for part in text.split(","):
        try:
            n = int(part)
        except ValueError:
            n = 0
        if n < 1:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated positive layer sizes such as 16,16, got {text!r}"
            )
        sizes.append(n)
    return sizes


def _check_output_folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {str(out)!r} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out: cannot create the folder {str(out)!r}: {error.strerror}") from None
    return out


def _check_writable_target(path: Path, option: str) -> Path:
    if path.is_dir():
        raise UsageError(f"{option}: {str(path)!r} is a folder; expected a file name")
    if not path.parent.is_dir():
        raise UsageError(f"{option}: the folder {str(path.parent)!r} does not exist")
    return path


def _pick_neuron(model: MLP, inputs: Features) -> tuple[int, int]:
    """A first-layer neuron and a sample where it is active (so its graph shows gradients)."""
    layer = model.layers[0]
    with no_grad():
        for i, x in enumerate(inputs[:20]):
            for j, neuron in enumerate(layer.neurons):
                if sum(w.data * v for w, v in zip(neuron.w, x)) + neuron.b.data > 0:
                    return j, i
    return 0, 0


def _render_neuron(model: MLP, inputs: Features, path: Path) -> Path:
    """Draw one first-layer neuron's graph on one sample, after backward, into an SVG."""
    from autograd import viz  # lazily: the demo needs Graphviz only for this picture

    j, i = _pick_neuron(model, inputs)
    neuron = model.layers[0].neurons[j]
    xs = [Value(v, label=f"x[{k}]") for k, v in enumerate(inputs[i])]
    out = neuron(xs)
    out.label = f"layers.0.neurons.{j}"
    params = neuron.parameters()
    saved = [p.grad for p in params]
    try:
        for p in params:  # show this backward's gradients only, not the training's last ones
            p.grad = 0.0
        out.backward()
        return viz.render(out, path)
    finally:
        for p, g in zip(params, saved):
            p.grad = g


def run_demo(args: argparse.Namespace) -> int:
    """``autograd demo``: micrograd's demo (MLP 2-16-16-1, hinge loss, 100 moons points)."""
    out = Path(args.out)
    try:
        plots.require_matplotlib()  # fail before training, not after
    except MissingDependencyError as error:
        raise UsageError(str(error)) from None
    _check_output_folder(out)
    inputs, y = make_moons(args.samples, noise=0.1, seed=args.seed)
    task = Task.for_labels("hinge", y)
    model = MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    steps = args.steps
    print(f"autograd demo: {model!r}, {len(model.parameters())} parameters, {len(inputs)} moons points")
    fit(
        model,
        inputs,
        y,
        task,
        optimizer,
        epochs=steps,
        l2=1e-4,
        lr_schedule=lambda k: 1.0 - 0.9 * k / steps,
        progress=not args.no_progress,
        description="demo",
        compile=not args.no_compile,
        seed=args.seed,
    )
    loss, accuracy = evaluate(model, inputs, y, task)
    accuracy = accuracy or 0.0  # never None: the task is a classification
    print(
        f"training accuracy {100 * accuracy:.1f}% after {steps} steps "
        f"(hinge loss {loss:.4f}; the bar adds the L2 term)"
    )
    try:
        boundary = plot_decision_boundary(
            model,
            inputs,
            y,
            task,
            out / "decision_boundary.png",
            title=f"MLP(2, [16, 16, 1]): {100 * accuracy:.0f}% after {steps} steps",
        )
        print(f"decision boundary: {boundary}")
        try:
            svg = _render_neuron(model, inputs, out / "neuron.svg")
        except (ImportError, RuntimeError, subprocess.SubprocessError) as error:
            # Graphviz's dot missing or failing: the rest of the demo still stands
            print(f"neuron graph: skipped ({error})", file=sys.stderr)
        else:
            print(f"neuron graph: {svg}")
        saved = model.save(out / "model.json", metadata={"task": task.to_json(), "data": "moons"})
        print(f"model: {saved}")
    except OSError as error:
        raise UsageError(f"--out: cannot write into {str(out)!r}: {error.strerror or error}") from None
    return 0


def _load_data(args: argparse.Namespace) -> tuple[list[list[float]], list[float], str]:
    name = args.data
    if name == "moons":
        inputs, y = make_moons(args.samples, noise=args.noise, seed=args.seed)
        return inputs, [float(t) for t in y], name
    if name == "circles":
        inputs, y = make_circles(args.samples, noise=args.noise, seed=args.seed, factor=0.5)
        return inputs, [float(t) for t in y], name
    if name == "digits":
        try:
            inputs, y = load_digits()
        except MissingDependencyError as error:
            raise UsageError(str(error)) from None
        return inputs, [float(t) for t in y], name
    path = Path(name)
    if path.suffix.lower() != ".csv":
        raise UsageError(f"--data: expected moons, circles, digits or a .csv file, got {name!r}")
    try:
        rows = read_csv(path)
    except DataFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"--data: cannot read {name!r}: {error.strerror or error}") from None
    if len(rows[0]) < 2:
        raise UsageError(
            f"{name}: expected feature columns and a last label column, got {len(rows[0])} column"
        )
    if len(rows) < 2:
        raise UsageError(f"{name}: expected at least 2 rows of data, got {len(rows)}")
    return [r[:-1] for r in rows], [r[-1] for r in rows], path.name


def run_train(args: argparse.Namespace) -> int:
    """``autograd train``: train an MLP on a built-in data set or a CSV file."""
    if args.save is not None:
        _check_writable_target(Path(args.save), "--save")
    if args.plot is not None:
        _check_writable_target(Path(args.plot), "--plot")
        if Path(args.plot).suffix.lower() != ".png":
            raise UsageError(f"--plot: expected a .png file name, got {args.plot!r}")
    inputs, labels, data_name = _load_data(args)
    try:
        task = Task.for_labels(args.loss, labels)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.compile and task.loss not in ("hinge", "mse", "cross-entropy"):
        raise UsageError(
            f"--compile: supports the hinge, mse and cross-entropy losses, not {task.loss} "
            "(it takes a branch on each sample's value, which a compiled replay cannot follow)"
        )
    if args.test_fraction > 0:
        if len(inputs) < 4:
            raise UsageError(f"--test-fraction: {len(inputs)} samples are too few to hold some out; use 0")
        x_train, x_test, y_train, y_test = train_test_split(
            inputs, labels, args.test_fraction, seed=args.seed
        )
    else:
        x_train, x_test, y_train, y_test = inputs, [], labels, []
    if task.is_classification and len(set(y_train)) < len(task.classes):
        print("warning: the training part lacks some classes", file=sys.stderr)
    model = MLP(
        len(inputs[0]),
        [*args.hidden, task.n_outputs],
        args.activation,
        output_activation=task.output_activation,
        seed=args.seed,
    )
    lr = args.lr if args.lr is not None else (0.01 if args.optimizer == "adam" else 0.1)
    optimizer: Optimizer
    if args.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=lr, weight_decay=args.weight_decay)
    else:
        optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum, weight_decay=args.weight_decay)
    classes = f", classes {', '.join(_label_text(c) for c in task.classes)}" if task.classes else ""
    print(
        f"autograd train: {model!r} on {data_name} "
        f"({len(x_train)} training samples, {len(x_test)} held out), "
        f"loss {task.loss}{classes}, {args.optimizer} lr {lr:g}"
    )
    try:
        history = fit(
            model,
            x_train,
            y_train,
            task,
            optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            progress=not args.no_progress,
            compile=args.compile,
        )
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        raise UsageError(f"training failed: {error}; try a smaller --lr") from None
    loss, accuracy = evaluate(model, x_train, y_train, task)
    print(f"training: loss {loss:.4f}" + ("" if accuracy is None else f", accuracy {100 * accuracy:.1f}%"))
    if x_test:
        test_loss, test_accuracy = evaluate(model, x_test, y_test, task)
        print(
            f"held out: loss {test_loss:.4f}"
            + ("" if test_accuracy is None else f", accuracy {100 * test_accuracy:.1f}%")
        )
    if args.plot is not None:
        try:
            boundary = (model, x_train, y_train, task) if model.nin == 2 and task.is_classification else None
            print(f"plot: {plot_training(history, args.plot, boundary=boundary)}")
        except MissingDependencyError as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise UsageError(f"--plot: cannot write {args.plot!r}: {error.strerror or error}") from None
    if args.save is not None:
        metadata = {"task": task.to_json(), "data": data_name}
        try:
            print(f"model: {model.save(args.save, metadata=metadata)}")
        except ValueError as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise UsageError(f"--save: cannot write {args.save!r}: {error.strerror or error}") from None
    return 0


def _format_prediction(x: float) -> str:
    return _label_text(x) if x.is_integer() else repr(x)


def run_predict(args: argparse.Namespace) -> int:
    """``autograd predict``: print the saved model's prediction for each row of a CSV file."""
    try:
        model, metadata = load_with_metadata(args.model)
    except ModelFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read the model {args.model!r}: {error.strerror or error}") from None
    if not isinstance(model, MLP):
        raise UsageError(f"{args.model}: predict needs a saved MLP, got a saved {type(model).__name__}")
    task: Task | None = None
    if "task" in metadata:
        try:
            task = Task.from_json(metadata["task"])
            if task.n_outputs != model.nouts[-1]:
                raise ValueError(f"the task needs {task.n_outputs} outputs, the model has {model.nouts[-1]}")
        except ValueError as error:
            raise UsageError(f"{args.model}: bad task metadata: {error}") from None
    try:
        rows = read_csv(args.csv)
    except DataFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read {args.csv!r}: {error.strerror or error}") from None
    width = len(rows[0])
    if width not in (model.nin, model.nin + 1):
        raise UsageError(
            f"{args.csv}: the model takes {model.nin} features, so expected {model.nin} columns "
            f"(or {model.nin + 1} with a label last), got {width}"
        )
    inputs = [r[: model.nin] for r in rows]
    if task is None:  # no task saved: print the raw outputs
        lines = [",".join(repr(v) for v in out) for out in outputs(model, inputs)]
    else:
        predictions = predict(model, inputs, task)
        lines = [_format_prediction(p) for p in predictions]
    try:
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if task is None:
        return 0
    if width == model.nin + 1 and task.is_classification:
        hits = sum(p == r[-1] for p, r in zip(predictions, rows))
        print(f"accuracy {100 * hits / len(rows):.1f}% ({hits} of {len(rows)})", file=sys.stderr)
    return 0


def add_subcommands(subparsers: Any) -> None:
    """Add the ``demo``, ``train`` and ``predict`` commands to the command line's subparsers."""
    demo = subparsers.add_parser(
        "demo",
        help="train micrograd's demo network on two moons and draw the result",
        description=(
            "Train MLP(2, [16, 16, 1]) on 100 two-moons points with the hinge loss (micrograd's "
            "demo), then write a decision-boundary PNG, one neuron's graph as SVG and the model "
            "as JSON into the output folder."
        ),
    )
    demo.add_argument("--out", default="autograd-demo", help="output folder (default: %(default)s)")
    demo.add_argument(
        "--steps", type=_positive_int, default=100, help="training steps (default: %(default)s)"
    )
    demo.add_argument(
        "--samples", type=_sample_count, default=100, help="moons points (default: %(default)s)"
    )
    demo.add_argument(
        "--seed", type=_int, default=0, help="seed for the data and the weights (default: %(default)s)"
    )
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    demo.add_argument(
        "--no-compile",
        action="store_true",
        help="train on the dynamic engine instead of replaying the compiled loss (slower, same result)",
    )
    demo.set_defaults(run=run_demo)

    train = subparsers.add_parser(
        "train",
        help="train an MLP on moons, circles, digits or a CSV file",
        description=(
            "Train an MLP and report its training and held-out accuracy. A CSV file holds one "
            "sample per row, the label in the last column (a header row is skipped)."
        ),
    )
    train.add_argument(
        "--data",
        default="moons",
        metavar="moons|circles|digits|FILE.csv",
        help="the data set; circles has an inner radius of 0.5 (default: %(default)s)",
    )
    train.add_argument(
        "--samples",
        type=_sample_count,
        default=200,
        help="points for moons and circles (default: %(default)s)",
    )
    train.add_argument(
        "--noise",
        type=_number_in(0, math.inf),
        default=0.1,
        help="noise for moons and circles (default: %(default)s)",
    )
    train.add_argument(
        "--hidden",
        type=_hidden,
        default=[16, 16],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (default: 16,16)",
    )
    train.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: %(default)s)",
    )
    train.add_argument(
        "--loss",
        choices=("auto", *LOSSES),
        default="auto",
        help="hinge for two classes, cross-entropy for more, mse for numbers (default: auto)",
    )
    train.add_argument(
        "--optimizer", choices=("sgd", "adam"), default="adam", help="the optimiser (default: %(default)s)"
    )
    train.add_argument(
        "--lr",
        type=_number_in(0, math.inf, low_open=True),
        default=None,
        help="learning rate (default: 0.01 for adam, 0.1 for sgd)",
    )
    train.add_argument(
        "--momentum", type=_number_in(0, 1), default=0.9, help="sgd momentum (default: %(default)s)"
    )
    train.add_argument(
        "--weight-decay",
        type=_number_in(0, math.inf),
        default=0.0,
        help="L2 weight decay (default: %(default)s)",
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=50,
        help="passes over the training data (default: %(default)s)",
    )
    train.add_argument(
        "--batch-size",
        type=_positive_int,
        default=32,
        help="samples per optimiser step (default: %(default)s)",
    )
    train.add_argument(
        "--test-fraction",
        type=_number_in(0, 1),
        default=0.2,
        help="part held out for evaluation, 0 for none (default: %(default)s)",
    )
    train.add_argument(
        "--seed",
        type=_int,
        default=0,
        help="seed for the data, the split, the weights and the shuffling (default: %(default)s)",
    )
    train.add_argument("--save", metavar="MODEL.json", help="save the trained model here")
    train.add_argument(
        "--plot", metavar="FILE.png", help="draw the training curves (and the boundary for 2-D data)"
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.add_argument(
        "--compile",
        action="store_true",
        help="record one sample's loss once and replay it as generated Python (autograd.compile): "
        "faster, same numbers; hinge, mse and cross-entropy losses",
    )
    train.set_defaults(run=run_train)

    pred = subparsers.add_parser(
        "predict",
        help="print a saved model's predictions for the rows of a CSV file",
        description=(
            "Print one prediction per row. The CSV holds the features, optionally followed by the "
            "label, in which case the accuracy is printed to stderr."
        ),
    )
    pred.add_argument("model", help="a model file written by train --save or demo")
    pred.add_argument("csv", help="a CSV file of features")
    pred.set_defaults(run=run_predict)
