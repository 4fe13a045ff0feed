"""W5: one training step of a character-level GPT (microgpt's model and size), four ways, each
in its own worker process, interleaved round by round; medians, ratios and tokens per second.

Run with ``python bench/bench_gpt.py`` (``--rounds``, ``--json``). Each round asks every
worker for one pass over the same 16 names (100 positions: tokens), alternating the order
of the workers from round to round, so all see the same machine conditions. The first pass
(which for the compiled variant traces and compiles each name length) is timed apart. The
losses of every step are compared across the variants. Nothing here is part of the test
suite: tests never time anything (tests/test_bench_gpt.py checks the workloads' numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VARIANTS = {
    "peer": "(c) microgpt's design (slotted Value, children + local-derivative tuples, recursive sort), "
    "(a)'s code",
    "binary": "(a) microgpt-style code (binary + * ** / exp log relu, sum) on this engine's Value",
    "modules": "(b) autograd.nn.GPT (dot, add_n), losses.cross_entropy_term, optim.Adam",
    "compiled": "(d) (b) through autograd.compile (autograd.text.SequenceLoss)",
}
TARGETS = {"binary": 4.0, "modules": 10.0, "compiled": 25.0}  # times faster than the peer


class Worker:
    """One variant in its own Python process, answering JSON requests line by line."""

    def __init__(self, variant: str, total_steps: int) -> None:
        self.variant = variant
        path = os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "gpt_workloads.py"), variant, str(total_steps)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=path),
        )

    def ask(self, **req: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.variant} worker exited")
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    sys.path.insert(0, str(HERE))
    import gpt_workloads as w

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--rounds", type=int, default=7, help="interleaved rounds after the first pass (default 7)"
    )
    ap.add_argument(
        "--gc-paused-rounds",
        type=int,
        default=3,
        help="further rounds with the cyclic garbage collector off during the steps (default 3)",
    )
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this path")
    args = ap.parse_args()
    cycle = len(w.NAMES)
    total = cycle * (args.rounds + 1 + args.gc_paused_rounds)
    workers = [Worker(v, total) for v in VARIANTS]
    print(f"machine: {machine()}")
    print(
        f"W5: GPT {w.CONFIG}, one name per step, {cycle} names ({sum(len(n) + 1 for n in w.NAMES)} "
        f"tokens) per pass, {args.rounds} interleaved rounds after a first pass\n"
    )
    passes: dict[str, list[float]] = {v: [] for v in VARIANTS}
    gc_share: dict[str, list[float]] = {v: [] for v in VARIANTS}
    losses: dict[str, list[float]] = {v: [] for v in VARIANTS}
    phases: dict[str, list[list[float]]] = {v: [] for v in VARIANTS}
    paused: dict[str, list[float]] = {v: [] for v in VARIANTS}
    first: dict[str, float] = {}
    tokens = 0
    for r in range(args.rounds + 1 + args.gc_paused_rounds):
        order = workers if r % 2 == 0 else workers[::-1]
        for worker in order:
            reply = worker.ask(steps=cycle, gc_paused=r > args.rounds)
            v = worker.variant
            seconds = sum(reply["times"])
            losses[v].extend(reply["losses"])
            if r == 0:
                first[v] = seconds
                tokens = sum(reply["tokens"])
                continue
            if r > args.rounds:
                paused[v].append(seconds)
                continue
            passes[v].append(seconds)
            gc_share[v].append(reply["gc_time"] / seconds)
            phases[v].extend(reply.get("phases", []))
    for worker in workers:
        worker.close()

    med = {v: statistics.median(t) for v, t in passes.items()}
    peer = med["peer"]
    print("| variant | median s per pass | ms per step | tokens/s | speed-up vs (c) | target | in the GC |")
    print("|---|---|---|---|---|---|---|")
    for v, what in VARIANTS.items():
        target = TARGETS.get(v)
        ratio = peer / med[v]
        verdict = "" if target is None else f">= {target:g}x: {'met' if ratio >= target else 'MISSED'}"
        print(
            f"| {what} | {med[v]:.3f} | {1e3 * med[v] / cycle:.1f} | {tokens / med[v]:,.0f} | "
            f"{ratio:.1f}x | {verdict} | {100 * statistics.median(gc_share[v]):.0f}% |"
        )
    if args.gc_paused_rounds:
        pmed = {v: statistics.median(t) for v, t in paused.items()}
        print(
            f"\nwith the cyclic garbage collector off during the steps ({args.gc_paused_rounds} more rounds; "
            "it runs after each pass, untimed):"
        )
        print("| variant | median s per pass | tokens/s | speed-up vs (c) |")
        print("|---|---|---|---|")
        for v in VARIANTS:
            print(f"| {v} | {pmed[v]:.3f} | {tokens / pmed[v]:,.0f} | {pmed['peer'] / pmed[v]:.1f}x |")
    print(
        "\nfirst pass (s): "
        + ", ".join(f"{v} {first[v]:.2f}" for v in VARIANTS)
        + f"; the compiled variant's first pass traces and compiles each of the "
        f"{len({len(n) for n in w.NAMES})} name lengths: {first['compiled'] - med['compiled']:.2f} s "
        "more than a later pass"
    )
    ref = losses["peer"]
    print(
        f"losses over {len(ref)} steps, largest relative difference from (c)'s: "
        + ", ".join(
            f"{v} {max(abs(a - b) / abs(b) for a, b in zip(losses[v], ref)):.1e}"
            for v in VARIANTS
            if v != "peer"
        )
        + f"; first loss {ref[0]!r}, last {ref[-1]!r}"
    )
    split: dict[str, dict[str, float]] = {}
    for v in ("binary", "peer"):
        per_pass = [sum(p[k] for p in phases[v][: args.rounds * cycle]) / args.rounds for k in range(4)]
        split[v] = dict(zip(("forward", "backward", "update", "free"), per_pass))
    print("\nwhere (a) and (c) spend a pass (s, mean over the rounds):")
    print("| variant | forward | backward | Adam update (plain floats) | freeing the graph |")
    print("|---|---|---|---|---|")
    for v in ("binary", "peer"):
        s = split[v]
        print(f"| {v} | {s['forward']:.3f} | {s['backward']:.3f} | {s['update']:.3f} | {s['free']:.3f} |")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "median_pass_s": med,
                    "first_pass_s": first,
                    "tokens_per_pass": tokens,
                    "gc_share": {v: statistics.median(g) for v, g in gc_share.items()},
                    "gc_paused_pass_s": {v: statistics.median(t) for v, t in paused.items() if t},
                    "split": split,
                    "losses": losses,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
