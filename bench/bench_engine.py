"""Benchmark this engine against micrograd==0.1.0, each in its own worker process.

Run with ``make bench`` (installs the bench extra) or ``python bench/bench_engine.py``.
The driver sends the workloads of workloads.py to one worker per engine, alternating the
engines call by call (interleaved rounds), then prints medians, ratios and the targets of
the core engine issue. Nothing here is part of the test suite: tests never time anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class Worker:
    """One engine in its own Python process, answering JSON requests line by line."""

    def __init__(self, engine: str, *, label: str | None = None, root: Path | None = None) -> None:
        self.engine = label or engine
        path = os.pathsep.join([str(root or HERE.parent), os.environ.get("PYTHONPATH", "")])
        env = dict(os.environ, PYTHONPATH=path)
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "workloads.py"), engine],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def ask(self, **req: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.engine} worker exited (request {req})")
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds for W1 (default 7)")
    ap.add_argument("--steps", type=int, default=3, help="back-to-back W1 steps per round (default 3)")
    ap.add_argument("--depths", default="100000,1000000", help="W2 depths, comma-separated")
    ap.add_argument("--w2-repeats", type=int, default=5, help="W2 runs per depth (default 5)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this path")
    ap.add_argument(
        "--baseline",
        metavar="GIT_REF",
        help="instead: compare this engine with the package of commit GIT_REF (same workloads, "
        "W1 and W2, interleaved) in --pairs fresh pairs of worker processes",
    )
    ap.add_argument("--pairs", type=int, default=5, help="worker pairs for --baseline (default 5)")
    args = ap.parse_args()
    if args.baseline:
        return compare(args)

    have_micrograd = importlib.util.find_spec("micrograd") is not None
    if not have_micrograd:
        print(
            "micrograd is not installed (pip install micrograd==0.1.0, or `make bench`): "
            "running this engine alone, no ratios.",
            file=sys.stderr,
        )
    have_torch = importlib.util.find_spec("torch") is not None
    have_numpy = importlib.util.find_spec("numpy") is not None
    if not have_torch:
        print("torch is not installed (pip install torch==2.13.0): no batched-tensor peer.", file=sys.stderr)
    ours = Worker("autograd")
    peer = Worker("micrograd") if have_micrograd else None
    floats = Worker("floats")
    tensors = Worker("torch") if have_torch else None
    results: dict[str, Any] = {"machine": machine()}
    print(f"machine: {results['machine']}\n")

    # ---------------------------------------------------------------- W1
    jobs = [(ours, "binary"), (ours, "dot"), (ours, "compiled"), (floats, "forward")]
    jobs += [(peer, "binary")] if peer else []
    jobs += [(ours, "batched")] if have_numpy else []
    jobs += [(tensors, "tensors")] if tensors else []
    times: dict[str, list[float]] = {}
    first_loss: dict[str, float] = {}
    first_time: dict[str, float] = {}
    for worker, style in jobs:  # warm-up step, also the first loss (same weights everywhere)
        reply = worker.ask(kind="w1", style=style, steps=1)  # type: ignore[union-attr]
        first_loss[f"{worker.engine}/{style}"] = reply["losses"][0]  # type: ignore[union-attr]
        first_time[f"{worker.engine}/{style}"] = reply["times"][0]  # type: ignore[union-attr]
    for r in range(args.rounds):
        for worker, style in jobs if r % 2 == 0 else jobs[::-1]:
            reply = worker.ask(kind="w1", style=style, steps=args.steps)  # type: ignore[union-attr]
            times.setdefault(f"{worker.engine}/{style}", []).extend(reply["times"])  # type: ignore[union-attr]
    med = {k: statistics.median(v) for k, v in times.items()}
    results["w1_median_s"] = med
    results["w1_first_loss"] = first_loss
    base = med.get("micrograd/binary")
    print(f"W1: micrograd's demo step, {args.rounds} interleaved rounds x {args.steps} steps back to back")
    print("| engine | neuron built with | median ms/step | speed-up vs micrograd | first loss |")
    print("|---|---|---|---|---|")
    labels = {
        "binary": "binary `*` and `+`",
        "dot": "`dot` + `add_n`",
        "compiled": "`dot` + `add_n`, `autograd.compile`",
        "batched": "`autograd.compile(...).batch` over NumPy arrays",
        "forward": "plain floats, forward only",
        "tensors": "batched float64 tensors",
    }
    for key, m in med.items():
        engine, style = key.split("/")
        ratio = f"{base / m:.1f}x" if base else "n/a"
        print(f"| {engine} | {labels[style]} | {m * 1e3:.2f} | {ratio} | {first_loss[key]!r} |")
    results["w1_first_step_s"] = first_time
    print(f"first compiled step (trace + code generation + compile): {first_time['autograd/compiled']:.2f} s")
    if have_numpy:
        print(
            f"first batched step (trace + code generation + compile): {first_time['autograd/batched']:.2f} s"
        )

    # ---------------------------------------------------------------- W2
    depths = [int(d) for d in args.depths.split(",")]
    w2: dict[str, list[float]] = {}
    w2_gc: dict[str, list[float]] = {}
    w2_paused: dict[str, list[float]] = {}
    w2_floor: dict[str, list[float]] = {}
    floor = Worker("floor")
    for rep in range(args.w2_repeats):
        for d in depths if rep % 2 == 0 else depths[::-1]:
            reply = ours.ask(kind="w2", depth=d)
            w2.setdefault(str(d), []).append(reply["time"])
            w2_gc.setdefault(str(d), []).append(reply["gc_time"])
            reply = ours.ask(kind="w2", depth=d, gc_paused=True)
            w2_paused.setdefault(str(d), []).append(reply["time"])
            reply = floor.ask(kind="w2", depth=d)
            w2_floor.setdefault(str(d), []).append(reply["time"])
    peer_w2: dict[int, str] = {}
    for d in depths if peer else []:  # once: it fails, and then holds its memory no longer
        answer = peer.ask(kind="w2", depth=d)  # type: ignore[union-attr]
        peer_w2[d] = answer.get("error", f"{answer.get('time', 0):.3f} s")
    w2_med = {d: statistics.median(v) for d, v in w2.items()}
    gc_med = {d: statistics.median(v) for d, v in w2_gc.items()}
    paused_med = {d: statistics.median(v) for d, v in w2_paused.items()}
    floor_med = {d: statistics.median(v) for d, v in w2_floor.items()}
    floor.close()
    results["w2_median_s"] = w2_med
    results["w2_gc_median_s"] = gc_med
    results["w2_gc_paused_median_s"] = paused_med
    results["w2_floor_median_s"] = floor_med
    print(
        f"\nW2: chain y = y*0.999 + x*0.001, forward + backward, default recursion limit, "
        f"{args.w2_repeats} runs per depth"
    )
    print(
        "| depth | this engine (median s) | of which cyclic GC (s) | with the GC paused (s) "
        "| bare objects, same graph (s) | micrograd |"
    )
    print("|---|---|---|---|---|---|")
    for d in depths:
        k = str(d)
        print(
            f"| {d:,} | {w2_med[k]:.3f} | {gc_med[k]:.3f} | {paused_med[k]:.3f} | {floor_med[k]:.3f} | "
            f"{peer_w2.get(d, 'not run')[:60]} |"
        )
    growth = None
    if len(depths) >= 2:
        lo, hi = str(depths[0]), str(depths[-1])
        growth = w2_med[hi] / w2_med[lo]
        print(
            f"time at {depths[-1]:,} / time at {depths[0]:,}: {growth:.2f}x "
            f"(depth ratio {depths[-1] // depths[0]}x); with the GC paused: "
            f"{paused_med[hi] / paused_med[lo]:.2f}x; bare objects (CPython's floor for one "
            f"object per node): {floor_med[hi] / floor_med[lo]:.2f}x"
        )

    # ---------------------------------------------------------------- W3
    mem_depth = depths[0]
    w3 = {"autograd": ours.ask(kind="w3", depth=mem_depth)}
    if peer:
        w3["micrograd"] = peer.ask(kind="w3", depth=mem_depth)
    results["w3"] = w3
    print(
        f"\nW3: memory of W2's graph at depth {mem_depth:,} (tracemalloc; micrograd makes its "
        "constants Values, this engine keeps them on the node)"
    )
    print("| engine | Values in the graph | bytes per Value | bytes per chain step |")
    print("|---|---|---|---|")
    for engine, r in w3.items():
        print(f"| {engine} | {r['values']:,} | {r['bytes_per_value']:.1f} | {r['bytes'] / mem_depth:.0f} |")

    # ---------------------------------------------------------------- targets
    print("\nTargets (core engine issue):")
    checks = []
    if base:
        checks.append(("W1(a) binary >= 8x faster than micrograd", base / med["autograd/binary"], 8, ">="))
        checks.append(("W1(b) dot >= 20x faster than micrograd", base / med["autograd/dot"], 20, ">="))
        checks.append(("W1 compiled >= 75x faster than micrograd", base / med["autograd/compiled"], 75, ">="))
    checks.append(
        (
            "W1 compiled step <= 4x the forward on plain floats",
            med["autograd/compiled"] / med["floats/forward"],
            4,
            "<=",
        )
    )
    if tensors and have_numpy:
        checks.append(
            (
                "W1 batched replay <= 4x PyTorch on batched tensors",
                med["autograd/batched"] / med["torch/tensors"],
                4,
                "<=",
            )
        )
    if growth is not None:
        checks.append((f"W2 time({depths[-1]:,}) <= 12x time({depths[0]:,})", growth, 12, "<="))
    checks.append(("W3 <= 120 bytes per Value", w3["autograd"]["bytes_per_value"], 120, "<="))
    for name, got, target, how in checks:
        ok = got >= target if how == ">=" else got <= target
        print(f"  {'met   ' if ok else 'MISSED'} {name}: measured {got:.2f}")
    results["targets"] = [(n, g, t, h) for n, g, t, h in checks]

    ours.close()
    floats.close()
    for w in (peer, tensors):
        if w:
            w.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def compare(args: argparse.Namespace) -> int:
    """``--baseline REF``: this engine against the package of another commit, same workloads.

    A worker process's speed varies from one process to the next by more than the
    differences this measures (memory layout, where the allocator puts the nodes), so the
    comparison starts ``--pairs`` fresh pairs of workers (current, baseline) one after the
    other; each pair runs W1's four autograd styles for ``--rounds`` interleaved rounds and W2
    with and without the GC. Printed: the medians per pair and the median over the pairs of
    each ratio current / baseline (below 1: the current code is faster).
    """
    root = Path(tempfile.mkdtemp(prefix="autograd-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", args.baseline, "autograd"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    ref = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", args.baseline],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    styles = ["binary", "dot", "compiled"]
    styles += ["batched"] if importlib.util.find_spec("numpy") else []
    depths = [int(d) for d in args.depths.split(",")]
    print(f"machine: {machine()}")
    print(
        f"current tree against baseline {ref}: {args.pairs} pairs of fresh workers, W1 {args.rounds} "
        f"interleaved rounds x {args.steps} steps per pair, W2 {args.w2_repeats} runs per depth per pair\n"
    )
    rows: dict[str, list[tuple[float, float]]] = {}
    for pair in range(args.pairs):
        workers = [Worker("autograd", label="current"), Worker("autograd", label="baseline", root=root)]
        if pair % 2:
            workers.reverse()  # neither is always the first process started
        times: dict[tuple[str, str], list[float]] = {}
        for w in workers:
            for style in styles:  # warm-up: the first compiled/batched step traces
                w.ask(kind="w1", style=style, steps=1)
        for r in range(args.rounds):
            order = [(w, s) for s in styles for w in workers]
            for w, style in order if r % 2 == 0 else order[::-1]:
                reply = w.ask(kind="w1", style=style, steps=args.steps)
                times.setdefault((w.engine, f"W1 {style}"), []).extend(reply["times"])
        for rep in range(args.w2_repeats):
            for d in depths:
                for paused in (False, True):
                    for w in workers if rep % 2 == 0 else workers[::-1]:
                        reply = w.ask(kind="w2", depth=d, gc_paused=paused)
                        key = f"W2 {d:,}{' GC paused' if paused else ''}"
                        times.setdefault((w.engine, key), []).append(reply["time"])
        for w in workers:
            w.close()
        for key in dict.fromkeys(k for _, k in times):
            new = statistics.median(times[("current", key)])
            old = statistics.median(times[("baseline", key)])
            rows.setdefault(key, []).append((new, old))
        print(
            f"pair {pair + 1}: " + ", ".join(f"{k} {v[-1][0] / v[-1][1]:.3f}" for k, v in rows.items()),
            flush=True,
        )
    print(
        "\n| workload | current median (per pair) | baseline median (per pair) | current / baseline, "
        "median over pairs |"
    )
    print("|---|---|---|---|")
    for key, pairs in rows.items():
        unit, scale = ("ms", 1e3) if key.startswith("W1") else ("s", 1.0)
        new = ", ".join(f"{n * scale:.3g}" for n, _ in pairs)
        old = ", ".join(f"{o * scale:.3g}" for _, o in pairs)
        ratio = statistics.median(n / o for n, o in pairs)
        print(f"| {key} | {new} {unit} | {old} {unit} | {ratio:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
