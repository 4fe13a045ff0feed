"""Graph traversal and the chain rule. Nothing here recurses, so depth is unlimited.

``topological_order`` lists the nodes reachable from a root, the root first and every node
before its parents (reverse topological order), with an explicit stack. ``backward`` walks
that list once, multiplying each node's incoming gradient by the local derivatives stored
on it, into ``.grad``; ``gradients`` does the same into a dictionary, for ``grad()``, and
with ``create_graph`` evaluates the rules' derivatives on Values instead of the stored
numbers. value.py describes the node layout (this is the module that walks it); ops.py
computes the local derivatives. This module knows nodes only by their slots, so it sits
below value.py, which calls it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import compress
from math import isfinite
from typing import Any, Protocol, TypeVar

from autograd import ops
from autograd.errors import AnomalyError

__all__ = ["topological_order", "backward", "gradients", "grads_kept"]


class Node(Protocol):
    """What this module reads of a node: its number, its gradient and its slots (value.py)."""

    data: float
    grad: float
    _a: Any
    _b: Any
    _da: Any
    _db: Any

    @property
    def op(self) -> str: ...

    @property
    def operands(self) -> tuple[Any, ...]: ...

    @property
    def origin(self) -> str: ...


N = TypeVar("N", bound=Node)


def topological_order(root: N | Sequence[N]) -> list[N]:
    """Every node reachable from ``root`` (a node, or a list of them), each one after all the
    nodes that consume it.

    Depth-first with an explicit stack, listing each node after its parents (post-order),
    then reversed. A node is expanded once. If all its parents are already listed (a leaf,
    or inputs reached before), it is listed at once; otherwise it is pushed back with a
    ``None`` marker above it and its unlisted parents above that, and the marker pops
    right after the last of them is listed. (In a DAG an expanded parent is always
    already listed: otherwise the graph would have a cycle.)
    """
    order: list[N] = []
    expanded: set[N] = set()
    stack: list[N | None] = list(reversed(root)) if isinstance(root, list | tuple) else [root]  # type: ignore[list-item]
    push, pop, expand, visit = stack.append, stack.pop, expanded.add, order.append
    while stack:
        node = pop()
        if node is None:  # all parents of the node below are listed
            visit(pop())  # type: ignore[arg-type]
            continue
        if node in expanded:  # pushed twice before it was reached; already listed
            continue
        expand(node)
        a = node._a
        if a is not None:
            if node._db is None:  # unary node
                if a in expanded:
                    visit(node)
                else:
                    push(node)
                    push(None)
                    push(a)
                continue
            b = node._b  # binary node
            if a in expanded:
                if b in expanded:
                    visit(node)
                    continue
                push(node)
                push(None)
            else:
                push(node)
                push(None)
                push(a)
                if b in expanded:
                    continue
            push(b)
        elif node._b is not None:  # three or more inputs
            push(node)
            push(None)
            for p in node._b:
                if p not in expanded:
                    push(p)
        else:  # a leaf
            visit(node)
    order.reverse()
    return order


def backward(root: Node, gradient: float, watch: bool = False) -> None:
    """Add d(root)/d(node) * gradient to ``node.grad`` for every node of root's graph.

    During the pass ``.grad`` holds only this pass's gradient: non-zero amounts from
    earlier calls are set aside first and added back at the end, so they never enter the
    chain rule (calling backward twice adds the same amounts twice). With ``watch``
    (``detect_anomaly``), the first contribution that is nan or infinite raises AnomalyError.
    """
    order: list[Node] = topological_order(root)
    every = order
    saved = [node.grad for node in order]
    carried = list(compress(order, saved))  # the nodes whose .grad is not zero
    for node in carried:
        node.grad = 0.0
    root.grad = gradient
    try:
        if watch:
            _watched_backward(order)
            order = []  # done: the loop below has nothing left to do
        for node in order:
            g = node.grad  # final: every consumer of node came earlier in the order
            a = node._a
            if a is not None:
                a.grad += g * node._da
                db = node._db
                if db is not None:
                    node._b.grad += g * db
            else:
                parents = node._b
                if parents is not None:
                    for p, d in zip(parents, node._db):
                        p.grad += g * d
    except BaseException:  # e.g. KeyboardInterrupt: leave every .grad as it was
        for node, old in zip(every, saved):
            node.grad = old
        raise
    for node, old in zip(carried, filter(None, saved)):
        node.grad += old


def _edges(node: Any) -> list[tuple[Any, Any]]:
    """(parent, stored local derivative) for each edge into ``node``."""
    a = node._a
    if a is not None:
        return [(a, node._da)] if node._db is None else [(a, node._da), (node._b, node._db)]
    return [] if node._b is None else list(zip(node._b, node._db))


def _anomaly(node: Any, k: int, g: Any, d: Any, contrib: Any) -> AnomalyError:
    values = ", ".join(repr(getattr(o, "data", o)) for o in node.operands)
    where = node.origin or "an unknown line (made before detect_anomaly was on)"
    return AnomalyError(
        f"detect_anomaly: in the backward pass the gradient sent from {node.op}({values}) to its "
        f"input {k} is {contrib!r} (the gradient {g!r} times the local derivative {d!r}); "
        f"that node was made at {where}"
    )


def _watched_backward(order: list[Node]) -> None:
    """backward's pass, checking every contribution for nan and infinities."""
    for node in order:
        g = node.grad
        for k, (p, d) in enumerate(_edges(node)):
            contrib = g * d
            if not isfinite(contrib):
                raise _anomaly(node, k, g, d, contrib)
            p.grad += contrib


