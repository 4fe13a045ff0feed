"""Compiled mode: record a function's graph once, then replay it as straight-line Python.

``compile(f)`` wraps a function that builds a scalar Value from its arguments. The first
call runs ``f`` on Values (the dynamic engine, unchanged) and turns the recorded graph into
the source of a Python function over floats: one statement per node for the forward, one
per edge for the backward, in the order ``backward()`` would use. Later calls with the same
argument structure run that function: no Value objects, no rules-table lookups. The result
and every gradient are those of the dynamic engine (the same float operations in the same
order), and gradients are added to the ``.grad`` of the same leaves.

Each way of evaluating a node is a table keyed by op name, as the rules are (ops.py):
``_scalar_node`` gives the Python source of a node's forward on floats and of its local
derivatives, ``_array_node`` the NumPy source for batched replay. A user's registered op is
replayed by calling its ``forward`` and ``derivative`` from the rules table.

What a trace cannot see: a Python branch on ``.data`` inside ``f`` (``if x.data > 0``), a
number read from ``.data`` and used as a constant, or a Value made inside ``f`` from data
that changes between calls. The replay keeps what the trace recorded. ``check=True`` records
the graph again on every call, compares it with the trace and raises
:class:`TraceMismatchError` when they differ.
"""

from __future__ import annotations

import builtins
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import ops
from autograd.errors import TraceMismatchError
from autograd.functional import enable_grad, grad, is_grad_enabled
from autograd.graph import topological_order
from autograd.value import Value, check_number

__all__ = ["compile", "CompiledFunction", "BatchResult", "TraceMismatchError"]

_ONE = None  # a local derivative that is exactly 1.0: the contribution is the gradient itself
_CHUNK = 64  # terms per statement in long sums (Python's compiler recurses on long chains)
_NEUMAIER_SUM = sys.version_info >= (3, 12)  # sum() of floats is compensated from 3.12 on


# --------------------------------------------------------------------------- arguments
# Arguments are numbers, Values, or (nested) lists and tuples of them; NumPy arrays count as
# nested lists. ``_flatten`` lists the scalars and describes the nesting, so that a call
# with another structure gets its own trace.
_MAX_NESTING = 32


def _flatten(args: Sequence[Any], flat: list[Any], depth: int = 0) -> tuple[Any, ...]:
    spec: list[Any] = []
    for a in args:
        cls = a.__class__
        if cls is float or cls is int:
            flat.append(a)
            spec.append(0)
        elif isinstance(a, Value):
            if a._a is not None or a._b is not None:
                raise TypeError(
                    f"compile: argument {len(flat)} is the result of an operation (op {a.op!r}); "
                    "a compiled function's Value arguments must be leaves: pass v.detach(), "
                    "or compute that part inside the function"
                )
            flat.append(a)
            spec.append(0)
        elif cls is list or cls is tuple or (hasattr(a, "tolist") and hasattr(a, "shape")):
            if depth >= _MAX_NESTING:
                raise ValueError(f"compile: arguments nested more than {_MAX_NESTING} deep")
            items = a.tolist() if hasattr(a, "shape") else a
            if not isinstance(items, list | tuple):  # a 0-d array
                flat.append(check_number(items, "compile: argument"))
                spec.append(0)
                continue
            spec.append((cls is tuple, _flatten(items, flat, depth + 1)))
        else:
            flat.append(check_number(a, "compile: argument"))  # TypeError for anything else
            spec.append(0)
    return tuple(spec)


def _unflatten(spec: tuple[Any, ...], flat: Sequence[Any], start: int = 0) -> tuple[list[Any], int]:
    out: list[Any] = []
    for s in spec:
        if s == 0:
            out.append(flat[start])
            start += 1
        else:
            is_tuple, inner = s
            items, start = _unflatten(inner, flat, start)
            out.append(tuple(items) if is_tuple else items)
    return out, start


def _shape(spec: Any) -> tuple[int, ...] | None:
    """The array shape of one argument's nesting (``()`` for a scalar); None if ragged."""
    if spec == 0:
        return ()
    inner = spec[1]
    shapes = {_shape(s) for s in inner}
    if len(shapes) != 1:
        return None if shapes else (0,)
    (sub,) = shapes
    return None if sub is None else (len(inner), *sub)


