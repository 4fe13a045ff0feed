"""Tests for autograd.plots: grids, pictures drawn from plain numbers, and the matplotlib extra."""

from __future__ import annotations

import sys

import pytest

from autograd.errors import MissingDependencyError
from autograd.plots import DEMO_EXTRA, DecisionBoundary, Grid, draw_decision_boundary, draw_training
from tests.support import run_python

PNG = b"\x89PNG\r\n\x1a\n"


def _boundary(signed: bool) -> DecisionBoundary:
    grid = Grid.covering([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], steps=4)
    if signed:
        values = [x - y for x, y in grid.points()]
        return DecisionBoundary(grid, values, True, [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)], [1, 0, 0], 2)
    values = [float(int(x > 0.5) + int(y > 0.5)) for x, y in grid.points()]
    return DecisionBoundary(grid, values, False, [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)], [0, 2, 1], 3)


def test_grid_covers_the_points_with_a_margin_row_by_row():
    """steps x steps points from the smallest coordinate - margin to the largest + margin, y outer."""
    grid = Grid.covering([[1.0, -2.0], [3.0, 0.0]], steps=5, margin=1.0)
    assert grid.xs == (0.0, 1.0, 2.0, 3.0, 4.0) and grid.ys == (-3.0, -2.0, -1.0, 0.0, 1.0)
    assert grid.x_limits == (0.0, 4.0) and grid.y_limits == (-3.0, 1.0)
    points = grid.points()
    assert len(points) == 25 and points[:2] == [[0.0, -3.0], [1.0, -3.0]] and points[5] == [0.0, -2.0]
    assert len(Grid.covering([[0.0, 0.0]]).points()) == 2500
    with pytest.raises(ValueError, match="steps must be an int >= 2, got 1"):
        Grid.covering([[0.0, 0.0]], steps=1)
    with pytest.raises(ValueError, match="at least one point"):
        Grid.covering([])


def test_decision_boundary_rows_follow_the_grid():
    """rows() cuts the values into one row per grid y, as contour plots take them."""
    boundary = _boundary(signed=True)
    rows = boundary.rows()
    assert len(rows) == 4 and all(len(r) == 4 for r in rows)
    assert [v for row in rows for v in row] == list(boundary.values)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"values": [0.0]}, "the grid has 16 points, got 1 values"),
        ({"classes": [0]}, "got 3 points but 1 classes"),
        ({"n_classes": 3}, r"expected exactly 2 \(signed\) classes, got 3"),
        ({"classes": [0, 1, 2]}, r"class indices must be in 0\.\.1, got 2"),
    ],
)
def test_decision_boundary_checks_its_numbers(change, match):
    """Values that do not fit the grid, or classes that do not fit the samples, are refused."""
    base = _boundary(signed=True)
    fields = {
        "grid": base.grid,
        "values": base.values,
        "signed": True,
        "points": base.points,
        "classes": base.classes,
        "n_classes": 2,
    }
    with pytest.raises(ValueError, match=match):
        DecisionBoundary(**{**fields, **change})


@pytest.mark.parametrize("signed", [True, False])
def test_draw_decision_boundary_writes_a_png(tmp_path, signed):
    """A two-class (signed scores) or many-class (class indices) boundary is drawn into a PNG."""
    path = draw_decision_boundary(_boundary(signed), tmp_path / "b.png", title="boundary")
    assert path == tmp_path / "b.png" and path.read_bytes().startswith(PNG)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]  # no temporary file left


def test_draw_training_writes_curves_with_or_without_accuracy_and_boundary(tmp_path):
    """Loss curves alone, with an accuracy axis, and beside a boundary are each drawn into a PNG."""
    epochs, losses = [1, 2, 3], [0.9, 0.5, 0.2]
    plain = draw_training(epochs, losses, tmp_path / "plain.png")
    both = draw_training(
        epochs, losses, str(tmp_path / "both.png"), accuracies=[0.5, 0.75, 1.0], boundary=_boundary(False)
    )
    assert plain.read_bytes().startswith(PNG) and both.read_bytes().startswith(PNG)
    assert both.stat().st_size > plain.stat().st_size
    with pytest.raises(ValueError, match="got 3 epochs, 2 losses"):
        draw_training(epochs, losses[:2], tmp_path / "bad.png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        draw_training(epochs, losses, tmp_path / "missing" / "p.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["both.png", "plain.png"]


def test_without_matplotlib_drawing_names_the_extra(tmp_path, monkeypatch):
    """Without matplotlib a drawing raises MissingDependencyError (an ImportError) naming the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r"plots need matplotlib.*scalar-autograd\[demo\]"):
        draw_training([1], [0.5], tmp_path / "p.png")
    assert DEMO_EXTRA == "pip install 'scalar-autograd[demo]'"
    assert list(tmp_path.iterdir()) == []


def test_plots_imports_neither_matplotlib_nor_the_training_library():
    """import autograd.plots loads no matplotlib (until a picture is drawn) and no autograd.training."""
    code = (
        "import sys\n"
        "import autograd.plots\n"
        "print(sorted(m for m in ('matplotlib', 'autograd.training', 'autograd.nn') if m in sys.modules))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
