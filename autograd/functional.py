"""Gradients as functions: ``grad()``, with higher order through ``create_graph``.

``no_grad``, ``enable_grad`` and ``is_grad_enabled`` (autograd._mode) are exported here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd._mode import enable_grad, is_grad_enabled, no_grad
from autograd.graph import gradients
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

    grads = gradients(output, create_graph)
    result = [grads.get(x, 0.0) for x in inputs]
    if create_graph:
        return tuple(r if isinstance(r, Value) else Value(r) for r in result)
    return tuple(float(r) for r in result)
