"""grad() (first and second order) and no_grad / enable_grad."""

from __future__ import annotations

import asyncio
import math
import threading

import pytest
from hypothesis import given

import autograd
from autograd import Value, enable_grad, grad, is_grad_enabled, no_grad, topological_order
from autograd.testing import gradgradcheck
from autograd.testing.strategies import expressions


# ----------------------------------------------------------------------------- first order
def test_grad_returns_floats_and_leaves_every_grad_alone():
    """grad() returns floats and writes no .grad anywhere."""
    x, w = Value(2.0), Value(-1.0)
    y = (x * w).exp() + x
    w.grad = 7.0  # whatever was there stays
    gx, gw = grad(y, [x, w])
    assert type(gx) is float and type(gw) is float
    assert gx == pytest.approx(w.data * math.exp(-2.0) + 1)
    assert gw == pytest.approx(x.data * math.exp(-2.0))
    assert w.grad == 7.0
    assert all(n.grad == 0.0 for n in topological_order(y) if n is not w)


def test_grad_of_unrelated_inputs_is_zero_and_of_the_output_itself_is_one():
    """An input the output does not depend on gets 0.0; the output itself gets 1.0."""
    x, u = Value(2.0), Value(5.0)
    y = x * x
    assert grad(y, [x, u, y]) == (4.0, 0.0, 1.0)
    assert grad(y, x) == (4.0,)  # a single Value is accepted too
    (gu,) = grad(y, [u], create_graph=True)
    assert isinstance(gu, Value) and gu.data == 0.0


def test_grad_argument_errors():
    """Wrong arguments to grad() raise TypeError naming what was received."""
    x = Value(1.0)
    with pytest.raises(TypeError, match="grad: output must be a Value, got float"):
        grad(1.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got float"):
        grad(x * 2, [x, 1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="grad: inputs must be a Value or a sequence of Values, got int"):
        grad(x * 2, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="create_graph must be a bool"):
        grad(x * 2, [x], create_graph="yes")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- second order
def second(f, x0):
    x = Value(x0)
    (d1,) = grad(f(x), [x], create_graph=True)
    assert isinstance(d1, Value)
    (d2,) = grad(d1, [x])
    return d1.data, d2


def _sig(x):
    return 1 / (1 + math.exp(-x))


SECOND_DERIVATIVES = [
    # name, f on Values, f', f'' in closed form, a point
    ("exp", lambda v: v.exp(), math.exp, math.exp, 0.7),
    ("log", lambda v: v.log(), lambda x: 1 / x, lambda x: -1 / x**2, 1.7),
    ("tanh", lambda v: v.tanh(), lambda x: 1 - math.tanh(x) ** 2,
     lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), 0.4),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: _sig(x) * (1 - _sig(x)),
     lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x)), -0.9),
    ("reciprocal", lambda v: v.reciprocal(), lambda x: -1 / x**2, lambda x: 2 / x**3, -1.3),
    ("pow", lambda v: v**3.5, lambda x: 3.5 * x**2.5, lambda x: 3.5 * 2.5 * x**1.5, 1.2),
    ("pow2", lambda v: v**2, lambda x: 2 * x, lambda x: 2.0, -3.0),
    ("pow-neg", lambda v: v**-2, lambda x: -2 * x**-3, lambda x: 6 * x**-4, 0.8),
    ("mul", lambda v: v * v * v, lambda x: 3 * x**2, lambda x: 6 * x, 1.5),
    ("div", lambda v: 1 / v, lambda x: -1 / x**2, lambda x: 2 / x**3, 2.0),
    ("relu", lambda v: v.relu() * 3, lambda x: 3.0, lambda x: 0.0, 0.5),
    ("vpow-exponent", lambda v: 2.0**v, lambda x: 2**x * math.log(2), lambda x: 2**x * math.log(2) ** 2, 0.3),
    ("vpow-base", lambda v: v ** Value(3.0), lambda x: 3 * x**2, lambda x: 6 * x, 1.1),
    ("add_n", lambda v: autograd.add_n([v * v, v, 2.0]), lambda x: 2 * x + 1, lambda x: 2.0, 0.3),
    ("dot", lambda v: autograd.dot([v, v], [v, 2.0]), lambda x: 2 * x + 2, lambda x: 2.0, 0.3),
]


@pytest.mark.parametrize(
    ("name", "f", "d1", "d2", "x"), SECOND_DERIVATIVES, ids=[c[0] for c in SECOND_DERIVATIVES]
)
def test_second_derivative_of_every_rule(name, f, d1, d2, x):
    """create_graph=True gives every rule's second derivative in closed form."""
    first, sec = second(f, x)
    assert first == pytest.approx(d1(x), rel=1e-12)
    assert sec == pytest.approx(d2(x), rel=1e-9, abs=1e-12)


