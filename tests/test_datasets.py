"""Tests for autograd.datasets: moons, circles, digits, CSV files and splitting."""

from __future__ import annotations

import math
import random
import sys

import numpy as np
import pytest

from autograd.datasets import (
    DataFileError,
    MissingDependencyError,
    load_digits,
    make_circles,
    make_moons,
    read_csv,
    train_test_split,
)
from tests.support import run_python


@pytest.mark.parametrize("n", [2, 7, 100])
def test_noise_free_moons_equal_scikit_learns(n):
    """Without noise and shuffling, the points are scikit-learn's make_moons points."""
    sk = pytest.importorskip("sklearn.datasets")
    xs, ys = make_moons(n, noise=0.0, shuffle=False)
    sx, sy = sk.make_moons(n_samples=n, shuffle=False)
    np.testing.assert_allclose(xs, sx, atol=1e-12)
    assert ys == sy.tolist()


@pytest.mark.parametrize("n", [2, 9, 100])
def test_noise_free_circles_equal_scikit_learns(n):
    """Without noise and shuffling, the points are scikit-learn's make_circles points."""
    sk = pytest.importorskip("sklearn.datasets")
    xs, ys = make_circles(n, noise=0.0, shuffle=False, factor=0.5)
    sx, sy = sk.make_circles(n_samples=n, shuffle=False, factor=0.5)
    np.testing.assert_allclose(xs, sx, atol=1e-12)
    assert ys == sy.tolist()


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_same_seed_same_points_other_seed_other_points(make):
    """Generation is deterministic for a seed (int or Random) and differs between seeds."""
    a = make(50, noise=0.1, seed=3)
    assert a == make(50, noise=0.1, seed=3) == make(50, noise=0.1, seed=random.Random(3))
    assert a != make(50, noise=0.1, seed=4)
    xs, ys = a
    assert len(xs) == len(ys) == 50 and all(len(p) == 2 for p in xs)
    assert sorted(ys) == [0] * 25 + [1] * 25


def test_moons_noise_has_the_requested_spread():
    """The noise added to each coordinate has about the requested standard deviation."""
    clean, _ = make_moons(2000, noise=0.0, seed=1)
    noisy, _ = make_moons(2000, noise=0.2, seed=1)  # same shuffle, then noise
    offsets = [a - b for p, q in zip(noisy, clean) for a, b in zip(p, q)]
    assert np.std(offsets) == pytest.approx(0.2, rel=0.05)


def test_circles_lie_on_their_radii():
    """Without noise, label 0 lies on the unit circle and label 1 on the circle of radius factor."""
    xs, ys = make_circles(40, noise=0.0, seed=0, factor=0.3)
    for (a, b), t in zip(xs, ys):
        assert math.hypot(a, b) == pytest.approx(1.0 if t == 0 else 0.3, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make_moons(1), ValueError, "n must be an int >= 2, got 1"),
        (lambda: make_moons(10.0), ValueError, "got 10.0"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise must be a finite number >= 0, got -0.1"),
        (lambda: make_moons(10, noise=math.inf), ValueError, "noise"),
        (lambda: make_moons(10, seed="x"), TypeError, "seed must be an int"),
        (lambda: make_circles(10, factor=1.0), ValueError, r"factor must be a number in \[0, 1\), got 1.0"),
    ],
)
def test_bad_generator_arguments_are_refused(call, error, match):
    """Sizes, noise, seeds and factors out of range raise with what was received."""
    with pytest.raises(error, match=match):
        call()


def test_load_digits_gives_scikit_learns_digits_scaled():
    """1797 images of 64 pixels in [0, 1] (pixel / 16), labels 0-9, the same as scikit-learn's."""
    sk = pytest.importorskip("sklearn.datasets")
    xs, ys = load_digits()
    assert len(xs) == len(ys) == 1797 and all(len(x) == 64 for x in xs)
    assert min(min(x) for x in xs) == 0.0 and max(max(x) for x in xs) == 1.0
    assert sorted(set(ys)) == list(range(10))
    raw, _ = load_digits(scale=False)
    np.testing.assert_array_equal(raw, sk.load_digits().data)


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch):
    """Without scikit-learn, load_digits raises an ImportError that says which extra to install."""
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'scalar-autograd\[datasets\]'"):
        load_digits()
    assert issubclass(MissingDependencyError, ImportError)


def test_core_modules_import_without_optional_dependencies():
    """autograd and its nn, losses, optim, datasets, training and plots modules import no optional package."""
    code = (
        "import sys\n"
        "for name in ('tqdm', 'matplotlib', 'sklearn', 'numpy', 'torch'):\n"
        "    sys.modules[name] = None  # importing any of them now fails\n"
        "import autograd, autograd.nn, autograd.losses, autograd.optim\n"
        "import autograd.datasets, autograd.training, autograd.plots\n"
        "from autograd.nn import MLP\n"
        "print(MLP(2, [3, 1], seed=0)([1.0, 2.0]).data != None)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_train_test_split_is_a_deterministic_partition():
    """The split keeps every sample once, pairs features with labels, and repeats for a seed."""
    xs = [[float(i)] for i in range(20)]
    ys = list(range(20))
    x_train, x_test, y_train, y_test = train_test_split(xs, ys, 0.25, seed=1)
    assert len(x_test) == 5 and len(x_train) == 15
    assert sorted(y_train + y_test) == ys
    assert all(x[0] == y for x, y in zip(x_train + x_test, y_train + y_test))
    assert train_test_split(xs, ys, 0.25, seed=1) == (x_train, x_test, y_train, y_test)
    with pytest.raises(ValueError, match="3 feature vectors but 2 labels"):
        train_test_split([[1], [2], [3]], [1, 2])
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\), got 1"):
        train_test_split(xs, ys, 1)


def test_read_csv_skips_a_header_and_blank_lines(tmp_path):
    """A header row and blank lines are skipped; the rest become floats."""
    path = tmp_path / "d.csv"
    path.write_text("x,y,label\n1,2.5,0\n\n-3e-2, 4 ,1\n", encoding="utf-8")
    assert read_csv(path) == [[1.0, 2.5, 0.0], [-0.03, 4.0, 1.0]]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1,2,0\n3,x,1\n", "line 2, column 2: expected a number, got 'x'"),
        ("1,2,0\n3,4\n", "line 2: expected 3 columns, got 2"),
        ("1,2,0\n3,nan,1\n", "line 2, column 2: expected a finite number"),
        ("a,b\n", "no rows of numbers"),
        ("", "no rows of numbers"),
        ("a,b\n1,b\n", "line 2, column 2: expected a number, got 'b'"),
        ('"multi\nline",b\n1,2\n1,x\n', "line 4, column 2"),
    ],
)
def test_read_csv_errors_name_the_line_and_column(tmp_path, text, match):
    """Bad cells, ragged rows and empty files raise DataFileError saying where."""
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=match):
        read_csv(path)


def test_read_csv_refuses_binary_files(tmp_path):
    """A file that is not UTF-8 text is a DataFileError, a missing one an OSError."""
    path = tmp_path / "d.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_csv(path)
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "missing.csv")
