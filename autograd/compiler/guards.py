"""What a trace depends on besides its arguments: the closure variables and globals that f's
code reads, each bound to an object when f was traced.

A trace is valid only while those names still refer to the same objects: after
``model = MLP.load(path)`` a replay of ``compile(lambda x: model(x))`` would keep using the
old model's parameters (and send their gradients to it). :func:`guard` reads f's code once
(``dis``: the globals it loads, its closure cells) and :meth:`Guard.changed` names the first
one that is now bound to another object, which makes the compiled function trace again. A
number counts as the same when it has the same type and value (a rebound ``scale = 2.0``).

A list or dict bound to such a name that holds Values (``params = [w, b]``) is guarded by its
items too: replacing one (``params[0] = Value(1.0)``) is seen. Only f's own code is read:
names read by the functions f calls, attributes (``self.model``, a model's parameters) and
the items of other containers are not guarded (``compile(check=True)`` sees what they change).
Names that f itself assigns (``global`` or ``nonlocal`` statements) are left out: a replay does
not run f's Python, so they are f's side effects, not its inputs.
"""

from __future__ import annotations

import dis
import functools
import math
import types
from collections.abc import Callable, Iterator
from typing import Any

from autograd.value import Value

__all__ = ["Guard", "guard", "captured_values"]

_MISSING = object()  # a global not bound (a builtin's name, say) when traced
_EMPTY = object()  # a closure cell without a value


def _function(f: Callable[..., Any]) -> types.FunctionType | None:
    """The Python function whose code ``f`` runs: f itself, a bound method's function or a
    partial's (None for other callables: classes, callable objects, builtins)."""
    for _ in range(100):  # partials of partials; bounded
        if isinstance(f, types.MethodType):
            f = f.__func__
        elif isinstance(f, functools.partial):
            f = f.func
        else:
            break
    return f if isinstance(f, types.FunctionType) else None


def _names(code: types.CodeType) -> tuple[list[str], set[str], set[str]]:
    """Globals loaded by ``code`` and the code objects inside it (its lambdas, comprehensions
    and inner functions), in order; the globals and the closure names they assign."""
    loaded: dict[str, None] = {}
    stored: set[str] = set()
    stored_cells: set[str] = set()
    codes = [code]
    while codes:  # iterative: inner functions nest without limit
        c = codes.pop()
        for ins in dis.get_instructions(c):
            op = ins.opname
            if op in ("LOAD_GLOBAL", "LOAD_NAME"):
                loaded[ins.argval] = None
            elif op in ("STORE_GLOBAL", "DELETE_GLOBAL"):
                stored.add(ins.argval)
            elif op in ("STORE_DEREF", "DELETE_DEREF"):
                stored_cells.add(ins.argval)
        codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return [n for n in loaded if n not in stored], stored, stored_cells


def _same(now: object, was: object) -> bool:
    """Whether a name still refers to what it did: the same object, or an equal number of the
    same type (``-0.0`` differs from ``0.0``; a nan equals a nan)."""
    if now is was:
        return True
    tp = type(now)
    if tp is not type(was) or (tp is not float and tp is not int):
        return False
    if tp is int:
        return now == was
    a, b = float(now), float(was)  # type: ignore[arg-type]
    if a != a:
        return b != b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


class Guard:
    """The objects f's closure variables and globals were bound to when it was traced."""

    def __init__(self, function: types.FunctionType) -> None:
        code = function.__code__
        names, _, stored_cells = _names(code)
        self.name = function.__qualname__
        self.globals = function.__globals__
        self.cells: list[tuple[str, Any, object]] = [
            (name, cell, _contents(cell))
            for name, cell in zip(code.co_freevars, function.__closure__ or ())
            if name not in stored_cells
        ]
        self.names: list[tuple[str, object]] = [(n, self.globals.get(n, _MISSING)) for n in names]
        # lists and dicts of Values, with a copy of their items (compared by identity)
        self.items: list[tuple[str, Any, Any]] = [
            (where, obj, obj.copy())
            for where, obj in self.bound()
            if isinstance(obj, list | dict) and any(isinstance(v, Value) for v in _items(obj))
        ]

    def changed(self) -> str | None:
        """What is now bound to another object (a sentence), or None if nothing is."""
        for where, obj, copy in self.items:
            if obj != copy:  # a C loop over the items; Values compare by identity
                return f"an item of the list or dict of Values in {where} of {self.name} was replaced"
        for name, cell, was in self.cells:
            now = _contents(cell)
            if now is not was and not _same(now, was):
                return f"the closure variable {name!r} of {self.name} is bound to another object now"
        g = self.globals
        for name, was in self.names:
            now = g.get(name, _MISSING)
            if now is not was and not _same(now, was):
                return f"the global {name!r} of {self.name} is bound to another object now"
        return None

    def settle(self) -> None:
        """Forget the names that f's own call rebound (through a function it calls, say):
        they are its side effects, which a replay does not repeat, not its inputs."""
        self.cells = [(n, c, was) for n, c, was in self.cells if _same(_contents(c), was)]
        g = self.globals
        self.names = [(n, was) for n, was in self.names if _same(g.get(n, _MISSING), was)]
        self.items = [(w, obj, copy) for w, obj, copy in self.items if obj == copy]

    def bound(self) -> Iterator[tuple[str, object]]:
        """(description, object) for every guarded name."""
        for name, _, was in self.cells:
            yield f"the closure variable {name!r}", was
        for name, was in self.names:
            yield f"the global {name!r}", was


def _items(obj: list[Any] | dict[Any, Any]) -> Any:
    return obj.values() if isinstance(obj, dict) else obj


def _contents(cell: Any) -> object:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell: a variable assigned later in the enclosing function
        return _EMPTY


def guard(f: Callable[..., Any]) -> Guard | None:
    """The guard of ``f`` as it is bound now (None when f is not a Python function)."""
    function = _function(f)
    return None if function is None else Guard(function)


def captured_values(g: Guard, node_type: type = Value) -> Iterator[tuple[str, Any]]:
    """The nodes f reaches directly through its guarded names: a name bound to a node, or
    to a list, tuple or dict holding nodes (one level deep). (description, node) pairs."""
    for where, obj in g.bound():
        if isinstance(obj, node_type):
            yield where, obj
        elif isinstance(obj, list | tuple):
            for k, item in enumerate(obj):
                if isinstance(item, node_type):
                    yield f"{where}[{k}]", item
        elif isinstance(obj, dict):
            for key, item in obj.items():
                if isinstance(item, node_type):
                    yield f"{where}[{key!r:.40}]", item
