"""Benchmark workloads, run inside one worker process per engine (see bench_engine.py).

The worker reads one JSON request per line on stdin and answers one JSON line on stdout,
so the driver can interleave the engines call by call. Engines:

* ``autograd``: this package; ``micrograd``: micrograd==0.1.0 from PyPI; ``floats``: plain
  Python floats (W1's forward only); ``torch``: PyTorch 2.13 on batched tensors.

Workloads:

* ``w1``: micrograd's demo training step (MLP 2-16-16-1, 100 two-moons points, max-margin
  loss + 1e-4 L2), forward + zero_grad + backward + SGD update, steps run back to back so
  that freeing the previous step's graph (and the cyclic garbage collector) is paid inside
  the timing. ``style="binary"`` builds every neuron from binary ``*`` and ``+`` exactly as
  micrograd does; ``style="dot"`` uses ``autograd.dot`` for the weighted sums and
  ``autograd.add_n`` for the loss sums; ``style="compiled"`` runs that loss through
  ``autograd.compile`` and ``style="batched"`` replays the per-point loss over NumPy arrays
  of all points (``.batch``); engine ``floats`` style ``forward`` is the same forward on plain
  floats, engine ``torch`` style ``tensors`` the whole step on batched tensors.
* ``w2``: the chain ``y = y*0.999 + x*0.001`` of a given depth: forward + backward.
* ``w2`` with engine ``floor``: the same object graph from bare slotted objects, no
  arithmetic and no backward: the floor set by CPython for one object per node.
* ``w3``: bytes per Value of w2's graph, measured with tracemalloc.
"""

from __future__ import annotations

import gc
import itertools
import json
import math
import random
import sys
import time
import tracemalloc
from typing import Any


def two_moons(n: int, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles, labels +1 / -1 (deterministic, pure Python)."""
    rng = random.Random(seed)
    xs: list[list[float]] = []
    ys: list[float] = []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            xs.append([math.cos(t) + rng.gauss(0, noise), math.sin(t) + rng.gauss(0, noise)])
            ys.append(1.0)
        else:
            xs.append([1 - math.cos(t) + rng.gauss(0, noise), 0.5 - math.sin(t) + rng.gauss(0, noise)])
            ys.append(-1.0)
    return xs, ys


def initial_weights(sizes: list[int], seed: int = 1) -> list[tuple[list[list[float]], list[float]]]:
    """Per layer: a weight row per neuron and a bias per neuron (biases 0, as micrograd)."""
    rng = random.Random(seed)
    return [
        ([[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)], [0.0] * nout)
        for nin, nout in itertools.pairwise(sizes)
    ]


class MLP:
    """A micrograd-style MLP over any engine's Value class: relu hidden layers, linear output."""

    def __init__(
        self, value_cls: Any, weights: list[tuple[list[list[float]], list[float]]], dot: Any = None
    ) -> None:
        self.layers = [
            ([[value_cls(w) for w in row] for row in rows], [value_cls(b) for b in bs])
            for rows, bs in weights
        ]
        self.params = [p for rows, bs in self.layers for row, b in zip(rows, bs) for p in (*row, b)]
        self.dot = dot

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, (rows, bs) in enumerate(self.layers):
            if self.dot is None:  # exactly micrograd's Neuron.__call__
                acts = [sum((wi * xi for wi, xi in zip(row, x)), b) for row, b in zip(rows, bs)]
            else:
                acts = [self.dot(row, x) + b for row, b in zip(rows, bs)]
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]


class W1:
    """micrograd's demo step; ``step()`` returns the loss before the update."""

    def __init__(self, engine: str, style: str) -> None:
        if engine == "micrograd":
            from micrograd.engine import Value

            dot = add_n = None
        else:
            import autograd
            from autograd import Value

            dot = autograd.dot if style == "dot" else None
            add_n = autograd.add_n if style == "dot" else None
        self.value_cls = Value
        self.add_n = add_n
        self.dot = dot
        self.model = MLP(Value, initial_weights([2, 16, 16, 1]), dot)
        self.xs, self.ys = two_moons(100)

    def step(self) -> float:
        value = self.value_cls
        model = self.model
        inputs = [list(map(value, x)) for x in self.xs]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.ys, scores)]
        if self.dot is None:
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = 1e-4 * sum(p * p for p in model.params)
        else:
            data_loss = self.add_n(losses) * (1.0 / len(losses))
            reg_loss = 1e-4 * self.dot(model.params, model.params)
        total = data_loss + reg_loss
        for p in model.params:
            p.grad = 0.0
        total.backward()
        for p in model.params:
            p.data -= 0.05 * p.grad
        return float(total.data)


