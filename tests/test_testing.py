"""autograd.testing: gradcheck, gradgradcheck and numerical_grad, and the reports they give."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

import autograd
from autograd import Value, ops, topological_order
from autograd.testing import (
    Domain,
    GradcheckError,
    gradcheck,
    gradgradcheck,
    numerical_grad,
)
from autograd.testing.strategies import expressions
from tests.support import run_python

BUILTINS = sorted(
    [
        *("add", "mul", "exp", "log", "reciprocal", "relu", "tanh", "sigmoid", "pow", "vpow", "add_n", "dot"),
        *("div", "sqrt", "abs", "sin", "cos", "tan", "atan", "sinh", "cosh", "log1p", "expm1", "softplus"),
        *("erf", "maximum", "minimum", "clamp"),
    ]
)


# ----------------------------------------------------------------------------- passing
def test_gradcheck_and_gradgradcheck_return_true_for_a_correct_function():
    """Both checks return True for a function built from correct rules."""

    def f(x, y, z):
        return (x * y).tanh() + x.exp() / y + autograd.dot([x, y], [z, z]) + (z**2.5).log()

    assert gradcheck(f, [0.5, 2.0, 1.5]) is True
    assert gradgradcheck(f, [0.5, 2.0, 1.5]) is True


def test_builtins_list_is_the_rules_table():
    """The primitives checked below are exactly the built-in rules table."""
    assert sorted(ops._BUILTIN) == BUILTINS


@pytest.mark.parametrize("name", BUILTINS)
def test_every_primitive_in_random_compositions_passes_both_checks(name):
    """Every built-in primitive, composed at random with itself, passes gradcheck and gradgradcheck."""

    @given(expressions(ops=[name], max_size=3).filter(lambda e: name in e.ops))
    def check(expr):
        assert gradcheck(expr.build, expr.point)
        assert gradgradcheck(expr.build, expr.point)

    check()


@given(expressions(variables=3, max_size=8))
def test_random_expressions_pass_gradcheck(expr):
    """Random expressions over the whole rules table agree with finite differences."""
    assert gradcheck(expr.build, expr.point)


@given(expressions(max_size=6))
def test_random_expressions_pass_gradgradcheck(expr):
    """Second derivatives of random expressions agree with finite differences of the first."""
    assert gradgradcheck(expr.build, expr.point)


def test_gradcheck_leaves_every_grad_as_it_was():
    """gradcheck runs backward on f's graph but restores every .grad it touched."""
    w = Value(3.0)
    w.grad = 5.0
    hidden = {}

    def f(x):
        h = x * w
        h.grad = 7.0  # a stale gradient on an inner node
        hidden["h"] = h
        return h.tanh() + w

    assert gradcheck(f, [0.25])
    assert w.grad == 5.0
    assert hidden["h"].grad == 7.0


def test_gradcheck_accepts_ints_and_an_input_that_f_does_not_use():
    """Integer inputs work, and an unused input has gradient 0 on both sides."""
    assert gradcheck(lambda x, y: x * x, [2, 7])
    assert gradcheck(lambda x: x, [1.0])  # the output is the input itself


# ----------------------------------------------------------------------------- wrong rules
def _wrong_sin():
    """A registered op whose rule is wrong: sin with exp as its derivative."""
    return autograd.register_op("bad_sin", math.sin, lambda out, x: (autograd.exp(x),))


def test_a_wrong_rule_is_caught_and_the_report_names_the_op(rules_table):
    """A custom op with a wrong rule fails gradcheck, and the report names it with both values."""
    bad_sin = _wrong_sin()
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: bad_sin(x * y) + y.tanh(), [0.5, 2.0])
    err = info.value
    assert isinstance(err, AssertionError)
    assert err.faulty_op == "bad_sin"
    assert [d.index for d in err.disagreements] == [(0,), (1,)]
    x, y = Value(0.5), Value(2.0)
    (bad_sin(x * y) + y.tanh()).backward()
    numeric = numerical_grad(lambda a, b: Value(math.sin(a.data * b.data)) + b.tanh(), [0.5, 2.0])
    assert [d.analytical for d in err.disagreements] == [x.grad, y.grad]
    assert [d.numerical for d in err.disagreements] == pytest.approx(numeric, rel=1e-6)
    (rule,) = err.rules
    assert (rule.op, rule.position, rule.args, rule.wrt_input) == ("bad_sin", 2, (1.0,), 0)
    assert rule.rule == math.e and rule.numerical == pytest.approx(math.cos(1.0), rel=1e-8)
    assert err.kinks == ()
    message = str(err)
    assert "The first op whose own rule disagrees with finite differences is 'bad_sin'" in message
    assert f"  x[0]      {x.grad:<24.12g} {err.disagreements[0].numerical:.12g}\n" in message


