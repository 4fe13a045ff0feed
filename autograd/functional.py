"""Gradients as functions: ``grad()`` (with higher order through ``create_graph``) and ``no_grad()``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd._mode import enable_grad, is_grad_enabled, no_grad

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = ["grad", "no_grad", "enable_grad", "is_grad_enabled"]


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    *,
    create_graph: bool = False,
) -> tuple[Any, ...]:
    """d output / d input for each input, without touching any ``.grad``.

    An input that ``output`` does not depend on gets 0.0. With ``create_graph=True`` the
    results are Values recorded in the graph (built from the rules' derivatives evaluated
    on Values), so they can be differentiated again:

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
    """
    from autograd import ops
    from autograd.graph import topological_order
    from autograd.value import Value

    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    if isinstance(inputs, Value):
        inputs = [inputs]
    try:
        inputs = list(inputs)
    except TypeError:
        raise TypeError(
            f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}"
        ) from None
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}: {x!r:.80}")
    if type(create_graph) is not bool:
        raise TypeError(f"grad: create_graph must be a bool, got {type(create_graph).__name__}")

    grads: dict[Value, Any] = {output: 1.0}
    for node in topological_order(output):
        g = grads[node]
        parents = node.parents
        if not parents:
            continue
        if create_graph:
            # The rule's derivative evaluated on Values: recorded, so differentiable again.
            partials = ops.get(node.op).derivative(node, *parents, *node.op_args)
        else:
            partials = node.local_grads
        for p, d in zip(parents, partials):
            if type(d) is float and d == 1.0:
                contrib = g
            elif type(g) is float and g == 1.0:  # the output's own gradient: no "* 1" node
                contrib = d
            else:
                contrib = g * d
            old = grads.get(p)
            grads[p] = contrib if old is None else old + contrib
    result = [grads.get(x, 0.0) for x in inputs]
    if create_graph:
        return tuple(r if isinstance(r, Value) else Value(r) for r in result)
    return tuple(float(r) for r in result)
