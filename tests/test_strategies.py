"""autograd.testing.strategies: numbers, Values and random expressions valid at their point."""

from __future__ import annotations

import math

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, topological_order
from autograd.testing import Domain, Expression, gradcheck
from autograd.testing._hypothesis import _hypothesis_setup_hook
from autograd.testing.strategies import BOUND, MARGIN, expressions, reals, values
from tests.support import run_python

FIND = settings(database=None, derandomize=True, max_examples=2000)


# ----------------------------------------------------------------------------- numbers, Values
@given(reals(-2.5, 4.0))
def test_reals_are_finite_and_in_range(x):
    """reals() draws finite floats inside the range."""
    assert math.isfinite(x) and -2.5 <= x <= 4.0


@given(values(0.0, 1.0, label="w"))
def test_values_are_leaves_holding_reals(v):
    """values() draws labelled leaves holding numbers in the range."""
    assert isinstance(v, Value) and v.is_leaf() and v.label == "w" and 0.0 <= v.data <= 1.0


@given(st.from_type(Value), st.from_type(Expression))
def test_from_type_works_through_the_entry_point(v, expr):
    """The hypothesis entry point registers strategies for Value and Expression."""
    assert isinstance(v, Value) and math.isfinite(v.data)
    assert isinstance(expr, Expression) and expr.size >= 1


def test_the_setup_hook_can_run_again():
    """The hook is cheap and idempotent: running it again changes nothing that works."""
    _hypothesis_setup_hook()
    assert isinstance(find(st.from_type(Value), lambda v: v.data > 1, settings=FIND), Value)


# ----------------------------------------------------------------------------- drawn expressions
def check_domains(out, max_size):
    """Every node of the graph is finite and bounded, every argument inside its op's domain."""
    for node in topological_order(out):
        assert math.isfinite(node.data)
        assert abs(node.data) <= (BOUND if node.op != "add" else BOUND * (max_size + 1))
        if node.op in ("log", "reciprocal", "pow", "vpow"):
            assert node.parents[0].data >= MARGIN
        if node.op == "relu":
            assert abs(node.parents[0].data) >= MARGIN


@given(expressions(variables=3, max_size=8))
def test_drawn_expressions_are_valid_at_their_point(expr):
    """At the drawn point every op is in its domain, away from its kink, and bounded."""
    assert len(expr.point) == 3 and all(-3.0 <= x <= 3.0 for x in expr.point)
    assert expr.size >= 1
    check_domains(expr.build(*expr.point), 8)


@given(expressions(max_size=8))
def test_build_and_evaluate_give_the_same_number(expr):
    """The Values built from an expression hold exactly what evaluate() computes on floats."""
    assert expr.build(*expr.point).data == expr.evaluate(*expr.point)


def test_shared_sub_expressions_are_drawn():
    """Some drawn expression uses an operation node twice."""
    expr = find(expressions(), lambda e: any(u > 1 for u in e.uses()[len(e.variables) :]), settings=FIND)
    assert max(expr.uses()[2:]) >= 2


def naive_backward(out, inputs):
    """micrograd's mistake: each node's gradient is set (not added) from each consumer."""
    grads = {out: 1.0}
    for node in topological_order(out):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = grads[node] * local
    return [grads.get(v, 0.0) for v in inputs]


def test_drawn_expressions_break_a_naive_backward():
    """Shared sub-expressions find the classic bug of a backward pass that overwrites gradients."""

    def broken(e):
        vs = [Value(x) for x in e.point]
        out = e.build(*vs)
        return naive_backward(out, vs) != list(grad(out, vs))

    expr = find(expressions(), broken, settings=FIND)
    assert broken(expr)


def test_a_shrunk_example_reads_as_a_small_formula():
    """The smallest expressions using log and relu are one line each, guarded at the simplest point."""
    expr = find(expressions(), lambda e: "log" in e.ops, settings=FIND)
    assert repr(expr) == "def f(x, y):  # drawn at x=0.0, y=0.0\n    return log(y * y + 1.0)"
    expr = find(expressions(), lambda e: "relu" in e.ops, settings=FIND)
    assert repr(expr) == "def f(x, y):  # drawn at x=0.0, y=0.0\n    return relu(y - 0.5)"


@given(expressions(ops=["tanh", "exp", "dot"], max_size=5))
def test_ops_limit_what_is_drawn(expr):
    """Only the ops asked for appear, with add for the final sum of unused nodes."""
    assert expr.ops <= {"tanh", "exp", "dot", "add"}


@given(expressions(ops=["log"], min_size=2, max_size=2))
def test_guards_make_arguments_positive_with_add_and_mul(expr):
    """An argument of log that is not positive enough becomes u * u + c."""
    assert expr.ops <= {"log", "mul", "add"}
    check_domains(expr.build(*expr.point), 2)