def test_the_report_of_a_wrong_rule_reads_as_documented(rules_table):
    """The whole report for a simple case, line by line (the README shows the same)."""
    bad_sin = _wrong_sin()
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: bad_sin(x * 2), [0.5])
    assert str(info.value) == (
        "gradcheck: backward's gradients disagree with central finite differences at inputs (0.5,) "
        "(eps=1e-06, atol=1e-05, rtol=0.001):\n"
        "  input     analytical               numerical\n"
        "  x[0]      5.43656365692            1.08060461174\n"
        "The first op whose own rule disagrees with finite differences is 'bad_sin' "
        "(operation 2 in evaluation order, bad_sin(1.0)):\n"
        "  d out/d input 0: the rule gives 2.71828182846, a finite difference of its forward "
        "gives 0.54030230591"
    )


def test_a_wrong_rule_is_named_inside_any_random_expression(rules_table):
    """Added to random expressions, a wrong rule is caught and is the only op ever blamed."""
    off_by_one = autograd.register_op("off_by_one", math.tanh, lambda out, x: (2.0 - out * out,))

    @given(expressions(variables=2, ops=BUILTINS, max_size=6))
    def check(expr):
        def f(x, y):
            return expr.build(x, y) + off_by_one(x) * 1e3  # d/dx is off by 1000: always caught

        with pytest.raises(GradcheckError) as info:
            gradcheck(f, expr.point)
        assert info.value.faulty_op == "off_by_one"
        assert {r.op for r in info.value.rules} == {"off_by_one"}
        assert info.value.kinks == ()

    check()


def test_the_first_of_several_wrong_ops_in_evaluation_order_is_named(rules_table):
    """With two wrong ops, the one evaluated first is named and the other is listed."""
    first = autograd.register_op("first_bad", lambda x: 2 * x, lambda out, x: (3.0,))
    second = autograd.register_op("second_bad", lambda x: 5 * x, lambda out, x: (1.0,))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: second(first(x).exp()), [0.1])
    assert [r.op for r in info.value.rules] == ["first_bad", "second_bad"]
    assert "Other ops whose rules disagree: 'second_bad' (operation 3)." in str(info.value)


def test_a_graph_broken_by_f_blames_no_rule():
    """When f cuts the graph (a new Value from .data), no rule is blamed and the report says why."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: Value(x.data) * x, [1.5])
    err = info.value
    assert err.rules == () and err.kinks == () and err.faulty_op is None
    assert [(d.analytical, d.numerical) for d in err.disagreements] == [(1.5, pytest.approx(3.0))]
    assert "so the graph is at fault: f may read .data" in str(err)


# ----------------------------------------------------------------------------- kinks
def test_relu_at_zero_is_reported_as_a_kink_not_a_wrong_rule():
    """At relu's kink the mismatch is reported as a non-differentiable point."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: (x * y).relu() + y, [0.0, 1.0])
    err = info.value
    assert err.rules == ()
    assert [(k.op, k.position, k.input, k.value, k.point) for k in err.kinks] == [("relu", 2, 0, 0.0, 0.0)]
    assert "not differentiable" in str(err) and "(not a wrong rule)" in str(err)


def test_a_kink_crossed_only_by_the_global_step_is_found():
    """relu's input 5e-5 is far from 0 for a local step but crossed when x moves by eps."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: (x * 1e4).relu(), [5e-9])
    err = info.value
    assert err.rules == ()
    assert [(k.op, k.value) for k in err.kinks] == [("relu", pytest.approx(5e-5))]


def test_relu_passes_away_from_its_kink_and_gradgradcheck_sees_kinks_too():
    """relu passes both checks away from 0; at 0 gradgradcheck reports the kink too."""
    assert gradgradcheck(lambda x: x.relu() * x, [0.3])
    assert gradgradcheck(lambda x: x.relu() * x, [-0.3])
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x: x.relu() * x, [0.0])
    assert info.value.rules == () and [k.op for k in info.value.kinks] == ["relu"]
    assert "d/dx[0] of df/dx[0]" in str(info.value)


def test_declared_domains_make_kinks_of_user_ops_known(rules_table):
    """A user op's kink is blamed on its rule unless its Domain declares the kink."""
    leaky = autograd.register_op(
        "leaky", lambda x: x if x > 0 else 0.1 * x, lambda out, x: (1.0 if float(x) > 0 else 0.1,)
    )
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: leaky(x), [0.0])
    assert info.value.faulty_op == "leaky"
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: leaky(x), [0.0], domains={"leaky": Domain(kinks=((0, 0.0),))})
    assert info.value.faulty_op is None and [k.op for k in info.value.kinks] == ["leaky"]
    assert gradcheck(lambda x: leaky(x), [-0.5]) and gradcheck(lambda x: leaky(x), [0.5])


