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
from typing import Any


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


def autograd_cli_without(
    missing: Sequence[str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh interpreter as if the parts in ``missing`` were not
    installed: Python modules (``"matplotlib"``, ``"tqdm"``) are blocked in sys.modules,
    ``"dot"`` leaves PATH without Graphviz's dot (an empty folder)."""
    import os
    import tempfile

    blocked = [m for m in missing if m != "dot"]
    code = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None\n"
        "from autograd.cli import main\n"
        f"sys.exit(main({list(args)!r}))\n"
    )
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty:
        if "dot" in missing:
            env["PATH"] = empty
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, check=False
        )


def write_csv(path: Path, rows: Sequence[Sequence[float]], header: str | None = "x1,x2,label") -> Path:
    """Write rows of numbers as a CSV file (with a header line unless None)."""
    lines = ([header] if header else []) + [",".join(repr(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def torch_op(ins: Any, args: list[Any]) -> Any:
    """One Expression instruction on float64 tensors, with PyTorch's own functions."""
    import torch

    op, cs = ins.op, ins.constants
    if op == "add":
        return args[0] + (cs[0] if cs else args[1])
    if op == "mul":
        return args[0] * (cs[0] if cs else args[1])
    if op == "pow":
        return args[0] ** cs[0]
    if op == "vpow":
        return args[0] ** args[1]
    if op == "add_n":
        return torch.stack(args).sum()
    if op == "dot":
        half = len(args) // 2
        return torch.dot(torch.stack(args[:half]), torch.stack(args[half:]))
    if op == "div":
        return args[0] / (cs[0] if cs else args[1])
    if op in ("maximum", "minimum"):
        other = torch.tensor(cs[0], dtype=torch.float64) if cs else args[1]
        return getattr(torch, op)(args[0], other)
    if op == "clamp":
        return torch.clamp(args[0], cs[0], cs[1])
    if op == "softplus":  # torch's softplus is linear past a threshold; this is the exact formula
        return torch.logaddexp(args[0], torch.zeros((), dtype=torch.float64))
    return getattr(torch, op)(args[0])  # exp, log, reciprocal, relu, tanh, sigmoid, sqrt, sin ...
