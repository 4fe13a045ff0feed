"""Tracing: a function's arguments as a flat list of scalars, its recorded graph in forward
order, and the comparison of two traces (``compile(check=True)``).

Arguments are numbers, Values, or (nested) lists and tuples of them; NumPy arrays count as
nested lists. ``flatten`` lists the scalars and describes the nesting, so that a call with
another structure gets its own trace.

Each argument is recorded as a leaf of its own (an :class:`ArgumentLeaf`), except that one
Value passed at several positions is one leaf there too (``x is y`` holds in f, as on the
dynamic engine; the call's key says which positions share a Value). A leaf notes whether f
reads its ``.grad`` while it is traced: a replay would keep that number, so the trace is
refused.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import ops
from autograd._mode import enable_grad
from autograd._numbers import check_number, shown
from autograd.errors import TraceMismatchError
from autograd.graph import topological_order
from autograd.value import Value

__all__ = [
    "Trace",
    "ArgumentLeaf",
    "TRACING",
    "flatten",
    "unflatten",
    "alias_key",
    "shape",
    "numbers",
    "record",
    "analyse",
    "compare",
]

TRACING: contextvars.ContextVar[str | None] = contextvars.ContextVar("autograd_tracing", default=None)
"""The name of the function being traced in this thread or task (None when none is): a
compiled function called then refuses, as its float result would be a constant of the
outer trace."""

_GRAD = Value.__dict__["grad"]  # the slot's descriptor: ArgumentLeaf's property stores there


class ArgumentLeaf(Value):
    """The leaf an argument is recorded as while f is traced: a Value that notes whether f
    reads its ``.grad`` (``watched`` is True only during f's call; ``repr`` does not count)."""

    __slots__ = ("watched", "read")

    def __init__(self, data: float) -> None:
        self.watched = False
        self.read = False
        super().__init__(data)

    @property
    def grad(self) -> float:
        """The gradient slot; reading it while f is traced is noted."""
        if self.watched:
            self.read = True
        return _GRAD.__get__(self)  # type: ignore[no-any-return]

    @grad.setter
    def grad(self, value: float) -> None:
        _GRAD.__set__(self, value)

    def __repr__(self) -> str:
        watched, self.watched = self.watched, False
        try:
            return super().__repr__()
        finally:
            self.watched = watched


# Messages that name the type of an argument (f's own TypeErrors) say Value, as they would
# when f runs on the dynamic engine.
ArgumentLeaf.__name__ = ArgumentLeaf.__qualname__ = "Value"

_MAX_NESTING = 32


def flatten(
    args: Sequence[Any], flat: list[Any], depth: int = 0, values: list[int] | None = None
) -> tuple[Any, ...]:
    """Append the scalars of ``args`` to ``flat``; return the nesting (0 for a scalar, else
    ``(is_tuple, inner spec)``). The positions of Value arguments are appended to ``values``."""
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
            if values is not None:
                values.append(len(flat))
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
            spec.append((cls is tuple, flatten(items, flat, depth + 1, values)))
        else:
            flat.append(check_number(a, "compile: argument"))  # TypeError for anything else
            spec.append(0)
    return tuple(spec)


def alias_key(flat: Sequence[Any], values: Sequence[int]) -> tuple[int, ...] | None:
    """Which Value arguments are one object: per position in ``values``, the first position
    holding the same Value; None when all are distinct (the common case)."""
    first: dict[int, int] = {}
    for p in values:
        first.setdefault(id(flat[p]), p)
    if len(first) == len(values):
        return None
    return tuple(first[id(flat[p])] for p in values)


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

    def grad_slots(self) -> list[tuple[int, int]]:
        """(flat position, index in the replay's gradients) for each argument leaf f uses,
        at the first position that holds it (a Value passed twice gets its gradient once)."""
        rank = {k: j for j, k in enumerate(sorted({k for k in self.arg_leaf if k >= 0}))}
        slots: list[tuple[int, int]] = []
        seen: set[int] = set()
        for pos, k in enumerate(self.arg_leaf):
            if k >= 0 and k not in seen:
                seen.add(k)
                slots.append((pos, rank[k]))
        return slots

    def parents(self, i: int) -> list[int]:
        """Positions of node i's parents, in order."""
        return [o for o in self.operands[i] if type(o) is int]


def record(
    f: Callable[..., Any],
    spec: tuple[Any, ...],
    flat: list[Any],
    name: str,
    has_aux: bool = False,
    real: Collection[int] = (),
) -> tuple[Value, list[Value], list[Value]]:
    """Run ``f`` on new leaves for the flat arguments: (output, the leaf per position,
    auxiliary outputs). The positions in ``real`` pass their Value itself (a leaf that f also
    reaches directly, such as one of its parameters)."""
    # Every argument is recorded as a new leaf (one per distinct Value): the graph is then
    # the same whichever Values a later call passes with the same sharing, and the wrapper
    # adds each argument's gradient to its .grad.
    made: dict[int, Value] = {}
    leaves: list[Value] = []
    watched: list[ArgumentLeaf] = []
    for pos, a in enumerate(flat):
        if isinstance(a, Value):
            leaf = made.get(id(a))
            if leaf is None:
                if pos in real:
                    leaf = a
                else:
                    leaf = ArgumentLeaf(a.data)
                    watched.append(leaf)
                made[id(a)] = leaf
        else:
            leaf = ArgumentLeaf(a)
            watched.append(leaf)
        leaves.append(leaf)
    args, _ = unflatten(spec, leaves)
    for leaf in watched:
        leaf.watched = True
    token = TRACING.set(name)
    try:
        with enable_grad():
            out = f(*args)
    finally:
        TRACING.reset(token)
        for leaf in watched:
            leaf.watched = False
    for leaf in watched:
        if leaf.read:
            pos = next(p for p, v in enumerate(leaves) if v is leaf)
            raise TypeError(
                f"compile: {name} reads the .grad of its argument {pos} while it is traced "
                "(x.grad, or backward() inside it); a replay would keep the number read then. "
                "Read gradients outside the compiled function, or do not compile it"
            )
    aux: list[Value] = []
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                f"compile(has_aux=True): {name} must return a pair (Value, sequence of Values), "
                f"got {type(out).__name__}: {shown(out)}"
            )
        out, extra = out
        aux = list(extra)
        for k, v in enumerate(aux):
            if not isinstance(v, Value):
                raise TypeError(
                    f"compile: auxiliary output {k} of {name} must be a Value, got {type(v).__name__}"
                )
    if not isinstance(out, Value):
        raise TypeError(f"compile: {name} must return a Value, got {type(out).__name__}: {shown(out)}")
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
        # constants by their bits: -0.0 is not 0.0 (1 / c differs), and a nan equals a nan
        signature.append((n.op, tuple(r.hex() if type(r) is float else r for r in refs), ops.get(n.op)))
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
    consts = [float.fromhex(r) for r in refs if type(r) is not int]
    text = ""
    if consts:
        text = f" with constant {consts[0]!r}" if len(consts) == 1 else f" with constants {consts}"
    return f"{s[0]!r} of nodes {parents}{text}"