def _numbers(flat: list[Any]) -> list[float]:
    """The flat arguments as floats: a Value's data, a number as it is."""
    return [a.data if isinstance(a, Value) else float(a) for a in flat]


# --------------------------------------------------------------------------- code tables
def _lit(c: float, consts: dict[str, Any]) -> str:
    """Python source for the constant ``c`` (a name in the namespace when not finite)."""
    if math.isfinite(c):
        return repr(float(c))
    name = f"_k{len(consts)}"
    consts[name] = float(c)
    return name


def _sum_src(terms: list[str]) -> str:
    if _NEUMAIER_SUM:  # match sum()'s rounding on this Python
        return "_sum((" + ", ".join(terms) + ",))"
    return "0.0 + " + " + ".join(terms)  # sum() starts from the int 0: 0 + x is x (and -0.0 is 0.0)


# Each entry: (forward source, local derivative sources) for a node's inputs ``a`` (list of
# variable names), its constant operand ``c`` (source or None) and its result ``out``.
# A derivative of _ONE means exactly 1.0.
def _scalar_node(op: str, a: list[str], c: str | None, out: str) -> tuple[str, list[str | None]]:
    if op == "add":
        return (f"{a[0]} + {c}" if c else f"{a[0]} + {a[1]}"), [_ONE] * (1 if c else 2)
    if op == "mul":
        if c:
            return f"{a[0]} * {c}", [c]
        return f"{a[0]} * {a[1]}", [a[1], a[0]]
    if op == "exp":
        return f"_exp({a[0]})", [out]
    if op == "log":
        return f"_log({a[0]})", [f"1.0 / {a[0]}"]
    if op == "reciprocal":
        return f"1.0 / {a[0]}", [f"-({out} * {out})"]
    if op == "relu":
        return f"0.0 if {a[0]} <= 0.0 else {a[0]}", [f"1.0 if {a[0]} > 0.0 else 0.0"]
    if op == "tanh":
        return f"_tanh({a[0]})", [f"1.0 - {out} * {out}"]
    if op == "sigmoid":
        return f"_sigmoid({a[0]})", [f"{out} * (1.0 - {out})"]
    if op == "pow":
        return f"_pow({a[0]}, {c})", [f"_powd({out}, {a[0]}, {c})[0]"]
    if op == "vpow":
        return f"_vpow({a[0]}, {a[1]})", [f"_vpowd({out}, {a[0]}, {a[1]})[{k}]" for k in (0, 1)]
    if op == "add_n":
        return _sum_src(a), [_ONE] * len(a)
    if op == "dot":
        n = len(a) // 2
        derivs: list[str | None] = [*a[n:], *a[:n]]
        return _sum_src([f"{x} * {y}" for x, y in zip(a[:n], a[n:])]), derivs
    raise KeyError(op)


def _array_node(op: str, a: list[str], c: str | None, out: str) -> tuple[str, list[str | None]]:
    """NumPy versions where they differ from the scalar ones (operators work on arrays as is)."""
    if op == "exp":
        return f"_np.exp({a[0]})", [out]
    if op == "log":
        return f"_np.log({a[0]})", [f"1.0 / {a[0]}"]
    if op == "relu":
        return f"_np.maximum({a[0]}, 0.0)", [f"({a[0]} > 0.0)"]
    if op == "tanh":
        return f"_np.tanh({a[0]})", [f"1.0 - {out} * {out}"]
    if op == "sigmoid":
        return f"_bsigmoid({a[0]})", [f"{out} * (1.0 - {out})"]
    if op == "pow":
        return f"_bpow({a[0]}, {c})", [f"_bpowd({a[0]}, {c})"]
    if op == "vpow":
        return f"_bvpow({a[0]}, {a[1]})", [f"_bvpowd({out}, {a[0]}, {a[1]})[{k}]" for k in (0, 1)]
    if op in ("add_n", "dot"):  # a plain chain of +: there is no sum() rounding to match
        _, derivs = _scalar_node(op, a, c, out)
        n = len(a) // 2
        terms = a if op == "add_n" else [f"{x} * {y}" for x, y in zip(a[:n], a[n:])]
        return " + ".join(terms), derivs
    return _scalar_node(op, a, c, out)


