"""Helpers shared by the tests: a finite difference, a closeness check, a fresh interpreter,
the command line in a subprocess, and CSV files.

Random expression graphs come from the library's own strategies
(``autograd.testing.strategies.expressions``), and gradient checks from ``autograd.testing``.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def central_difference(f: Callable[[list[float]], float], xs: Sequence[float], i: int) -> float:
    """d f / d xs[i] by a central difference with a step scaled to the operand."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (up[i] - down[i])


def assert_close(actual: float, expected: float, *, rel: float = 1e-5, abs_: float = 1e-6) -> None:
    assert math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_), (actual, expected)


def run_python(code: str, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python interpreter (this one's), capturing its output as text."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)


def autograd_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m autograd ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "autograd", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def write_csv(path: Path, rows: Sequence[Sequence[float]], header: str | None = "x1,x2,label") -> Path:
    """Write rows of numbers as a CSV file (with a header line unless None)."""
    lines = ([header] if header else []) + [",".join(repr(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