def _same_data(a: float, b: float) -> bool:
    return a.hex() == b.hex()  # -0.0 differs from 0.0; a nan is a nan


def compare(old: Trace, new: Trace, call: int, again: Callable[[], Trace] | None = None) -> None:
    """Raise TraceMismatchError naming the first difference between two traces.

    Besides the graphs' shapes, ops and constants: a node that is the same object in both
    is a Value made before the call, which the replay recomputes from its leaves while f
    uses its stored number; and a leaf that is another object with the same number is
    either a constant f makes at each call (fine) or a Value f reaches that was replaced
    since the trace (its gradient would go to the old one). ``again()`` records f once
    more to tell them apart: a constant is new each time."""
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
    for k, (was, now) in enumerate(zip(old.nodes, new.nodes)):
        if was is now and not now.is_leaf():
            raise TraceMismatchError(
                f"{where}: node {k} ({now.op!r}) is a Value made before the call, which f uses as it "
                f"is (its number {now.data!r} and its stored derivatives), while the replay "
                "computes it again from its leaves' current numbers. Make it inside the "
                "function, or use a leaf (v.detach()) in its place"
            )
    third: Trace | None = None
    for k in old.captured:
        was, now = old.nodes[k], new.nodes[k]
        if was is now:
            continue
        if not _same_data(was.data, now.data):
            raise TraceMismatchError(
                f"{where}: leaf node {k} holds {now.data!r} now and held {was.data!r} when traced, "
                f"and it is a new Value, so the replay would use the old number{hint}"
            )
        if again is None:
            continue
        if third is None:
            third = again()
        if third.nodes[k] is now:  # the same object twice: a Value f reaches, replaced since
            raise TraceMismatchError(
                f"{where}: leaf node {k} ({now.data!r}, label {now.label!r}) is another Value "
                "object than when traced: a Value the function reaches was replaced (through "
                "an attribute or a container), and the replay would add its gradient to the "
                "old one. Compile the function again after replacing Values it uses"
            )
