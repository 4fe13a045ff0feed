"""Topological order and backward: shared sub-expressions, repeated calls, depth."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, topological_order
from autograd.testing import gradcheck
from autograd.testing.strategies import expressions


def reachable(root):
    seen, todo = set(), [root]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(n.parents)
    return seen


# random DAGs: node k uses 1 to 4 earlier nodes (any of them, repeats allowed)
dags = st.lists(st.lists(st.integers(0, 10**6), min_size=1, max_size=4), min_size=1, max_size=40)


def build_dag(spec, n_leaves=3):
    nodes = [Value(float(i)) for i in range(n_leaves)]
    for picks in spec:
        ins = [nodes[p % len(nodes)] for p in picks]
        if len(ins) == 1:
            nodes.append(ins[0] * 1.5)
        elif len(ins) == 2:
            nodes.append(ins[0] * ins[1])
        else:
            nodes.append(autograd.add_n(ins))
    return nodes


@given(dags)
def test_topological_order_lists_every_reachable_node_once_consumers_first(spec):
    """On random DAGs the order holds each reachable node once, every consumer before its inputs."""
    nodes = build_dag(spec)
    root = nodes[-1]
    order = topological_order(root)
    assert order[0] is root
    assert len(order) == len(set(order)) == len(reachable(root))
    assert set(order) == reachable(root)
    position = {n: i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert position[n] < position[p]


def test_a_plus_a_and_a_times_a():
    """A Value used twice by one op gets both contributions."""
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_diamond():
    """Gradients along two paths of a diamond add up."""
    a = Value(2.0)
    b = a * 3  # 6
    c = a + 1  # 3
    d = b * c  # 18
    d.backward()
    # dd/da = 3 * c + b * 1 = 9 + 6
    assert (d.grad, c.grad, b.grad, a.grad) == (1.0, 6.0, 3.0, 15.0)


def test_backward_twice_adds_the_same_amounts_again_on_every_node():
    """A second backward doubles every node's .grad, leaves and inner nodes alike."""
    x, w = Value(0.5), Value(-2.0)
    h = (x * w).tanh()
    y = h * h + h.exp()  # h used three times
    y.backward()
    first = {n: n.grad for n in topological_order(y)}
    y.backward()
    for n, g in first.items():
        assert n.grad == pytest.approx(2 * g, rel=1e-15)


def test_stored_gradients_never_enter_the_chain_rule():
    """A gradient already stored on an inner node is not propagated (micrograd's bug)."""
    x = Value(2.0)
    h = x * 3
    y = h * h
    h.grad = 100.0  # left over from somewhere else
    y.backward()
    assert x.grad == 2 * 3 * h.data * 1  # dy/dx = 2h * 3 = 36, whatever h.grad held
    assert x.grad == 36.0
    assert h.grad == 100.0 + 12.0


def test_backward_gradient_argument_scales_and_is_checked():
    """backward(gradient) scales every gradient, and a non-number is refused without changes."""
    x = Value(2.0)
    y = x * x
    y.backward(gradient=0.5)
    assert (y.grad, x.grad) == (0.5, 2.0)
    y.backward(3)
    assert x.grad == 2.0 + 12.0
    with pytest.raises(TypeError, match=r"backward: gradient: expected a real number.*got str"):
        y.backward("1")
    assert x.grad == 14.0


def test_backward_on_a_leaf():
    """backward on a leaf gives it gradient 1."""
    x = Value(1.5)
    x.backward()
    assert x.grad == 1.0


def test_zero_grad_resets_the_whole_graph():
    """zero_grad sets every node's .grad to 0.0."""
    x, w = Value(1.0), Value(2.0)
    y = (x * w + x).relu()
    y.backward()
    assert any(n.grad for n in topological_order(y))
    y.zero_grad()
    assert all(n.grad == 0.0 for n in topological_order(y))