def _chunked(target: str, src: str) -> list[str]:
    """``target = src`` for a long ``t1 + t2 + ...`` split into statements of _CHUNK terms."""
    if src.startswith("_sum(("):
        return [f"{target} = {src}"]
    terms = src.split(" + ")
    if len(terms) <= _CHUNK:
        return [f"{target} = {src}"]
    lines = [f"{target} = " + " + ".join(terms[:_CHUNK])]
    for i in range(_CHUNK, len(terms), _CHUNK):
        lines.append(f"{target} = {target} + " + " + ".join(terms[i : i + _CHUNK]))
    return lines


# --------------------------------------------------------------------------- the trace
@dataclass
class _Trace:
    """A recorded graph in forward order, and what each leaf stands for."""

    nodes: list[Value]  # parents before children; the output last
    index: dict[int, int]  # id(node) -> position in nodes
    arg_leaf: list[int]  # per flat argument: position of its leaf in nodes, or -1 if f ignores it
    captured: list[int]  # positions of the leaves that are not arguments (parameters, constants)
    signature: list[tuple[Any, ...]]  # per node: what must stay the same between calls
    aux: list[int]  # positions of the auxiliary outputs (has_aux=True)


def _record(
    f: Callable[..., Any], spec: tuple[Any, ...], flat: list[Any], name: str, has_aux: bool = False
) -> tuple[Value, list[Value], list[Value]]:
    # Every argument is recorded as a new leaf of its own, a Value argument too: the graph
    # is then the same whichever Values a later call passes (one Value twice, or a leaf that
    # f also uses directly), and the wrapper adds each argument's gradient to its .grad.
    leaves = [Value(a.data if isinstance(a, Value) else a) for a in flat]
    args, _ = _unflatten(spec, leaves)
    with enable_grad():
        out = f(*args)
    aux: list[Value] = []
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                f"compile(has_aux=True): {name} must return a pair (Value, sequence of Values), "
                f"got {type(out).__name__}: {out!r:.80}"
            )
        out, extra = out
        aux = list(extra)
        for k, v in enumerate(aux):
            if not isinstance(v, Value):
                raise TypeError(
                    f"compile: auxiliary output {k} of {name} must be a Value, got {type(v).__name__}"
                )
    if not isinstance(out, Value):
        raise TypeError(f"compile: {name} must return a Value, got {type(out).__name__}: {out!r:.80}")
    return out, leaves, aux


def _analyse(out: Value, leaves: list[Value], aux: Sequence[Value] = ()) -> _Trace:
    nodes = topological_order(out)
    nodes.reverse()
    index = {id(n): i for i, n in enumerate(nodes)}
    arg_leaf = [index.get(id(v), -1) for v in leaves]
    is_arg = set(arg_leaf)
    captured = [i for i, n in enumerate(nodes) if n.is_leaf() and i not in is_arg]
    signature: list[tuple[Any, ...]] = []
    for n in nodes:
        if n.is_leaf():
            signature.append(("",))
            continue
        op = n.op
        prim = ops.get(op)
        signature.append((op, tuple(index[id(p)] for p in n.parents), n.op_args, prim))
    aux_at: list[int] = []
    for k, v in enumerate(aux):
        if id(v) not in index:
            raise ValueError(
                f"compile(has_aux=True): auxiliary output {k} is not part of the output's graph; "
                "only Values the output depends on can be replayed"
            )
        aux_at.append(index[id(v)])
    return _Trace(nodes, index, arg_leaf, captured, signature, aux_at)