# ----------------------------------------------------------------------------- second order
def test_a_rule_that_is_not_differentiable_fails_only_gradgradcheck(rules_table):
    """A rule written with math.cos is right to first order; gradgradcheck names it."""
    flat_sin = autograd.register_op("flat_sin", math.sin, lambda out, x: (math.cos(x),))
    assert gradcheck(lambda x, y: flat_sin(x * y), [0.5, 1.0])
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x, y: flat_sin(x * y) + y, [0.5, 1.0])
    err = info.value
    assert err.faulty_op == "flat_sin"
    (rule,) = err.rules
    assert (rule.order, rule.wrt_input, rule.second_input, rule.rule) == (2, 0, 0, 0.0)
    assert rule.numerical == pytest.approx(-math.sin(0.5), rel=1e-6)
    assert {d.index for d in err.disagreements} == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert "math.cos(x) of a Value gives a constant" in str(err)


def test_gradgradcheck_names_a_wrong_first_order_rule_first(rules_table):
    """gradgradcheck runs gradcheck first, so a wrong first-order rule is reported as such."""
    bad_sin = _wrong_sin()
    with pytest.raises(GradcheckError, match=r"^gradcheck: backward's gradients") as info:
        gradgradcheck(lambda x: bad_sin(x), [0.5])
    assert info.value.faulty_op == "bad_sin"


def test_gradgradcheck_catches_a_rule_whose_second_derivative_is_wrong(rules_table):
    """A rule that is right on floats but wrong on Values is named by its second derivative."""

    def derivative(out, x):
        if isinstance(x, Value):
            return (autograd.exp(x * 0.0) * math.cos(x.data) + x * 0.5,)  # right value, wrong slope
        return (math.cos(x),)

    odd_sin = autograd.register_op("odd_sin", math.sin, derivative)
    assert gradcheck(lambda x: odd_sin(x), [0.0])
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x: odd_sin(x), [0.0])
    assert info.value.faulty_op == "odd_sin"


# ----------------------------------------------------------------------------- repeatability
def _micrograd_backward(root, gradient):
    """micrograd's backward: stored gradients are fed back into the chain rule."""
    root.grad = gradient
    for node in topological_order(root):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local


def test_a_second_backward_that_differs_is_caught(monkeypatch):
    """A backward that feeds stored gradients back in passes once but fails the repeat check."""
    monkeypatch.setattr(autograd.graph, "backward", _micrograd_backward)
    with pytest.raises(GradcheckError, match="a second backward\\(\\) added different gradients") as info:
        gradcheck(lambda x: (x * x) * x, [2.0])
    (d,) = info.value.disagreements
    assert (d.numerical, d.analytical) == (12.0, 20.0)  # the stale 2.0 on x * x adds 2 * (4 + 4)


def test_a_backward_that_ignores_a_zero_upstream_gradient_is_caught(monkeypatch):
    """A backward that treats every upstream gradient as 1 fails the zero-gradient check."""
    real = autograd.graph.backward
    monkeypatch.setattr(autograd.graph, "backward", lambda root, gradient: real(root, 1.0))
    with pytest.raises(GradcheckError, match=r"backward\(0.0\) \(a zero upstream gradient\)") as info:
        gradcheck(lambda x: x * 3.0, [2.0])
    assert [d.analytical for d in info.value.disagreements] == [3.0]


# ----------------------------------------------------------------------------- numerical_grad
def test_numerical_grad_is_the_central_difference():
    """numerical_grad of x**3 at 1 is (f(1+h) - f(1-h)) / 2h = 3 + h**2."""
    assert numerical_grad(lambda x: x**3, [1.0], eps=1e-3) == pytest.approx((3 + 1e-6,), rel=1e-9)
    gx, gy = numerical_grad(lambda x, y: x * y.exp(), [2.0, 0.0])
    assert (gx, gy) == (pytest.approx(1.0), pytest.approx(2.0))
    assert numerical_grad(lambda x: float(x.data) ** 2, [3.0]) == pytest.approx((6.0,))  # a number is fine


def test_numerical_grad_outside_the_domain_says_where():
    """A function undefined within eps of the inputs gives a ValueError naming the input and side."""
    with pytest.raises(
        ValueError,
        match=r"f raised ValueError at inputs\[0\] - eps = -9\.98\d*e-07 \(log: expected an operand > 0",
    ):
        numerical_grad(lambda x: x.log(), [1e-9])
    with pytest.raises(ValueError, match=r"gradcheck: f raised ValueError at inputs\[1\] - eps"):
        gradcheck(lambda x, y: x * y.log(), [1.0, 1e-9])


