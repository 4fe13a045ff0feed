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

import builtins
import inspect
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd._mode import WATCHING, recording
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
    "div",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "tan",
    "atan",
    "sinh",
    "cosh",
    "log1p",
    "expm1",
    "softplus",
    "erf",
    "maximum",
    "minimum",
    "clamp",
    "dot",
    "add_n",
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
    if x != x:
        return float(x**y)  # a nan base follows IEEE: nan (1.0 for the exponent 0)
    if not x > 0:
        raise ValueError(f"pow: a Value exponent needs a base > 0, got base {x!r}")
    return _pow(x, y)


def _ieee_power(x: float, e: float) -> float:
    """``x ** e`` as IEEE 754 gives it where Python raises: +-inf for a result too large, and
    for 0 raised to a negative power (a derivative's value, where the op itself is finite)."""
    try:
        return float(x**e)
    except (OverflowError, ZeroDivisionError):
        odd = e.is_integer() and e % 2 == 1
        negative = odd and math.copysign(1.0, x) < 0
        return -math.inf if negative else math.inf



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
    if c < 1 and float(x) == 0:
        return (math.inf,)  # the slope of x ** c at 0 for 0 < c < 1 (also on Values: a constant)
    if type(x) is float:
        return (c * _ieee_power(x, c - 1),)  # +-inf where the slope overflows
    return (c * x ** (c - 1),)


