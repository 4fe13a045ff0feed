"""Batched replay: a trace as one straight-line function over NumPy arrays, one element per
example, so a model's loss over N examples is replayed in one call.

``ARRAY`` is this interpretation's table (the same entry format as ``scalar.SCALAR``); an op
without an entry there is vectorised from its Primitive's own ``forward`` and ``derivative``
(``np.frompyfunc``: correct, slower). Nodes that depend on no argument stay floats and use
the scalar code. A layer's dot nodes over the same varying operands, each with its own leaf
weights, become one matrix product.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from autograd import ops
from autograd.compiler import scalar
from autograd.compiler.scalar import ONE, SCALAR, Entry, Fallback, call_rule, calls, node_sources
from autograd.compiler.trace import Trace

__all__ = ["ARRAY", "array_source", "array_namespace", "vectorise"]


def _chain(x: list[str], out: str) -> tuple[str, list[str | None]]:
    return " + ".join(x), [ONE] * len(x)  # a plain chain of +: there is no sum() rounding to match


def _dot_chain(x: list[str], out: str) -> tuple[str, list[str | None]]:
    n = len(x) // 2
    return " + ".join(f"{a} * {b}" for a, b in zip(x[:n], x[n:])), [*x[n:], *x[:n]]


ARRAY: dict[str, Entry] = {
    "add": SCALAR["add"],  # operators work on arrays as they are
    "mul": SCALAR["mul"],
    "div": SCALAR["div"],
    "reciprocal": SCALAR["reciprocal"],
    "exp": lambda x, out: (f"_np.exp({x[0]})", [out]),
    "log": lambda x, out: (f"_np.log({x[0]})", [f"1.0 / {x[0]}"]),
    "relu": lambda x, out: (f"_np.maximum({x[0]}, 0.0)", [f"({x[0]} > 0.0)"]),
    "tanh": lambda x, out: (f"_np.tanh({x[0]})", [f"1.0 - {out} * {out}"]),
    "sigmoid": lambda x, out: (f"_bsigmoid({x[0]})", [f"{out} * (1.0 - {out})"]),
    "pow": lambda x, out: (f"{x[0]} ** {x[1]}", [f"_bpowd({x[0]}, {x[1]})"]),
    "vpow": lambda x, out: (
        f"_bvpow({x[0]}, {x[1]})",
        [f"_bvpowd({out}, {x[0]}, {x[1]})[{k}]" for k in (0, 1)],
    ),
    "add_n": _chain,
    "dot": _dot_chain,
}


def vectorise(prim: ops.Primitive, n: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``prim``'s forward and derivative over arrays, for a node with ``n`` operands."""
    import numpy as np

    k = n - prim.params
    fwd = np.frompyfunc(prim.forward, n, 1)
    if k == 1:  # frompyfunc with one output wants the element itself, not a 1-tuple
        der = np.frompyfunc(lambda out, *xs: prim.derivative(out, *xs)[0], n + 1, 1)
    else:
        der = np.frompyfunc(lambda out, *xs: tuple(prim.derivative(out, *xs)), n + 1, k)

    def forward(*xs: Any) -> Any:
        return np.asarray(fwd(*xs), dtype=np.float64)

    def derivative(out: Any, *xs: Any) -> Any:
        ds = der(out, *xs)
        ds = ds if isinstance(ds, tuple) else (ds,)
        return [np.asarray(d, dtype=np.float64) for d in ds]

    return forward, derivative


def _vectorised_rule(
    i: int, prim: ops.Primitive, x: list[str], consts: dict[str, Any]
) -> tuple[list[str], list[str | None]]:
    return calls(i, prim, x, consts, *vectorise(prim, len(x)))


def array_namespace() -> dict[str, Any]:
    """The names the batched code calls (NumPy is imported here, on first use)."""
    import numpy as np

    def bsigmoid(x: Any) -> Any:
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def bpowd(x: Any, c: float) -> Any:
        if c == 0:
            return 0.0
        if c == 1:
            return 1.0
        if c == 2:
            return 2.0 * x
        if c < 1:
            with np.errstate(divide="ignore"):
                return np.where(x == 0, math.inf, c * x ** (c - 1))
        return c * x ** (c - 1)

    def bvpow(x: Any, y: Any) -> Any:
        if not np.all(np.asarray(x) > 0):
            raise ValueError("pow: a Value exponent needs a base > 0")
        return x**y

    def bvpowd(out: Any, x: Any, y: Any) -> tuple[Any, Any]:
        return (y * x ** (y - 1), out * np.log(x))

    return {
        **scalar.NAMESPACE,
        "_np": np,
        "_bsigmoid": bsigmoid,
        "_bpowd": bpowd,
        "_bvpow": bvpow,
        "_bvpowd": bvpowd,
        "_dot": np.dot,
        "_asum": np.sum,
    }


_NODE_NAME = re.compile(r"\b[vd](\d+)\b")


def _depends(src: str | None, varying: list[bool]) -> bool:
    """Whether a derivative's source mentions a node (its value ``v<k>`` or its rule's
    results ``d<k>``) that varies over the examples."""
    return src is not None and any(varying[int(m)] for m in _NODE_NAME.findall(src))


