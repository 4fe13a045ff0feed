"""Pictures of training, drawn with matplotlib from plain numbers into PNG files.

Nothing here knows about models or tasks: ``autograd.training`` computes what to show (the
model's outputs on a ``Grid``, the loss per epoch) and hands the numbers over. Figures are
drawn off-screen on matplotlib's Agg canvas, with no pyplot state, and each PNG is written
whole (``autograd._files.write_atomically``). matplotlib is imported only when a picture is
drawn; without it the drawing functions raise ``MissingDependencyError`` naming the extra.

>>> grid = Grid.covering([[0.0, 0.0], [1.0, 2.0]], steps=3)
>>> grid.xs, grid.ys
((-0.5, 0.5, 1.5), (-0.5, 1.0, 2.5))
>>> grid.points()[:4]
[[-0.5, -0.5], [0.5, -0.5], [1.5, -0.5], [-0.5, 1.0]]
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd._files import write_atomically
from autograd.errors import MissingDependencyError

__all__ = [
    "DEMO_EXTRA",
    "MATPLOTLIB_MISSING",
    "Grid",
    "DecisionBoundary",
    "TrainingCurves",
    "RegressionFit",
    "require_matplotlib",
    "class_colours",
    "boundary_panel",
    "curves_panel",
    "fit_panel",
    "draw_decision_boundary",
    "draw_training",
    "draw_fit",
]

DEMO_EXTRA = "pip install 'scalar-autograd[demo]'"
"""How to install matplotlib (and tqdm) for the pictures and progress bars."""

MATPLOTLIB_MISSING = f"matplotlib is not installed ({DEMO_EXTRA})"
"""Why a picture was skipped, as the command line says it: ``skipped FILE: MATPLOTLIB_MISSING``."""

_BINARY_COLOURS = ("#f4a582", "#92c5de")  # the two classes' regions
_BINARY_POINTS = ("#b2182b", "#2166ac")  # and their samples


@dataclass(frozen=True)
class Grid:
    """Points spaced evenly over a rectangle: ``xs`` across, ``ys`` up, and the rectangle's
    edges as ``x_limits`` and ``y_limits``. ``points()`` lists them row by row."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    x_limits: tuple[float, float]
    y_limits: tuple[float, float]

    @classmethod
    def covering(cls, points: Sequence[Sequence[float]], *, steps: int = 50, margin: float = 0.5) -> Grid:
        """``steps`` by ``steps`` points over the 2-D ``points`` and ``margin`` around them."""
        if type(steps) is not int or steps < 2:
            raise ValueError(f"Grid.covering: steps must be an int >= 2, got {steps!r:.80}")
        if len(points) == 0:
            raise ValueError("Grid.covering: expected at least one point, got none")
        px = [p[0] for p in points]
        py = [p[1] for p in points]
        x0, x1 = min(px) - margin, max(px) + margin
        y0, y1 = min(py) - margin, max(py) + margin
        return cls(
            tuple(x0 + (x1 - x0) * i / (steps - 1) for i in range(steps)),
            tuple(y0 + (y1 - y0) * j / (steps - 1) for j in range(steps)),
            (x0, x1),
            (y0, y1),
        )

    def points(self) -> list[list[float]]:
        """Every point as ``[x, y]``: the first row (``ys[0]``) from left to right, then the next."""
        return [[a, b] for b in self.ys for a in self.xs]


