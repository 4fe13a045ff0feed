"""The cost of the functional transforms against one gradient, on a function of 50 inputs.

    python bench/bench_transforms.py [--n 50] [--rounds 15]

The function is a small network-like scalar: sum_i tanh(x_i * x_{i+1}) + (sum_i x_i)^2 / n +
sum_i exp(-x_i^2), about 8 nodes per input. Timed, interleaved round by round (the order
flips every round), medians: value_and_grad (one reverse pass), hvp (the gradient recorded
with create_graph plus one forward pass along v), jvp (one forward pass), and the full
hessian (n forward passes over the recorded gradient). Printed: medians and each one's
ratio to one gradient. Run by hand; the tests never time anything.
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd


def make(n: int):  # type: ignore[no-untyped-def]
    def f(*xs):  # type: ignore[no-untyped-def]
        pairs = autograd.add_n([(a * b).tanh() for a, b in itertools.pairwise(xs)])
        total = autograd.add_n(list(xs))
        bumps = autograd.add_n([(-(x * x)).exp() for x in xs])
        return pairs + total * total / n + bumps

    return f


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=50, help="inputs (default 50)")
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    args = ap.parse_args()
    n = args.n
    rng = random.Random(0)
    x = [rng.uniform(-1, 1) for _ in range(n)]
    v = [rng.uniform(-1, 1) for _ in range(n)]
    f = make(n)
    vg = autograd.value_and_grad(f)
    jobs = {
        "value_and_grad": lambda: vg(*x),
        "jvp": lambda: autograd.jvp(f, x, v),
        "hvp": lambda: autograd.hvp(f, x, v),
        "hessian": lambda: autograd.hessian(f, x),
    }
    h = autograd.hessian(f, x)  # the check: hvp is the Hessian times v
    hv = autograd.hvp(f, x, v)
    worst = max(abs(a - sum(hij * vj for hij, vj in zip(row, v))) for a, row in zip(hv, h))
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for r in range(args.rounds):
        for name in (list(jobs) if r % 2 == 0 else list(jobs)[::-1]):
            t0 = time.perf_counter()
            jobs[name]()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(t) for k, t in times.items()}
    nodes = len(autograd.topological_order(f(*[autograd.Value(a) for a in x])))
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"f of {n} inputs, {nodes} nodes; {args.rounds} interleaved rounds; |hvp - H v| max {worst:.1e}\n")
    print("| transform | median ms | / value_and_grad |")
    print("|---|---|---|")
    for name, m in med.items():
        print(f"| {name} | {m * 1e3:.2f} | {m / med['value_and_grad']:.2f} |")
    assert math.isfinite(worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
