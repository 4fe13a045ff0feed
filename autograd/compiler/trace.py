"""Tracing: a function's arguments as a flat list of scalars, its recorded graph in forward
order, and the comparison of two traces (``compile(check=True)``).

Arguments are numbers, Values, or (nested) lists and tuples of them; NumPy arrays count as
nested lists. ``flatten`` lists the scalars and describes the nesting, so that a call with
another structure gets its own trace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import ops
from autograd._mode import enable_grad
from autograd._numbers import check_number
from autograd.errors import TraceMismatchError
from autograd.graph import topological_order
from autograd.value import Value

__all__ = ["Trace", "flatten", "unflatten", "shape", "numbers", "record", "analyse", "compare"]

_MAX_NESTING = 32


def flatten(args: Sequence[Any], flat: list[Any], depth: int = 0) -> tuple[Any, ...]:
    """Append the scalars of ``args`` to ``flat``; return the nesting (0 for a scalar, else
    ``(is_tuple, inner spec)``)."""
    spec: list[Any] = []
    for a in args:
        cls = a.__class__
        if cls is float or cls is int:
            flat.append(a)
            spec.append(0)
        elif isinstance(a, Value):
            if not a.is_leaf():
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
            spec.append((cls is tuple, flatten(items, flat, depth + 1)))
        else:
            flat.append(check_number(a, "compile: argument"))  # TypeError for anything else
            spec.append(0)
    return tuple(spec)


def unflatten(spec: tuple[Any, ...], flat: Sequence[Any], start: int = 0) -> tuple[list[Any], int]:
    """The arguments described by ``spec``, rebuilt from ``flat`` (and the next position)."""
    out: list[Any] = []
    for s in spec:
        if s == 0:
            out.append(flat[start])
            start += 1
        else:
            is_tuple, inner = s
            items, start = unflatten(inner, flat, start)
            out.append(tuple(items) if is_tuple else items)
    return out, start


def shape(spec: Any) -> tuple[int, ...] | None:
    """The array shape of one argument's nesting (``()`` for a scalar); None if ragged."""
    if spec == 0:
        return ()
    inner = spec[1]
    shapes = {shape(s) for s in inner}
    if len(shapes) != 1:
        return None if shapes else (0,)
    (sub,) = shapes
    return None if sub is None else (len(inner), *sub)


def numbers(flat: list[Any]) -> list[float]:
    """The flat arguments as floats: a Value's data, a number as it is."""
    return [a.data if isinstance(a, Value) else float(a) for a in flat]


# --------------------------------------------------------------------------- the trace
@dataclass
class Trace:
    """A recorded graph in forward order, and what each leaf stands for.

    ``operands[i]`` lists node i's operands in order: an int is the position of a parent
    node, a float a constant kept on the node (``()`` for a leaf).
    """

    nodes: list[Value]  # parents before children; the output last
    index: dict[int, int]  # id(node) -> position in nodes
    operands: list[tuple[int | float, ...]]
    arg_leaf: list[int]  # per flat argument: position of its leaf in nodes, or -1 if f ignores it
    captured: list[int]  # positions of the leaves that are not arguments (parameters, constants)
    signature: list[tuple[Any, ...]]  # per node: what must stay the same between calls
    aux: list[int]  # positions of the auxiliary outputs (has_aux=True)

    def parents(self, i: int) -> list[int]:
        """Positions of node i's parents, in order."""
        return [o for o in self.operands[i] if type(o) is int]


def record(
    f: Callable[..., Any], spec: tuple[Any, ...], flat: list[Any], name: str, has_aux: bool = False
) -> tuple[Value, list[Value], list[Value]]:
    """Run ``f`` on new leaves for the flat arguments: (output, the leaves, auxiliary outputs)."""
    # Every argument is recorded as a new leaf of its own, a Value argument too: the graph
    # is then the same whichever Values a later call passes (one Value twice, or a leaf that
    # f also uses directly), and the wrapper adds each argument's gradient to its .grad.
    leaves = [Value(a.data if isinstance(a, Value) else a) for a in flat]
    args, _ = unflatten(spec, leaves)
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


def analyse(out: Value, leaves: list[Value], aux: Sequence[Value] = ()) -> Trace:
    """The trace of ``out``'s graph, with ``leaves`` the arguments' leaves."""
    nodes = topological_order(out)
    nodes.reverse()
    index = {id(n): i for i, n in enumerate(nodes)}
    arg_leaf = [index.get(id(v), -1) for v in leaves]
    is_arg = set(arg_leaf)
    captured = [i for i, n in enumerate(nodes) if n.is_leaf() and i not in is_arg]
    operands: list[tuple[int | float, ...]] = []
    signature: list[tuple[Any, ...]] = []
    for n in nodes:
        if n.is_leaf():
            operands.append(())
            signature.append(("",))
            continue
        refs = tuple(index[id(o)] if isinstance(o, Value) else float(o) for o in n.operands)
        operands.append(refs)
        signature.append((n.op, refs, ops.get(n.op)))
    aux_at: list[int] = []
    for k, v in enumerate(aux):
        if id(v) not in index:
            raise ValueError(
                f"compile(has_aux=True): auxiliary output {k} is not part of the output's graph; "
                "only Values the output depends on can be replayed"
            )
        aux_at.append(index[id(v)])
    return Trace(nodes, index, operands, arg_leaf, captured, signature, aux_at)


def _show(s: tuple[Any, ...]) -> str:
    if s == ("",):
        return "a leaf"
    refs = s[1]
    parents = [r for r in refs if type(r) is int]
    consts = [r for r in refs if type(r) is not int]
    text = ""
    if consts:
        text = f" with constant {consts[0]!r}" if len(consts) == 1 else f" with constants {consts}"
    return f"{s[0]!r} of nodes {parents}{text}"


def compare(old: Trace, new: Trace, call: int) -> None:
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
            raise TraceMismatchError(f"{where}: node {k} is {_show(b)} now, {_show(a)} when traced{hint}")
    for k in old.captured:
        was, now = old.nodes[k], new.nodes[k]
        if was is not now and not (was.data == now.data):
            raise TraceMismatchError(
                f"{where}: leaf node {k} holds {now.data!r} now and held {was.data!r} when traced, "
                f"and it is a new Value, so the replay would use the old number{hint}"
            )