@given(expressions(variables=["a", "b", "c"], max_size=3))
def test_variables_can_be_named(expr):
    """Named variables appear in the expression and its source."""
    assert expr.variables == ("a", "b", "c")
    assert expr.source().startswith("def f(a, b, c):")


@given(expressions(variables=5, max_size=1, min_value=10.0, max_value=10.0))
def test_many_variables_are_numbered_and_the_point_range_is_obeyed(expr):
    """Past three variables they are x0, x1, ...; the point lies in [min_value, max_value]."""
    assert expr.variables == ("x0", "x1", "x2", "x3", "x4") and expr.point == (10.0,) * 5


def test_user_registered_ops_are_drawn_and_checked(rules_table):
    """A registered op is drawn (by default too) and its domain is respected when declared."""
    drawn_cube = autograd.register_op("drawn_cube", lambda x: x**3, lambda out, x: (3 * x * x,))
    sqrt = autograd.register_op("my_sqrt", math.sqrt, lambda out, x: (0.5 / out,))
    assert drawn_cube(2.0) == 8.0 and sqrt(4.0) == 2.0
    seen = set()

    @given(
        expressions(domains={"my_sqrt": Domain(positive=(0,))}).filter(
            lambda e: {"drawn_cube", "my_sqrt"} & e.ops
        )
    )
    def check(expr):
        seen.update(expr.ops)
        out = expr.build(*expr.point)
        for node in topological_order(out):
            if node.op == "my_sqrt":
                assert node.parents[0].data >= MARGIN
        assert gradcheck(expr.build, expr.point)

    check()
    assert {"drawn_cube", "my_sqrt"} <= seen


def test_ops_whose_forward_fails_are_left_out(rules_table):
    """An op with an unknown, narrow domain is drawn only where its forward works."""
    autograd.register_op("arcsin", math.asin, lambda out, x: ((1 - x * x) ** -0.5,))

    @given(expressions(ops=["arcsin", "mul"], max_size=4))
    def check(expr):
        expr.build(*expr.point)  # never raises: failing draws were left out

    check()


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"ops": ["nope"]}, ValueError, r"no op 'nope' in the rules table; registered ops: \['abs', 'add', "),
        ({"ops": "exp"}, TypeError, r"ops must be a collection of op names, got the str 'exp'"),
        ({"ops": []}, ValueError, r"ops must name at least one op, got none"),
        ({"min_size": 3, "max_size": 2}, ValueError, r"expected min_size <= max_size, got 3 > 2"),
        ({"max_size": -1}, ValueError, r"max_size must be an int >= 0, got -1"),
        ({"min_value": 1.0, "max_value": 0.0}, ValueError, r"expected finite min_value <= max_value"),
        ({"max_value": math.inf}, ValueError, r"expected finite min_value <= max_value"),
        ({"variables": 0}, ValueError, r"expected at least one variable, got 0"),
        ({"variables": "xy"}, TypeError, r"variables must be a number of variables or a sequence of names"),
        ({"variables": ["x", "x"]}, ValueError, r"variable names must be distinct"),
        ({"variables": ["exp"]}, ValueError, r"the variable name 'exp' would hide the function exp\(\)"),
        ({"domains": {"log": 1}}, TypeError, r"domains\['log'\] must be a Domain, got int"),
    ],
)
def test_strategy_argument_errors(kwargs, error, pattern):
    """Bad arguments to expressions() raise at once, saying what was expected and received."""
    with pytest.raises(error, match=pattern):
        expressions(**kwargs)


def test_reals_and_values_argument_errors():
    """reals() and values() refuse empty or infinite ranges and non-str labels."""
    with pytest.raises(ValueError, match="reals: expected finite min_value <= max_value"):
        reals(1.0, -1.0)
    with pytest.raises(TypeError, match="reals: max_value: expected a real number"):
        reals(0.0, "1")
    with pytest.raises(TypeError, match="values: label must be a str, got int"):
        values(label=3)


def test_importing_this_module_before_hypothesis_works():
    """Importing the strategies before Hypothesis (which then loads the hook half-way) works."""
    code = (
        "import autograd.testing.strategies\n"
        "from hypothesis import find, strategies as st\n"
        "from autograd import Value\n"
        "from autograd.testing import Expression\n"
        "print(find(st.from_type(Value), lambda v: v.data > 1).data)\n"
        "print(find(st.from_type(Expression), lambda e: 'exp' in e.ops).source())\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.splitlines()[0]) > 1
    assert "exp(" in done.stdout
