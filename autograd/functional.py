"""Gradients as functions: ``grad`` (several outputs, higher order through ``create_graph``) and
the functional transforms ``jvp``, ``vjp``, ``jacobian``, ``hessian``, ``hvp`` and
``value_and_grad``, in the style of JAX and ``torch.func``.

A transform takes ``f``, a function of one Value per input number (positionally) that
returns a Value or a list of Values, and plain numbers; it returns numbers. It records f's
graph once and reads it with the same local derivatives ``backward()`` uses: reverse mode
walks them from the outputs (graph.py), forward mode (``jvp``) pushes tangents from the
inputs through them, one pass in the graph's order, with no backward. No rule is written
twice: every op of the rules table (ops.py), a registered one too, works in every transform.

f's graph is recorded even inside ``no_grad`` (the transforms turn recording on for f, as
``torch.func`` does); ``grad`` itself differentiates what was recorded, so a graph built
under ``no_grad`` has no parents and its gradients are 0.

``no_grad``, ``enable_grad``, ``is_grad_enabled`` and ``detect_anomaly`` (autograd._mode) are
exported here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd._mode import detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad
from autograd._numbers import check_number
from autograd.graph import gradients, topological_order
from autograd.value import Value

__all__ = [
    "grad",
    "jvp",
    "vjp",
    "jacobian",
    "hessian",
    "hvp",
    "value_and_grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
]

Outputs = Value | Sequence[Value]


def _outputs(outputs: object, who: str) -> tuple[list[Value], bool]:
    """The outputs as a list of Values, and whether there was a single one."""
    if isinstance(outputs, Value):
        return [outputs], True
    if isinstance(outputs, list | tuple):
        outs = list(outputs)
        if not outs:
            raise ValueError(f"{who}: expected at least one output, got an empty {type(outputs).__name__}")
        for k, v in enumerate(outs):
            if not isinstance(v, Value):
                raise TypeError(f"{who}: outputs[{k}] must be a Value, got {type(v).__name__}: {v!r:.80}")
        return outs, False
    raise TypeError(
        f"{who}: output must be a Value, got {type(outputs).__name__}: {outputs!r:.80} (or a list of Values)"
    )


def _seeds(grad_outputs: object, n: int, create_graph: bool) -> list[Any]:
    if grad_outputs is None:
        return [1.0] * n
    seeds = [grad_outputs] if n == 1 and isinstance(grad_outputs, Value | int | float) else grad_outputs
    if not isinstance(seeds, list | tuple) or len(seeds) != n:
        raise ValueError(
            f"grad: grad_outputs must hold one weight per output ({n}), got {grad_outputs!r:.80}"
        )
    out: list[Any] = []
    for k, s in enumerate(seeds):
        if isinstance(s, Value):
            out.append(s if create_graph else s.data)
        else:
            out.append(check_number(s, f"grad: grad_outputs[{k}]"))
    return out


def grad(
    outputs: Outputs,
    inputs: Value | Sequence[Value],
    *,
    grad_outputs: Any = None,
    create_graph: bool = False,
) -> tuple[Any, ...]:
    """d outputs / d input for each input, without touching any ``.grad``.

    ``outputs`` is a Value or a list of Values; with several, the result is the gradient of
    ``sum_k grad_outputs[k] * outputs[k]`` (each weight 1 by default), what backward of that
    sum would add. An input that the outputs do not depend on gets 0.0. With
    ``create_graph=True`` the results are Values recorded in the graph (built from the rules'
    derivatives evaluated on Values), so they can be differentiated again:

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
    >>> grad([x * x, x * 3], [x], grad_outputs=[1.0, 10.0])
    (34.0,)
    """
    outs, _ = _outputs(outputs, "grad")
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
    seeds = _seeds(grad_outputs, len(outs), create_graph)
    grads = gradients(outs, seeds, create_graph, is_anomaly_enabled())
    result = [grads.get(x, 0.0) for x in inputs]
    if create_graph:
        return tuple(r if isinstance(r, Value) else Value(r) for r in result)
    return tuple(float(r) for r in result)


# --------------------------------------------------------------------------- the transforms
def _numbers(xs: object, who: str, what: str) -> list[float]:
    if isinstance(xs, str | bytes) or not isinstance(xs, Sequence):
        raise TypeError(f"{who}: {what} must be a sequence of numbers, got {type(xs).__name__}: {xs!r:.80}")
    return [check_number(x, f"{who}: {what}[{i}]") for i, x in enumerate(xs)]


def _trace(f: object, primals: object, who: str) -> tuple[list[Value], list[Value], bool]:
    """Call f on new leaves holding the primals, recording: (leaves, outputs, single output)."""
    if not callable(f):
        raise TypeError(f"{who}: f must be callable (one Value per input), got {type(f).__name__}")
    leaves = [Value(x) for x in _numbers(primals, who, "primals")]
    with enable_grad():
        out = f(*leaves)
    if isinstance(out, int | float) and not isinstance(out, bool):
        out = Value(out)  # a constant function
    elif isinstance(out, list | tuple):
        out = [Value(o) if isinstance(o, int | float) and not isinstance(o, bool) else o for o in out]
    outs, single = _outputs(out, f"{who}: f's result")
    return leaves, outs, single


def _shaped(values: list[Any], single: bool) -> Any:
    return values[0] if single else values


def _push(outs: list[Value], leaves: list[Value], tangents: Sequence[Any]) -> list[Any]:
    """Forward mode: the tangent of each output when the leaves move along ``tangents``.

    One pass over the graph, parents before children, with the local derivatives stored on
    the nodes: t(node) = sum over its parents of d node/d parent * t(parent). Nodes that do
    not depend on the leaves carry no tangent. With ``create_graph``-style Values stored as
    local derivatives (a graph built by grad(create_graph=True)), their numbers are used.
    """
    t: dict[Value, Any] = {}
    for leaf, v in zip(leaves, tangents):
        t[leaf] = v if leaf not in t else t[leaf] + v
    order = topological_order(outs)
    order.reverse()
    for node in order:
        if node in t:
            continue
        total: Any = None
        for p, d in zip(node.parents, node.local_grads):
            tp = t.get(p)
            if tp is not None:
                term = d * tp
                total = term if total is None else total + term
        if total is not None:
            t[node] = total
    return [float(t.get(o, 0.0)) for o in outs]


def jvp(f: Callable[..., Any], primals: Sequence[float], tangents: Sequence[float]) -> tuple[Any, Any]:
    """``(f(primals), J(primals) @ tangents)`` by forward mode: one pass, no backward.

    For a list output both are lists of floats.

    >>> jvp(lambda x, y: x * y + x, [2.0, 3.0], [1.0, 0.0])
    (8.0, 4.0)
    """
    leaves, outs, single = _trace(f, primals, "jvp")
    ts = _numbers(tangents, "jvp", "tangents")
    if len(ts) != len(leaves):
        raise ValueError(f"jvp: expected one tangent per primal ({len(leaves)}), got {len(ts)}")
    return _shaped([o.data for o in outs], single), _shaped(_push(outs, leaves, ts), single)


def vjp(f: Callable[..., Any], primals: Sequence[float]) -> tuple[Any, Callable[..., tuple[float, ...]]]:
    """``(f(primals), pullback)``: ``pullback(cotangents)`` is ``cotangents @ J(primals)``, a
    tuple of floats, one per primal (a number for a scalar f, one per output otherwise). The
    pullback can be called many times: the graph is recorded once.

    >>> value, pullback = vjp(lambda x, y: [x * y, x + y], [2.0, 3.0])
    >>> value, pullback([1.0, 0.0]), pullback([0.0, 2.0])
    ([6.0, 5.0], (3.0, 2.0), (2.0, 2.0))
    """
    leaves, outs, single = _trace(f, primals, "vjp")

    def pullback(cotangents: Any) -> tuple[float, ...]:
        cs = [cotangents] if single and not isinstance(cotangents, list | tuple) else cotangents
        seeds = _numbers(cs, "vjp: pullback", "cotangents")
        if len(seeds) != len(outs):
            raise ValueError(
                f"vjp: pullback expected one cotangent per output ({len(outs)}), got {len(seeds)}"
            )
        grads = gradients(outs, seeds, False, is_anomaly_enabled())
        return tuple(float(grads.get(leaf, 0.0)) for leaf in leaves)

    return _shaped([o.data for o in outs], single), pullback


def _rows(outs: list[Value], leaves: list[Value]) -> list[list[float]]:
    """The Jacobian d outs[i] / d leaves[j]: reverse mode (one pass per output) when there are
    no more outputs than inputs, forward mode (one pass per input) otherwise."""
    m, n = len(outs), len(leaves)
    watch = is_anomaly_enabled()
    if m <= n:
        rows = []
        for o in outs:
            grads = gradients([o], [1.0], False, watch)
            rows.append([float(grads.get(leaf, 0.0)) for leaf in leaves])
        return rows
    columns = [_push(outs, leaves, [1.0 if k == j else 0.0 for k in range(n)]) for j in range(n)]
    return [[columns[j][i] for j in range(n)] for i in range(m)]


def jacobian(f: Callable[..., Any], inputs: Sequence[float]) -> Any:
    """The Jacobian of f at ``inputs``: for a scalar f a list of n floats (its gradient), for a
    list of m outputs m rows of n floats. Reverse mode when m <= n, forward mode otherwise
    (as jacrev and jacfwd).

    >>> jacobian(lambda x, y: [x * y, x + y, x], [2.0, 3.0])
    [[3.0, 2.0], [1.0, 1.0], [1.0, 0.0]]
    """
    leaves, outs, single = _trace(f, inputs, "jacobian")
    return _shaped(_rows(outs, leaves), single)


def _first_derivatives(
    f: Callable[..., Any], inputs: Sequence[float], who: str
) -> tuple[list[Value], list[Any]]:
    leaves, outs, single = _trace(f, inputs, who)
    if not single:
        raise TypeError(f"{who}: f must return one Value (a scalar function), got {len(outs)} outputs")
    with enable_grad():
        grads = gradients(outs, [1.0], True, is_anomaly_enabled())
    return leaves, [grads.get(leaf, 0.0) for leaf in leaves]


def hessian(f: Callable[..., Any], inputs: Sequence[float]) -> list[list[float]]:
    """The Hessian of a scalar f at ``inputs``: n rows of n floats. Forward over reverse: the
    gradient is recorded once (``create_graph``), then one forward pass per input.

    >>> hessian(lambda x, y: x * x * y, [2.0, 3.0])
    [[6.0, 4.0], [4.0, 0.0]]
    """
    leaves, firsts = _first_derivatives(f, inputs, "hessian")
    outs = [d if isinstance(d, Value) else Value(float(d)) for d in firsts]
    n = len(leaves)
    columns = [_push(outs, leaves, [1.0 if k == j else 0.0 for k in range(n)]) for j in range(n)]
    return [[columns[j][i] for j in range(n)] for i in range(n)]


def hvp(f: Callable[..., Any], inputs: Sequence[float], v: Sequence[float]) -> list[float]:
    """The Hessian of a scalar f at ``inputs`` times the vector ``v``, as n floats, forward over
    reverse: one gradient recorded with ``create_graph`` and one forward pass along v, a small
    multiple of one gradient's cost (not n of them).

    >>> hvp(lambda x, y: x * x * y, [2.0, 3.0], [1.0, 0.0])
    [6.0, 4.0]
    """
    leaves, firsts = _first_derivatives(f, inputs, "hvp")
    vs = _numbers(v, "hvp", "v")
    if len(vs) != len(leaves):
        raise ValueError(f"hvp: expected v with one number per input ({len(leaves)}), got {len(vs)}")
    outs = [d if isinstance(d, Value) else Value(float(d)) for d in firsts]
    return _push(outs, leaves, vs)


def value_and_grad(f: Callable[..., Any]) -> Callable[..., tuple[float, tuple[float, ...]]]:
    """A function of numbers returning ``(f(x), the gradient of f at x)`` for a scalar f.

    >>> value_and_grad(lambda x, y: x * y + y)(2.0, 3.0)
    (9.0, (3.0, 3.0))
    """
    if not callable(f):
        raise TypeError(f"value_and_grad: f must be callable (one Value per input), got {type(f).__name__}")

    def value_and_gradient(*inputs: float) -> tuple[float, tuple[float, ...]]:
        leaves, outs, single = _trace(f, list(inputs), "value_and_grad")
        if not single:
            raise TypeError(f"value_and_grad: f must return one Value, got {len(outs)} outputs")
        grads = gradients(outs, [1.0], False, is_anomaly_enabled())
        return outs[0].data, tuple(float(grads.get(leaf, 0.0)) for leaf in leaves)

    value_and_gradient.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return value_and_gradient