def _vpow_derivative(out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    if type(x) is float and type(y) is float:
        return (y * _ieee_power(x, y - 1), out * log(x))
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
EXP = _builtin(Primitive("exp", 1, _exp, lambda out, x: (out,), "e ** x", method=True))
LOG = _builtin(
    Primitive("log", 1, _log, lambda out, x: (1.0 / x,), "natural log, x > 0", domain=_POSITIVE, method=True)
)
RECIPROCAL = _builtin(
    Primitive(
        "reciprocal", 1, _reciprocal, lambda out, x: (-(out * out),), "1 / x, x != 0", domain=_POSITIVE,
        method=True,
    )
)
RELU = _builtin(
    Primitive("relu", 1, _relu, lambda out, x: (_step(x),), "max(x, 0); relu'(0) = 0", domain=_KINK_AT_0)
)
TANH = _builtin(Primitive("tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), "tanh(x)", method=True))
SIGMOID = _builtin(
    Primitive("sigmoid", 1, _sigmoid, lambda out, x: (out * (1.0 - out),), "1 / (1 + e ** -x)", method=True)
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


# --------------------------------------------------------------------------- more functions
def _checked(name: str, f: Callable[[float], float], domain: str = "") -> Callable[[float], float]:
    """``f`` with its math errors reported in the op's name, naming the operand."""

    def forward(x: float) -> float:
        try:
            return f(x)
        except OverflowError:
            raise OverflowError(f"{name}: the result overflows a float for operand {x!r}") from None
        except ValueError:
            raise ValueError(f"{name}: expected an operand {domain}, got {x!r}") from None

    forward.__name__ = forward.__qualname__ = f"_{name}"
    return forward


def _div(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"div: division by zero ({a!r} / {b!r})")
    return a / b


def _sqrt_derivative(out: Any, x: Any) -> tuple[Any]:
    if float(out) == 0:
        return (math.inf,)  # the slope of sqrt at 0 (also on Values: a constant)
    return (0.5 / out,)


def _sign(x: Any) -> float:
    """abs's derivative: -1, 0 or 1 (so abs'(0) = 0); nan for nan."""
    v = float(x)
    return 1.0 if v > 0 else (-1.0 if v < 0 else (0.0 if v == 0 else v))


def _softplus(x: float) -> float:
    """log(1 + e ** x) = max(x, 0) + log1p(e ** -|x|): no overflow for large |x|."""
    return (x if x > 0 else 0.0) + math.log1p(math.exp(-builtins.abs(x)))


def _extremum(larger: bool) -> Callable[[float, float], float]:
    def forward(a: float, b: float) -> float:
        if a != a or b != b:  # nan wins, as in IEEE maximum and PyTorch
            return math.nan
        if a == b:  # equal (also -0.0 and 0.0): the larger is +0.0, the smaller -0.0
            return a if (math.copysign(1.0, a) > 0) == larger else b
        return a if (a > b) == larger else b

    return forward


def _extremum_derivative(larger: bool) -> Callable[..., tuple[float, float]]:
    def derivative(out: Any, a: Any, b: Any) -> tuple[float, float]:
        fa, fb = float(a), float(b)
        if fa == fb:
            return (0.5, 0.5)  # a tie splits the gradient equally, as PyTorch does
        if fa != fa or fb != fb:
            return (math.nan, math.nan)
        return (1.0, 0.0) if (fa > fb) == larger else (0.0, 1.0)

    return derivative


def _clamp(x: float, lo: float, hi: float) -> float:
    if x != x:
        return x
    return min(max(x, lo), hi)


def _clamp_derivative(out: Any, x: Any, lo: float, hi: float) -> tuple[float]:
    """1 where lo <= x <= hi (the bounds included, as PyTorch), else 0."""
    return (1.0 if lo <= float(x) <= hi else 0.0,)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

DIV = _builtin(
    Primitive(
        "div", 2, _div, lambda out, a, b: (1.0 / b, -out / b), "a / b, b != 0", "/", constants=True,
        domain=Domain(kinks=((1, 0.0),)),
    )
)
SQRT = _builtin(
    Primitive(
        "sqrt", 1, _checked("sqrt", math.sqrt, ">= 0"), _sqrt_derivative, "square root, x >= 0",
        domain=_POSITIVE, method=True,
    )
)
ABS = _builtin(
    Primitive(
        "abs", 1, builtins.abs, lambda out, x: (_sign(x),), "|x|; abs'(0) = 0", domain=_KINK_AT_0, method=True
    )
)
SIN = _builtin(Primitive("sin", 1, math.sin, lambda out, x: (cos(x),), "sine", method=True))
COS = _builtin(Primitive("cos", 1, math.cos, lambda out, x: (-sin(x),), "cosine", method=True))
TAN = _builtin(
    Primitive(
        "tan", 1, math.tan, lambda out, x: (1.0 + out * out,), "tangent",
        domain=Domain(poles=((0, math.pi / 2, math.pi),)), method=True,
    )
)
ATAN = _builtin(
    Primitive("atan", 1, math.atan, lambda out, x: (1.0 / (1.0 + x * x),), "arctangent", method=True)
)
SINH = _builtin(
    Primitive("sinh", 1, _checked("sinh", math.sinh), lambda out, x: (cosh(x),), "sinh(x)", method=True)
)
COSH = _builtin(
    Primitive("cosh", 1, _checked("cosh", math.cosh), lambda out, x: (sinh(x),), "cosh(x)", method=True)
)
LOG1P = _builtin(
    Primitive(
        "log1p", 1, _checked("log1p", math.log1p, "> -1"), lambda out, x: (1.0 / (1.0 + x),),
        "log(1 + x), accurate near 0; x > -1", domain=Domain(above=((0, -1.0),)), method=True,
    )
)
EXPM1 = _builtin(
    Primitive(
        "expm1", 1, _checked("expm1", math.expm1), lambda out, x: (out + 1.0,),
        "e ** x - 1, accurate near 0", method=True,
    )
)
SOFTPLUS = _builtin(
    Primitive(
        "softplus", 1, _softplus, lambda out, x: (sigmoid(x),), "log(1 + e ** x), stable for large |x|",
        method=True,
    )
)
ERF = _builtin(
    Primitive(
        "erf", 1, math.erf, lambda out, x: (_TWO_OVER_SQRT_PI * exp(-(x * x)),), "the error function",
        method=True,
    )
)
MAXIMUM = _builtin(
    Primitive(
        "maximum", 2, _extremum(True), _extremum_derivative(True),
        "the larger of a and b; a tie splits the gradient", constants=True, domain=Domain(ties=((0, 1),)),
        method=True,
    )
)
MINIMUM = _builtin(
    Primitive(
        "minimum", 2, _extremum(False), _extremum_derivative(False),
        "the smaller of a and b; a tie splits the gradient", constants=True, domain=Domain(ties=((0, 1),)),
        method=True,
    )
)
CLAMP = _builtin(
    Primitive(
        "clamp", 3, _clamp, _clamp_derivative, "x limited to [lo, hi], slope 1 there",
        params=2, domain=Domain(ties=((0, 1), (0, 2))),
    )
)
_BUILTIN = frozenset(_RULES)

exp: Callable[..., Any] = _dispatch(EXP)
log: Callable[..., Any] = _dispatch(LOG)
relu: Callable[..., Any] = _dispatch(RELU)
tanh: Callable[..., Any] = _dispatch(TANH)
sigmoid: Callable[..., Any] = _dispatch(SIGMOID)
reciprocal: Callable[..., Any] = _dispatch(RECIPROCAL)
div: Callable[..., Any] = _dispatch(DIV)
sqrt: Callable[..., Any] = _dispatch(SQRT)
abs: Callable[..., Any] = _dispatch(ABS)  # autograd.abs, as numpy.abs; abs(v) of a Value is it too
sin: Callable[..., Any] = _dispatch(SIN)
cos: Callable[..., Any] = _dispatch(COS)
tan: Callable[..., Any] = _dispatch(TAN)
atan: Callable[..., Any] = _dispatch(ATAN)
sinh: Callable[..., Any] = _dispatch(SINH)
cosh: Callable[..., Any] = _dispatch(COSH)
log1p: Callable[..., Any] = _dispatch(LOG1P)
expm1: Callable[..., Any] = _dispatch(EXPM1)
softplus: Callable[..., Any] = _dispatch(SOFTPLUS)
erf: Callable[..., Any] = _dispatch(ERF)
maximum: Callable[..., Any] = _dispatch(MAXIMUM)
minimum: Callable[..., Any] = _dispatch(MINIMUM)
_clamp_op: Callable[..., Any] = _dispatch(CLAMP)


def clamp(x: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """``x`` limited to ``[lo, hi]`` (None: no bound on that side), as ``torch.clamp``: the
    gradient is 1 where ``lo <= x <= hi`` and 0 outside. The bounds are numbers kept on the node."""
    return _clamp_op(x, -math.inf if lo is None else lo, math.inf if hi is None else hi)


def add_n(values: Iterable[Any]) -> Any:
    """``values[0] + values[1] + ...`` as one node with one edge per input.

    The forward adds left to right, like ``sum``; every local derivative is 1.
    """
    inputs, datas = _values_and_data(tuple(values), "add_n")
    out = sum(datas)
    m = recording()
    if not m and m is not WATCHING:
        return _leaf(out)
    node = _make(out, "add_n", inputs, (1.0,) * len(inputs))
    return node if m else _watch(node)


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
    m = recording()
    if not m and m is not WATCHING:
        return _leaf(out)
    node = _make(out, "dot", inputs, yd + xd)
    return node if m else _watch(node)


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

