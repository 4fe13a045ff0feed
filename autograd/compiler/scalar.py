"""Scalar replay: a trace as the source of one straight-line Python function over floats.

``SCALAR`` is this interpretation's table, keyed by op name, as the rules are (ops.py): an
entry takes the Python source of a node's operands (variable names for parents, literals for
constants) and of its result, and returns the source of the forward and of the local
derivative for each operand (``ONE`` for exactly 1.0, which the backward then skips). An op
without an entry is replayed by calling its Primitive's ``forward`` and ``derivative`` from
the rules table: an entry is an optimisation, never a requirement. The generated code does
the same float operations in the same order as the dynamic engine, so the results are
bit-identical.
"""

from __future__ import annotations

import builtins
import math
import sys
from collections.abc import Callable
from typing import Any

from autograd import ops
from autograd.compiler.trace import Trace
from autograd.value import Value

__all__ = ["SCALAR", "ONE", "NAMESPACE", "node_sources", "scalar_source", "build", "literal"]

ONE = None  # a local derivative that is exactly 1.0: the contribution is the gradient itself
CHUNK = 64  # terms per statement in long sums (Python's compiler recurses on long chains)
_NEUMAIER_SUM = sys.version_info >= (3, 12)  # sum() of floats is compensated from 3.12 on

#: (operand sources, result name) -> (forward source, one derivative source per operand)
Entry = Callable[[list[str], str], tuple[str, list[str | None]]]


def literal(c: float, consts: dict[str, Any]) -> str:
    """Python source for the constant ``c`` (a name in the namespace when not finite)."""
    if math.isfinite(c):
        return repr(float(c))
    name = f"_k{len(consts)}"
    consts[name] = float(c)
    return name


def sum_source(terms: list[str]) -> str:
    """Source adding ``terms`` as ``sum()`` does on this Python."""
    if _NEUMAIER_SUM:  # match sum()'s rounding on this Python
        return "_sum((" + ", ".join(terms) + ",))"
    return "0.0 + " + " + ".join(terms)  # sum() starts from the int 0: 0 + x is x (and -0.0 is 0.0)


def _dot(x: list[str], out: str) -> tuple[str, list[str | None]]:
    n = len(x) // 2
    return sum_source([f"{a} * {b}" for a, b in zip(x[:n], x[n:])]), [*x[n:], *x[:n]]


SCALAR: dict[str, Entry] = {
    "add": lambda x, out: (f"{x[0]} + {x[1]}", [ONE, ONE]),
    "mul": lambda x, out: (f"{x[0]} * {x[1]}", [x[1], x[0]]),
    "div": lambda x, out: (f"{x[0]} / {x[1]}", [f"1.0 / {x[1]}", f"-{out} / {x[1]}"]),
    "exp": lambda x, out: (f"_exp({x[0]})", [out]),
    "log": lambda x, out: (f"_log({x[0]})", [f"1.0 / {x[0]}"]),
    "reciprocal": lambda x, out: (f"1.0 / {x[0]}", [f"-({out} * {out})"]),
    "relu": lambda x, out: (f"0.0 if {x[0]} <= 0.0 else {x[0]}", [f"1.0 if {x[0]} > 0.0 else 0.0"]),
    "tanh": lambda x, out: (f"_tanh({x[0]})", [f"1.0 - {out} * {out}"]),
    "sigmoid": lambda x, out: (f"_sigmoid({x[0]})", [f"{out} * (1.0 - {out})"]),
    "add_n": lambda x, out: (sum_source(x), [ONE] * len(x)),
    "dot": _dot,
}

#: The names the generated code calls: the rules table's own forwards and derivatives.
NAMESPACE: dict[str, Any] = {
    "_exp": math.exp,  # the forward's domain errors surface through the dynamic engine (see function.py)
    "_log": math.log,
    "_tanh": math.tanh,
    "_sigmoid": ops.SIGMOID.forward,
    "_sum": builtins.sum,
}


def chunked(target: str, src: str) -> list[str]:
    """``target = src`` for a long ``t1 + t2 + ...`` split into statements of CHUNK terms."""
    if src.startswith("_sum(("):
        return [f"{target} = {src}"]
    terms = src.split(" + ")
    if len(terms) <= CHUNK:
        return [f"{target} = {src}"]
    lines = [f"{target} = " + " + ".join(terms[:CHUNK])]
    for i in range(CHUNK, len(terms), CHUNK):
        lines.append(f"{target} = {target} + " + " + ".join(terms[i : i + CHUNK]))
    return lines


def operand_sources(trace: Trace, i: int, consts: dict[str, Any]) -> list[str]:
    """Source of node i's operands: ``v<k>`` for parent k, a literal for a constant."""
    return [f"v{o}" if type(o) is int else literal(o, consts) for o in trace.operands[i]]


