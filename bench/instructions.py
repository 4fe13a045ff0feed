"""Instructions per W1 step and per W2 run, counted by valgrind's callgrind: this tree's
package against another commit's, on the same workloads (workloads.py).

Wall-clock medians of two worker processes running the same code differ by up to about 20%
on the 2-core VM this project is measured on (bench/README.md), which hides what a
refactoring of the core costs. Instruction counts are repeatable for the same interpreter
and input, so this script gives the deterministic side of that comparison. Each count is the
difference between a run of ``--steps + 1`` steps and a run of 1 step (imports, set-up and
the first, tracing step cancel out), divided by ``--steps``.

    python bench/instructions.py --baseline HEAD~1

Needs valgrind (``apt-get install valgrind``). Run by hand, never by the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

DRIVER = """
import sys, gc
sys.setrecursionlimit(1000)
sys.path.insert(0, {bench!r})
import workloads
kind, style, steps = {kind!r}, {style!r}, {steps}
if kind == "w1":
    job = workloads.W1_KINDS.get(style, workloads.W1)("autograd", style)
    for _ in range(steps):
        job.step()
else:
    for _ in range(steps):
        gc.collect()
        workloads.run_w2("autograd", {depth}, False)
"""


def count(root: Path, kind: str, style: str, steps: int, depth: int) -> int:
    """Instructions callgrind counts for the driver with ``steps`` steps, package at ``root``."""
    script = DRIVER.format(bench=str(HERE), kind=kind, style=style, steps=steps, depth=depth)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = dict(os.environ, PYTHONPATH=str(root), PYTHONHASHSEED="0")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"valgrind failed ({kind} {style}):\n{proc.stderr[-2000:]}")
        match = re.search(r"^summary: (\d+)", out.read_text(), re.MULTILINE)
        if not match:
            raise RuntimeError("no summary line in callgrind's output")
        return int(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", required=True, metavar="GIT_REF", help="the commit to compare with")
    ap.add_argument("--steps", type=int, default=3, help="measured W1 steps / W2 runs (default 3)")
    ap.add_argument("--styles", default="binary,dot,compiled,batched", help="W1 styles, comma-separated")
    ap.add_argument("--depth", type=int, default=20000, help="W2 depth (default 20000)")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="autograd-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", args.baseline, "autograd"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    ref = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", args.baseline],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    jobs = [("w1", s) for s in args.styles.split(",") if s] + [("w2", "chain")]
    print(f"instructions per step (callgrind), current tree against {ref}, {args.steps} measured steps\n")
    print("| workload | current | baseline | current / baseline |")
    print("|---|---|---|---|")
    for kind, style in jobs:
        per: list[float] = []
        for root in (HERE.parent, base):
            one = count(root, kind, style, 1, args.depth)
            more = count(root, kind, style, args.steps + 1, args.depth)
            per.append((more - one) / args.steps)
        name = f"W1 {style}" if kind == "w1" else f"W2 depth {args.depth:,}"
        print(f"| {name} | {per[0]:,.0f} | {per[1]:,.0f} | {per[0] / per[1]:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