@given(expressions(variables=3, max_size=12))
def test_backward_agrees_with_grad_on_random_expressions(expr):
    """backward and grad() agree on random expressions with shared sub-expressions."""
    vs = [Value(x) for x in expr.point]
    out = expr.build(*vs)
    expected = autograd.grad(out, vs)
    assert all(v.grad == 0.0 for v in vs)
    out.backward()
    for v, e in zip(vs, expected):
        assert v.grad == pytest.approx(e, rel=1e-12, abs=1e-12)


@given(expressions(variables=3, max_size=12))
def test_backward_agrees_with_finite_differences_on_random_expressions(expr):
    """backward agrees with central finite differences on random expressions (gradcheck)."""
    assert gradcheck(expr.build, expr.point)


@pytest.mark.slow
def test_a_million_deep_chain_at_the_default_recursion_limit():
    """A 10^6-deep chain runs backward, grad and zero_grad at the default recursion limit."""
    limit = sys.getrecursionlimit()
    n = 1_000_000
    c = 1 - 1e-7
    x, y0 = Value(0.5, label="x"), Value(0.0, label="y0")
    y = y0
    for _ in range(n):
        y = y * c + x * 0.001
    assert len(y.parents) == 2
    y.backward()
    # y = y0 c^n + 0.001 x (1 + c + ... + c^(n-1))
    assert y0.grad == pytest.approx(c**n, rel=1e-9)
    assert x.grad == pytest.approx(0.001 * (1 - c**n) / (1 - c), rel=1e-6)
    assert y.data == pytest.approx(0.5 * 0.001 * (1 - c**n) / (1 - c), rel=1e-6)
    y.zero_grad()
    assert (x.grad, y0.grad) == (0.0, 0.0)
    assert autograd.grad(y, [y0])[0] == pytest.approx(math.exp(n * math.log(c)), rel=1e-9)
    assert sys.getrecursionlimit() == limit


class _Interrupt:
    """A local derivative that raises when backward multiplies by it."""

    def __rmul__(self, other):
        raise KeyboardInterrupt


def test_an_exception_during_backward_leaves_every_grad_as_it_was():
    """If the pass is interrupted, every .grad holds what it held before the call."""
    x, w = Value(2.0), Value(3.0)
    h = x * w
    y = h * h + x
    y.backward()
    before = {n: n.grad for n in topological_order(y)}
    h._da = _Interrupt()  # d h / d x: reached after y's and h's own gradients were written
    with pytest.raises(KeyboardInterrupt):
        y.backward()
    assert {n: n.grad for n in topological_order(y)} == before


def test_grads_kept_restores_every_grad_after_the_block_even_when_it_raises():
    """grads_kept puts back the gradients the nodes had, on success and on an exception."""
    from autograd.graph import grads_kept

    x = Value(2.0)
    y = x * x
    x.grad, y.grad = 5.0, 7.0
    with grads_kept([x, y]):
        y.backward()
        assert x.grad == 9.0  # 5.0 stored + 4.0 from this pass
    assert (x.grad, y.grad) == (5.0, 7.0)
    with pytest.raises(KeyError), grads_kept([x]):
        x.grad = 1.0
        raise KeyError("boom")
    assert x.grad == 5.0


def test_grad_from_many_threads_on_graphs_sharing_a_leaf_is_exact():
    """grad() writes no .grad, so threads differentiating graphs that share a leaf all get
    exact results (backward() adds into the shared .grad and is not safe for that: README)."""
    import threading

    from autograd import grad

    w = Value(0.5)
    results: list[float] = []

    def worker(k: int) -> None:
        x = Value(float(k))
        y = w
        for _ in range(2000):
            y = (y * x + w).tanh()
        results.append(grad(y, [w])[0] - _reference[k])

    _reference.clear()
    for k in range(8):
        x = Value(float(k))
        y = w
        for _ in range(2000):
            y = (y * x + w).tanh()
        _reference[k] = grad(y, [w])[0]
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [0.0] * 8 and w.grad == 0.0


_reference: dict[int, float] = {}