class W1Compiled:
    """W1 with the same dot-style loss, through ``autograd.compile``: the first step traces,
    later steps replay the generated code (zero_grad + replay + update are timed)."""

    def __init__(self, engine: str, style: str) -> None:
        import autograd
        from autograd import Value

        self.job = W1("autograd", "dot")
        model, xs, ys = self.job.model, self.job.xs, self.job.ys
        self.params = model.params

        def loss() -> Any:
            scores = [model(list(map(Value, x))) for x in xs]
            losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
            reg = 1e-4 * autograd.dot(model.params, model.params)
            return autograd.add_n(losses) * (1.0 / len(losses)) + reg

        self.compiled = autograd.compile(loss)

    def step(self) -> float:
        for p in self.params:
            p.grad = 0.0
        total = self.compiled()
        for p in self.params:
            p.data -= 0.05 * p.grad
        return total


class W1Batched:
    """W1 through ``autograd.compile(...).batch``: the per-point hinge loss replayed over
    NumPy arrays of all 100 points (gradient 1/100 each), plus the compiled L2 term."""

    def __init__(self, engine: str, style: str) -> None:
        import numpy as np

        import autograd

        self.job = W1("autograd", "dot")
        model = self.job.model
        self.params = model.params
        self.X = np.array(self.job.xs)
        self.Y = np.array(self.job.ys)
        self.point = autograd.compile(lambda x, y: (1 + -y * model(x)).relu())
        self.reg = autograd.compile(lambda: 1e-4 * autograd.dot(model.params, model.params))

    def step(self) -> float:
        for p in self.params:
            p.grad = 0.0
        n = len(self.Y)
        res = self.point.batch(self.X, self.Y, gradient=1.0 / n)
        total = float(res.values.sum()) * (1.0 / n) + self.reg()
        for p in self.params:
            p.data -= 0.05 * p.grad
        return total


class W1Floats:
    """The same forward (scores, hinge losses, mean, L2) written on plain Python floats, as
    a user would without an engine: no graph, no backward, no update."""

    def __init__(self, engine: str, style: str) -> None:
        self.layers = initial_weights([2, 16, 16, 1])
        self.params = [p for rows, bs in self.layers for row, b in zip(rows, bs) for p in (*row, b)]
        self.xs, self.ys = two_moons(100)

    def step(self) -> float:
        from operator import mul

        layers = self.layers
        last = len(layers) - 1
        losses = []
        for x, y in zip(self.xs, self.ys):
            h = x
            for i, (rows, bs) in enumerate(layers):
                h = [sum(map(mul, row, h)) + b for row, b in zip(rows, bs)]
                if i != last:
                    h = [a if a > 0 else 0.0 for a in h]
            m = 1 + -y * h[0]
            losses.append(m if m > 0 else 0.0)
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(map(mul, self.params, self.params))


class W1Torch:
    """W1 in PyTorch 2.13 on batched float64 tensors: the whole step as a user writes it."""

    def __init__(self, engine: str, style: str) -> None:
        import torch

        self.torch = torch
        xs, ys = two_moons(100)
        self.X = torch.tensor(xs, dtype=torch.float64)
        self.Y = torch.tensor(ys, dtype=torch.float64)
        self.params = []
        for rows, bs in initial_weights([2, 16, 16, 1]):
            self.params.append(torch.tensor(rows, dtype=torch.float64, requires_grad=True))
            self.params.append(torch.tensor(bs, dtype=torch.float64, requires_grad=True))

    def step(self) -> float:
        torch, ps = self.torch, self.params
        h = self.X
        for i in range(0, len(ps), 2):
            h = h @ ps[i].T + ps[i + 1]
            if i + 2 < len(ps):
                h = h.relu()
        data_loss = (1 - self.Y * h[:, 0]).relu().mean()
        total = data_loss + 1e-4 * sum((p * p).sum() for p in ps)
        for p in ps:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in ps:
                p -= 0.05 * p.grad
        return float(total.item())