@dataclass(frozen=True)
class DecisionBoundary:
    """What a decision-boundary panel shows, as numbers.

    ``values`` has one number per point of ``grid.points()``: with ``signed`` (two classes
    decided by a score) the score's distance from its threshold, class 1 where it is > 0,
    which draws a smooth edge; otherwise the class index each point is given. ``points`` are
    the samples' coordinates and ``classes`` their class indices, of ``n_classes``;
    ``class_names`` label the classes in the legend (default: their indices).
    """

    grid: Grid
    values: Sequence[float]
    signed: bool
    points: Sequence[Sequence[float]]
    classes: Sequence[int]
    n_classes: int
    class_names: Sequence[str] = ()

    def __post_init__(self) -> None:
        cells = len(self.grid.xs) * len(self.grid.ys)
        if len(self.values) != cells:
            raise ValueError(f"DecisionBoundary: the grid has {cells} points, got {len(self.values)} values")
        if len(self.points) != len(self.classes):
            raise ValueError(
                f"DecisionBoundary: got {len(self.points)} points but {len(self.classes)} classes"
            )
        if self.n_classes < 2 or (self.signed and self.n_classes != 2):
            kind = "exactly 2 (signed)" if self.signed else "at least 2"
            raise ValueError(f"DecisionBoundary: expected {kind} classes, got {self.n_classes}")
        bad = next((c for c in self.classes if not 0 <= c < self.n_classes), None)
        if bad is not None:
            raise ValueError(f"DecisionBoundary: class indices must be in 0..{self.n_classes - 1}, got {bad}")
        if self.class_names and len(self.class_names) != self.n_classes:
            raise ValueError(
                f"DecisionBoundary: expected {self.n_classes} class names, got {len(self.class_names)}"
            )

    def rows(self) -> list[list[float]]:
        """``values`` as one row per ``grid.ys`` entry (what a contour plot takes)."""
        n = len(self.grid.xs)
        return [list(self.values[j * n : (j + 1) * n]) for j in range(len(self.grid.ys))]

    def names(self) -> list[str]:
        """Each class's name in the legend: ``class_names``, or the class indices."""
        return list(self.class_names) if self.class_names else [str(i) for i in range(self.n_classes)]


def _check_lengths(what: str, expected: int, **series: Sequence[float] | None) -> None:
    for name, values in series.items():
        if values is not None and len(values) != expected:
            raise ValueError(f"{what}: expected {expected} {name}, got {len(values)}")


@dataclass(frozen=True)
class TrainingCurves:
    """The numbers of a training-curves panel: per epoch the training loss and, optionally,
    the training accuracy and the held-out loss and accuracy (accuracies as fractions)."""

    epochs: Sequence[int]
    losses: Sequence[float]
    accuracies: Sequence[float] | None = None
    validation_losses: Sequence[float] | None = None
    validation_accuracies: Sequence[float] | None = None

    def __post_init__(self) -> None:
        n = len(self.epochs)
        _check_lengths(
            "TrainingCurves",
            n,
            losses=self.losses,
            accuracies=self.accuracies,
            validation_losses=self.validation_losses,
            validation_accuracies=self.validation_accuracies,
        )


@dataclass(frozen=True)
class RegressionFit:
    """The numbers of a regression fit panel: each sample's ``targets`` and the model's
    ``predictions``, and the same for held-out samples. With one input, ``inputs`` (each
    sample's input, ``held_out_inputs`` likewise) and ``curve`` (the model's output over a
    line of inputs, as ``(inputs, outputs)``) draw the data and the model's curve; without,
    the panel draws predictions against targets beside the line y = x.
    """

    targets: Sequence[float]
    predictions: Sequence[float]
    held_out_targets: Sequence[float] = ()
    held_out_predictions: Sequence[float] = ()
    inputs: Sequence[float] | None = None
    held_out_inputs: Sequence[float] | None = None
    curve: tuple[Sequence[float], Sequence[float]] | None = None

    def __post_init__(self) -> None:
        if not self.targets:
            raise ValueError("RegressionFit: expected at least one sample, got none")
        n, m = len(self.targets), len(self.held_out_targets)
        _check_lengths("RegressionFit", n, predictions=self.predictions, inputs=self.inputs)
        _check_lengths(
            "RegressionFit",
            m,
            held_out_predictions=self.held_out_predictions,
            held_out_inputs=self.held_out_inputs,
        )
        one_input = (self.inputs is not None, self.curve is not None)
        if one_input[0] != one_input[1] or (m and self.inputs is not None and self.held_out_inputs is None):
            raise ValueError(
                "RegressionFit: inputs, held_out_inputs (with held-out samples) and curve go together"
            )
        if self.curve is not None and len(self.curve[0]) != len(self.curve[1]):
            raise ValueError(
                f"RegressionFit: the curve has {len(self.curve[0])} inputs but {len(self.curve[1])} outputs"
            )


