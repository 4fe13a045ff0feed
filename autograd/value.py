"""The `Value` node: a scalar, its gradient, and the record of the operation that made it.

A node holds data, never closures. Its layout is fixed by ``__slots__`` and kept small on
purpose: 88 bytes plus the float of its data (bench/ measures it).

========  ==========================================================================
slot      meaning
========  ==========================================================================
data      the number (a float)
grad      the accumulated gradient d(root)/d(self), summed over ``backward()`` calls
_tag      a leaf's label; an operation node's op name (``"mul"``), or the pair
          ``(op, label)`` once it is given a label, or ``(op, label, "file:line")`` for a
          node made under ``detect_anomaly``. Read it through ``op``, ``label``, ``origin``.
_a, _b    the inputs. Unary node (one parent): ``_a`` is the parent and ``_b`` holds the
          op's constant operands: None, one number when it comes after the parent (``x * 2``
          keeps 2.0 there, ``x ** 3`` keeps 3.0), or the tuple of every operand with None
          where the parent goes. Binary node: ``_a`` and ``_b`` are the two parents. Node
          with three or more parents, or two and constants: ``_a`` is None and ``_b`` the
          tuple of parents. Leaf: both None.
_da, _db  the local derivatives d(self)/d(parent), computed by the rule in ``ops.py`` when
          the node was recorded. Unary: ``_da`` (and ``_db`` is None); binary: ``_da`` and
          ``_db``; otherwise ``_db`` is the tuple of them and ``_da`` None, or the operands
          tuple (None where a parent goes) when the node has constants.
========  ==========================================================================

:func:`_make` is the one constructor of operation nodes (the rules table calls it through
:func:`autograd.ops.register_node_type`); the operator methods below inline it for add, mul
and relu, the engine's hot path. ``graph.py`` is the only module that walks the slots; the
rest of the package reads nodes through ``op``, ``parents``, ``local_grads``, ``operands``
and ``op_args``.

Plain numbers are not nodes: ``x * 2`` is one ``mul`` node with one parent, and the constant
kept on the node, as the seeds draw ``*-1`` and ``+1`` nodes.

Operator methods only convert their operands and call the rules table (``ops.py``); the
traversal and the chain rule live in ``graph.py``.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd import graph as _graph
from autograd import ops as _ops
from autograd._mode import WATCHING as _WATCHING
from autograd._mode import is_anomaly_enabled as _watching
from autograd._mode import recording as _recording
from autograd._numbers import Number, check_number
from autograd.errors import AnomalyError

if TYPE_CHECKING:
    from autograd.viz import GraphView

__all__ = ["Value", "Number", "as_value"]


class Value:
    """A scalar in a computational graph: ``Value(data, label="")``.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    """

    __slots__ = ("data", "grad", "_tag", "_a", "_b", "_da", "_db")

    data: float
    grad: float
    _tag: Any
    _a: Any
    _b: Any
    _da: Any
    _db: Any

    def __init__(self, data: Number, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}: {label!r:.80}")
        self.data = check_number(data, "Value")
        self.grad = 0.0
        self._tag = label
        self._a = self._b = self._da = self._db = None

    # ----------------------------------------------------------------- read-only views
    @property
    def op(self) -> str:
        """Name of the primitive that made this node; "" for a leaf."""
        if self._a is None and self._b is None:
            return ""
        tag = self._tag
        return tag if tag.__class__ is str else tag[0]

    @property
    def label(self) -> str:
        """A free-form name for printing and drawing ("" when unnamed)."""
        tag = self._tag
        if self._a is None and self._b is None:
            return tag  # type: ignore[no-any-return]
        return "" if tag.__class__ is str else tag[1]

    @label.setter
    def label(self, label: str) -> None:
        if type(label) is not str:
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r:.80}")
        op, origin = self.op, self.origin
        if origin:
            self._tag = (op, label, origin)
        else:
            self._tag = (op, label) if op and label else (op or label)

    @property
    def origin(self) -> str:
        """``file:line`` of the code that made this node, kept only under ``detect_anomaly``; "" otherwise."""
        tag = self._tag
        return tag[2] if tag.__class__ is tuple and len(tag) == 3 else ""

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value inputs of the operation that made this node, in argument order."""
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
    def operands(self) -> tuple[Value | float, ...]:
        """Every operand of the operation in order: the parents, and the constant numbers
        kept on the node (``(x, 2.0)`` for ``x * 2``); ``()`` for a leaf."""
        a, b = self._a, self._b
        if a is not None:
            if self._db is not None or b is None:
                return (a,) if b is None else (a, b)
            if b.__class__ is tuple:
                return tuple(a if o is None else o for o in b)
            return (a, b)
        if b is None:
            return ()
        template = self._da
        if template is None:
            return b  # type: ignore[no-any-return]
        parents = iter(b)
        return tuple(next(parents) if o is None else o for o in template)

    @property
    def op_args(self) -> tuple[float, ...]:
        """Constant operands of the operation: ``(2.0,)`` for ``x * 2``, ``(3.0,)`` for ``x ** 3``."""
        a, b = self._a, self._b
        if a is not None and self._db is None and b is not None:
            return tuple(o for o in b if o is not None) if b.__class__ is tuple else (b,)
        if a is None and self._da is not None:
            return tuple(o for o in self._da if o is not None)
        return ()

    def is_leaf(self) -> bool:
        """True when the node has no parents (made by the user, or under no_grad)."""
        return self._a is None and self._b is None

    def __repr__(self) -> str:
        label, op = self.label, self.op
        extra = f", label={label!r}" if label else ""
        if op:
            extra += f", op={op!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # ----------------------------------------------------------------- Python protocols
    # Comparisons and truth read the data; == and hash stay by identity, so graphs can key
    # dictionaries by node. max(values), min and sorted return the Values themselves.
    def __float__(self) -> float:
        return self.data

    def __int__(self) -> int:
        return int(self.data)

    def __bool__(self) -> bool:
        return self.data != 0

    def __round__(self, ndigits: int | None = None) -> Any:
        """``round(v, n)``: a float, as for the data; ``round(v)``: an int."""
        return round(self.data) if ndigits is None else round(self.data, ndigits)

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats the data; an empty spec gives ``str(v)``."""
        return format(self.data, spec) if spec else str(self)

    def item(self) -> float:
        """The data, as a float (PyTorch's name)."""
        return self.data

    def __lt__(self, other: Value | Number) -> bool:
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data < o

    def __le__(self, other: Value | Number) -> bool:
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data <= o

    def __gt__(self, other: Value | Number) -> bool:
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data > o

    def __ge__(self, other: Value | Number) -> bool:
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data >= o

    def __abs__(self) -> Value:
        return _unary(_ops.ABS, self)

    def __pos__(self) -> Value:
        return self

    # ----------------------------------------------------------------- micrograd's names
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of this node's parents (read-only)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name: the op as micrograd writes it (``+``, ``*``, ``**2``, ``ReLU``,
        ``tanh``, ``exp``; this engine's own ops by their symbol or name); "" for a leaf."""
        op = self.op
        if op == "pow":
            c = self._b
            return f"**{int(c) if c.is_integer() else c}"
        name = _MICROGRAD_OPS.get(op)
        if name is None:
            prim = _ops.primitives().get(op)
            name = prim.symbol if prim is not None and prim.symbol else op
        return name

    __hash__ = object.__hash__

    # ----------------------------------------------------------------- copying
    def __copy__(self) -> Value:
        """A new node with this node's data, grad, label and op, and the same parents."""
        out: Value = _new(Value)
        out.data, out.grad, out._tag = self.data, self.grad, self._tag
        out._a, out._b, out._da, out._db = self._a, self._b, self._da, self._db
        return out

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of this node's whole graph, made without recursion (any depth); a node
        shared in the graph, or already copied in this deepcopy, is copied once."""
        order = _graph.topological_order(self)
        order.reverse()  # parents first
        for node in order:
            if id(node) in memo:
                continue
            c: Value = _new(Value)
            c.data, c.grad, c._tag = node.data, node.grad, node._tag
            a, b = node._a, node._b
            c._da, c._db = node._da, node._db  # numbers, or tuples of numbers (immutable)
            if a is not None:
                c._a = memo[id(a)]
                c._b = memo[id(b)] if node._db is not None else b  # a parent, or constants
            else:
                c._a = None
                c._b = None if b is None else tuple(memo[id(p)] for p in b)
            memo[id(node)] = c
        out: Value = memo[id(self)]
        return out

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickling: a leaf pickles as its data, label and grad. A node with a graph is refused
        (its graph may be deeper than pickle's recursion allows): pickle ``v.detach()``, or
        the numbers, or copy it with ``copy.deepcopy``."""
        if not self.is_leaf():
            raise TypeError(
                f"pickle: a Value made by an operation (op {self.op!r}) cannot be pickled with its graph; "
                "pickle v.detach() (a leaf with the same data) or the numbers, or use copy.deepcopy"
            )
        return (_unpickle_leaf, (self.data, self.label, self.grad))

    def detach(self) -> Value:
        """A new leaf with this node's data and label, cut off from the graph."""
        return Value(self.data, self.label)

    # ----------------------------------------------------------------- arithmetic
    # add, mul and relu are the engine's hot path: their forward and local derivatives are
    # written out here instead of going through ops.apply, and tests check them against
    # the rules in ops.py. A plain-number operand stays a constant on the node.
    def __add__(self, other: Value | Number) -> Value:
        cls = other.__class__
        if cls is Value or (cls is not float and isinstance(other, Value)):
            out: Value = _new(Value)
            out.data = self.data + other.data  # type: ignore[union-attr]
            out.grad = 0.0
            if _recording():
                out._tag = "add"
                out._a = self
                out._b = other
                out._da = out._db = 1.0
                return out
            if _recording() is _WATCHING:  # detect_anomaly: the generic path records and watches
                return _ops.apply(_ops.ADD, self, other)  # type: ignore[no-any-return]
        else:
            if cls is float:
                c: float = other  # type: ignore[assignment]
            else:
                c = _constant(other)
                if c is NotImplemented:
                    return NotImplemented
            out = _new(Value)
            out.data = self.data + c
            out.grad = 0.0
            if _recording():
                out._tag = "add"
                out._a = self
                out._b = c
                out._da = 1.0
                out._db = None
                return out
            if _recording() is _WATCHING:
                return _ops.apply(_ops.ADD, self, c)  # type: ignore[no-any-return]
        out._tag = ""
        out._a = out._b = out._da = out._db = None
        return out

    __radd__ = __add__

    def __mul__(self, other: Value | Number) -> Value:
        cls = other.__class__
        if cls is Value or (cls is not float and isinstance(other, Value)):
            out: Value = _new(Value)
            a = self.data
            b = other.data  # type: ignore[union-attr]
            out.data = a * b
            out.grad = 0.0
            if _recording():
                out._tag = "mul"
                out._a = self
                out._b = other
                out._da = b
                out._db = a
                return out
            if _recording() is _WATCHING:
                return _ops.apply(_ops.MUL, self, other)  # type: ignore[no-any-return]
        else:
            if cls is float:
                c: float = other  # type: ignore[assignment]
            else:
                c = _constant(other)
                if c is NotImplemented:
                    return NotImplemented
            out = _new(Value)
            out.data = self.data * c
            out.grad = 0.0
            if _recording():
                out._tag = "mul"
                out._a = self
                out._b = out._da = c
                out._db = None
                return out
            if _recording() is _WATCHING:
                return _ops.apply(_ops.MUL, self, c)  # type: ignore[no-any-return]
        out._tag = ""
        out._a = out._b = out._da = out._db = None
        return out

    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return self + (-other)
        c = _constant(other)
        return NotImplemented if c is NotImplemented else self + (-c)

    def __rsub__(self, other: Number) -> Value:
        c = _constant(other)
        return NotImplemented if c is NotImplemented else (-self) + c

    def __truediv__(self, other: Value | Number) -> Value:
        # one div node computed as the floats' quotient; a number stays a constant on it
        if isinstance(other, Value):
            return _binary(_DIV, self, other)
        c = _constant(other)
        return NotImplemented if c is NotImplemented else _with_constant(_DIV, self, c)

    def __rtruediv__(self, other: Number) -> Value:
        c = _constant(other)
        if c is NotImplemented:
            return NotImplemented
        if c == 1.0:  # 1 / v is the reciprocal node (the seeds' sigmoid: *-1, exp, +1, reciprocal)
            return _unary(_ops.RECIPROCAL, self)
        b = self.data
        data = _DIV.forward(c, b)
        m = _recording()
        if not m and m is not _WATCHING:
            return _leaf(data)
        out = _make(data, "div", (self,), _DIV.derivative(data, c, b)[1:], (c, None))
        return out if m else _watch(out)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _ops.apply(_ops.VPOW, self, exponent)  # type: ignore[no-any-return]
        c = _constant(exponent)
        return NotImplemented if c is NotImplemented else _with_constant(_ops.POW, self, c)

    def __rpow__(self, base: Number) -> Value:
        c = _constant(base)
        return NotImplemented if c is NotImplemented else _ops.apply(_ops.VPOW, c, self)

    # ----------------------------------------------------------------- functions
    # Every primitive declared with ``method=True`` is also a method (``x.exp()``,
    # ``x.sqrt()``, ``a.maximum(b)``), made from the rules table below the class.
    if TYPE_CHECKING:

        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def reciprocal(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def abs(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...
        def tan(self) -> Value: ...
        def atan(self) -> Value: ...
        def sinh(self) -> Value: ...
        def cosh(self) -> Value: ...
        def log1p(self) -> Value: ...
        def expm1(self) -> Value: ...
        def softplus(self) -> Value: ...
        def erf(self) -> Value: ...
        def maximum(self, other: Value | Number) -> Value: ...
        def minimum(self, other: Value | Number) -> Value: ...

    def clamp(self, lo: Number | None = None, hi: Number | None = None) -> Value:
        """self limited to ``[lo, hi]`` (None: unbounded on that side), as ``autograd.clamp``."""
        out: Value = _ops.clamp(self, lo, hi)
        return out

    def relu(self) -> Value:
        """max(self, 0), with derivative 0 at 0 (the gradient passes only where data > 0)."""
        x = self.data
        out: Value = _new(Value)
        out.grad = 0.0
        out._b = out._db = None
        if _recording():
            out._tag = "relu"
            out._a = self
            if x > 0:
                out.data = x
                out._da = 1.0
            else:
                out.data = 0.0 if x <= 0 else x  # nan stays nan
                out._da = 0.0
        elif _recording() is _WATCHING:
            return _ops.apply(_ops.RELU, self)  # type: ignore[no-any-return]
        else:
            out.data = x if x > 0 else (0.0 if x <= 0 else x)
            out._tag = ""
            out._a = out._da = None
        return out

    # ----------------------------------------------------------------- gradients
    def backward(self, gradient: Number = 1.0) -> None:
        """Add d(self)/d(node) * gradient to ``.grad`` of every node in this graph.

        Each call adds the same amounts again: stored gradients are never fed back into
        the chain rule, so calling it twice doubles every ``.grad``.
        """
        g = check_number(gradient, "backward: gradient")
        if _watching():
            _graph.backward(self, g, watch=True)
        else:
            _graph.backward(self, g)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on every node of this graph."""
        for node in _graph.topological_order(self):
            node.grad = 0.0

    def draw(self, **options: Any) -> GraphView:
        """This node's graph, drawn inline by Jupyter; ``options`` as for ``autograd.viz.to_dot``."""
        from autograd.viz import show  # rendering is loaded only when asked for

        return show(self, **options)


def _compared(other: object) -> Any:
    """What a Value's data is compared with: another Value's data or a number."""
    if isinstance(other, Value):
        return other.data
    if isinstance(other, numbers.Real):
        return other
    return NotImplemented


def _constant(x: object) -> Any:
    """A plain real number as a float; NotImplemented for anything else (so Python raises
    the usual TypeError for ``Value + "a"``)."""
    cls = x.__class__
    if cls is float:
        return x
    if cls is int:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            return check_number(x, "Value")  # raises, naming the operand
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return check_number(x, "Value")
    return NotImplemented


def as_value(x: Value | Number) -> Value:
    """Return ``x`` if it is a Value, else a new leaf holding the number ``x`` (TypeError otherwise)."""
    if isinstance(x, Value):
        return x
    return Value(check_number(x, "Value"))


_new: Callable[[type], Any] = object.__new__


def _unpickle_leaf(data: float, label: str, grad: float) -> Value:
    v = Value(data, label)
    v.grad = check_number(grad, "Value: grad")
    return v


def _leaf(data: float) -> Value:
    """A node with no parents holding ``data`` (what every operation returns under no_grad)."""
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out._tag = ""
    out._a = out._b = out._da = out._db = None
    return out


def _make(
    data: float,
    op: str,
    parents: Sequence[Value],
    partials: Sequence[Any],
    operands: tuple[Any, ...] | None = None,
) -> Value:
    """The node for ``op`` with these parents and local derivatives (one per parent); the one
    writer of the slot layout described above. ``operands`` is None when the parents are the
    operands, else every operand in order with None where a parent goes."""
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out._tag = op
    n = len(parents)
    if n == 1:
        out._a = parents[0]
        out._da = partials[0]
        out._db = None
        if operands is None:
            out._b = None
        elif len(operands) == 2 and operands[0] is None:
            out._b = operands[1]  # x * c: the number itself
        else:
            out._b = operands
    elif n == 2 and operands is None:
        out._a, out._b = parents
        out._da, out._db = partials
    else:  # tuple() returns a tuple argument itself, without copying
        out._a = None
        out._b = tuple(parents)
        out._da = operands
        out._db = tuple(partials)
    return out


# The built-in ops' common shapes, with _make's slot writes inlined (the rules table's forward
# and derivative are still what computes them; tests check these against ops.apply).
def _unary(prim: _ops.Primitive, x: Value) -> Value:
    """``prim`` applied to one Value: the rules table's forward and derivative, one node."""
    a = x.data
    data = prim.forward(a)
    m = _recording()
    if not m and m is not _WATCHING:
        return _leaf(data)
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out._tag = prim.name
    out._a = x
    out._b = out._db = None
    out._da = prim.derivative(data, a)[0]
    return out if m else _watch(out)


def _with_constant(prim: _ops.Primitive, x: Value, c: float) -> Value:
    """``prim(x, c)`` with the number ``c`` kept on the node (``x / 2``, ``x ** 3``)."""
    a = x.data
    data = prim.forward(a, c)
    m = _recording()
    if not m and m is not _WATCHING:
        return _leaf(data)
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out._tag = prim.name
    out._a = x
    out._b = c
    out._da = prim.derivative(data, a, c)[0]
    out._db = None
    return out if m else _watch(out)


def _binary(prim: _ops.Primitive, x: Value, y: Value) -> Value:
    """``prim(x, y)`` of two Values."""
    a, b = x.data, y.data
    data = prim.forward(a, b)
    m = _recording()
    if not m and m is not _WATCHING:
        return _leaf(data)
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out._tag = prim.name
    out._a = x
    out._b = y
    out._da, out._db = prim.derivative(data, a, b)
    return out if m else _watch(out)


_DIV = _ops.DIV
_MICROGRAD_OPS = {"relu": "ReLU"}  # where micrograd's name differs from the table's symbol or name


def _method(prim: _ops.Primitive) -> Callable[..., Value]:
    """The method of Value that applies ``prim`` to the node (and any further operands)."""
    def unary(self: Value) -> Value:
        return _unary(prim, self)

    def general(self: Value, *operands: Any) -> Value:
        out: Value = _ops.apply(prim, self, *operands)
        return out

    method = unary if prim.arity == 1 else general
    method.__name__ = method.__qualname__ = prim.name
    method.__doc__ = prim.doc or f"The primitive {prim.name!r} of the rules table."
    return method


def _user_site() -> str:
    """``file:line`` of the innermost frame outside this package (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
    return "" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _describe(node: Value) -> str:
    """The op and its operands' numbers, for an anomaly report."""
    values = ", ".join(repr(o.data if isinstance(o, Value) else o) for o in node.operands)
    return f"{node.op}({values})"


def _watch(node: Value) -> Value:
    """Under detect_anomaly: note where ``node`` was made, and raise AnomalyError if its value is
    nan or infinite (the node is then not returned: nothing is recorded)."""
    site = _user_site()
    node._tag = (node._tag, "", site)
    if not math.isfinite(node.data):
        raise AnomalyError(
            f"detect_anomaly: {_describe(node)} gave {node.data!r} in the forward pass, "
            f"at {site or 'an unknown line'}"
        )
    return node


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_ops.register_node_type(Value, _make, _leaf, _method, _watch)
