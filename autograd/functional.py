"""Gradients as functions: ``grad()`` (with higher order through ``create_graph``) and ``no_grad()``."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = ["grad", "no_grad", "enable_grad", "is_grad_enabled"]

_GRAD_ENABLED: ContextVar[bool] = ContextVar("autograd_grad_enabled", default=True)

#: ``is_grad_enabled()`` is True when operations record the graph. It is the ContextVar's
#: own ``get`` (a C method), because every recorded operation calls it.
is_grad_enabled = _GRAD_ENABLED.get


class _GradMode(contextlib.ContextDecorator):
    """Set whether operations record the graph, for a ``with`` block or a decorated function.

    The setting lives in a ``contextvars.ContextVar``: each thread and each asyncio task
    has its own, and leaving the block restores what was there before.
    """

    _enabled: bool

    def __init__(self) -> None:
        self._tokens: list[Any] = []

    def __enter__(self) -> None:
        self._tokens.append(_GRAD_ENABLED.set(self._enabled))

    def __exit__(self, *exc: object) -> None:
        _GRAD_ENABLED.reset(self._tokens.pop())


class no_grad(_GradMode):  # noqa: N801 - named like a function, as in PyTorch
    """Inside it, operations return Values with no parents: nothing is recorded.

    >>> from autograd import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """

    _enabled = False


class enable_grad(_GradMode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block."""

    _enabled = True


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