def _compare(old: _Trace, new: _Trace, call: int) -> None:
    """Raise TraceMismatchError naming the first difference between two traces."""
    where = f"compile(check=True): call {call} recorded a different graph than the trace it replays"
    hint = (
        "; the function's graph depends on its data (a Python branch or a constant taken from "
        ".data), so its compiled replay would give wrong results. Compute that part outside "
        "the compiled function, or do not compile it"
    )
    if len(old.nodes) != len(new.nodes):
        raise TraceMismatchError(f"{where}: {len(new.nodes)} nodes now, {len(old.nodes)} when traced{hint}")
    if old.arg_leaf != new.arg_leaf:
        raise TraceMismatchError(f"{where}: the arguments reach the graph at other nodes{hint}")
    if old.aux != new.aux:
        raise TraceMismatchError(f"{where}: the auxiliary outputs are other nodes{hint}")
    for k, (a, b) in enumerate(zip(old.signature, new.signature)):
        if a != b:
            def show(s: tuple[Any, ...]) -> str:
                if s == ("",):
                    return "a leaf"
                consts = f" with constant {s[2][0]!r}" if s[2] else ""
                return f"{s[0]!r} of nodes {list(s[1])}{consts}"

            raise TraceMismatchError(f"{where}: node {k} is {show(b)} now, {show(a)} when traced{hint}")
    for k in old.captured:
        was, now = old.nodes[k], new.nodes[k]
        if was is not now and not (was.data == now.data):
            raise TraceMismatchError(
                f"{where}: leaf node {k} holds {now.data!r} now and held {was.data!r} when traced, "
                f"and it is a new Value, so the replay would use the old number{hint}"
            )


# --------------------------------------------------------------------------- code generation
_SCALAR_NS: dict[str, Any] = {
    "_exp": math.exp,
    "_log": math.log,
    "_tanh": math.tanh,
    "_sigmoid": ops._sigmoid,
    "_pow": ops._pow,
    "_powd": ops._pow_derivative,
    "_vpow": ops._vpow,
    "_vpowd": ops._vpow_derivative,
    "_sum": builtins.sum,
}


def _node_sources(
    trace: _Trace, consts: dict[str, Any], table: Callable[..., tuple[str, list[str | None]]],
    varying: list[bool] | None,
) -> list[tuple[list[str], list[tuple[int, str | None]]]]:
    """Per node: the forward statements, and (parent, local derivative source) per edge."""
    result: list[tuple[list[str], list[tuple[int, str | None]]]] = []
    for i, n in enumerate(trace.nodes):
        if n.is_leaf():
            result.append(([], []))
            continue
        op = n.op
        parents = [trace.index[id(p)] for p in n.parents]
        a = [f"v{p}" for p in parents]
        c = _lit(n.op_args[0], consts) if n.op_args else None
        out = f"v{i}"
        use = table if (varying is None or varying[i]) else _scalar_node
        try:
            src, derivs = use(op, a, c, out)
            lines = _chunked(out, src)
        except KeyError:  # a registered op: call its rule from the table
            prim = ops.get(op)
            fname, dname = f"_f{i}", f"_d{i}"
            if use is _scalar_node:
                consts[fname], consts[dname] = prim.forward, prim.derivative
            else:
                consts[fname], consts[dname] = _vectorise(prim)
            lines = [f"{out} = {fname}({', '.join(a)})", f"d{i} = {dname}({out}, {', '.join(a)})"]
            derivs = [f"d{i}[{k}]" for k in range(len(a))]
        result.append((lines, list(zip(parents, derivs))))
    return result


def _scalar_source(trace: _Trace, consts: dict[str, Any], backward: bool) -> str:
    """``def replay(A, G)``: the forward on the floats A (one per flat argument), and with
    ``backward`` the backward from the upstream gradient G. Captured leaves are closure
    variables ``L<k>``: their .data is read, and their .grad written, at every call."""
    nodes = trace.nodes
    root = len(nodes) - 1
    per_node = _node_sources(trace, consts, _scalar_node, None)
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
                contrib = f"g{i}" if d is _ONE else f"g{i} * ({d})"
                body.append(f"g{p} {'+=' if p in has else '='} {contrib}")
                has.add(p)
        for k in trace.captured:
            body.append(f"L{k}.grad += g{k}")
        grads = ", ".join(f"g{k}" for k in sorted(seen_arg))
        body.append(f"return v{root}, ({grads}{',' if seen_arg else ''}), ({aux})")
    inner = "\n".join("        " + line for line in body)
    cells = ", ".join(f"L{k}" for k in trace.captured)
    return f"def _make({cells}):\n    def replay(A, G):\n{inner}\n    return replay\n"


def _build(source: str, namespace: dict[str, Any], leaves: list[Value], name: str) -> Callable[..., Any]:
    code = builtins.compile(source, f"<autograd.compile {name}>", "exec")
    ns = dict(namespace)
    exec(code, ns)  # our own generated source, never user text
    return ns["_make"](*leaves)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- batched replay
