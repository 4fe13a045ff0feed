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

How the table works (Primitive, Domain, declare, register, apply) is in ``autograd/_table.py``;
every name there is exported here too. Neither module knows the node class: ``value.py``
registers it (:func:`register_node_type`), as HIPS autograd's box types register with its core.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

from autograd import _table
from autograd._mode import WATCHING, recording

# The table's machinery (autograd/_table.py) is used through this module: autograd.ops.apply,
# autograd.ops.Primitive ... The names below are re-exported.
from autograd._table import _RULES as _RULES
from autograd._table import SYMBOLS as SYMBOLS
from autograd._table import (
    Domain,
    Primitive,
    _as_node,
    _builtin,
    _dispatch,
    _seal,
    apply,
    declare,
    get,
    primitives,
    register,
    register_node_type,
)
from autograd._table import is_node as is_node
from autograd._table import parent_partials as parent_partials

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
_BUILTIN = _seal()

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
        return _table._leaf(out)
    node = _table._make(out, "add_n", inputs, (1.0,) * len(inputs))
    return node if m else _table._watch(node)


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
        return _table._leaf(out)
    node = _table._make(out, "dot", inputs, yd + xd)
    return node if m else _table._watch(node)


def _values_and_data(args: tuple[Any, ...], op: str) -> tuple[tuple[Any, ...], list[float]]:
    """``args`` as a non-empty tuple of Values (numbers become constant leaves), and their data."""
    node_type = _table._node_type
    datas = [v.data for v in args if v.__class__ is node_type]  # one pass: type check and data
    if len(datas) != len(args):
        args = tuple([_as_node(a, "Value") for a in args])  # TypeError for anything but numbers
        datas = [v.data for v in args]
    if not args:
        raise ValueError(f"{op}: expected at least one input, got none")
    return args, datas



def __getattr__(name: str) -> Any:
    """``autograd.ops.generation``: bumped whenever a rule is declared or replaced (compiled
    programs retrace when it changes); it lives in ``autograd._table``, which declares."""
    if name == "generation":
        return _table.generation
    raise AttributeError(f"module 'autograd.ops' has no attribute {name!r}")