Fallback = Callable[[int, ops.Primitive, list[str], dict[str, Any]], tuple[list[str], list[str | None]]]


def call_rule(
    i: int, prim: ops.Primitive, x: list[str], consts: dict[str, Any]
) -> tuple[list[str], list[str | None]]:
    """Node i replayed by calling its Primitive's ``forward`` and ``derivative`` from the
    rules table: the statements, and one derivative source per operand."""
    return calls(i, prim, x, consts, prim.forward, prim.derivative)


def calls(
    i: int, prim: ops.Primitive, x: list[str], consts: dict[str, Any], forward: Any, derivative: Any
) -> tuple[list[str], list[str | None]]:
    """Node i as a call of ``forward`` and of ``derivative`` (which returns one local
    derivative per operand but the params)."""
    fname, dname = f"_f{i}", f"_d{i}"
    consts[fname], consts[dname] = forward, derivative
    args = ", ".join(x)
    lines = [f"v{i} = {fname}({args})", f"d{i} = {dname}(v{i}, {args})"]
    return lines, [f"d{i}[{k}]" for k in range(len(x) - prim.params)]


def node_sources(
    trace: Trace,
    consts: dict[str, Any],
    entry_for: Callable[[int, str], Entry | None] = lambda i, op: SCALAR.get(op),
    fallback_for: Callable[[int], Fallback] = lambda i: call_rule,
) -> list[tuple[list[str], list[tuple[int, str | None]]]]:
    """Per node: the forward statements, and (parent, local derivative source) per edge.

    ``entry_for(i, op)`` is node i's table entry (default: SCALAR's), or None; then
    ``fallback_for(i)`` makes its code (default: call the Primitive's rule).
    """
    result: list[tuple[list[str], list[tuple[int, str | None]]]] = []
    for i, n in enumerate(trace.nodes):
        if n.is_leaf():
            result.append(([], []))
            continue
        x = operand_sources(trace, i, consts)
        entry = entry_for(i, n.op)
        if entry is not None:
            src, derivs = entry(x, f"v{i}")
            lines = chunked(f"v{i}", src)
        else:
            lines, derivs = fallback_for(i)(i, ops.get(n.op), x, consts)
        edges = [(o, d) for o, d in zip(trace.operands[i], derivs) if type(o) is int]
        result.append((lines, edges))
    return result


def scalar_source(
    trace: Trace, consts: dict[str, Any], backward: bool, return_leaf_grads: bool = False
) -> str:
    """``def replay(A, G)``: the forward on the floats A (one per flat argument), and with
    ``backward`` the backward from the upstream gradient G. Captured leaves are closure
    variables ``L<k>``: their .data is read, and their .grad written, at every call; with
    ``return_leaf_grads`` their gradients are returned last instead, and nothing is written."""
    nodes = trace.nodes
    root = len(nodes) - 1
    per_node = node_sources(trace, consts)
    body: list[str] = []
    seen_arg: set[int] = set()
    for pos, k in enumerate(trace.arg_leaf):
        if k >= 0 and k not in seen_arg:
            seen_arg.add(k)
            body.append(f"v{k} = A[{pos}]")
    for k in trace.captured:
        body.append(f"v{k} = L{k}.data")
    for lines, _ in per_node:
        body.extend(lines)
    aux = "".join(f"v{k}, " for k in trace.aux)
    if not backward:
        body.append(f"return v{root}, ({aux})")
    else:
        body.append(f"g{root} = G")
        has = {root}
        for i in range(root, -1, -1):
            for p, d in per_node[i][1]:
                contrib = f"g{i}" if d is ONE else f"g{i} * ({d})"
                body.append(f"g{p} {'+=' if p in has else '='} {contrib}")
                has.add(p)
        grads = ", ".join(f"g{k}" for k in sorted(seen_arg))
        result = f"return v{root}, ({grads}{',' if seen_arg else ''}), ({aux})"
        if return_leaf_grads:
            body.append(result + f", ({''.join(f'g{k}, ' for k in trace.captured)})")
        else:
            body.extend(f"L{k}.grad += g{k}" for k in trace.captured)
            body.append(result)
    inner = "\n".join("        " + line for line in body)
    cells = ", ".join(f"L{k}" for k in trace.captured)
    return f"def _make({cells}):\n    def replay(A, G):\n{inner}\n    return replay\n"


def build(source: str, namespace: dict[str, Any], leaves: list[Value], name: str) -> Callable[..., Any]:
    """Compile the generated ``source`` and bind its captured leaves."""
    code = builtins.compile(source, f"<autograd.compile {name}>", "exec")
    ns = dict(namespace)
    exec(code, ns)  # our own generated source, never user text
    return ns["_make"](*leaves)  # type: ignore[no-any-return]