def gradients(
    outputs: Sequence[N], seeds: Sequence[Any], create_graph: bool, watch: bool = False
) -> dict[N, Any]:
    """sum_k seeds[k] * d outputs[k] / d node for every node of the outputs' graph, leaving
    every ``.grad`` alone.

    Without ``create_graph`` the values are floats, from the local derivatives stored on the
    nodes. With it they are nodes (or plain numbers where a gradient is constant), built by
    evaluating each rule's derivative on the nodes themselves, so they can be differentiated
    again. A local derivative of exactly 1 and a gradient of exactly 1 record no ``* 1``
    node. With ``watch`` (``detect_anomaly``) a contribution that is nan or infinite raises
    AnomalyError.
    """
    grads: dict[N, Any] = {}
    for out, seed in zip(outputs, seeds):
        old = grads.get(out)
        grads[out] = seed if old is None else old + seed
    for node in topological_order(list(outputs)):
        g = grads[node]
        a = node._a
        if a is None and node._b is None:
            continue
        if create_graph:
            operands = node.operands
            prim = ops.get(node.op)
            pairs: Iterable[tuple[Any, Any]] = zip(
                [o for o in operands if ops.is_node(o)],
                ops.parent_partials(prim, operands, prim.derivative(node, *operands)),
            )
        else:
            pairs = _edges(node)
        for k, (p, d) in enumerate(pairs):
            if type(d) is float and d == 1.0:
                contrib = g
            elif type(g) is float and g == 1.0:  # a gradient of 1: no "* 1" node
                contrib = d
            else:
                contrib = g * d
            if watch and not isfinite(getattr(contrib, "data", contrib)):
                raise _anomaly(node, k, g, d, contrib)
            old = grads.get(p)
            grads[p] = contrib if old is None else old + contrib
    return grads


@contextmanager
def grads_kept(nodes: Sequence[Node]) -> Iterator[None]:
    """Run the block, then put back the ``.grad`` every node in ``nodes`` had before it
    (also when the block raises)."""
    saved = [node.grad for node in nodes]
    try:
        yield
    finally:
        for node, g in zip(nodes, saved):
            node.grad = g