W1_KINDS = {"compiled": W1Compiled, "batched": W1Batched, "forward": W1Floats, "tensors": W1Torch}


def chain(value_cls: Any, depth: int) -> tuple[Any, Any]:
    x = value_cls(0.5)
    y = x
    for _ in range(depth):
        y = y * 0.999 + x * 0.001
    return x, y


class BareNode:
    """A slotted object shaped like this engine's node, with no methods: for ``chain_floor``."""

    __slots__ = ("data", "grad", "_tag", "_a", "_b", "_da", "_db")


def chain_floor(depth: int) -> tuple[Any, Any]:
    """The object graph of ``chain`` built from bare slotted objects: three per step, with
    the same links and one float each, and no arithmetic rules, checks or backward. What
    any engine with one Python object per node pays at least, the cyclic GC included."""
    x = BareNode()
    x.data, x._a = 0.5, None
    y = x
    for _ in range(depth):
        a = BareNode()
        a.data, a._a, a._b = y.data * 0.999, y, 0.999
        b = BareNode()
        b.data, b._a, b._b = x.data * 0.001, x, 0.001
        c = BareNode()
        c.data, c._a, c._b = a.data + b.data, a, b
        y = c
    return x, y


def count_values(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        v = stack.pop()
        parents = v._prev if hasattr(v, "_prev") else v.parents
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def value_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        from autograd import Value
    return Value


def run_w2(engine: str, depth: int, gc_paused: bool) -> dict[str, Any]:
    """Forward + backward of the chain, timed; also the time spent in the cyclic GC.

    A full collection first (outside the timing) so that every run starts from the state of
    a fresh program: otherwise the collector's counts left by a previous, larger graph decide
    whether this run pays full collections. ``gc_paused`` turns the collector off for the
    timed part only: not what a user gets, but it shows the engine's own work apart from
    CPython's collector.
    """
    floor = engine == "floor"
    value = None if floor else value_class(engine)
    gc.collect()
    gc_time = [0.0]
    started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - started[0]

    gc.callbacks.append(on_gc)
    if gc_paused:
        gc.disable()
    try:
        t0 = time.perf_counter()
        x, y = chain_floor(depth) if floor else chain(value, depth)
        if not floor:
            y.backward()
        elapsed = time.perf_counter() - t0
    except RecursionError as exc:
        return {"error": f"RecursionError: {exc}"}
    finally:
        gc.enable()
        gc.callbacks.remove(on_gc)
    return {"time": elapsed, "gc_time": gc_time[0], "grad": None if floor else x.grad}


def main(engine: str) -> None:
    sys.setrecursionlimit(1000)  # the default: deep graphs must not need more
    w1: dict[str, W1] = {}
    for line in sys.stdin:
        req = json.loads(line)
        kind = req["kind"]
        out: dict[str, Any] = {}
        try:
            if kind == "w1":
                style = req["style"]
                if style not in w1:
                    w1[style] = W1_KINDS.get(style, W1)(engine, style)  # type: ignore[assignment]
                job = w1[style]
                times, losses = [], []
                for _ in range(req["steps"]):  # back to back, like a training loop
                    t0 = time.perf_counter()
                    losses.append(job.step())
                    times.append(time.perf_counter() - t0)
                out = {"times": times, "losses": losses}
            elif kind == "w2":
                out = run_w2(engine, req["depth"], req.get("gc_paused", False))
            elif kind == "w3":
                value = value_class(engine)
                gc.collect()
                tracemalloc.start()
                x, y = chain(value, req["depth"])
                used = tracemalloc.get_traced_memory()[0]
                tracemalloc.stop()
                n = count_values(y)
                out = {"bytes_per_value": used / n, "values": n, "bytes": used}
                del x, y
        except RecursionError as exc:
            out = {"error": f"RecursionError: {exc}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