# ----------------------------------------------------------------------------- argument errors
@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda: gradcheck(lambda x: x, 1.0),
            TypeError,
            r"inputs must be a sequence of real numbers .* got float",
        ),
        (lambda: gradcheck(lambda x: x, "1"), TypeError, r"inputs must be a sequence .* got str"),
        (
            lambda: gradcheck(lambda x: x, []),
            ValueError,
            r"expected at least one input number, got an empty list",
        ),
        (
            lambda: gradcheck(lambda x: x, ["a"]),
            TypeError,
            r"gradcheck: inputs\[0\]: expected a real number .* got str",
        ),
        (
            lambda: gradcheck(lambda x: x, [Value(1.0)]),
            TypeError,
            r"inputs\[0\]: expected a real number, got a Value",
        ),
        (lambda: gradcheck(lambda x: x, [math.nan]), ValueError, r"inputs\[0\] must be finite, got nan"),
        (lambda: gradcheck(3, [1.0]), TypeError, r"f must be callable .* got int"),
        (lambda: gradcheck(lambda x: 2.0, [1.0]), TypeError, r"f must return a Value, got float: 2.0"),
        (
            lambda: gradcheck(lambda x: x * math.inf, [1.0]),
            ValueError,
            r"f\(1.0,\) = inf; gradients are checked",
        ),
        (lambda: gradcheck(lambda x: x, [1.0], eps=0), ValueError, r"eps must be a finite number > 0, got 0"),
        (lambda: gradcheck(lambda x: x, [1.0], atol=-1), ValueError, r"atol must be a finite number >= 0"),
        (lambda: gradcheck(lambda x: x, [1.0], rtol="1"), TypeError, r"rtol: expected a real number"),
        (
            lambda: gradcheck(lambda x: x, [1.0], domains=[1]),
            TypeError,
            r"domains must map op names to Domain",
        ),
        (
            lambda: gradcheck(lambda x: x, [1.0], domains={"f": 1}),
            TypeError,
            r"domains\['f'\] must be a Domain",
        ),
        (lambda: gradgradcheck(lambda x: 2.0, [1.0]), TypeError, r"f must return a Value"),
        (
            lambda: numerical_grad(lambda x: "a", [1.0]),
            TypeError,
            r"numerical_grad: the result of f: expected",
        ),
        (
            lambda: numerical_grad(lambda x: x, [1.0], eps=-1e-6),
            ValueError,
            r"eps must be a finite number > 0",
        ),
        (lambda: Domain(positive=(-1,)), ValueError, r"positive must hold input indices"),
        (lambda: Domain(kinks=((0,),)), ValueError, r"kinks must hold \(operand index, point\) pairs"),
    ],
)
def test_mistakes_raise_errors_saying_what_was_expected_and_received(call, error, pattern):
    """Each user mistake raises an exception naming what was expected and what was received."""
    with pytest.raises(error, match=pattern):
        call()


def test_gradcheck_error_is_importable_under_its_public_name():
    """GradcheckError reads as autograd.testing.GradcheckError in tracebacks."""
    assert GradcheckError.__module__ == "autograd.testing"
    assert issubclass(GradcheckError, AssertionError)


def test_the_library_needs_no_hypothesis():
    """Without Hypothesis, autograd.testing imports and checks gradients; only the strategies need it."""
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # importing it now fails\n"
        "from autograd.testing import gradcheck, gradgradcheck\n"
        "print(gradcheck(lambda x: x.exp() * x, [0.5]), gradgradcheck(lambda x: x.tanh(), [0.5]))\n"
        "try:\n"
        "    import autograd.testing.strategies\n"
        "except ImportError:\n"
        "    print('strategies need hypothesis')\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n") == ["True True", "strategies need hypothesis", ""]


def test_gradgradcheck_blames_the_op_with_the_wrong_rule_inside_another_ops_derivative(rules_table):
    """sinh's rule (cosh) is right; cosh's rule (-sinh) is wrong: the report names cosh, not sinh."""
    import math

    from autograd import ops
    from autograd.testing import GradcheckError, gradgradcheck

    cosh = ops.register("cosh_t", math.cosh, lambda out, x: (-sinh(x),), replace=True)
    sinh = ops.register("sinh_t", math.sinh, lambda out, x: (cosh(x),), replace=True)
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda y: sinh(y), [0.5])
    assert info.value.faulty_op == "cosh_t"
    message = str(info.value)
    assert "is 'cosh_t', used by the derivative rule of 'sinh_t' (operation 1" in message
    assert "math.cos(x)" not in message
