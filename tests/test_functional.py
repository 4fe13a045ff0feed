"""grad() (first and second order, several outputs) and the functional transforms."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

import autograd
from autograd import Value, grad, topological_order
from autograd.testing import gradgradcheck
from autograd.testing.expression import record
from autograd.testing.strategies import expressions
from tests.support import torch_op


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


def test_create_graph_records_no_multiplication_by_the_output_gradient_one():
    """d(x**3)/dx is built as (x**2)*3, with no trailing `* 1` node for the starting gradient."""
    from autograd import Value, grad

    x = Value(2.0)
    (dx,) = grad(x**3, [x], create_graph=True)
    assert dx.data == 12.0
    assert dx.op == "mul" and dx.op_args == (3.0,)


# ----------------------------------------------------------------------------- several outputs
def test_grad_of_several_outputs_weights_each_one():
    """grad([y1, y2], x, grad_outputs=[a, b]) is the gradient of a*y1 + b*y2, also as Values."""
    x, w = Value(2.0), Value(0.5)
    y1, y2 = x * x * w, (x * w).exp()
    (gx, gw) = grad([y1, y2], [x, w], grad_outputs=[1.0, 3.0])
    e = math.exp(1.0)
    assert (gx, gw) == pytest.approx((2 * 2 * 0.5 + 3 * 0.5 * e, 4 + 3 * 2 * e), rel=1e-15)
    assert grad([y1, y2], [x]) == grad(y1 + y2, [x])
    (dx,) = grad([y1, y1], [x], grad_outputs=[Value(1.0), 2.0], create_graph=True)
    assert dx.data == 3 * 2 * 2 * 0.5 and grad(dx, [x])[0] == 3 * 2 * 0.5
    with pytest.raises(ValueError, match=r"grad_outputs must hold one weight per output \(2\)"):
        grad([y1, y2], [x], grad_outputs=[1.0])
    with pytest.raises(TypeError, match=r"grad: outputs\[1\] must be a Value, got float"):
        grad([y1, 2.0], [x])
    with pytest.raises(ValueError, match="expected at least one output"):
        grad([], [x])


# ----------------------------------------------------------------------------- transforms
def _f(x, y):
    return (x * y).tanh() + x.exp() / y


def _fv(x, y):
    return [x * y, (x + y).sin(), x.sqrt() * y]


def test_jvp_vjp_jacobian_hessian_hvp_value_and_grad_on_a_small_map():
    """Each transform gives the derivatives of a known function, as numbers."""
    x, y = 0.5, 2.0
    t = math.tanh(x * y)
    df = [y * (1 - t * t) + math.exp(x) / y, x * (1 - t * t) - math.exp(x) / y**2]
    value, tangent = autograd.jvp(_f, [x, y], [1.0, 2.0])
    assert value == pytest.approx(t + math.exp(x) / y, rel=1e-15)
    assert tangent == pytest.approx(df[0] + 2 * df[1], rel=1e-12)
    value, pullback = autograd.vjp(_f, [x, y])
    assert pullback(1.0) == pytest.approx(tuple(df), rel=1e-12)
    assert pullback(2.0)[0] == pytest.approx(2 * df[0])
    assert autograd.jacobian(_f, [x, y]) == pytest.approx(df, rel=1e-12)
    assert autograd.value_and_grad(_f)(x, y) == (value, pytest.approx(tuple(df), rel=1e-12))
    jac = autograd.jacobian(_fv, [x, y])
    c = math.cos(x + y)
    want = [[y, x], [c, c], [0.5 / math.sqrt(x) * y, math.sqrt(x)]]
    assert [r == pytest.approx(w, rel=1e-12) for r, w in zip(jac, want)] == [True] * 3
    _, tangents = autograd.jvp(_fv, [x, y], [1.0, 0.0])
    assert tangents == pytest.approx([row[0] for row in want], rel=1e-12)
    h = autograd.hessian(lambda a, b: a * a * b + b.log(), [3.0, 2.0])
    assert h == [[4.0, 6.0], [6.0, -0.25]]
    assert autograd.hvp(lambda a, b: a * a * b + b.log(), [3.0, 2.0], [1.0, -1.0]) == [-2.0, 6.25]


@given(expressions(variables=3, max_size=6))
def test_the_transforms_agree_with_finite_differences(expr):
    """jacobian equals numerical_grad; hessian rows equal finite differences of the gradient;
    hvp equals hessian @ v; jvp equals jacobian @ t."""
    from autograd.testing import numerical_grad

    p = list(expr.point)
    jac = autograd.jacobian(expr.build, p)
    assert jac == pytest.approx(list(numerical_grad(expr.build, p)), rel=1e-4, abs=1e-5)
    h = autograd.hessian(expr.build, p)
    v = [1.0, -0.5, 0.25]
    assert autograd.hvp(expr.build, p, v) == pytest.approx(
        [sum(hij * vj for hij, vj in zip(row, v)) for row in h], rel=1e-9, abs=1e-9
    )
    _, tangent = autograd.jvp(expr.build, p, v)
    assert tangent == pytest.approx(sum(j * t for j, t in zip(jac, v)), rel=1e-9, abs=1e-9)
    for i in range(3):  # column i of the Hessian: central differences of the gradient
        h_step = 1e-6 * max(1.0, abs(p[i]))
        up, down = list(p), list(p)
        up[i] += h_step
        down[i] -= h_step
        g_up, g_down = autograd.jacobian(expr.build, up), autograd.jacobian(expr.build, down)
        column = [(a - b) / (up[i] - down[i]) for a, b in zip(g_up, g_down)]
        assert [row[i] for row in h] == pytest.approx(column, rel=1e-3, abs=1e-4)


def test_the_transforms_compose_and_ignore_no_grad():
    """jvp of a function that calls grad(create_graph=True) is an hvp; hessian of a registered
    op works; under no_grad the transforms still record f."""
    def gradient(a, b):
        return list(grad(_f(a, b), [a, b], create_graph=True))

    _, column = autograd.jvp(gradient, [0.5, 2.0], [1.0, 0.0])
    h = autograd.hessian(_f, [0.5, 2.0])
    assert column == pytest.approx([h[0][0], h[1][0]], rel=1e-12)
    assert autograd.hvp(_f, [0.5, 2.0], [1.0, 0.0]) == pytest.approx(column, rel=1e-12)
    with autograd.no_grad():
        assert autograd.hessian(_f, [0.5, 2.0]) == h
        assert autograd.jacobian(lambda a: a * a, [3.0]) == [6.0]
    assert autograd.hessian(lambda a: a.erf(), [0.3]) == [
        [pytest.approx(-2 * 0.3 * 2 / math.sqrt(math.pi) * math.exp(-0.09), rel=1e-12)]
    ]


def test_the_transforms_refuse_bad_arguments():
    """Wrong arguments raise errors that say what was expected and what was received."""
    with pytest.raises(TypeError, match="jvp: f must be callable"):
        autograd.jvp(3, [1.0], [1.0])
    with pytest.raises(TypeError, match=r"jvp: primals\[0\]: expected a real number"):
        autograd.jvp(_f, ["a", 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"jvp: expected one tangent per primal \(2\), got 1"):
        autograd.jvp(_f, [1.0, 1.0], [1.0])
    with pytest.raises(TypeError, match="hessian: f must return one Value"):
        autograd.hessian(_fv, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"hvp: expected v with one number per input \(2\), got 3"):
        autograd.hvp(_f, [1.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"jacobian: f's result: output must be a Value, got str"):
        autograd.jacobian(lambda x: "x", [1.0])
    _, pullback = autograd.vjp(_fv, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"pullback expected one cotangent per output \(3\), got 1"):
        pullback([1.0])
    assert autograd.jacobian(lambda x: 2.0, [1.0]) == [0.0]  # a constant function


# ----------------------------------------------------------------------------- torch.func
def _outputs_of(expr, inputs, apply):
    """Every operation node of the expression (the last one is its value), under ``apply``."""
    nodes = []

    def record(ins, args):
        nodes.append(apply(ins, args))
        return nodes[-1]

    expr.run(list(inputs), record)
    return nodes or list(inputs)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.func's own use of torch.jit
@given(expressions(variables=3, max_size=6))
def test_the_transforms_agree_with_torch_func(expr):
    """jvp, vjp, jacrev/jacfwd (scalar and vector outputs), hessian and hvp equal torch.func's
    in float64 to 1e-9 relative."""
    torch = pytest.importorskip("torch")

    p = list(expr.point)
    ts = [torch.tensor(x, dtype=torch.float64) for x in p]
    v = [1.0, -0.5, 0.25]
    tv = tuple(torch.tensor(x, dtype=torch.float64) for x in v)

    def scalar(*xs):
        return expr.run(list(xs), torch_op)

    def vector(*xs):
        return torch.stack(_outputs_of(expr, xs, torch_op)[-3:])

    def ours_vector(*xs):
        return _outputs_of(expr, xs, lambda ins, args: record(ins.op, args, ins.constants))[-3:]

    def close(ours, theirs):
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9 * max(1.0, *map(abs, theirs)))

    value, tangent = autograd.jvp(expr.build, p, v)
    t_value, t_tangent = torch.func.jvp(scalar, tuple(ts), tv)
    close([value, tangent], [t_value.item(), t_tangent.item()])
    _, pullback = autograd.vjp(ours_vector, p)
    _, t_pull = torch.func.vjp(vector, *ts)
    m = len(ours_vector(*[Value(x) for x in p]))
    cot = [1.0, 2.0, -1.0][:m]
    close(list(pullback(cot)), [g.item() for g in t_pull(torch.tensor(cot, dtype=torch.float64))])
    argnums = tuple(range(3))
    jac = autograd.jacobian(ours_vector, p)
    t_jac = torch.func.jacfwd(vector, argnums=argnums)(*ts)
    for i, row in enumerate(jac):
        close(row, [t_jac[j][i].item() for j in range(3)])
    t_grad = torch.func.jacrev(scalar, argnums=argnums)(*ts)
    close(autograd.jacobian(expr.build, p), [g.item() for g in t_grad])
    h = autograd.hessian(expr.build, p)
    t_h = torch.func.hessian(scalar, argnums=argnums)(*ts)
    for i in range(3):
        close(h[i], [t_h[i][j].item() for j in range(3)])
    close(autograd.hvp(expr.build, p, v), [sum(t_h[i][j].item() * v[j] for j in range(3)) for i in range(3)])