def _vectorise(prim: ops.Primitive) -> tuple[Callable[..., Any], Callable[..., Any]]:
    import numpy as np

    n = prim.arity
    fwd = np.frompyfunc(prim.forward, n, 1)
    if n == 1:  # frompyfunc with one output wants the element itself, not a 1-tuple
        der = np.frompyfunc(lambda out, x: prim.derivative(out, x)[0], 2, 1)
    else:
        der = np.frompyfunc(lambda out, *xs: tuple(prim.derivative(out, *xs)), n + 1, n)

    def forward(*xs: Any) -> Any:
        return np.asarray(fwd(*xs), dtype=np.float64)

    def derivative(out: Any, *xs: Any) -> Any:
        ds = der(out, *xs)
        ds = ds if isinstance(ds, tuple) else (ds,)
        return [np.asarray(d, dtype=np.float64) for d in ds]

    return forward, derivative


def _array_namespace() -> dict[str, Any]:
    import numpy as np

    def bsigmoid(x: Any) -> Any:
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def bpow(x: Any, c: float) -> Any:
        return x**c

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
        **_SCALAR_NS,
        "_np": np,
        "_bsigmoid": bsigmoid,
        "_bpow": bpow,
        "_bpowd": bpowd,
        "_bvpow": bvpow,
        "_bvpowd": bvpowd,
        "_dot": np.dot,
        "_asum": np.sum,
    }


def _array_source(trace: _Trace, consts: dict[str, Any], per_example: bool) -> str:
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
            varying[i] = any(varying[trace.index[id(p)]] for p in n.parents)
    per_node = _node_sources(trace, consts, _array_node, varying)
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
                if d is _ONE:
                    contrib = f"_asum({g})"
                elif varying[i] and _depends(d, varying):
                    contrib = f"_dot({g}, {d})"
                else:
                    contrib = f"_asum({g}) * ({d})"
            else:
                contrib = g if d is _ONE else f"{g} * ({d})"
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


def _dot_groups(trace: _Trace, varying: list[bool]) -> list[tuple[list[int], list[tuple[int, list[int]]]]]:
    """The dot nodes that take the same operands varying over the examples, each with its own
    leaf weights (a layer's neurons): per group, those operands and (dot node, its weights) per
    dot, in forward order. Batched replay computes a group with one matrix product."""
    groups: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
    for i, n in enumerate(trace.nodes):
        if not varying[i] or n.op != "dot":
            continue
        ps = [trace.index[id(p)] for p in n.parents]
        half = len(ps) // 2
        sides = (ps[:half], ps[half:])
        for ws, xs in (sides, sides[::-1]):
            if all(varying[x] for x in xs) and all(not varying[w] and trace.nodes[w].is_leaf() for w in ws):
                groups.setdefault(tuple(xs), []).append((i, ws))
                break
    return [(list(xs), rows) for xs, rows in groups.items()]


_NODE_NAME = re.compile(r"\b[vd](\d+)\b")


def _depends(src: str | None, varying: list[bool]) -> bool:
    """Whether a derivative's source mentions a node (its value ``v<k>`` or its rule's
    results ``d<k>``) that varies over the examples."""
    return src is not None and any(varying[int(m)] for m in _NODE_NAME.findall(src))


@dataclass
class BatchResult:
    """What ``CompiledFunction.batch`` returns.

    ``values``: the function's value per example, shape (N,). ``grads``: one array per
    argument, shaped like it, with each example's gradient (times its upstream gradient).
    ``leaf_grads``: for every leaf of the graph that is not an argument (a model's
    parameters), the pair (leaf, gradient): a float summed over the examples, or an array
    of shape (N,) with ``per_example=True``.
    """

    values: Any
    grads: tuple[Any, ...]
    leaf_grads: list[tuple[Value, Any]]
    aux: tuple[Any, ...] = ()  # has_aux=True: one array of shape (N,) per auxiliary output


# --------------------------------------------------------------------------- the wrapper
@dataclass
class _Program:
    trace: _Trace
    leaves: list[Value]  # captured leaves, in trace.captured order
    generation: int
    replay: Callable[..., Any]
    forward: Callable[..., Any] | None = None
    source: str = ""
    arg_grad_slots: list[tuple[int, int]] | None = None  # (flat position, index in replay's grads)
    batch: dict[bool, Callable[..., Any]] | None = None


