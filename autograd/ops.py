"""The rules table: every primitive declared once, with its forward, its local derivative and
the facts every interpretation of it needs.

A :class:`Primitive` is a name, a number of operands, a ``forward`` on floats and a
``derivative(out, *operands) -> (d out/d operand, ...)``: one local derivative per operand,
reusing the forward result ``out`` where it can (exp's is ``out``, reciprocal's is
``-out * out``). It also says how it is written (``symbol``: the Python operator, for the
printer, the parser and the drawing), whether a plain number among its operands stays on
the node as a constant (``constants``: ``x * 2`` is one ``mul`` node with one parent), how
many trailing operands are always such constants (``params``: pow's exponent), whether it
takes sequences (``groups``: ``add_n`` one, ``dot`` two), and where it is defined and smooth
(``domain``, read by the gradient checkers and the Hypothesis strategies).

The derivative is written once and evaluated in two ways:

* on floats, when a node is recorded: the numbers are stored on the node and
  ``backward()`` multiplies along the edges (graph.py);
* on Values, by ``grad(..., create_graph=True)``: the local derivatives are then themselves
  recorded, which is what makes second derivatives work.

So a derivative must be built from operations that accept both floats and Values: ``+ - * /
**``, and the functions of this module (``exp``, ``log``, ``tanh`` ... and every op made by
``register``), which return a float for float arguments and a Value for Value arguments.

Each other way of evaluating a node (the compiler's scalar and NumPy code, the expression
printer, the drawing) is a table of its own keyed by op name, with a fallback to the
Primitive's ``forward`` and ``derivative``: an op declared here works in all of them.

This module does not know the node class: ``value.py`` registers it
(:func:`register_node_type`), as HIPS autograd's box types register with its core.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd._mode import is_grad_enabled
from autograd._numbers import check_number
from autograd.errors import MissingRuleError

__all__ = [
    "Domain",
    "Primitive",
    "declare",
    "register",
    "get",
    "primitives",
    "apply",
    "register_node_type",
    "exp",
    "log",
    "relu",
    "tanh",
    "sigmoid",
    "reciprocal",
    "dot",
    "add_n",
]

#: Python's binary operators a Primitive may name as its ``symbol``.
SYMBOLS = ("+", "-", "*", "/", "//", "%", "@", "**")


@dataclass(frozen=True)
class Domain:
    """Where an op's operands may lie, and where the op is not differentiable.

    ``positive``: the indices of the operands that must be > 0 (0 is then the edge of the
    domain: log, reciprocal, the base of a power). ``kinks``: ``(operand index, point)``
    pairs where the op is defined but not differentiable (relu's input at 0.0).

    >>> Domain(kinks=((0, 0.0),)).points()
    ((0, 0.0),)
    >>> Domain(positive=(0,)).points()
    ((0, 0.0),)
    """

    positive: tuple[int, ...] = ()
    kinks: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        for i in self.positive:
            if type(i) is not int or i < 0:
                raise ValueError(f"Domain: positive must hold input indices (ints >= 0), got {i!r}")
        for pair in self.kinks:
            if (
                not isinstance(pair, tuple)
                or len(pair) != 2
                or type(pair[0]) is not int
                or pair[0] < 0
                or not isinstance(pair[1], int | float)
            ):
                raise ValueError(f"Domain: kinks must hold (input index, point) pairs, got {pair!r}")

    def points(self) -> tuple[tuple[int, float], ...]:
        """Every ``(operand index, point)`` where the op is not differentiable or its domain ends."""
        return tuple(self.kinks) + tuple((i, 0.0) for i in self.positive)


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


def register_node_type(
    cls: type, make: Callable[..., Any], leaf: Callable[[float], Any]
) -> None:
    """Tell the table which class its nodes are: ``make(data, op, parents, partials, operands)``
    records an operation node (``operands`` is None, or every operand in order with None where
    a parent goes), ``leaf(data)`` makes a node with no parents."""
    global _node_type, _make, _leaf
    _node_type, _make, _leaf = cls, make, leaf


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
    if not is_grad_enabled() or not parents:
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
    return _make(out, prim.name, parents, partials, None if template is None else tuple(template))


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
        return prim.forward(*[check_number(a, prim.name) for a in args])

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = prim.doc or f"The registered primitive {prim.name!r}."
    return op


def declare(prim: Primitive, *, replace: bool = False) -> Callable[..., Any]:
    """Add ``prim`` to the rules table and return the function that applies it.

    This is all a new op needs: backward, ``grad(create_graph=True)``, compile and batch,
    gradcheck, the strategies, the command line's parser and the drawing read it from here.
    """
    global generation
    if not isinstance(prim, Primitive):
        raise TypeError(f"declare: expected a Primitive, got {type(prim).__name__}")
    if prim.name in _RULES and not replace:
        raise ValueError(f"register: op {prim.name!r} is already registered (pass replace=True to override)")
    if prim.name in _BUILTIN:
        raise ValueError(f"register: {prim.name!r} is a built-in primitive and cannot be replaced")
    _RULES[prim.name] = prim
    generation += 1
    return _dispatch(prim)


def register(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Sequence[Any]],
    *,
    arity: int = 1,
    doc: str = "",
    replace: bool = False,
    domain: Domain | None = None,
) -> Callable[..., Any]:
    """Add a primitive to the rules table and return the function that applies it.

    ``forward(*xs) -> float`` computes the op on floats; ``derivative(out, *xs)`` returns
    one local derivative per input and must accept floats and Values (build it from
    arithmetic and registered ops). The returned function gives a float for numbers and a
    recorded Value when any argument is a Value. ``domain`` tells the gradient checkers and
    the strategies where the op is defined and smooth.

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
    if type(arity) is not int or arity < 1:
        raise ValueError(f"register: arity must be an int >= 1, got {arity!r}")
    prim = Primitive(name, arity, forward, derivative, doc, domain=domain or Domain())
    return declare(prim, replace=replace)


def _builtin(prim: Primitive) -> Primitive:
    _RULES[prim.name] = prim
    return prim


# --------------------------------------------------------------------------- forwards
def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: the result overflows a float for operand {x!r}") from None


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log: expected an operand > 0, got {x!r}")
    return math.log(x)


def _reciprocal(x: float) -> float:
    if x == 0:
        raise ZeroDivisionError(f"reciprocal: division by zero (operand {x!r})")
    return 1.0 / x


def _relu(x: float) -> float:
    return 0.0 if x <= 0 else x  # nan stays nan


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # x < 0: exp cannot overflow
    return e / (1.0 + e)


def _pow(x: float, c: float) -> float:
    try:
        y = x**c
    except ZeroDivisionError:
        raise ZeroDivisionError(f"pow: {x!r} cannot be raised to the negative power {c!r}") from None
    except OverflowError:
        raise OverflowError(f"pow: {x!r} ** {c!r} overflows a float") from None
    if type(y) is complex:
        raise ValueError(f"pow: a negative base {x!r} needs an integer exponent, got {c!r}")
    return float(y)


def _vpow(x: float, y: float) -> float:
    if not x > 0:
        raise ValueError(f"pow: a Value exponent needs a base > 0, got base {x!r}")
    return _pow(x, y)


def _step(x: Any) -> float:
    """relu's derivative: 1 where the input is > 0, else 0 (so relu'(0) = 0)."""
    return 1.0 if float(x) > 0 else 0.0


def _pow_derivative(out: Any, x: Any, c: float) -> tuple[Any]:
    if c == 0:
        return (0.0,)
    if c == 1:
        return (1.0,)
    if c == 2:
        return (2.0 * x,)
    if type(x) is float and x == 0 and c < 1:
        return (math.inf,)  # the slope of x ** c at 0 for 0 < c < 1
    return (c * x ** (c - 1),)


def _vpow_derivative(out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    return (y * x ** (y - 1), out * log(x))


def _dot(*xs: float) -> float:
    n = len(xs) // 2
    out: float = sum(map(operator.mul, xs[:n], xs[n:]))
    return out


def _dot_derivative(out: Any, *xs: Any) -> tuple[Any, ...]:
    n = len(xs) // 2
    return xs[n:] + xs[:n]


# --------------------------------------------------------------------------- the table
_POSITIVE = Domain(positive=(0,))
_KINK_AT_0 = Domain(kinks=((0, 0.0),))
_BUILTIN: frozenset[str] = frozenset()

# name, arity, forward, derivative (out, *operands) -> one local derivative per operand, doc
ADD = _builtin(Primitive("add", 2, operator.add, lambda out, a, b: (1.0, 1.0), "a + b", "+", constants=True))
MUL = _builtin(Primitive("mul", 2, operator.mul, lambda out, a, b: (b, a), "a * b", "*", constants=True))
EXP = _builtin(Primitive("exp", 1, _exp, lambda out, x: (out,), "e ** x"))
LOG = _builtin(Primitive("log", 1, _log, lambda out, x: (1.0 / x,), "natural log, x > 0", domain=_POSITIVE))
RECIPROCAL = _builtin(
    Primitive("reciprocal", 1, _reciprocal, lambda out, x: (-(out * out),), "1 / x, x != 0", domain=_POSITIVE)
)
RELU = _builtin(
    Primitive("relu", 1, _relu, lambda out, x: (_step(x),), "max(x, 0); relu'(0) = 0", domain=_KINK_AT_0)
)
TANH = _builtin(Primitive("tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), "tanh(x)"))
SIGMOID = _builtin(
    Primitive("sigmoid", 1, _sigmoid, lambda out, x: (out * (1.0 - out),), "1 / (1 + e ** -x)")
)
POW = _builtin(
    Primitive("pow", 2, _pow, _pow_derivative, "x ** c, c a number", "**", params=1, domain=_POSITIVE)
)
VPOW = _builtin(
    Primitive("vpow", 2, _vpow, _vpow_derivative, "x ** y, y a Value, x > 0", "**", domain=_POSITIVE)
)
ADD_N = _builtin(
    Primitive("add_n", 0, lambda *xs: sum(xs), lambda out, *xs: (1.0,) * len(xs), "x1 + ... + xn", groups=1)
)
DOT = _builtin(Primitive("dot", 0, _dot, _dot_derivative, "x1*y1 + ... + xn*yn", groups=2))
_BUILTIN = frozenset(_RULES)

exp = _dispatch(EXP)
log = _dispatch(LOG)
relu = _dispatch(RELU)
tanh = _dispatch(TANH)
sigmoid = _dispatch(SIGMOID)
reciprocal = _dispatch(RECIPROCAL)


def add_n(values: Iterable[Any]) -> Any:
    """``values[0] + values[1] + ...`` as one node with one edge per input.

    The forward adds left to right, like ``sum``; every local derivative is 1.
    """
    inputs, datas = _values_and_data(tuple(values), "add_n")
    out = sum(datas)
    if not is_grad_enabled():
        return _leaf(out)
    return _make(out, "add_n", inputs, (1.0,) * len(inputs))


def dot(xs: Iterable[Any], ys: Iterable[Any]) -> Any:
    """``x0*y0 + x1*y1 + ...`` as one node instead of ``2n - 1``: a neuron's weighted sum.

    Its inputs are ``xs`` then ``ys``; the local derivatives are ``ys`` for ``xs`` and
    ``xs`` for ``ys``. The forward multiplies and adds left to right, like ``sum``.
    """
    xs = tuple(xs)
    inputs, datas = _values_and_data((*xs, *ys), "dot")
    n = len(xs)
    if 2 * n != len(inputs):
        raise ValueError(
            f"dot: expected two sequences of the same length, got {n} and {len(inputs) - n}"
        )
    xd, yd = datas[:n], datas[n:]
    out = sum(map(operator.mul, xd, yd))
    if not is_grad_enabled():
        return _leaf(out)
    return _make(out, "dot", inputs, yd + xd)


def _values_and_data(args: tuple[Any, ...], op: str) -> tuple[tuple[Any, ...], list[float]]:
    """``args`` as a non-empty tuple of Values (numbers become constant leaves), and their data."""
    node_type = _node_type
    datas = [v.data for v in args if v.__class__ is node_type]  # one pass: type check and data
    if len(datas) != len(args):
        args = tuple([_as_node(a, "Value") for a in args])  # TypeError for anything but numbers
        datas = [v.data for v in args]
    if not args:
        raise ValueError(f"{op}: expected at least one input, got none")
    return args, datas

