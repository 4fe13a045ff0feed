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


def _axes():
    """One matplotlib Axes on an off-screen figure."""
    pytest.importorskip("matplotlib")
    from autograd.plots import _figure

    return _figure(5, 4).subplots()


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def _png(path) -> int:
    data = path.read_bytes()
    assert data.startswith(PNG) and data[12:16] == b"IHDR"
    return len(data)


def test_boundary_legend_names_each_class_in_a_qualitative_colour():
    """Many classes: one legend entry per class name, each in tab10's colour of its index,
    the regions (grid cells, no contour between classes) in the same colours; two classes
    (signed) get a legend too."""
    from matplotlib.colors import to_rgba

    from autograd.plots import boundary_panel, class_colours

    grid = Grid.covering([[0.0, 0.0], [1.0, 1.0]], steps=4)
    values = [float(i % 4) for i in range(16)]
    boundary = DecisionBoundary(
        grid, values, False, [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5), (0.2, 0.9)], [0, 1, 2, 3], 4,
        class_names=["3", "7", "8", "9"],
    )
    ax = boundary_panel(_axes(), boundary, title="digits")
    assert _legend(ax) == ["3", "7", "8", "9"] and ax.get_legend().get_title().get_text() == "class"
    tab10 = [to_rgba(c) for c in ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")]
    assert class_colours(4) == tab10
    assert [tuple(h.get_facecolor()[0]) for h in ax.get_legend().legend_handles] == tab10
    regions = ax.collections[0]  # a cell per grid point, coloured by its class in the same colours
    assert [tuple(c) for c in regions.get_cmap().colors] == tab10 and regions.get_array().size == 16
    assert len({tuple(c) for c in class_colours(20)}) == 20 and len(class_colours(25)) == 25
    assert _legend(boundary_panel(_axes(), _boundary(signed=True))) == ["0", "1"]
    with pytest.raises(ValueError, match="expected 3 class names, got 2"):
        DecisionBoundary(grid, values, False, [], [], 3, class_names=["a", "b"])


def test_curves_legend_has_training_and_held_out():
    """The curves panel draws held-out loss and accuracy dashed beside the training ones, one legend."""
    from autograd.plots import TrainingCurves, curves_panel

    curves = TrainingCurves([1, 2, 3], [0.9, 0.5, 0.2], [0.5, 0.7, 0.9], [1.0, 0.7, 0.4], [0.4, 0.6, 0.8])
    ax = curves_panel(_axes(), curves)
    assert _legend(ax) == ["training loss", "held-out loss", "training accuracy", "held-out accuracy"]
    held_out = next(line for line in ax.get_lines() if line.get_label() == "held-out loss")
    assert list(held_out.get_ydata()) == [1.0, 0.7, 0.4] and held_out.get_linestyle() == "--"
    assert _legend(curves_panel(_axes(), TrainingCurves([1], [0.5]))) == ["training loss"]
    with pytest.raises(ValueError, match="expected 3 validation_losses, got 2"):
        TrainingCurves([1, 2, 3], [0.9, 0.5, 0.2], validation_losses=[1.0, 0.5])


def test_fit_panel_draws_the_curve_or_predictions_against_y_equals_x():
    """One input: samples and the model's curve; several: predictions against targets and y = x."""
    from autograd.plots import RegressionFit, fit_panel

    curve = RegressionFit(
        [0.0, 1.0], [0.1, 0.9], [0.5], [0.4], inputs=[0.0, 1.0], held_out_inputs=[0.5],
        curve=([0.0, 0.5, 1.0], [0.1, 0.5, 0.9]),
    )
    ax = fit_panel(_axes(), curve)
    assert sorted(_legend(ax)) == ["held-out samples", "model", "training samples"]
    assert ax.get_xlabel() == "input"
    scatter = RegressionFit([0.0, 2.0], [0.5, 1.5])
    ax = fit_panel(_axes(), scatter)
    assert sorted(_legend(ax)) == ["training samples", "y = x (perfect)"] and ax.get_xlabel() == "target"
    diagonal = ax.get_lines()[0]
    assert list(diagonal.get_xdata()) == [0.0, 2.0] == list(diagonal.get_ydata())
    with pytest.raises(ValueError, match="expected 2 predictions, got 1"):
        RegressionFit([0.0, 2.0], [0.5])
    with pytest.raises(ValueError, match="go together"):
        RegressionFit([0.0], [0.5], inputs=[1.0])
    with pytest.raises(ValueError, match="at least one sample"):
        RegressionFit([], [])


def test_draw_fit_and_training_beside_a_fit_write_pngs(tmp_path):
    """draw_fit and draw_training(fit=...) write non-empty PNG files; a boundary and a fit
    together are refused."""
    from autograd.plots import RegressionFit, draw_fit

    fit = RegressionFit([0.0, 1.0, 2.0], [0.2, 1.1, 1.8])
    assert _png(draw_fit(fit, tmp_path / "fit.png")) > 1000
    path = draw_training(
        [1, 2], [0.5, 0.3], tmp_path / "t.png", validation_losses=[0.6, 0.4], fit=fit
    )
    assert _png(path) > 1000
    with pytest.raises(ValueError, match="a boundary or a fit"):
        draw_training([1], [0.5], tmp_path / "x.png", boundary=_boundary(True), fit=fit)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.png", "t.png"]
