"""W5's peer (c): a minimal scalar engine of microgpt's published design, written here for the
benchmark (it is not microgpt's file).

The design, as its author describes it: a node holds its number, its gradient, its children
and the local derivatives d(node)/d(child) as tuples, in ``__slots__``, with no closures;
every operand that is not a node becomes a node (``x * 2`` makes a leaf for 2); ``-``, ``/``
and unary minus are derived from ``+``, ``*`` and ``**`` (``a / b`` is ``a * b**-1``); and
``backward`` sorts the graph topologically with a recursive depth-first search, then pushes
``child.grad += local * node.grad`` along every edge in reverse order. The recursion is as
deep as the graph (W5's graphs fit Python's default limit of 1000 frames), and the sort's
nested function refers to itself, a reference cycle that keeps each step's ``visited`` set
and ``topo`` list, and so the whole graph, alive until Python's cyclic garbage collector
finds it: bench_gpt.py reports the share of each variant's time spent in that collector.
"""

from __future__ import annotations

import math
from typing import Any


class Value:
    """A scalar node: data, grad, children and their local derivatives (microgpt's layout)."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(
        self, data: float, children: tuple[Any, ...] = (), local_grads: tuple[Any, ...] = ()
    ) -> None:
        self.data = data
        self.grad = 0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other: float) -> Value:
        return Value(self.data**other, (self,), (other * self.data ** (other - 1),))

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1 / self.data,))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self) -> Value:
        return Value(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> Value:
        return self * -1

    def __radd__(self, other: Any) -> Value:
        return self + other

    def __sub__(self, other: Any) -> Value:
        return self + (-other)

    def __rsub__(self, other: Any) -> Value:
        return other + (-self)

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __truediv__(self, other: Any) -> Value:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> Value:
        return other * self**-1

    def backward(self) -> None:
        """Recursive topological sort, then the chain rule along every edge in reverse order."""
        topo: list[Value] = []
        visited: set[Value] = set()

        def build(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1
        for v in reversed(topo):
            for child, local in zip(v._children, v._local_grads):
                child.grad += local * v.grad