class CompiledFunction:
    """``compile(f)``: call it like ``f``; it returns f's value as a float and adds the
    gradients to ``.grad`` as ``f(...).backward()`` would.

    Methods: ``run(*args, gradient=1.0)``, ``forward(*args)`` (no backward, nothing
    written), ``grad(*args)`` (the arguments' gradients, nothing written),
    ``batch(*arrays, gradient=1.0, per_example=False)`` (needs NumPy), and ``source`` (the
    generated Python of the last trace). ``traces`` counts the traces made.
    """

    def __init__(self, f: Callable[..., Any], *, check: bool = False, has_aux: bool = False) -> None:
        if not callable(f):
            raise TypeError(f"compile: expected a callable, got {type(f).__name__}: {f!r:.80}")
        for flag, value in (("check", check), ("has_aux", has_aux)):
            if type(value) is not bool:
                raise TypeError(f"compile: {flag} must be a bool, got {type(value).__name__}")
        self.function = f
        self.check = check
        self.has_aux = has_aux
        self.traces = 0
        self.calls = 0
        self._name = getattr(f, "__qualname__", None) or type(f).__name__
        self._cache: dict[Any, _Program] = {}
        self._last: _Program | None = None

    def __repr__(self) -> str:
        return f"<compiled {self._name}: {self.traces} trace(s), {self.calls} call(s)>"

    @property
    def source(self) -> str:
        """The generated Python of the most recent trace ("" before the first call)."""
        return self._last.source if self._last else ""

    @property
    def graph_size(self) -> int:
        """Nodes in the most recent trace (0 before the first call)."""
        return len(self._last.trace.nodes) if self._last else 0

    # ---------------------------------------------------------------- tracing
    def _key(self, args: tuple[Any, ...]) -> tuple[Any, list[Any], tuple[Any, ...]]:
        flat: list[Any] = []
        spec = _flatten(args, flat)
        return spec, flat, spec

    def _record(self, flat: list[Any], spec: tuple[Any, ...]) -> tuple[Value, list[Value], list[Value]]:
        return _record(self.function, spec, flat, self._name, self.has_aux)

    def _trace(
        self, key: Any, flat: list[Any], recording: tuple[Value, list[Value], list[Value]]
    ) -> _Program:
        out, leaves, aux = recording
        trace = _analyse(out, leaves, aux)
        self.traces += 1
        consts: dict[str, Any] = {}
        source = _scalar_source(trace, consts, backward=True)
        captured = [trace.nodes[k] for k in trace.captured]
        replay = _build(source, {**_SCALAR_NS, **consts}, captured, self._name)
        rank = {k: j for j, k in enumerate(sorted(k for k in trace.arg_leaf if k >= 0))}
        slots = [(pos, rank[k]) for pos, k in enumerate(trace.arg_leaf) if k >= 0]
        prog = _Program(trace, captured, ops.generation, replay, source=source, arg_grad_slots=slots)
        self._cache[key] = prog
        self._last = prog
        return prog

    def _program(self, args: tuple[Any, ...]) -> tuple[_Program, Any, list[Any], tuple[Any, ...]]:
        key, flat, spec = self._key(args)
        prog = self._cache.get(key)
        if prog is None or prog.generation != ops.generation:
            prog = self._trace(key, flat, self._record(flat, spec))
        elif self.check:
            out, leaves, aux = self._record(flat, spec)
            _compare(prog.trace, _analyse(out, leaves, aux), self.calls + 1)
        self._last = prog
        return prog, key, flat, spec

    def _result(self, value: float, aux: Sequence[float]) -> Any:
        return (value, list(aux)) if self.has_aux else value

    def _dynamic(
        self, key: Any, flat: list[Any], spec: tuple[Any, ...]
    ) -> tuple[Value, list[Value], list[Value]]:
        """The replay failed (a domain error, an overflow): run f on Values, which raises the
        engine's own error; if it does not (f took another branch), that graph becomes the trace."""
        recording = self._record(flat, spec)
        self._trace(key, flat, recording)
        return recording

    # ---------------------------------------------------------------- calls
    def __call__(self, *args: Any) -> Any:
        return self.run(*args)

    def run(self, *args: Any, gradient: float = 1.0) -> Any:
        """f's value at ``args``; adds gradient * d f / d leaf to each leaf's ``.grad``
        (Value arguments and the leaves f uses, such as a model's parameters). Under
        ``no_grad()`` it only computes the value. With ``has_aux=True``: ``(value, aux)``,
        aux a list of floats."""
        gradient = check_number(gradient, "compiled function: gradient")
        if not is_grad_enabled():
            return self.forward(*args)
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        datas = _numbers(flat)
        try:
            value, grads, aux = prog.replay(datas, gradient)
        except (ArithmeticError, ValueError):
            out, leaves, aux_values = self._dynamic(key, flat, spec)
            out.backward(gradient)
            for a, leaf in zip(flat, leaves):
                if isinstance(a, Value):
                    a.grad += leaf.grad
            return self._result(out.data, [v.data for v in aux_values])
        for pos, j in prog.arg_grad_slots or ():
            a = flat[pos]
            if a.__class__ is Value or isinstance(a, Value):
                a.grad += grads[j]
        return self._result(value, aux)

    def forward(self, *args: Any) -> Any:
        """f's value at ``args`` (with ``has_aux``: ``(value, aux)``); no gradient is computed
        and nothing is written."""
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        if prog.forward is None:
            consts: dict[str, Any] = {}
            src = _scalar_source(prog.trace, consts, backward=False)
            prog.forward = _build(src, {**_SCALAR_NS, **consts}, prog.leaves, self._name)
        datas = _numbers(flat)
        try:
            value, aux = prog.forward(datas, 0.0)
        except (ArithmeticError, ValueError):
            out, _, aux_values = self._dynamic(key, flat, spec)
            return self._result(out.data, [v.data for v in aux_values])
        return self._result(value, aux)

    def grad(self, *args: Any) -> tuple[float, tuple[float, ...]]:
        """``(value, gradients)``: d f / d argument for each scalar argument, in the order
        the arguments are flattened; no ``.grad`` is touched."""
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        saved = [leaf.grad for leaf in prog.leaves]
        datas = _numbers(flat)
        try:
            value, grads, _ = prog.replay(datas, 1.0)
        except (ArithmeticError, ValueError):
            out, leaves, _ = self._dynamic(key, flat, spec)
            return out.data, grad(out, leaves)
        finally:
            for leaf, g in zip(prog.leaves, saved):
                leaf.grad = g
        rank = {k: j for j, k in enumerate(sorted(k for k in prog.trace.arg_leaf if k >= 0))}
        return value, tuple(grads[rank[k]] if k >= 0 else 0.0 for k in prog.trace.arg_leaf)

    def batch(self, *args: Any, gradient: Any = 1.0, per_example: bool = False) -> BatchResult:
        """Replay over NumPy arrays, one example per row: each argument gets a leading axis
        of N examples (a number becomes shape (N,), a list of k numbers (N, k) ...).

        Returns a :class:`BatchResult`. The gradients are those of sum_n gradient[n] * f(x_n);
        with ``per_example=False`` the captured leaves' summed gradients are also added to
        their ``.grad`` (as backward of that sum would), with ``per_example=True`` nothing is
        written and each leaf's gradient is an array over the examples.
        """
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is in the test extra
            raise ImportError("compile: batch() needs NumPy: pip install numpy") from None
        if type(per_example) is not bool:
            raise TypeError(f"batch: per_example must be a bool, got {type(per_example).__name__}")
        if not args:
            raise TypeError("batch: expected one array per argument of the function, got none")
        arrays = []
        for i, a in enumerate(args):
            if isinstance(a, Value):
                raise TypeError(f"batch: argument {i} is a Value; batch() takes arrays of numbers")
            try:
                arr = np.asarray(a, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"batch: argument {i} is not an array of numbers ({exc})") from None
            if arr.ndim == 0:
                raise ValueError(f"batch: argument {i} needs a leading axis of examples, got a scalar")
            arrays.append(arr)
        n = arrays[0].shape[0]
        for i, arr in enumerate(arrays):
            if arr.shape[0] != n:
                raise ValueError(f"batch: argument {i} has {arr.shape[0]} examples, argument 0 has {n}")
        if n == 0:
            raise ValueError("batch: expected at least one example, got none")
        g = np.asarray(gradient, dtype=np.float64)
        if g.ndim not in (0, 1) or (g.ndim == 1 and g.shape[0] != n):
            raise ValueError(f"batch: gradient must be a number or an array of {n}, got shape {g.shape}")
        g = np.broadcast_to(g, (n,)).astype(np.float64)
        example = tuple(arr[0].tolist() for arr in arrays)
        prog, _, _, spec = self._program(example)
        for i, (s, arr) in enumerate(zip(spec, arrays)):
            if _shape(s) != arr.shape[1:]:
                raise ValueError(
                    f"batch: argument {i} has examples of shape {arr.shape[1:]}, the trace {_shape(s)}"
                )
        if self.check:
            for k in range(1, n):
                flat_k: list[Any] = []
                _flatten(tuple(a[k].tolist() for a in arrays), flat_k)
                out, leaves, aux = self._record(flat_k, spec)
                _compare(prog.trace, _analyse(out, leaves, aux), self.calls + 1)
        self.calls += 1
        if prog.batch is None:
            prog.batch = {}
        fn = prog.batch.get(per_example)
        if fn is None:
            consts: dict[str, Any] = {}
            src = _array_source(prog.trace, consts, per_example)
            fn = _build(src, {**_array_namespace(), **consts}, prog.leaves, self._name)
            prog.batch[per_example] = fn
        columns = np.concatenate([a.reshape(n, -1) for a in arrays], axis=1).T.copy()
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise"):
                values, arg_grads, leaf_grads, aux_values = fn(columns, g)
        except (ArithmeticError, ValueError) as exc:
            self._raise_for_example(arrays, exc)
            raise
        values = np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)).copy()
        grads = []
        col = 0
        for arr in arrays:
            width = int(np.prod(arr.shape[1:], dtype=np.int64))
            parts = [np.broadcast_to(np.asarray(arg_grads[col + j], dtype=np.float64), (n,))
                     for j in range(width)]
            grads.append(np.stack(parts, axis=1).reshape(arr.shape) if parts else np.zeros(arr.shape))
            col += width
        pairs: list[tuple[Value, Any]] = []
        for leaf, gl in zip(prog.leaves, leaf_grads):
            if per_example:
                pairs.append((leaf, np.broadcast_to(gl, (n,)).copy()))
            else:
                pairs.append((leaf, float(gl)))
                leaf.grad += float(gl)
        aux_arrays = tuple(np.broadcast_to(np.asarray(a, dtype=np.float64), (n,)).copy() for a in aux_values)
        return BatchResult(values, tuple(grads), pairs, aux_arrays)

    def _raise_for_example(self, arrays: list[Any], exc: BaseException) -> None:
        """Find the first example the dynamic engine fails on and raise its error."""
        for k in range(arrays[0].shape[0]):
            example = tuple(a[k].tolist() for a in arrays)
            try:
                flat: list[Any] = []
                spec = _flatten(example, flat)
                self._record(flat, spec)
            except (ArithmeticError, ValueError) as err:
                err.add_note(f"in example {k} of the batch")
                raise
        raise ArithmeticError(f"batch: the NumPy replay failed ({exc}) on no single example") from exc


def compile(f: Callable[..., Any], *, check: bool = False, has_aux: bool = False) -> CompiledFunction:
    """Compile ``f`` (Values in, one Value out) into a replay over floats.

    ``check=True`` records f's graph again at every call and raises TraceMismatchError if
    it differs from the trace. ``has_aux=True``: f returns ``(value, [Values...])`` and the
    compiled function returns ``(value, [floats...])``, the extra Values' numbers (a
    model's outputs next to its loss, say); they must be part of the value's graph.

    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> step = compile(lambda x: (w * x).tanh())
    >>> round(step(2.0), 6), round(w.grad, 6)
    (0.761594, 0.839949)
    >>> step.traces, round(step(2.0), 6), round(w.grad, 6)
    (1, 0.761594, 1.679897)
    """
    return CompiledFunction(f, check=check, has_aux=has_aux)
