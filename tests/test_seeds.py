"""The worked numbers of the tutorials the project comes from (../shared/seeds/README.md)."""

from __future__ import annotations

import math

import pytest

from autograd import Value


def test_apples():
    """The seeds' apples: 220 with gradients 2.2, 110 and 200."""
    apple, num, tax = Value(100.0, "apple"), Value(2.0, "num"), Value(1.1, "tax")
    price = apple * num * tax
    price.backward()
    assert price.data == 220.00000000000003
    assert apple.grad == pytest.approx(2.2, rel=1e-12)
    assert num.grad == pytest.approx(110.0, rel=1e-12)
    assert tax.grad == pytest.approx(200.0, rel=1e-12)


def test_apples_and_oranges():
    """The seeds' apples and oranges: 715 with gradients 2.2, 110, 3.3, 165 and 650."""
    apple, apple_num = Value(100.0), Value(2.0)
    orange, orange_num = Value(150.0), Value(3.0)
    tax = Value(1.1)
    total = (apple * apple_num + orange * orange_num) * tax
    total.backward()
    assert total.data == pytest.approx(715.0, rel=1e-12)
    grads = (apple.grad, apple_num.grad, orange.grad, orange_num.grad, tax.grad)
    assert grads == pytest.approx((2.2, 110.0, 3.3, 165.0, 650.0), rel=1e-12)


def test_rice_and_flour():
    """The seeds' rice and flour: 50, with 10 for the flour price."""
    rice, rice_num = Value(2.6), Value(10.0)
    flour, flour_num = Value(2.4), Value(10.0)
    total = rice * rice_num + flour * flour_num
    total.backward()
    assert total.data == pytest.approx(50.0, rel=1e-12)
    assert flour.grad == 10.0 and rice.grad == 10.0
    assert flour_num.grad == pytest.approx(2.4) and rice_num.grad == pytest.approx(2.6)


@pytest.mark.parametrize(("x0", "y0"), [(1.0, 2.0), (-3.0, 0.5), (0.0, 0.0)])
def test_chain_rule_on_the_square_of_a_sum(x0, y0):
    """z = (x + y)^2 gives dz/dx = dz/dy = 2(x + y)."""
    x, y = Value(x0), Value(y0)
    t = x + y
    z = t**2
    z.backward()
    assert x.grad == y.grad == 2 * (x0 + y0)
    assert t.grad == 2 * (x0 + y0)


@pytest.mark.parametrize("x0", [-4.0, -0.5, 0.0, 1.3, 6.0])
def test_sigmoid_from_its_four_nodes_matches_the_fused_sigmoid(x0):
    """Sigmoid from *-1, exp, +1 and reciprocal nodes has the seeds' local gradients and y(1 - y)."""
    x = Value(x0)
    neg = x * -1
    e = neg.exp()
    s = e + 1
    y = s.reciprocal()
    # the nodes the seeds draw, each with its local derivative
    assert (neg.op, neg.parents, neg.local_grads) == ("mul", (x,), (-1.0,))
    assert (e.op, e.local_grads) == ("exp", (math.exp(-x0),))
    assert (s.op, s.local_grads) == ("add", (1.0,))
    assert y.op == "reciprocal"
    assert y.local_grads[0] == pytest.approx(-(y.data**2), rel=1e-15)
    y.backward()

    xf = Value(x0)
    yf = xf.sigmoid()
    yf.backward()
    assert yf.data == pytest.approx(y.data, rel=1e-15)
    assert xf.grad == pytest.approx(x.grad, rel=1e-12)
    assert x.grad == pytest.approx(y.data * (1 - y.data), rel=1e-12)


def test_relu_passes_the_gradient_only_where_the_input_was_positive():
    """relu passes gradient only where its input was > 0."""
    xs = [Value(v) for v in (-2.0, -0.0, 0.0, 0.5, 3.0)]
    for x in xs:
        (x * 1.0).relu().backward()
    assert [x.grad for x in xs] == [0.0, 0.0, 0.0, 1.0, 1.0]
