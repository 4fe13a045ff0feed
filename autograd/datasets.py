"""Small data sets for trying networks: two moons, two circles, 8x8 digits, and CSV files.

``make_moons`` and ``make_circles`` build the same shapes as scikit-learn's functions of the
same names in pure Python: deterministic for a given seed, with no dependency (the points
are not bit-identical to scikit-learn's, whose generator differs). Features are lists of
floats, labels lists of ints (0 and 1).

>>> from autograd.datasets import make_moons
>>> X, y = make_moons(6, noise=0.0, seed=0, shuffle=False)
>>> [[round(a, 3), round(b, 3)] for a, b in X[:3]], y
([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], [0, 0, 0, 1, 1, 1])

``load_digits`` needs scikit-learn (``pip install 'scalar-autograd[datasets]'``), which
ships the digits in its package: no download.
"""

from __future__ import annotations

import csv
import math
import os
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from autograd.errors import DataFileError, MissingDependencyError

__all__ = [
    "make_moons",
    "make_circles",
    "load_digits",
    "read_csv",
    "train_test_split",
    "DataFileError",
    "MissingDependencyError",
]

T = TypeVar("T")
U = TypeVar("U")

DATASETS_EXTRA = "pip install 'scalar-autograd[datasets]'"


def _rng(seed: object, what: str) -> random.Random:
    if seed is None:
        return random.Random()
    if isinstance(seed, random.Random):
        return seed
    if type(seed) is int:
        return random.Random(seed)
    raise TypeError(f"{what}: seed must be an int, a random.Random or None, got {type(seed).__name__}")


def _check_n(n: object, what: str) -> int:
    if type(n) is not int or n < 2:
        raise ValueError(f"{what}: n must be an int >= 2, got {n!r:.80}")
    return n


def _check_noise(noise: object, what: str) -> float:
    if not isinstance(noise, (int, float)) or isinstance(noise, bool) or not 0 <= noise < math.inf:
        raise ValueError(f"{what}: noise must be a finite number >= 0, got {noise!r:.80}")
    return float(noise)


def _finish(
    points: list[list[float]], labels: list[int], noise: float, shuffle: bool, rng: random.Random
) -> tuple[list[list[float]], list[int]]:
    """Shuffle the points (with their labels), then add Gaussian noise, as scikit-learn."""
    order = list(range(len(points)))
    if shuffle:
        rng.shuffle(order)
    xs = [points[i] for i in order]
    ys = [labels[i] for i in order]
    if noise:
        xs = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in xs]
    return xs, ys


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n == 1:
        return [start]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def make_moons(
    n: int = 100, noise: float = 0.0, seed: int | random.Random | None = None, *, shuffle: bool = True
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles in 2-D: ``(X, y)`` with ``n`` points, labels 0 and 1.

    The upper moon (label 0) is the half circle of radius 1 around (0, 0); the lower one
    (label 1) is shifted to (1, 0.5) and turned over. ``noise`` is the standard deviation of
    the Gaussian noise added to each coordinate. The same ``seed`` gives the same points.
    """
    n = _check_n(n, "make_moons")
    noise = _check_noise(noise, "make_moons")
    rng = _rng(seed, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    inner = [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise, shuffle, rng)


def make_circles(
    n: int = 100,
    noise: float = 0.0,
    seed: int | random.Random | None = None,
    *,
    factor: float = 0.8,
    shuffle: bool = True,
) -> tuple[list[list[float]], list[int]]:
    """A circle inside another in 2-D: ``(X, y)``, label 0 on the outer circle (radius 1) and
    1 on the inner one (radius ``factor``, between 0 and 1)."""
    n = _check_n(n, "make_circles")
    noise = _check_noise(noise, "make_circles")
    if type(factor) not in (int, float) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be a number in [0, 1), got {factor!r:.80}")
    rng = _rng(seed, "make_circles")
    n_out = n // 2
    n_in = n - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)]
    inner = [
        [factor * math.cos(t), factor * math.sin(t)]
        for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)
    ]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise, shuffle, rng)


def load_digits(*, scale: bool = True) -> tuple[list[list[float]], list[int]]:
    """scikit-learn's 1797 handwritten digits: 64 pixel values per 8x8 image, labels 0-9.

    With ``scale`` (the default) pixels are divided by 16, so they lie in [0, 1]. Needs
    scikit-learn (``pip install 'scalar-autograd[datasets]'``); raises MissingDependencyError
    (an ImportError) saying so when it is missing.
    """
    try:
        from sklearn.datasets import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
            load_digits as sklearn_digits,
        )
    except ImportError:
        raise MissingDependencyError(
            f"load_digits needs scikit-learn, which is not installed: {DATASETS_EXTRA}"
        ) from None
    bunch: Any = sklearn_digits()
    div = 16.0 if scale else 1.0
    images = [[float(v) / div for v in row] for row in bunch.data]
    return images, [int(t) for t in bunch.target]


def train_test_split(
    features: Sequence[T],
    labels: Sequence[U],
    test_fraction: float = 0.25,
    seed: int | random.Random | None = None,
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Shuffle the samples and split them: ``(train_features, test_features, train_labels,
    test_labels)``, in scikit-learn's order.

    The test part has ``round(test_fraction * n)`` samples (at least 1 and at most n - 1).
    """
    n = len(features)
    if n != len(labels):
        raise ValueError(f"train_test_split: got {n} feature vectors but {len(labels)} labels")
    if n < 2:
        raise ValueError(f"train_test_split: expected at least 2 samples, got {n}")
    if type(test_fraction) not in (int, float) or not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be in (0, 1), got {test_fraction!r:.80}")
    rng = _rng(seed, "train_test_split")
    order = list(range(n))
    rng.shuffle(order)
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    test, train = order[:n_test], order[n_test:]
    return (
        [features[i] for i in train],
        [features[i] for i in test],
        [labels[i] for i in train],
        [labels[i] for i in test],
    )


def _number(cell: str, path: object, line: int, column: int) -> float:
    try:
        x = float(cell)
    except ValueError:
        raise DataFileError(
            f"{path}: line {line}, column {column}: expected a number, got {cell.strip()!r:.40}"
        ) from None
    if not math.isfinite(x):
        raise DataFileError(
            f"{path}: line {line}, column {column}: expected a finite number, got {cell.strip()!r:.40}"
        )
    return x


def read_csv(path: str | os.PathLike[str]) -> list[list[float]]:
    """The rows of a CSV file of numbers, as lists of floats.

    A first row that is not all numbers is taken as a header and skipped; blank lines are
    skipped. Every row must have the same number of columns. Raises DataFileError naming the
    line and column of the first bad cell, OSError when the file cannot be read.
    """
    rows: list[list[float]] = []
    width = 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:  # -sig: drop a BOM
            reader = csv.reader(handle)
            for cells in reader:
                line = reader.line_num
                if not cells or all(not c.strip() for c in cells):
                    continue
                if not rows and width == 0:
                    width = len(cells)
                    try:
                        [float(c) for c in cells]
                    except ValueError:
                        continue  # a header
                if len(cells) != width:
                    raise DataFileError(f"{path}: line {line}: expected {width} columns, got {len(cells)}")
                rows.append([_number(c, path, line, i + 1) for i, c in enumerate(cells)])
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a text file (not UTF-8)") from None
    except csv.Error as error:
        raise DataFileError(f"{path}: not a CSV file ({error})") from None
    if not rows:
        raise DataFileError(f"{path}: no rows of numbers")
    return rows