def require_matplotlib() -> None:
    """Raise MissingDependencyError, naming the extra, when matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingDependencyError(f"plots need matplotlib, which is not installed: {DEMO_EXTRA}") from None


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure on the Agg canvas (no screen, no pyplot state)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_atomically(path, buffer.getvalue())
    return path


def class_colours(n: int) -> list[Any]:
    """``n`` distinguishable colours, one per class: matplotlib's qualitative tab10 (up to
    10 classes), tab20 (up to 20), else evenly spaced hues of turbo."""
    require_matplotlib()
    from matplotlib import colormaps

    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [colormaps["tab20"](i) for i in range(n)]
    return [colormaps["turbo"](i / (n - 1)) for i in range(n)]


def boundary_panel(ax: Any, boundary: DecisionBoundary, *, title: str = "") -> Any:
    """Draw the classes over the grid, the samples on top and a legend naming the classes,
    into the matplotlib Axes ``ax``; returns ``ax``."""
    grid = boundary.grid
    zz = boundary.rows()
    names = boundary.names()
    if boundary.signed:  # shade by the score's side of the threshold, a smooth edge
        low, high = min(boundary.values), max(boundary.values)
        levels = [min(low, -1e-9) - 1, 0.0, max(high, 1e-9) + 1]
        ax.contourf(grid.xs, grid.ys, zz, levels=levels, colors=list(_BINARY_COLOURS), alpha=0.8)
        points: list[Any] = list(_BINARY_POINTS)
    else:
        from matplotlib.colors import ListedColormap

        k = boundary.n_classes
        points = class_colours(k)
        # cells, not contours: a contour between classes 0 and 2 would pass through class 1
        regions = ListedColormap(points)
        ax.pcolormesh(
            grid.xs, grid.ys, zz, cmap=regions, vmin=-0.5, vmax=k - 0.5, shading="nearest", alpha=0.35
        )
    for c, name in enumerate(names):
        mine = [p for p, k in zip(boundary.points, boundary.classes) if k == c]
        ax.scatter(
            [p[0] for p in mine],
            [p[1] for p in mine],
            color=points[c],
            s=30,
            edgecolors="black",
            linewidths=0.6,
            label=name,
        )
    ax.legend(title="class", loc="best", fontsize="small", framealpha=0.8)
    ax.set_xlim(*grid.x_limits)
    ax.set_ylim(*grid.y_limits)
    ax.set_title(title)
    return ax


def curves_panel(ax: Any, curves: TrainingCurves, *, title: str = "training") -> Any:
    """Draw the loss per epoch (solid: training, dashed: held out) and the accuracy on a
    second axis, as percentages, with one legend for all of them, into ``ax``; returns ``ax``."""
    epochs = list(curves.epochs)
    ax.plot(epochs, list(curves.losses), color="tab:blue", label="training loss")
    if curves.validation_losses is not None:
        ax.plot(epochs, list(curves.validation_losses), "--", color="tab:blue", label="held-out loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color="tab:blue")
    handles, labels = ax.get_legend_handles_labels()
    if curves.accuracies is not None or curves.validation_accuracies is not None:
        twin = ax.twinx()
        if curves.accuracies is not None:
            training = [100 * a for a in curves.accuracies]
            twin.plot(epochs, training, color="tab:orange", label="training accuracy")
        if curves.validation_accuracies is not None:
            held_out = [100 * a for a in curves.validation_accuracies]
            twin.plot(epochs, held_out, "--", color="tab:orange", label="held-out accuracy")
        twin.set_ylabel("accuracy (%)", color="tab:orange")
        more = twin.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, loc="center right", fontsize="small", framealpha=0.8)
    ax.set_title(title)
    return ax


def fit_panel(ax: Any, fit: RegressionFit, *, title: str = "fit") -> Any:
    """Draw a regression's fit into ``ax`` with a legend: the samples and the model's curve
    over the one input, or predictions against targets beside y = x; returns ``ax``."""
    if fit.curve is not None and fit.inputs is not None:
        ax.scatter(list(fit.inputs), list(fit.targets), s=18, color="tab:blue", label="training samples")
        if fit.held_out_targets and fit.held_out_inputs is not None:
            ax.scatter(
                list(fit.held_out_inputs),
                list(fit.held_out_targets),
                s=18,
                color="tab:orange",
                marker="s",
                label="held-out samples",
            )
        ax.plot(list(fit.curve[0]), list(fit.curve[1]), color="black", label="model")
        ax.set_xlabel("input")
        ax.set_ylabel("target")
    else:
        ax.scatter(list(fit.targets), list(fit.predictions), s=18, color="tab:blue", label="training samples")
        if fit.held_out_targets:
            ax.scatter(
                list(fit.held_out_targets),
                list(fit.held_out_predictions),
                s=18,
                color="tab:orange",
                marker="s",
                label="held-out samples",
            )
        every = [*fit.targets, *fit.predictions, *fit.held_out_targets, *fit.held_out_predictions]
        low, high = min(every), max(every)
        ax.plot([low, high], [low, high], "--", color="grey", label="y = x (perfect)")
        ax.set_xlabel("target")
        ax.set_ylabel("prediction")
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    ax.set_title(title)
    return ax


def draw_decision_boundary(
    boundary: DecisionBoundary, path: str | os.PathLike[str], *, title: str = ""
) -> Path:
    """Draw the classes over the grid, with the samples on top, into a PNG at ``path``."""
    figure = _figure(5.5, 5)
    boundary_panel(figure.subplots(), boundary, title=title)
    figure.tight_layout()
    return _save(figure, Path(path))


def draw_fit(fit: RegressionFit, path: str | os.PathLike[str], *, title: str = "fit") -> Path:
    """Draw a regression's fit (``fit_panel``) into a PNG at ``path``."""
    figure = _figure(5.5, 5)
    fit_panel(figure.subplots(), fit, title=title)
    figure.tight_layout()
    return _save(figure, Path(path))


