"""How the rules table works: :class:`Primitive` and :class:`Domain`, the table itself
(``get``, ``primitives``, ``declare``, ``register``), and recording a node (``apply``).

The built-in primitives are declared in ``autograd.ops``, which exports everything defined
here under the same names (``autograd.ops.Primitive``, ``autograd.ops.apply``): read that
module for the rules, this one for the machinery. Neither knows the node class: value.py
registers it (:func:`register_node_type`), as HIPS autograd's box types register with its core.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd._mode import WATCHING, recording
from autograd._numbers import check_number
from autograd.errors import MissingRuleError

__all__ = [
    "SYMBOLS",
    "Domain",
    "Primitive",
    "get",
    "primitives",
    "declare",
    "register",
    "apply",
    "parent_partials",
    "register_node_type",
    "is_node",
]

#: Python's binary operators a Primitive may name as its ``symbol``.
SYMBOLS = ("+", "-", "*", "/", "//", "%", "@", "**")


def _pairs(value: object, what: str, kinds: tuple[Any, ...]) -> None:
    if not isinstance(value, tuple):
        raise ValueError(f"Domain: {what} must be a tuple, got {type(value).__name__}")
    for item in value:
        ok = (
            isinstance(item, tuple)
            and len(item) == len(kinds)
            and type(item[0]) is int
            and item[0] >= 0
            and all(isinstance(x, k) and not isinstance(x, bool) for x, k in zip(item[1:], kinds[1:]))
        )
        if not ok:
            names = {2: "(operand index, point) pairs", 3: "(operand index, point, period)"}
            raise ValueError(f"Domain: {what} must hold {names[len(kinds)]}, got {item!r}")


@dataclass(frozen=True)
class Domain:
    """Where an op's operands may lie, and where the op is not differentiable.

    Operands are numbered in order (inputs, then constants). ``positive``: operands that must
    be > 0 (0 is the edge of the domain: log, reciprocal, sqrt, a power's base); ``above``:
    ``(operand, bound)`` pairs, the operand must be > bound (log1p's input > -1). The other
    fields name points where the op is defined on both sides but not differentiable, or has a
    pole: ``kinks`` at fixed points (relu's input at 0.0, a denominator at 0.0); ``ties``
    where two operands are equal (``(0, 1)`` for maximum); ``poles`` at ``point + k * period``
    for every integer k (tan's input at pi/2 + k pi).

    >>> Domain(kinks=((0, 0.0),)).points()
    ((0, 0.0),)
    >>> Domain(positive=(0,)).points()
    ((0, 0.0),)
    >>> Domain(ties=((0, 1),)).points((2.0, 3.0))
    ((0, 3.0), (1, 2.0))
    """

    positive: tuple[int, ...] = ()
    kinks: tuple[tuple[int, float], ...] = ()
    above: tuple[tuple[int, float], ...] = ()
    ties: tuple[tuple[int, int], ...] = ()
    poles: tuple[tuple[int, float, float], ...] = ()

    def __post_init__(self) -> None:
        for i in self.positive if isinstance(self.positive, tuple) else (None,):
            if type(i) is not int or i < 0:
                raise ValueError(f"Domain: positive must hold input indices (ints >= 0), got {i!r}")
        _pairs(self.kinks, "kinks", (int, int | float))
        _pairs(self.above, "above", (int, int | float))
        _pairs(self.ties, "ties", (int, int))
        _pairs(self.poles, "poles", (int, int | float, int | float))
        for _, _, period in self.poles:
            if not period > 0:
                raise ValueError(f"Domain: a pole's period must be > 0, got {period!r}")

    def bounds(self) -> tuple[tuple[int, float], ...]:
        """``(operand, bound)`` for every operand that must be greater than a bound."""
        return tuple((i, 0.0) for i in self.positive) + tuple((i, float(b)) for i, b in self.above)

    def is_smooth(self) -> bool:
        """True when the op is defined and differentiable everywhere."""
        return self == Domain()

    def points(self, operands: Sequence[float] | None = None) -> tuple[tuple[int, float], ...]:
        """Every ``(operand index, point)`` where the op is not differentiable or its domain
        ends. The points that depend on where the operands are (ties, the nearest pole) are
        included when ``operands`` (their numbers) are given."""
        return self.singular(operands) + self.bounds()

    def singular(self, operands: Sequence[float] | None = None) -> tuple[tuple[int, float], ...]:
        """The points of :meth:`points` inside the domain: kinks, ties and poles."""
        found = [(i, float(p)) for i, p in self.kinks]
        if operands is not None:
            n = len(operands)
            for i, j in self.ties:
                if i < n and j < n:
                    found += [(i, float(operands[j])), (j, float(operands[i]))]
            for i, p, period in self.poles:
                if i < n and math.isfinite(operands[i]):
                    found.append((i, p + round((operands[i] - p) / period) * period))
        return tuple(found)


@dataclass(frozen=True)
class Primitive:
    """One entry of the rules table (see the module docstring for each field)."""

    name: str
    arity: int  # operands of forward; 0 means any number, in ``groups`` sequences of one length
    forward: Callable[..., float]
    derivative: Callable[..., Sequence[Any]]
    doc: str = ""
    symbol: str | None = None  # the Python operator that writes the op ("+", "*", "**")
    constants: bool = False  # a number operand stays on the node (x * 2), not a constant leaf
    params: int = 0  # the last ``params`` operands are always numbers kept on the node
    groups: int = 0  # arity 0: the operands are this many sequences (add_n 1, dot 2)
    domain: Domain = field(default_factory=Domain)
    method: bool = False  # also a method of Value (``x.sqrt()``), made by value.py

    def __post_init__(self) -> None:
        if type(self.name) is not str or not self.name.isidentifier():
            raise ValueError(f"Primitive: name must be an identifier str, got {self.name!r:.80}")
        if not callable(self.forward) or not callable(self.derivative):
            raise TypeError(
                f"Primitive {self.name}: forward and derivative must be callable, got "
                f"{type(self.forward).__name__} and {type(self.derivative).__name__}"
            )
        if type(self.arity) is not int or self.arity < 0:
            raise ValueError(f"Primitive {self.name}: arity must be an int >= 0, got {self.arity!r}")
        if type(self.groups) is not int or self.groups < 0 or (self.arity == 0) != (self.groups > 0):
            raise ValueError(
                f"Primitive {self.name}: groups must be an int >= 1 exactly when arity is 0 "
                f"(any number of operands), got arity {self.arity!r} and groups {self.groups!r}"
            )
        if type(self.params) is not int or not 0 <= self.params < max(self.arity, 1):
            raise ValueError(
                f"Primitive {self.name}: params must be an int from 0 to arity - 1, got {self.params!r}"
            )
        if self.symbol is not None and self.symbol not in SYMBOLS:
            raise ValueError(
                f"Primitive {self.name}: symbol must be None or one of {' '.join(SYMBOLS)}, "
                f"got {self.symbol!r}"
            )
        if not isinstance(self.domain, Domain):
            raise TypeError(
                f"Primitive {self.name}: domain must be a Domain, got {type(self.domain).__name__}"
            )

    @property
    def inputs(self) -> int:
        """How many operands can be Values: ``arity - params`` (0: any number)."""
        return self.arity - self.params

    def takes_constant(self, index: int, count: int) -> bool:
        """Whether a plain number at operand ``index`` (of ``count``) stays on the node."""
        return self.constants or index >= count - self.params


_RULES: dict[str, Primitive] = {}
_BUILTIN: frozenset[str] = frozenset()  # set by _seal() once autograd.ops has declared them

#: Bumped whenever a rule is declared or replaced; compiled programs retrace when it
#: changes, so they never replay a replaced rule.
generation = 0


def get(name: str) -> Primitive:
    """The primitive called ``name``; MissingRuleError (a NotImplementedError) if there is none."""
    try:
        return _RULES[name]
    except KeyError:
        raise MissingRuleError(
            f"no derivative rule is registered for op {name!r}; registered ops: {sorted(_RULES)}"
        ) from None


def primitives() -> dict[str, Primitive]:
    """A copy of the rules table, keyed by name."""
    return dict(_RULES)


# --------------------------------------------------------------------------- the node type
# value.py registers the node class and its constructors here (register_node_type), so this
# module records nodes without importing the class.
_node_type: Any = type(None)
_make: Callable[..., Any]
_leaf: Callable[[float], Any]


_method: Callable[[Primitive], Callable[..., Any]] | None = None
_methods: set[str] = set()  # the node class's methods made from the table


def _unwatched(node: Any) -> Any:
    return node


_watch: Callable[[Any], Any] = _unwatched


def register_node_type(
    cls: type,
    make: Callable[..., Any],
    leaf: Callable[[float], Any],
    method: Callable[[Primitive], Callable[..., Any]] | None = None,
    watch: Callable[[Any], Any] | None = None,
) -> None:
    """Tell the table which class its nodes are: ``make(data, op, parents, partials, operands)``
    records an operation node (``operands`` is None, or every operand in order with None where
    a parent goes), ``leaf(data)`` makes a node with no parents, ``method(prim)``, when
    given, makes the node class's method for each primitive declared with ``method=True``
    (now and later), and ``watch(node)`` checks a node made under ``detect_anomaly``."""
    global _node_type, _make, _leaf, _method, _watch
    _node_type, _make, _leaf, _method = cls, make, leaf, method
    _watch = watch or _unwatched
    for prim in _RULES.values():
        if prim.method:
            _add_method(prim)


def _add_method(prim: Primitive) -> None:
    if _method is None:
        return
    if prim.name not in _methods and hasattr(_node_type, prim.name):
        raise ValueError(
            f"declare: {_node_type.__name__} already has an attribute {prim.name!r}; "
            "declare the op with method=False"
        )
    setattr(_node_type, prim.name, _method(prim))
    _methods.add(prim.name)


def is_node(x: object) -> bool:
    """True for a graph node (a Value)."""
    return isinstance(x, _node_type)


def _as_node(x: Any, what: str) -> Any:
    return x if isinstance(x, _node_type) else _leaf(check_number(x, what))


# --------------------------------------------------------------------------- recording
def _as_float(p: Any, op: str) -> float:
    if type(p) is float:
        return p
    try:
        return float(p)
    except (TypeError, ValueError):
        raise TypeError(
            f"{op}: the derivative rule must return numbers for float inputs, got {type(p).__name__}"
        ) from None


def _result(out: object, op: str) -> float:
    """A forward's result as a float; TypeError naming the op when it is not a real number."""
    if isinstance(out, numbers.Real) and not isinstance(out, bool):
        return float(out)
    raise TypeError(f"{op}: the forward must return a real number, got {type(out).__name__}: {out!r:.80}")


def _check_count(prim: Primitive, count: int) -> None:
    if prim.arity:
        if count != prim.arity:
            raise TypeError(f"{prim.name}: expected {prim.arity} inputs, got {count}")
    elif count == 0 or count % prim.groups:
        if prim.groups == 1:
            raise ValueError(f"{prim.name}: expected at least one input, got none")
        raise ValueError(
            f"{prim.name}: expected {prim.groups} sequences of the same length, got {count} operands"
        )


def apply(prim: Primitive, *args: Any) -> Any:
    """Apply ``prim`` to its operands and record the node.

    Values are the node's parents. A plain number stays on the node as a constant where the
    primitive takes one (``apply(MUL, x, 2)`` is ``x * 2``, pow's exponent) and becomes a
    constant leaf otherwise. The forward runs first: if it raises (a domain error, an
    overflow), nothing is recorded.
    """
    count = len(args)
    _check_count(prim, count)
    node_type = _node_type
    parents: list[Any] = []
    datas: list[float] = []
    kept: list[int] = []  # positions of the constants kept on the node
    for i, a in enumerate(args):
        if isinstance(a, node_type):
            if i >= count - prim.params:
                raise TypeError(
                    f"{prim.name}: operand {i} must be a number (a constant kept on the node), got a Value"
                )
            parents.append(a)
            datas.append(a.data)
            continue
        x = check_number(a, prim.name)
        datas.append(x)
        if prim.takes_constant(i, count):
            kept.append(i)
        else:
            parents.append(_leaf(x))
    out = prim.forward(*datas)
    if out.__class__ is not float:
        out = _result(out, prim.name)
    m = recording()
    if (not m and m is not WATCHING) or not parents:
        return _leaf(out)
    partials = prim.derivative(out, *datas)
    if len(partials) != count - prim.params:
        raise TypeError(
            f"{prim.name}: the derivative rule returned {len(partials)} local derivatives, "
            f"expected {count - prim.params} (one per input)"
        )
    template: list[Any] | None = None
    if kept:
        template = [None] * count
        for i in kept:
            template[i] = datas[i]
        partials = [p for p, t in zip(partials, template) if t is None]
    if prim.name not in _BUILTIN:  # a user's rule: make sure it gave one float per input
        partials = [_as_float(p, prim.name) for p in partials]
    node = _make(out, prim.name, parents, partials, None if template is None else tuple(template))
    return node if m else _watch(node)


def parent_partials(prim: Primitive, operands: Sequence[Any], partials: Sequence[Any]) -> list[Any]:
    """The entries of ``partials`` (one per operand) that belong to parents, not constants."""
    node_type = _node_type
    return [p for p, o in zip(partials, operands) if isinstance(o, node_type)]


def _dispatch(prim: Primitive) -> Callable[..., Any]:
    """The user-facing function for ``prim``: floats for numbers, a Value if any input is one."""

    def op(*args: Any) -> Any:
        for a in args:
            if isinstance(a, _node_type):
                return apply(prim, *args)
        _check_count(prim, len(args))
        out = prim.forward(*[check_number(a, prim.name) for a in args])
        return out if out.__class__ is float else _result(out, prim.name)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = _function_doc(prim)
    op.__signature__ = _signature(prim)  # type: ignore[attr-defined]
    return op


def _operand_names(prim: Primitive) -> list[str]:
    n = prim.arity - prim.params
    return ["x"] if n == 1 else ["a", "b", "c", "d"][:n] if n <= 4 else [f"x{i}" for i in range(n)]


def _signature(prim: Primitive) -> inspect.Signature:
    """What ``help()`` and the API reference show: ``exp(x)``, ``maximum(a, b)``, ``f(*args)``."""
    param = inspect.Parameter
    if prim.arity == 0:
        params = [param("args", param.VAR_POSITIONAL)]
    else:
        names = _operand_names(prim) + [f"p{i}" for i in range(prim.params)]
        params = [param(n, param.POSITIONAL_ONLY) for n in names]
    return inspect.Signature(params)


def _function_doc(prim: Primitive) -> str:
    what = prim.doc or f"the registered primitive {prim.name!r}"
    call = f"{prim.name}({', '.join(_operand_names(prim)) if prim.arity else '*args'})"
    return (
        f"{call}: {what}.\n\n"
        f"Any Value among the inputs gives a Value that records one {prim.name!r} node (its local "
        "derivatives come from the rules table, ``autograd.ops.get("
        f"{prim.name!r})``); numbers alone give a float."
    )


def declare(prim: Primitive, *, replace: bool = False) -> Callable[..., Any]:
    """Add ``prim`` to the rules table and return the function that applies it.

    This is all a new op needs: backward, ``grad(create_graph=True)``, compile and batch,
    gradcheck, the strategies, the command line's parser and the drawing read it from here.
    """
    global generation
    if not isinstance(prim, Primitive):
        raise TypeError(f"declare: expected a Primitive, got {type(prim).__name__}")
    if prim.name in _BUILTIN:
        raise ValueError(f"register: {prim.name!r} is a built-in primitive and cannot be replaced")
    if prim.name in _RULES and not replace:
        raise ValueError(f"register: op {prim.name!r} is already registered (pass replace=True to override)")
    if prim.method:
        _add_method(prim)
    _RULES[prim.name] = prim
    generation += 1
    return _dispatch(prim)


def register(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Sequence[Any]],
    *,
    arity: int | None = None,
    doc: str = "",
    replace: bool = False,
    domain: Domain | None = None,
) -> Callable[..., Any]:
    """Add a primitive to the rules table and return the function that applies it.

    ``forward(*xs) -> float`` computes the op on floats; ``derivative(out, *xs)`` returns
    one local derivative per input and must accept floats and Values (build it from
    arithmetic and registered ops). The returned function gives a float for numbers and a
    recorded Value when any argument is a Value. ``arity``, the number of inputs, is read
    from ``forward``'s parameters when not given (pass it for a forward like ``math.hypot``
    that takes ``*args``). ``domain`` tells the gradient checkers and the strategies where
    the op is defined and smooth.

    >>> from autograd import Value
    >>> cube = register("cube", lambda x: x**3, lambda out, x: (3 * x * x,), replace=True)
    >>> cube(2.0)
    8.0
    >>> x = Value(2.0)
    >>> cube(x).backward(); x.grad
    12.0
    """
    if type(name) is not str or not name.isidentifier():
        raise ValueError(f"register: name must be an identifier str, got {name!r}")
    if not callable(forward) or not callable(derivative):
        raise TypeError(
            f"register: forward and derivative must be callable, got "
            f"{type(forward).__name__} and {type(derivative).__name__}"
        )
    if arity is None:
        arity = _count_parameters(forward, name)
    if type(arity) is not int or arity < 1:
        raise ValueError(f"register: arity must be an int >= 1, got {arity!r}")
    prim = Primitive(name, arity, forward, derivative, doc, domain=domain or Domain())
    return declare(prim, replace=replace)


def _count_parameters(forward: Callable[..., Any], name: str) -> int:
    """How many positional arguments ``forward`` takes (its parameters without defaults)."""
    try:
        params = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise ValueError(
            f"register {name}: cannot read the parameters of {forward!r:.80}; "
            "pass arity= (the number of inputs)"
        ) from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        raise ValueError(f"register {name}: forward takes *args, so pass arity= (the number of inputs)")
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def _builtin(prim: Primitive) -> Primitive:
    """Declare a built-in primitive (autograd.ops does, before :func:`_seal`)."""
    _RULES[prim.name] = prim
    return prim


def _seal() -> frozenset[str]:
    """Mark every primitive declared so far as built in: they cannot be replaced, and their
    rules are trusted to return floats. Returns their names."""
    global _BUILTIN
    _BUILTIN = frozenset(_RULES)
    return _BUILTIN
