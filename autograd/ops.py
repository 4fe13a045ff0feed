"""The rules table: every primitive declared once, with its forward and its local derivative.

A primitive is a name, a number of inputs, a ``forward`` on floats and a ``derivative``
``(out, *inputs) -> (d out/d input, ...)``: one local derivative per input, reusing the
forward result ``out`` where it can (exp's is ``out``, reciprocal's is ``-out * out``).

The derivative is written once and evaluated in two ways:

* on floats, when a node is recorded: the numbers are stored on the node and
  ``backward()`` multiplies along the edges (graph.py);
* on Values, by ``grad(..., create_graph=True)`` (functional.py): the local derivatives are
  then themselves recorded, which is what makes second derivatives work.

So a derivative must be built from operations that accept both floats and Values: ``+ - * /
**``, and the functions of this module (``exp``, ``log``, ``tanh`` ... and every op made by
``register``), which return a float for float arguments and a Value for Value arguments.

Negation, subtraction and division are not primitives: ``-x`` is ``x * -1``, ``a - b`` is
``a + (-b)`` and ``a / b`` is ``a * reciprocal(b)``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd._mode import is_grad_enabled
from autograd.errors import MissingRuleError
from autograd.value import Number, Value, as_value, check_number

__all__ = [
    "Primitive",
    "register",
    "get",
    "primitives",
    "apply",
    "exp",
    "log",
    "relu",
    "tanh",
    "sigmoid",
    "reciprocal",
    "dot",
    "add_n",
]


@dataclass(frozen=True)
class Primitive:
    """One entry of the rules table."""

    name: str
    arity: int  # number of Value inputs; 0 means any number (add_n, dot)
    forward: Callable[..., float]
    derivative: Callable[..., Sequence[Any]]
    doc: str = ""


_RULES: dict[str, Primitive] = {}

#: Bumped whenever a rule is declared or replaced; compiled programs (compiler.py) retrace
#: when it changes, so they never replay a replaced rule.
generation = 0


def get(name: str) -> Primitive:
    """The primitive called ``name``; NotImplementedError if no rule is registered for it."""
    try:
        return _RULES[name]
    except KeyError:
        raise MissingRuleError(
            f"no derivative rule is registered for op {name!r}; registered ops: {sorted(_RULES)}"
        ) from None


def primitives() -> dict[str, Primitive]:
    """A copy of the rules table, keyed by name."""
    return dict(_RULES)


def _declare(prim: Primitive) -> Primitive:
    global generation
    _RULES[prim.name] = prim
    generation += 1
    return prim


# --------------------------------------------------------------------------- recording
def _node(data: float, op: str, inputs: Sequence[Value], partials: Sequence[Any]) -> Value:
    """A new node for ``op`` applied to ``inputs`` (see value.py for the slot layout).

    ``partials`` are floats: the local derivatives, one per input.
    """
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    n = len(inputs)
    if n != len(partials):
        raise TypeError(
            f"{op}: the derivative rule returned {len(partials)} local derivatives, "
            f"expected {n} (one per input)"
        )
    out._tag = op
    if n == 1:
        out._a, out._b, out._da, out._db = inputs[0], None, partials[0], None
    elif n == 2:
        out._a, out._b = inputs
        out._da, out._db = partials
    else:  # tuple() returns a tuple argument itself, without copying
        out._a, out._b, out._da, out._db = None, tuple(inputs), None, tuple(partials)
    return out


def _as_float(p: Any, op: str) -> float:
    if type(p) is float:
        return p
    try:
        return float(p)
    except (TypeError, ValueError):
        raise TypeError(
            f"{op}: the derivative rule must return numbers for float inputs, got {type(p).__name__}"
        ) from None


def _leaf(data: float) -> Value:
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out._tag = ""
    out._a = out._b = out._da = out._db = None
    return out


def apply(prim: Primitive, *args: Value | Number) -> Value:
    """Apply ``prim`` to Values (numbers become constant leaves) and record the node.

    The forward runs first: if it raises (a domain error, an overflow), nothing is recorded.
    """
    inputs = [as_value(a) for a in args]
    if prim.arity and len(inputs) != prim.arity:
        raise TypeError(f"{prim.name}: expected {prim.arity} inputs, got {len(inputs)}")
    datas = [v.data for v in inputs]
    out = prim.forward(*datas)
    if not is_grad_enabled():
        return _leaf(out)
    partials = prim.derivative(out, *datas)
    if prim.name not in _BUILTIN:  # a user's rule: make sure it gave one float per input
        partials = [_as_float(p, prim.name) for p in partials]
    return _node(out, prim.name, inputs, partials)


def _dispatch(prim: Primitive) -> Callable[..., Any]:
    """The user-facing function for ``prim``: floats for numbers, a Value if any input is one."""

    def op(*args: Any) -> Any:
        for a in args:
            if isinstance(a, Value):
                return apply(prim, *args)
        return prim.forward(*[check_number(a, prim.name) for a in args])

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = prim.doc or f"The registered primitive {prim.name!r}."
    return op


def register(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Sequence[Any]],
    *,
    arity: int = 1,
    doc: str = "",
    replace: bool = False,
) -> Callable[..., Any]:
    """Add a primitive to the rules table and return the function that applies it.

    ``forward(*xs) -> float`` computes the op on floats; ``derivative(out, *xs)`` returns
    one local derivative per input and must accept floats and Values (build it from
    arithmetic and registered ops). The returned function gives a float for numbers and a
    recorded Value when any argument is a Value.

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
    if name in _RULES and not replace:
        raise ValueError(f"register: op {name!r} is already registered (pass replace=True to override)")
    if name in _BUILTIN:
        raise ValueError(f"register: {name!r} is a built-in primitive and cannot be replaced")
    prim = _declare(Primitive(name, arity, forward, derivative, doc))
    return _dispatch(prim)


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


