"""PyTorch as an oracle: random expressions agree with torch.autograd in float64, to second order.

Skipped when PyTorch is not installed (``pip install -e '.[torch]'``).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import Value, grad, ops, topological_order
from autograd.testing import Expression
from autograd.testing.strategies import expressions
from tests.support import torch_op

torch = pytest.importorskip("torch")

REL = 1e-9


def torch_grad(out, inputs, *, create_graph=False):
    """torch.autograd.grad with 0 for inputs the output does not depend on."""
    if not out.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in inputs]
    grads = torch.autograd.grad(out, inputs, allow_unused=True, retain_graph=True, create_graph=create_graph)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in grads]


def assert_agree(ours, theirs):
    """Each component agrees to REL relative to the largest one (which absorbs cancellation)."""
    scale = max(1.0, *(abs(t) for t in theirs))
    for a, b in zip(ours, theirs):
        assert math.isclose(a, b, rel_tol=REL, abs_tol=REL * scale), (ours, theirs)


def no_zero_exponent(expr: Expression) -> bool:
    """False when some x ** y has y == 0 at the point.

    There PyTorch's pow backward masks the gradient with ``where(exponent == 0, 0, ...)``,
    so its derivative with respect to the exponent of that gradient is 0: for
    ``exp(y) ** x`` at 0 it gives d2f/dxdy = 0 where the true value (and ours) is 1.
    """
    out = expr.build(*expr.point)
    return not any(n.op == "vpow" and n.parents[1].data == 0.0 for n in topological_order(out))


def both(expr: Expression):
    vs = [Value(x) for x in expr.point]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in expr.point]
    return vs, expr.build(*vs), ts, expr.run(ts, torch_op)


@given(expressions(variables=3, max_size=8))
def test_first_derivatives_agree_with_torch(expr):
    """backward's gradients of random expressions equal torch.autograd's in float64."""
    vs, out, ts, tout = both(expr)
    assert math.isclose(out.data, tout.item(), rel_tol=1e-12, abs_tol=1e-12)
    out.backward()
    assert_agree([v.grad for v in vs], [g.item() for g in torch_grad(tout, ts)])


@given(expressions(variables=2, max_size=6).filter(no_zero_exponent))
def test_second_derivatives_agree_with_torch(expr):
    """Every second derivative through grad(create_graph=True) equals torch's double backward."""
    vs, out, ts, tout = both(expr)
    ours = grad(out, vs, create_graph=True)
    theirs = torch_grad(tout, ts, create_graph=True)
    assert_agree([d.data for d in ours], [g.item() for g in theirs])
    for d, g in zip(ours, theirs):
        assert_agree(list(grad(d, vs)), [h.item() for h in torch_grad(g, ts)])


BUILTINS = sorted(ops.primitives())


@pytest.mark.parametrize("name", BUILTINS)
def test_each_op_agrees_with_torch_to_second_order(name):
    """Each primitive, at random points of its domain, has torch's value and first and second
    derivatives (float64)."""

    @settings(max_examples=30)
    @given(expressions(ops=[name], max_size=3).filter(lambda e: name in e.ops).filter(no_zero_exponent))
    def check(expr):
        vs, out, ts, tout = both(expr)
        assert math.isclose(out.data, tout.item(), rel_tol=1e-12, abs_tol=1e-12)
        ours = grad(out, vs, create_graph=True)
        theirs = torch_grad(tout, ts, create_graph=True)
        assert_agree([d.data for d in ours], [g.item() for g in theirs])
        for d, g in zip(ours, theirs):
            assert_agree(list(grad(d, vs)), [h.item() for h in torch_grad(g, ts)])

    check()


@pytest.mark.parametrize(
    ("a", "b"),
    [(1e-300, 1e-310), (1.0, 1e-308), (1e308, 1e-5), (1e-320, 1e300), (3.0, -1e-300), (-2.5, 1e200),
     (7.0, 7.0)],
)
def test_division_by_tiny_and_huge_denominators_agrees_with_torch(a, b):
    """a / b, d/da and d/db are torch's (inf where torch gives inf), and the quotient is the floats'."""
    x, y = Value(a), Value(b)
    q = x / y
    q.backward()
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    tq = ta / tb
    tq.backward()
    assert q.data == a / b == tq.item()
    assert (x.grad, y.grad) == (ta.grad.item(), tb.grad.item())