def test_the_issue_example_x_cubed():
    """grad(grad(x**3)) is 6x."""
    x = Value(1.7)
    assert grad(grad(x**3, [x], create_graph=True)[0], [x])[0] == pytest.approx(6 * x.data, rel=1e-15)


def test_mixed_second_derivatives():
    """Mixed partials of x**y and a*b agree with their closed forms, both ways round."""
    x, y = Value(1.5), Value(0.5)
    out = x**y
    dx, dy = grad(out, [x, y], create_graph=True)
    # d2/dxdy x^y = x^(y-1) (1 + y ln x)
    expected = 1.5**-0.5 * (1 + 0.5 * math.log(1.5))
    assert grad(dx, [y])[0] == pytest.approx(expected, rel=1e-12)
    assert grad(dy, [x])[0] == pytest.approx(expected, rel=1e-12)
    a, b = Value(2.0), Value(3.0)
    (da,) = grad(a * b, [a], create_graph=True)
    assert grad(da, [a, b]) == (0.0, 1.0)


def test_third_derivative():
    """Derivatives can be taken three times."""
    x = Value(0.3)
    (d1,) = grad(x.exp() * x, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    assert d3 == pytest.approx(math.exp(0.3) * (3 + 0.3), rel=1e-12)


@given(expressions(variables=2, max_size=8))
def test_second_derivatives_agree_with_finite_differences_of_the_first(expr):
    """Second derivatives of random expressions match finite differences of the first (gradgradcheck)."""
    assert gradgradcheck(expr.build, expr.point)


def test_create_graph_leaves_every_grad_alone():
    """create_graph writes no .grad, and backward through its result gives the second derivative."""
    x = Value(1.0)
    y = (x * 2).tanh()
    (d,) = grad(y, [x], create_graph=True)
    assert all(n.grad == 0.0 for n in topological_order(d))
    d.backward()  # backward through the derivative graph: the second derivative
    assert x.grad == pytest.approx(grad(d, [x])[0])


# ----------------------------------------------------------------------------- no_grad
def test_no_grad_context_records_nothing():
    """Inside no_grad every operation returns a parentless leaf with the right data."""
    x = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = x * x + x.exp() - 1 / x
        z = x.relu() + autograd.dot([x], [x]) + x**2 + 2**x
    assert is_grad_enabled()
    for v in (y, z):
        assert v.is_leaf() and v.parents == () and v.op == ""
    assert y.data == pytest.approx(4 + math.exp(2) - 0.5)


def test_no_grad_as_decorator_restores_after_exceptions_and_nests():
    """no_grad works as a decorator, nests with enable_grad, re-enters and restores after errors."""
    @no_grad()
    def f(v):
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            recorded = v * 2
        return v * 2, recorded

    plain, recorded = f(Value(1.0))
    assert plain.is_leaf() and recorded.op == "mul"
    assert is_grad_enabled()

    ctx = no_grad()
    with pytest.raises(RuntimeError), ctx:
        raise RuntimeError("boom")
    assert is_grad_enabled()
    with ctx, ctx:  # the same object entered twice
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_is_per_thread():
    """A thread started inside no_grad still records."""
    seen = {}

    def worker():
        seen["enabled"] = is_grad_enabled()
        seen["op"] = (Value(1.0) * 2).op

    with no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert (Value(1.0) * 2).op == ""
    assert seen == {"enabled": True, "op": "mul"}


def test_no_grad_is_per_asyncio_task():
    """One asyncio task inside no_grad does not stop another from recording."""
    async def in_no_grad(started, release):
        with no_grad():
            started.set()
            await release.wait()
            return (Value(1.0) * 2).op

    async def recording(started, release):
        await started.wait()
        op = (Value(1.0) * 2).op  # runs while the other task sits inside no_grad
        release.set()
        return op

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(in_no_grad(started, release), recording(started, release))

    assert asyncio.run(main()) == ["", "mul"]


def test_create_graph_records_no_multiplication_by_the_output_gradient_one():
    """d(x**3)/dx is built as (x**2)*3, with no trailing `* 1` node for the starting gradient."""
    from autograd import Value, grad

    x = Value(2.0)
    (dx,) = grad(x**3, [x], create_graph=True)
    assert dx.data == 12.0
    assert dx.op == "mul" and dx.op_args == (3.0,)
