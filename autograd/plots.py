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
    "Grid",
    "DecisionBoundary",
    "require_matplotlib",
    "draw_decision_boundary",
    "draw_training",
]

DEMO_EXTRA = "pip install 'scalar-autograd[demo]'"
"""How to install matplotlib (and tqdm) for the pictures and progress bars."""

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
    the samples' coordinates and ``classes`` their class indices, of ``n_classes``.
    """

    grid: Grid
    values: Sequence[float]
    signed: bool
    points: Sequence[Sequence[float]]
    classes: Sequence[int]
    n_classes: int

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

    def rows(self) -> list[list[float]]:
        """``values`` as one row per ``grid.ys`` entry (what a contour plot takes)."""
        n = len(self.grid.xs)
        return [list(self.values[j * n : (j + 1) * n]) for j in range(len(self.grid.ys))]


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


def _draw_boundary(ax: Any, boundary: DecisionBoundary, title: str) -> None:
    grid = boundary.grid
    xs = [p[0] for p in boundary.points]
    ys = [p[1] for p in boundary.points]
    zz = boundary.rows()
    if boundary.signed:  # shade by the score's side of the threshold, a smooth edge
        low, high = min(boundary.values), max(boundary.values)
        levels = [min(low, -1e-9) - 1, 0.0, max(high, 1e-9) + 1]
        ax.contourf(grid.xs, grid.ys, zz, levels=levels, colors=list(_BINARY_COLOURS), alpha=0.8)
        colours = [_BINARY_POINTS[0] if c == 0 else _BINARY_POINTS[1] for c in boundary.classes]
        ax.scatter(xs, ys, c=colours, s=30, edgecolors="black")
    else:
        k = boundary.n_classes
        ax.contourf(grid.xs, grid.ys, zz, levels=[i - 0.5 for i in range(k + 1)], cmap="Spectral", alpha=0.8)
        ax.scatter(
            xs, ys, c=list(boundary.classes), s=30, cmap="Spectral", vmin=0, vmax=k - 1, edgecolors="black"
        )
    ax.set_xlim(*grid.x_limits)
    ax.set_ylim(*grid.y_limits)
    ax.set_title(title)


def draw_decision_boundary(
    boundary: DecisionBoundary, path: str | os.PathLike[str], *, title: str = ""
) -> Path:
    """Draw the classes over the grid, with the samples on top, into a PNG at ``path``."""
    figure = _figure(5.5, 5)
    _draw_boundary(figure.subplots(), boundary, title)
    figure.tight_layout()
    return _save(figure, Path(path))


def draw_training(
    epochs: Sequence[int],
    losses: Sequence[float],
    path: str | os.PathLike[str],
    *,
    accuracies: Sequence[float] | None = None,
    boundary: DecisionBoundary | None = None,
) -> Path:
    """Draw the loss per epoch (and the accuracy, fractions drawn as percentages, on a second
    axis) into a PNG at ``path``, beside the decision boundary when given."""
    if len(losses) != len(epochs) or (accuracies is not None and len(accuracies) != len(epochs)):
        got = "" if accuracies is None else f" and {len(accuracies)} accuracies"
        raise ValueError(f"draw_training: got {len(epochs)} epochs, {len(losses)} losses{got}")
    figure = _figure(5.5 if boundary is None else 11, 4.5)
    axes = figure.subplots(1, 1 if boundary is None else 2, squeeze=False)[0]
    ax = axes[0]
    ax.plot(list(epochs), list(losses), color="tab:blue", label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss", color="tab:blue")
    if accuracies is not None:
        twin = ax.twinx()
        twin.plot(list(epochs), [100 * a for a in accuracies], color="tab:orange", label="accuracy")
        twin.set_ylabel("training accuracy (%)", color="tab:orange")
    ax.set_title("training")
    if boundary is not None:
        _draw_boundary(axes[1], boundary, "decision boundary")
    figure.tight_layout()
    return _save(figure, Path(path))