def array_source(trace: Trace, consts: dict[str, Any], per_example: bool) -> str:
    """``def replay(A, G)`` over NumPy: A holds one array per flat argument (one element per
    example), G the upstream gradients. Nodes that depend on no argument stay floats; with
    ``per_example`` False their gradients are summed over the examples as soon as they
    leave the arrays. Returns the outputs, the arguments' gradients and the captured leaves'."""
    nodes = trace.nodes
    root = len(nodes) - 1
    varying = [False] * len(nodes)
    for k in trace.arg_leaf:
        if k >= 0:
            varying[k] = True
    for i, n in enumerate(nodes):
        if not n.is_leaf():
            varying[i] = any(varying[p] for p in trace.parents(i))

    def entry_for(i: int, op: str) -> Entry | None:
        return ARRAY.get(op) if varying[i] else SCALAR.get(op)

    def fallback_for(i: int) -> Fallback:
        return _vectorised_rule if varying[i] else call_rule

    per_node = node_sources(trace, consts, entry_for, fallback_for)
    groups = [] if per_example else _dot_groups(trace, varying)
    member: dict[int, tuple[int, int]] = {}  # dot node -> (group, row)
    for gid, (_, rows) in enumerate(groups):
        for j, (i, _) in enumerate(rows):
            member[i] = (gid, j)
    body: list[str] = []
    loaded: set[int] = set()
    for pos, k in enumerate(trace.arg_leaf):
        if k >= 0 and k not in loaded:
            loaded.add(k)
            body.append(f"v{k} = A[{pos}]")
    for k in trace.captured:
        body.append(f"v{k} = L{k}.data")
    for i, (lines, _) in enumerate(per_node):
        if i not in member:
            body.extend(lines)
            continue
        gid, j = member[i]
        xs, rows = groups[gid]
        if j == 0:  # the group's first dot: one matrix product for all of them
            weights = ", ".join("(" + "".join(f"v{w}, " for w in ws) + ")" for _, ws in rows)
            body.append(f"S{gid} = _np.stack(({''.join(f'v{x}, ' for x in xs)}))")
            body.append(f"W{gid} = _np.array(({weights},))")
            body.append(f"P{gid} = W{gid} @ S{gid}")
        body.append(f"v{i} = P{gid}[{j}]")
    # Gradients: an array per example ("wide") for nodes that vary, and for every node
    # when per_example; otherwise a float, the sum over the examples.
    wide = [per_example or v for v in varying]
    body.append(f"g{root} = G" if wide[root] else f"g{root} = _asum(G)")
    has = {root}

    def add(p: int, contrib: str) -> None:
        # never ``+=``: arrays would be changed in place, and several names share one
        body.append(f"g{p} = g{p} + {contrib}" if p in has else f"g{p} = {contrib}")
        has.add(p)

    for i in range(root, -1, -1):
        if i in member:
            gid, j = member[i]
            if j == 0:  # the group's last dot to be reached: every row's gradient is final
                xs, rows = groups[gid]
                body.append(f"G{gid} = _np.stack(({''.join(f'g{r}, ' for r, _ in rows)}))")
                body.append(f"T{gid} = W{gid}.T @ G{gid}")
                for k, x in enumerate(xs):
                    add(x, f"T{gid}[{k}]")
                body.append(f"U{gid} = (G{gid} @ S{gid}.T).tolist()")
                for r, (_, ws) in enumerate(rows):
                    for k, w in enumerate(ws):
                        add(w, f"U{gid}[{r}][{k}]")
            continue
        for p, d in per_node[i][1]:
            g = f"g{i}"
            if wide[i] and not wide[p]:  # leave the arrays: sum over the examples
                if d is ONE:
                    contrib = f"_asum({g})"
                elif varying[i] and _depends(d, varying):
                    contrib = f"_dot({g}, {d})"
                else:
                    contrib = f"_asum({g}) * ({d})"
            else:
                contrib = g if d is ONE else f"{g} * ({d})"
            add(p, contrib)
    arg_grads = [f"g{k}" if k in has else "0.0" for k in trace.arg_leaf]
    leaf_grads = [f"g{k}" for k in trace.captured]
    aux = "".join(f"v{k}, " for k in trace.aux)
    body.append(
        f"return v{root}, ({', '.join(arg_grads)}{',' if arg_grads else ''}), "
        f"({', '.join(leaf_grads)}{',' if leaf_grads else ''}), ({aux})"
    )
    inner = "\n".join("        " + line for line in body)
    cells = ", ".join(f"L{k}" for k in trace.captured)
    return f"def _make({cells}):\n    def replay(A, G):\n{inner}\n    return replay\n"


def _dot_groups(trace: Trace, varying: list[bool]) -> list[tuple[list[int], list[tuple[int, list[int]]]]]:
    """The dot nodes that take the same operands varying over the examples, each with its own
    leaf weights (a layer's neurons): per group, those operands and (dot node, its weights) per
    dot, in forward order. Batched replay computes a group with one matrix product."""
    groups: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
    for i, n in enumerate(trace.nodes):
        if not varying[i] or n.op != "dot":
            continue
        ps = trace.parents(i)
        half = len(ps) // 2
        sides = (ps[:half], ps[half:])
        for ws, xs in (sides, sides[::-1]):
            if all(varying[x] for x in xs) and all(not varying[w] and trace.nodes[w].is_leaf() for w in ws):
                groups.setdefault(tuple(xs), []).append((i, ws))
                break
    return [(list(xs), rows) for xs, rows in groups.items()]
