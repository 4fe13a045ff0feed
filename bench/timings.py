"""The wall-clock times the documentation quotes for the command line, measured here.

Each command runs as its own process from a fresh temporary folder, ``--runs`` times
(commands alternating, so a slow moment of the machine falls on all of them), and the table
gives the median and the range with the date and the machine. Run it on a quiet machine:

    .venv/bin/python bench/timings.py            # 3 runs of each command
    .venv/bin/python bench/timings.py --runs 1 --only demo

The docs (docs/guide/cli.md, docs/guide/transformers.md) cite its output; re-run it and
update them when the code they time changes.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import machine

# the console script next to this Python (what users run), as a process of its own
AUTOGRAD = [str(Path(sys.executable).with_name("autograd"))]
COMMANDS: dict[str, list[str]] = {
    "demo": ["demo", "--no-progress"],
    "demo --no-compile": ["demo", "--no-progress", "--no-compile"],
    "train digits": ["train", "--data", "digits", "--hidden", "32", "--epochs", "10", "--no-progress"],
    "train digits --compile": [
        "train", "--data", "digits", "--hidden", "32", "--epochs", "10", "--no-progress", "--compile",
    ],
    "demo gpt": ["demo", "gpt", "--no-progress"],
}


def run(args: list[str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        proc = subprocess.run(AUTOGRAD + args, cwd=folder, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"autograd {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--only", action="append", choices=sorted(COMMANDS), help="time only these")
    options = parser.parse_args(argv)
    names = options.only or list(COMMANDS)
    times: dict[str, list[float]] = {name: [] for name in names}
    last: dict[str, str] = {}
    for _ in range(options.runs):
        for name in names:
            elapsed, last[name] = run(COMMANDS[name])
            times[name].append(elapsed)
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {machine()}")
    print(f"runs: {options.runs} of each command, alternating; wall clock of the whole process\n")
    print("| command | median (s) | range (s) |\n|---|---|---|")
    for name in names:
        t = times[name]
        command = " ".join(COMMANDS[name])
        print(f"| `autograd {command}` | {statistics.median(t):.1f} | {min(t):.1f}-{max(t):.1f} |")
    for name in names:
        print(f"\nlast output of autograd {' '.join(COMMANDS[name])}:\n{last[name].rstrip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
