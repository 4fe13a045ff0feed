"""The `Value` node: a scalar, its gradient, and the record of the operation that made it.

A node holds data, never closures. Its layout is fixed by ``__slots__`` and kept small on
purpose (see bench/README.md for the bytes per node):

========  ==========================================================================
slot      meaning
========  ==========================================================================
data      the number (a float)
grad      the accumulated gradient d(root)/d(self), summed over ``backward()`` calls
label     a free-form name for printing and drawing ("" when unnamed)
_op       the name of the primitive that made the node ("" for a leaf)
_a, _b    the parents. Unary node: ``_a`` is the input and ``_b`` the primitive's
          constant parameter, if any (the exponent of ``pow``). Binary node: ``_a``
          and ``_b`` are the two inputs. Node with three or more inputs: ``_a`` is
          None and ``_b`` is the tuple of inputs. Leaf: both None.
_da, _db  the local derivatives d(self)/d(parent), as floats, computed by the rule in
          ``ops.py`` when the node was recorded. Unary: ``_da``; binary: ``_da`` and
          ``_db``; three or more inputs: ``_db`` is the tuple of them.
========  ==========================================================================

Operator methods only convert their operands and call the rules table (``ops.py``); the
traversal and the chain rule live in ``graph.py``.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Value", "Number", "as_value", "check_number"]

Number = int | float


def check_number(x: object, what: str) -> float:
    """Return ``x`` as a float if it is a real number, else raise TypeError naming ``what``.

    Accepted: int, float, bool (as 0 or 1) and any ``numbers.Real`` (NumPy real scalars).
    Rejected: str, None, complex, containers, and Values (use ``v.detach()`` or ``v.data``).
    """
    tp = type(x)
    if tp is float:
        return x  # type: ignore[return-value]
    if tp is int or tp is bool:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{what}: the integer {x} is too large for a float") from None
    if isinstance(x, Value):
        raise TypeError(
            f"{what}: expected a real number, got a Value ({x!r}); "
            "use v.detach() for a new leaf or v.data for the number"
        )
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"{what}: expected a real number (int, float, bool), got {tp.__name__}: {x!r:.80}")


class Value:
    """A scalar in a computational graph: ``Value(data, label="")``.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db")

    data: float
    grad: float
    label: str
    _op: str
    _a: Any
    _b: Any
    _da: Any
    _db: Any

    def __init__(self, data: Number, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}: {label!r:.80}")
        self.data = check_number(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._a = self._b = self._da = self._db = None

    # ----------------------------------------------------------------- read-only views
    @property
    def op(self) -> str:
        """Name of the primitive that made this node; "" for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node, in argument order."""
        a = self._a
        if a is not None:
            return (a,) if self._db is None else (a, self._b)
        b = self._b
        return () if b is None else b

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        if self._a is not None:
            return (self._da,) if self._db is None else (self._da, self._db)
        return () if self._db is None else self._db

    @property
    def op_args(self) -> tuple[float, ...]:
        """Constant parameters of the operation, such as the exponent of ``x ** 3``."""
        if self._a is not None and self._db is None and self._b is not None:
            return (self._b,)
        return ()

    def is_leaf(self) -> bool:
        """True when the node has no parents (made by the user, a constant, or under no_grad)."""
        return self._a is None and self._b is None

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        if self._op:
            extra += f", op={self._op!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    def __float__(self) -> float:
        return self.data

    __hash__ = object.__hash__

    def detach(self) -> Value:
        """A new leaf with this node's data and label, cut off from the graph."""
        return Value(self.data, self.label)

    # ----------------------------------------------------------------- arithmetic
    # add, mul and relu are the engine's hot path: their forward and local derivatives are
    # written out here instead of calling ops.apply, and tests check them against the
    # rules in ops.py.
    def __add__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out: Value = _new(Value)
        out.data = self.data + other.data  # type: ignore[union-attr]
        out.grad = 0.0
        out.label = ""
        if _recording():
            out._op = "add"
            out._a = self
            out._b = other
            out._da = out._db = 1.0
        else:
            out._op = ""
            out._a = out._b = out._da = out._db = None
        return out

    __radd__ = __add__

    def __mul__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value:
            other = _lift(other)
            if other is NotImplemented:
                return NotImplemented
        out: Value = _new(Value)
        b = other.data  # type: ignore[union-attr]
        a = self.data
        out.data = a * b
        out.grad = 0.0
        out.label = ""
        if _recording():
            out._op = "mul"
            out._a = self
            out._b = other
            out._da = b
            out._db = a
        else:
            out._op = ""
            out._a = out._b = out._da = out._db = None
        return out

    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other + (-self)

    def __truediv__(self, other: Value | Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self * other.reciprocal()  # type: ignore[union-attr]

    def __rtruediv__(self, other: Number) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other * self.reciprocal()

    def __pow__(self, exponent: Value | Number) -> Value:
        if exponent.__class__ is Value:
            return _ops.apply(_ops.VPOW, self, exponent)
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, Value):
            return _ops.apply_pow(self, check_number(exponent, "pow"))
        return NotImplemented

    def __rpow__(self, base: Number) -> Value:
        lifted = _lift(base)
        if lifted is NotImplemented:
            return NotImplemented
        return _ops.apply(_ops.VPOW, lifted, self)

    # ----------------------------------------------------------------- functions
    def exp(self) -> Value:
        """e ** self."""
        return _ops.apply(_ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm; raises ValueError for data <= 0."""
        return _ops.apply(_ops.LOG, self)

    def relu(self) -> Value:
        """max(self, 0), with derivative 0 at 0 (the gradient passes only where data > 0)."""
        x = self.data
        out: Value = _new(Value)
        out.grad = 0.0
        out.label = ""
        out._b = out._db = None
        if _recording():
            out._op = "relu"
            out._a = self
            if x > 0:
                out.data = x
                out._da = 1.0
            else:
                out.data = 0.0 if x <= 0 else x  # nan stays nan
                out._da = 0.0
        else:
            out.data = x if x > 0 else (0.0 if x <= 0 else x)
            out._op = ""
            out._a = out._da = None
        return out

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _ops.apply(_ops.TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + exp(-self)), computed without overflow."""
        return _ops.apply(_ops.SIGMOID, self)

    def reciprocal(self) -> Value:
        """1 / self; raises ZeroDivisionError at 0."""
        return _ops.apply(_ops.RECIPROCAL, self)

    # ----------------------------------------------------------------- gradients
    def backward(self, gradient: Number = 1.0) -> None:
        """Add d(self)/d(node) * gradient to ``.grad`` of every node in this graph.

        Each call adds the same amounts again: stored gradients are never fed back into
        the chain rule, so calling it twice doubles every ``.grad``.
        """
        _graph.backward(self, check_number(gradient, "backward: gradient"))

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on every node of this graph."""
        for node in _graph.topological_order(self):
            node.grad = 0.0


def _lift(x: object) -> Any:
    """A Value as itself, a real number as a new constant leaf, anything else NotImplemented."""
    cls = x.__class__
    if cls is Value:
        return x
    if cls is float or cls is int or (isinstance(x, numbers.Real) and not isinstance(x, Value)):
        v = _new(Value)
        v.data = x if cls is float else check_number(x, "Value")
        v.grad = 0.0
        v.label = ""
        v._op = ""
        v._a = v._b = v._da = v._db = None
        return v
    if isinstance(x, Value):  # a subclass of Value
        return x
    return NotImplemented


def as_value(x: Value | Number) -> Value:
    """Return ``x`` if it is a Value, else a new leaf holding the number ``x`` (TypeError otherwise)."""
    v = _lift(x)
    if v is NotImplemented:
        check_number(x, "Value")  # raises the TypeError that names what was given
    return v  # type: ignore[no-any-return]


_new: Callable[[type], Any] = object.__new__

# Imported last: both modules use the class defined above.
from autograd import graph as _graph  # noqa: E402
from autograd import ops as _ops  # noqa: E402
from autograd.functional import is_grad_enabled as _recording  # noqa: E402
