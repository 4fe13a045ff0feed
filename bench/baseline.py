"""Another commit's ``autograd`` package, exported into a temporary folder, so a benchmark can
run it beside this checkout's (bench_engine.py --baseline, instructions.py)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def export(ref: str) -> tuple[Path, str]:
    """The folder holding commit ``ref``'s ``autograd/`` (put it on PYTHONPATH), and its short hash."""
    root = Path(tempfile.mkdtemp(prefix="autograd-baseline-"))
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", ref, "autograd"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    short = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", ref],
                           check=True, capture_output=True, text=True).stdout.strip()
    return root, short
