"""Graph traversal and the backward pass. Nothing here recurses, so depth is unlimited.

``topological_order`` lists the nodes reachable from a root, the root first and every node
before its parents (reverse topological order), with an explicit stack. ``backward`` walks
that list once, multiplying each node's incoming gradient by the local derivatives stored
on it (value.py describes the node layout; ops.py computes the local derivatives).
"""

from __future__ import annotations

from itertools import compress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = ["topological_order", "backward"]


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, each one after all the nodes that consume it.

    Depth-first with an explicit stack, listing each node after its parents (post-order),
    then reversed. A node is expanded once. If all its parents are already listed (a leaf,
    or inputs reached before), it is listed at once; otherwise it is pushed back with a
    ``None`` marker above it and its unlisted parents above that, and the marker pops
    right after the last of them is listed. (In a DAG an expanded parent is always
    already listed: otherwise the graph would have a cycle.)
    """
    order: list[Value] = []
    expanded: set[Value] = set()
    stack: list[Value | None] = [root]
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


def backward(root: Value, gradient: float) -> None:
    """Add d(root)/d(node) * gradient to ``node.grad`` for every node of root's graph.

    During the pass ``.grad`` holds only this pass's gradient: non-zero amounts from
    earlier calls are set aside first and added back at the end, so they never enter the
    chain rule (calling backward twice adds the same amounts twice).
    """
    order = topological_order(root)
    saved = [node.grad for node in order]
    carried = list(compress(order, saved))  # the nodes whose .grad is not zero
    for node in carried:
        node.grad = 0.0
    root.grad = gradient
    try:
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
        for node, old in zip(order, saved):
            node.grad = old
        raise
    for node, old in zip(carried, filter(None, saved)):
        node.grad += old