# --------------------------------------------------------------------------- the table
ADD = _declare(Primitive("add", 2, lambda a, b: a + b, lambda out, a, b: (1.0, 1.0), "a + b"))
MUL = _declare(Primitive("mul", 2, lambda a, b: a * b, lambda out, a, b: (b, a), "a * b"))
EXP = _declare(Primitive("exp", 1, _exp, lambda out, x: (out,), "e ** x"))
LOG = _declare(Primitive("log", 1, _log, lambda out, x: (1.0 / x,), "natural log, x > 0"))
RECIPROCAL = _declare(
    Primitive("reciprocal", 1, _reciprocal, lambda out, x: (-(out * out),), "1 / x, x != 0")
)
RELU = _declare(Primitive("relu", 1, _relu, lambda out, x: (_step(x),), "max(x, 0); relu'(0) = 0"))
TANH = _declare(Primitive("tanh", 1, math.tanh, lambda out, x: (1.0 - out * out,), "tanh(x)"))
SIGMOID = _declare(
    Primitive("sigmoid", 1, _sigmoid, lambda out, x: (out * (1.0 - out),), "1 / (1 + e ** -x)")
)
POW = _declare(Primitive("pow", 1, _pow, _pow_derivative, "x ** c for a constant number c"))
VPOW = _declare(
    Primitive("vpow", 2, _vpow, _vpow_derivative, "x ** y for a Value exponent y, x > 0")
)
ADD_N = _declare(
    Primitive("add_n", 0, lambda *xs: sum(xs), lambda out, *xs: (1.0,) * len(xs), "x1 + ... + xn")
)
DOT = _declare(
    Primitive(
        "dot",
        0,
        lambda *xs: sum(map(operator.mul, xs[: len(xs) // 2], xs[len(xs) // 2 :])),
        lambda out, *xs: xs[len(xs) // 2 :] + xs[: len(xs) // 2],
        "x1*y1 + ... + xn*yn",
    )
)
_BUILTIN = frozenset(_RULES)

exp = _dispatch(EXP)
log = _dispatch(LOG)
relu = _dispatch(RELU)
tanh = _dispatch(TANH)
sigmoid = _dispatch(SIGMOID)
reciprocal = _dispatch(RECIPROCAL)


def apply_pow(x: Value, c: float) -> Value:
    """``x ** c`` for a constant number ``c``: the exponent is kept on the node, not as a parent."""
    data = _pow(x.data, c)
    if not is_grad_enabled():
        return _leaf(data)
    out = _node(data, "pow", [x], _pow_derivative(data, x.data, c))
    out._b = c  # the constant parameter of a unary node (see value.py)
    return out


def add_n(values: Iterable[Value | Number]) -> Value:
    """``values[0] + values[1] + ...`` as one node with one edge per input.

    The forward adds left to right, like ``sum``; every local derivative is 1.
    """
    inputs, datas = _values_and_data(tuple(values), "add_n")
    out = sum(datas)
    if not is_grad_enabled():
        return _leaf(out)
    return _node(out, "add_n", inputs, (1.0,) * len(inputs))


def dot(xs: Iterable[Value | Number], ys: Iterable[Value | Number]) -> Value:
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
    return _node(out, "dot", inputs, yd + xd)


def _values_and_data(args: tuple[Any, ...], op: str) -> tuple[tuple[Value, ...], list[float]]:
    """``args`` as a non-empty tuple of Values (numbers become constant leaves), and their data."""
    datas = [v.data for v in args if v.__class__ is Value]  # one pass: type check and data
    if len(datas) != len(args):
        args = tuple([as_value(a) for a in args])  # TypeError for anything but numbers
        datas = [v.data for v in args]
    if not args:
        raise ValueError(f"{op}: expected at least one input, got none")
    return args, datas

