"""Argument types and path checks shared by the ``demo``, ``train`` and ``predict`` commands.

The types are argparse ``type=`` functions: they raise ``argparse.ArgumentTypeError``, which
argparse reports as ``autograd CMD: error: argument --OPTION: ...`` with exit status 2. The
path checks raise :class:`UsageError` naming the option.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from autograd.errors import UsageError

__all__ = [
    "positive_int",
    "sample_count",
    "integer",
    "number_in",
    "hidden_sizes",
    "check_output_folder",
    "check_writable_target",
]


def positive_int(text: str) -> int:
    """An integer >= 1 (steps, epochs, batch sizes)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return n


def sample_count(text: str) -> int:
    """A number of samples to generate: an integer >= 2."""
    n = positive_int(text)
    if n < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 samples, got {text!r}")
    return n


def integer(text: str) -> int:
    """Any integer (seeds)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def number_in(
    low: float, high: float, *, low_open: bool = False, high_open: bool = True
) -> Callable[[str], float]:
    """A type for finite numbers in [low, high) (each end closed or open as asked)."""

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


def hidden_sizes(text: str) -> list[int]:
    """Comma-separated positive layer sizes such as ``16,16`` (empty: no hidden layer)."""
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


def check_output_folder(out: Path) -> Path:
    """Create the folder ``out`` if needed; UsageError (naming --out) if it cannot be one."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {str(out)!r} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out: cannot create the folder {str(out)!r}: {error.strerror}") from None
    return out


def check_writable_target(path: Path, option: str) -> Path:
    """UsageError naming ``option`` unless ``path`` is a file name in an existing folder."""
    if path.is_dir():
        raise UsageError(f"{option}: {str(path)!r} is a folder; expected a file name")
    if not path.parent.is_dir():
        raise UsageError(f"{option}: the folder {str(path.parent)!r} does not exist")
    return path