def draw_training(
    epochs: Sequence[int],
    losses: Sequence[float],
    path: str | os.PathLike[str],
    *,
    accuracies: Sequence[float] | None = None,
    validation_losses: Sequence[float] | None = None,
    validation_accuracies: Sequence[float] | None = None,
    boundary: DecisionBoundary | None = None,
    fit: RegressionFit | None = None,
) -> Path:
    """Draw the loss per epoch (and the accuracy, fractions drawn as percentages, on a second
    axis; the held-out ones dashed beside them) into a PNG at ``path`` (``curves_panel``),
    beside the decision boundary or the regression fit when given."""
    if len(losses) != len(epochs) or (accuracies is not None and len(accuracies) != len(epochs)):
        got = "" if accuracies is None else f" and {len(accuracies)} accuracies"
        raise ValueError(f"draw_training: got {len(epochs)} epochs, {len(losses)} losses{got}")
    curves = TrainingCurves(epochs, losses, accuracies, validation_losses, validation_accuracies)
    if boundary is not None and fit is not None:
        raise ValueError("draw_training: expected a boundary or a fit beside the curves, not both")
    beside = boundary is not None or fit is not None
    figure = _figure(11 if beside else 5.5, 4.5)
    axes = figure.subplots(1, 2 if beside else 1, squeeze=False)[0]
    curves_panel(axes[0], curves)
    if boundary is not None:
        boundary_panel(axes[1], boundary, title="decision boundary")
    if fit is not None:
        fit_panel(axes[1], fit)
    figure.tight_layout()
    return _save(figure, Path(path))
