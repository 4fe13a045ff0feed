"""The rules table: every primitive against finite differences, the inlined fast paths
against the table, registering ops, numerical edge cases and errors."""

from __future__ import annotations

import inspect
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, no_grad, ops
from tests.support import assert_close, central_difference

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
moderate = st.floats(-20.0, 20.0, allow_nan=False, allow_infinity=False)
positive = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
nonzero = st.one_of(st.floats(-1e3, -1e-3), st.floats(1e-3, 1e3))


def check_rule_against_fd(f_value, f_float, xs, *, rel=1e-5):
    """backward's gradient of f at xs agrees with a central difference for every input."""
    vs = [Value(x) for x in xs]
    out = f_value(*vs)
    assert out.data == pytest.approx(f_float(*xs), rel=1e-12, abs=1e-300)
    out.backward()
    for i, v in enumerate(vs):
        numeric = central_difference(lambda p: f_float(*p), xs, i)
        scale = max(1.0, abs(out.data))
        assert_close(v.grad, numeric, rel=rel, abs_=1e-6 * scale)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


@given(st.floats(-30, 30))
def test_exp(x):
    """exp's rule matches finite differences."""
    check_rule_against_fd(lambda v: v.exp(), math.exp, [x])


@given(positive)
def test_log(x):
    """log's rule matches finite differences."""
    check_rule_against_fd(lambda v: v.log(), math.log, [x])


@given(nonzero)
def test_reciprocal(x):
    """reciprocal's rule matches finite differences."""
    check_rule_against_fd(lambda v: v.reciprocal(), lambda t: 1 / t, [x])


@given(moderate)
def test_tanh(x):
    """tanh's rule matches finite differences."""
    check_rule_against_fd(lambda v: v.tanh(), math.tanh, [x])


@given(moderate)
def test_sigmoid(x):
    """sigmoid's rule matches finite differences."""
    check_rule_against_fd(lambda v: v.sigmoid(), _sigmoid, [x])


@given(finite.filter(lambda t: abs(t) > 1e-3))
def test_relu_away_from_zero(x):
    """relu's rule matches finite differences away from its kink."""
    check_rule_against_fd(lambda v: v.relu(), lambda t: max(t, 0.0), [x])


def test_relu_at_zero_passes_no_gradient():
    """relu'(0) = 0 and relu' of any positive input is 1."""
    for x in (0.0, -0.0, -1.0):
        v = Value(x)
        v.relu().backward()
        assert v.grad == 0.0
    v = Value(1e-300)
    v.relu().backward()
    assert v.grad == 1.0


@given(finite, finite)
def test_add_and_mul(a, b):
    """add's and mul's rules match finite differences."""
    check_rule_against_fd(lambda x, y: x + y, lambda x, y: x + y, [a, b])
    check_rule_against_fd(lambda x, y: x * y, lambda x, y: x * y, [a, b])


@given(moderate, nonzero)
def test_sub_div_neg(a, b):
    """Subtraction, division and negation, composed from primitives, match finite differences."""
    check_rule_against_fd(lambda x, y: x - y, lambda x, y: x - y, [a, b])
    check_rule_against_fd(lambda x, y: x / y, lambda x, y: x / y, [a, b])
    check_rule_against_fd(lambda x, y: -x * y, lambda x, y: -x * y, [a, b])


@given(positive, st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 7.0]))
def test_pow_with_a_constant_exponent(x, c):
    """x ** c matches finite differences for positive bases."""
    check_rule_against_fd(lambda v: v**c, lambda t: t**c, [x], rel=1e-4)


@given(st.floats(-10, 10).filter(lambda t: abs(t) > 1e-3), st.sampled_from([2, 3, 4]))
def test_pow_integer_exponent_negative_base(x, c):
    """x ** c with an integer c matches finite differences for negative bases."""
    check_rule_against_fd(lambda v: v**c, lambda t: t**c, [x], rel=1e-4)


@given(st.floats(0.1, 10.0), st.floats(-3.0, 3.0))
def test_pow_with_a_value_exponent(x, y):
    """x ** y with a Value exponent matches finite differences in both inputs."""
    check_rule_against_fd(lambda a, b: a**b, lambda a, b: a**b, [x, y], rel=1e-4)


@given(st.lists(moderate, min_size=1, max_size=8))
def test_add_n(xs):
    """add_n's rule matches finite differences."""
    check_rule_against_fd(lambda *vs: autograd.add_n(vs), lambda *ts: sum(ts), xs)


@given(st.integers(1, 6).flatmap(lambda n: st.lists(moderate, min_size=2 * n, max_size=2 * n)))
def test_dot(xs):
    """dot's rule matches finite differences."""
    n = len(xs) // 2
    check_rule_against_fd(
        lambda *vs: autograd.dot(vs[:n], vs[n:]),
        lambda *ts: sum(a * b for a, b in zip(ts[:n], ts[n:])),
        xs,
    )


def test_dot_and_add_n_accept_numbers_and_give_the_binary_graphs_gradients():
    """dot and add_n take numbers too and keep repeated inputs as separate edges."""
    w = [Value(0.5), Value(-1.0), Value(2.0)]
    x = [1.0, 2.0, Value(3.0)]
    d = autograd.dot(w, x) + 1
    d.backward()
    assert d.data == 0.5 - 2.0 + 6.0 + 1
    assert [v.grad for v in w] == [1.0, 2.0, 3.0]
    assert x[2].grad == 2.0
    s = autograd.add_n([w[0], 2.0, w[0]])
    assert s.parents[0] is w[0] and s.parents[2] is w[0] and s.data == 3.0


def test_dot_and_add_n_errors():
    """dot and add_n refuse mismatched, empty and non-numeric inputs."""
    with pytest.raises(ValueError, match="dot: expected two sequences of the same length, got 2 and 1"):
        autograd.dot([Value(1.0), Value(2.0)], [Value(1.0)])
    with pytest.raises(ValueError, match="add_n: expected at least one input"):
        autograd.add_n([])
    with pytest.raises(TypeError, match="expected a real number"):
        autograd.add_n([Value(1.0), "2"])


# ----------------------------------------------------------------------------- fast paths
@given(finite, finite)
def test_inlined_add_mul_relu_match_the_rules_table(a, b):
    """The hand-inlined add, mul and relu record what the rules table computes."""
    x, y = Value(a), Value(b)
    for node, op in ((x + y, "add"), (x * y, "mul"), (x.relu(), "relu"), (x * b, "mul"), (x + b, "add")):
        prim = ops.get(op)
        assert node.op == op
        args = [p.data for p in node.parents] + list(node.op_args)
        assert node.data == prim.forward(*args)
        expected = prim.derivative(node.data, *args)[: len(node.parents)]
        assert node.local_grads == tuple(expected)


# ----------------------------------------------------------------------------- functions
@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [
        ("exp", 0.0, 1.0),
        ("log", 1.0, 0.0),
        ("relu", -2.0, 0.0),
        ("tanh", 0.0, 0.0),
        ("sigmoid", 0.0, 0.5),
        ("reciprocal", 4.0, 0.25),
    ],
)
def test_functions_accept_numbers_and_values(name, x, expected):
    """Each package function gives a float for a number and a recorded Value for a Value."""
    f = getattr(autograd, name)
    r = f(x)
    assert type(r) is float and r == expected
    v = Value(x)
    out = f(v)
    assert isinstance(out, Value) and out.data == expected and out.op == name
    assert out.parents == (v,)
    assert getattr(v, name)().data == expected
    with pytest.raises(TypeError, match=f"{name}: expected a real number"):
        f("1")


# ----------------------------------------------------------------------------- numerics
def test_sigmoid_and_tanh_are_stable_at_extremes():
    """sigmoid and tanh saturate exactly at extreme inputs, with zero gradients."""
    assert autograd.sigmoid(-1000.0) == 0.0
    assert autograd.sigmoid(1000.0) == 1.0
    assert autograd.tanh(1000.0) == 1.0
    assert autograd.tanh(-1000.0) == -1.0
    for x in (-1000.0, 1000.0, -1e308, 1e308):
        for f in (Value.sigmoid, Value.tanh):
            v = Value(x)
            f(v).backward()
            assert v.grad == 0.0


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_sigmoid_and_tanh_are_finite_with_finite_gradients_everywhere(x):
    """sigmoid and tanh stay finite, with finite gradients, for every finite input."""
    for f, lo, hi in ((Value.sigmoid, 0.0, 1.0), (Value.tanh, -1.0, 1.0)):
        v = Value(x)
        y = f(v)
        assert lo <= y.data <= hi
        y.backward()
        assert math.isfinite(v.grad) and v.grad >= 0.0
    # grad of grad too
    v = Value(x)
    (d,) = grad(v.sigmoid(), [v], create_graph=True)
    assert math.isfinite(grad(d, [v])[0])


def test_domain_errors_name_the_op_and_operand_and_record_nothing():
    """Domain errors name the op and operand and leave the graph as it was."""
    x = Value(0.0, label="x")
    y = x * 2
    before = autograd.topological_order(y)
    cases = [
        (ZeroDivisionError, r"reciprocal: division by zero \(operand 0.0\)", lambda: y.reciprocal()),
        (ZeroDivisionError, r"div: division by zero \(1.0 / 0.0\)", lambda: Value(1.0) / y),
        (ZeroDivisionError, r"div: division by zero \(0.0 / 0.0\)", lambda: y / 0),
        (ZeroDivisionError, r"reciprocal: division by zero", lambda: 1 / y),
        (ZeroDivisionError, r"reciprocal: division by zero", lambda: autograd.reciprocal(0)),
        (ValueError, r"log: expected an operand > 0, got 0.0", lambda: y.log()),
        (ValueError, r"log: expected an operand > 0, got -1.0", lambda: (y - 1).log()),
        (ValueError, r"log: expected an operand > 0, got -1", lambda: autograd.log(-1)),
        (OverflowError, r"exp: the result overflows a float for operand 1000.0", lambda: (y + 1000).exp()),
        (OverflowError, r"exp: the result overflows a float for operand 1000", lambda: autograd.exp(1000)),
    ]
    for exc, pattern, call in cases:
        with pytest.raises(exc, match=pattern):
            call()
    # nothing changed: same graph, same data, no gradients
    assert autograd.topological_order(y) == before
    assert (x.data, x.grad, y.data, y.grad) == (0.0, 0.0, 0.0, 0.0)


# ----------------------------------------------------------------------------- registering
def test_register_a_unary_op_works_everywhere(rules_table):
    """A registered op works with backward, grad to third order and no_grad."""
    sin = autograd.register_op("my_sin", math.sin, lambda out, x: (my_cos(x),), doc="sine")
    my_cos = autograd.register_op("my_cos", math.cos, lambda out, x: (-sin(x),))
    assert sin.__name__ == "my_sin" and sin.__doc__.startswith("my_sin(x): sine.\n")
    assert str(inspect.signature(sin)) == "(x, /)"  # what help() and the API reference show
    assert sin(0.5) == math.sin(0.5)  # a float for a number
    t = Value(0.5)
    s = sin(t * 2)
    assert s.op == "my_sin"
    s.backward()
    assert t.grad == pytest.approx(2 * math.cos(1.0))
    (d1,) = grad(sin(t), [t], create_graph=True)
    (d2,) = grad(d1, [t], create_graph=True)
    (d3,) = grad(d2, [t])
    assert (d1.data, d2.data, d3) == pytest.approx((math.cos(0.5), -math.sin(0.5), -math.cos(0.5)))
    with no_grad():
        assert sin(t).is_leaf()
    check_rule_against_fd(lambda v: sin(v) * v, lambda x: math.sin(x) * x, [0.3])


def test_register_a_binary_op(rules_table):
    """A registered two-input op records both parents and has second derivatives."""
    hyp = autograd.register_op(
        "hyp",
        math.hypot,
        lambda out, x, y: (x / out, y / out),
        arity=2,
    )
    a, b = Value(3.0), Value(4.0)
    h = hyp(a, b)
    assert h.data == 5.0 and h.parents == (a, b)
    h.backward()
    assert (a.grad, b.grad) == pytest.approx((0.6, 0.8))
    assert hyp(3, Value(4.0)).data == 5.0
    with pytest.raises(TypeError, match="hyp: expected 2 inputs, got 1"):
        hyp(a)
    (da, _) = grad(h, [a, b], create_graph=True)
    # d/da (a / h) = (h^2 - a^2) / h^3 = 16 / 125
    assert grad(da, [a])[0] == pytest.approx(16 / 125)


def test_register_validates_its_arguments(rules_table):
    """register refuses bad names, non-callables, bad arities, built-ins and silent replacement."""
    with pytest.raises(ValueError, match="name must be an identifier"):
        autograd.register_op("not a name", math.sin, lambda out, x: (1.0,))
    with pytest.raises(TypeError, match="must be callable"):
        autograd.register_op("f", 3, lambda out, x: (1.0,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="arity must be an int >= 1"):
        autograd.register_op("f", math.sin, lambda out, x: (1.0,), arity=0)
    with pytest.raises(ValueError, match="'exp' is a built-in primitive"):
        autograd.register_op("exp", math.exp, lambda out, x: (out,), replace=True)
    autograd.register_op("f", math.sin, lambda out, x: (1.0,))
    with pytest.raises(ValueError, match="'f' is already registered"):
        autograd.register_op("f", math.sin, lambda out, x: (1.0,))
    g = autograd.register_op("f", math.sin, lambda out, x: (2.0,), replace=True)
    x = Value(0.0)
    g(x).backward()
    assert x.grad == 2.0
    assert set(ops.primitives()) >= {"add", "mul", "exp", "log", "reciprocal", "relu", "tanh",
                                     "sigmoid", "pow", "vpow", "add_n", "dot", "f"}


def test_a_rule_with_the_wrong_number_of_derivatives_is_refused(rules_table):
    """A user rule returning the wrong count or non-numbers raises TypeError naming the op."""
    bad = autograd.register_op("bad", math.sin, lambda out, x: (1.0, 2.0))
    x = Value(1.0)
    with pytest.raises(TypeError, match="bad: the derivative rule returned 2 local derivatives, expected 1"):
        bad(x)
    worse = autograd.register_op("worse", math.sin, lambda out, x: ("one",))
    with pytest.raises(TypeError, match="worse: the derivative rule must return numbers"):
        worse(x)


def test_a_missing_rule_raises_not_implemented_naming_the_op():
    """Looking up an unknown op raises NotImplementedError naming it."""
    with pytest.raises(NotImplementedError, match="no derivative rule is registered for op 'arsinh'"):
        ops.get("arsinh")


def test_create_graph_on_a_node_whose_rule_was_removed(rules_table):
    """A node whose rule is gone fails only where the rule is needed, naming the op."""
    f = autograd.register_op("temp_op", math.sin, lambda out, x: (autograd.exp(x),))
    x = Value(0.0)
    y = f(x)
    del rules_table["temp_op"]
    with pytest.raises(NotImplementedError, match="'temp_op'"):
        grad(y, [x], create_graph=True)
    assert grad(y, [x]) == (1.0,)  # first order uses the stored numbers


# ----------------------------------------------------------------------------- one declaration
def test_a_primitive_declared_in_the_table_alone_works_everywhere(rules_table, capsys):
    """One Primitive declared in the rules table works in backward, grad(create_graph),
    compile, batch, gradcheck, gradgradcheck, the strategies, the parser and the renderer."""
    np = pytest.importorskip("numpy")
    from hypothesis import settings

    from autograd import compile, parse, viz
    from autograd.cli import main
    from autograd.testing import gradcheck, gradgradcheck
    from autograd.testing.strategies import expressions

    softplus = ops.declare(
        ops.Primitive(
            "softplus_t",
            1,
            lambda x: math.log1p(math.exp(x)),
            lambda out, x: (autograd.sigmoid(x),),  # floats for floats, Values for Values
            doc="log(1 + e ** x)",
        )
    )
    s = _sigmoid(0.3)
    # backward, on a node and through ordinary arithmetic
    x = Value(0.3)
    y = softplus(x) * x
    y.backward()
    assert y.op == "mul" and y.parents[0].op == "softplus_t"
    assert x.grad == pytest.approx(math.log1p(math.exp(0.3)) + 0.3 * s, rel=1e-15)
    # second derivative through the rule evaluated on Values
    (d1,) = grad(softplus(x), [x], create_graph=True)
    assert grad(d1, [x])[0] == pytest.approx(s * (1 - s), rel=1e-12)
    # compile: the replay calls the rule from the table and equals the dynamic engine bit for bit
    w = Value(0.7)
    f = compile(lambda a: softplus(a * w) + a)
    value = f(0.4)
    dynamic_w = Value(0.7)
    a = Value(0.4)
    out = softplus(a * dynamic_w) + a
    out.backward()
    assert value == out.data and w.grad == dynamic_w.grad
    assert "_f" in f.source  # no code was written for it: the fallback calls its forward
    batch = f.batch(np.array([0.4, -1.0, 2.0]))
    expected = [softplus(Value(t) * Value(0.7)).data + t for t in (0.4, -1.0, 2.0)]
    assert batch.values.tolist() == pytest.approx(expected, rel=1e-15)
    # the gradient checkers
    assert gradcheck(lambda u, v: softplus(u * v) + u, [0.5, -1.5])
    assert gradgradcheck(lambda u, v: softplus(u * v) + u, [0.5, -1.5])

    # the strategies draw it, and the printer writes it as a call
    @settings(max_examples=20)
    @given(expressions(ops=["softplus_t", "mul"], max_size=4).filter(lambda e: "softplus_t" in e.ops))
    def drawn(expr):
        assert "softplus_t(" in expr.source()
        assert gradcheck(expr.build, expr.point)

    drawn()
    # the command line's parser
    assert parse.functions()["softplus_t"] == 1
    assert main(["graph", "softplus_t(x) * 2", "--set", "x=0.3"]) == 0
    assert f"d/dx = {2 * s:.12g}" in capsys.readouterr().out
    # the renderer labels its op node by name
    assert "v1_op [label=softplus_t " in viz.to_dot(softplus(Value(1.0))).source


def test_a_constant_before_the_parent_is_kept_in_its_place(rules_table):
    """A number in front of a Value stays a constant on the node, in its position, for every
    interpretation: backward, create_graph, compile, batch, gradcheck and the drawing."""
    np = pytest.importorskip("numpy")
    from autograd import compile, viz
    from autograd.testing import gradcheck, gradgradcheck

    sub = ops.Primitive(
        "sub_t", 2, lambda a, b: a - b, lambda out, a, b: (1.0, -1.0), "a - b", "-", constants=True
    )
    ops.declare(sub)
    x = Value(0.5)
    y = ops.apply(sub, 2.0, x * x)
    assert (y.data, y.op_args, y.local_grads) == (1.75, (2.0,), (-1.0,))
    assert y.operands[0] == 2.0 and y.operands[1] is y.parents[0]
    y.backward()
    assert x.grad == -1.0
    (d1,) = grad(y, [x], create_graph=True)
    assert (d1.data, grad(d1, [x])[0]) == (-1.0, -2.0)
    f = compile(lambda a: ops.apply(sub, 2.0, a * a))
    assert f(0.5) == 1.75
    assert f.grad(0.5) == (1.75, (-1.0,))
    assert f.batch(np.array([0.5, 1.0])).values.tolist() == [1.75, 1.0]
    assert gradcheck(lambda a: ops.apply(sub, 3.0, a.exp()), [0.2])
    assert gradgradcheck(lambda a: ops.apply(sub, 3.0, a.exp()), [0.2])
    assert "v2_op [label=\"2 -\"" in viz.to_dot(y).source


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "not a name"}, "name must be an identifier"),
        ({"forward": 3}, "must be callable"),
        ({"arity": -1}, "arity must be an int >= 0"),
        ({"arity": 0}, "groups must be an int >= 1 exactly when arity is 0"),
        ({"groups": 2}, "groups must be an int >= 1 exactly when arity is 0"),
        ({"params": 1}, "params must be an int from 0 to arity - 1"),
        ({"symbol": "&&"}, "symbol must be None or one of"),
        ({"domain": (0,)}, "domain must be a Domain"),
    ],
)
def test_a_malformed_primitive_is_refused(fields, message):
    """Primitive checks its fields and names the bad one."""
    args = {"name": "p", "arity": 1, "forward": math.sin, "derivative": lambda out, x: (1.0,)} | fields
    with pytest.raises((TypeError, ValueError), match=message):
        ops.Primitive(**args)


def test_every_rule_is_declared_with_the_facts_the_interpretations_read():
    """The built-in table says which ops are operators, take constants, take sequences."""
    table = ops.primitives()
    symbols = {n: p.symbol for n, p in table.items() if p.symbol}
    assert symbols == {"add": "+", "mul": "*", "div": "/", "pow": "**", "vpow": "**"}
    assert {n for n, p in table.items() if p.constants} == {"add", "mul", "div", "maximum", "minimum"}
    assert {n: p.params for n, p in table.items() if p.params} == {"pow": 1, "clamp": 2}
    assert {n: p.groups for n, p in table.items() if p.groups} == {"add_n": 1, "dot": 2}
    assert table["relu"].domain.kinks == ((0, 0.0),)
    assert {n for n, p in table.items() if p.domain.positive} == {"log", "reciprocal", "pow", "vpow", "sqrt"}


# ----------------------------------------------------------------------------- division
def test_x_over_x_is_exactly_one_and_every_quotient_is_the_floats():
    """a / b holds a.data / b.data: x / x == 1 for thousands of x, where x * (1/x) is not."""
    import random

    rng = random.Random(0)
    xs = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-300, 300) for _ in range(5000)]
    xs = [x for x in xs if x != 0]
    assert all((Value(x) / Value(x)).data == 1.0 for x in xs)
    assert sum(x * (1.0 / x) != 1.0 for x in xs) > 100  # what multiplying by a reciprocal gave
    for a, b in zip(xs, reversed(xs)):
        assert (Value(a) / Value(b)).data == a / b == (Value(a) / b).data == (a / Value(b)).data


def test_the_local_derivatives_of_div_stay_finite_where_the_quotient_is():
    """d(a/b)/db is -out/b: finite for a tiny denominator, where -(1/b)**2 overflowed."""
    a, b = Value(1e-300), Value(1e-150)
    q = a / b
    q.backward()
    assert q.data == 1e-150 and b.grad == -1e-150 / 1e-150 == -1.0
    assert a.grad == 1e150


# ----------------------------------------------------------------------------- elementary functions
@pytest.mark.parametrize(
    ("name", "f", "df", "x"),
    [
        ("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), 2.0),
        ("abs", abs, lambda x: -1.0, -1.5),
        ("sin", math.sin, math.cos, 0.7),
        ("cos", math.cos, lambda x: -math.sin(x), 0.7),
        ("tan", math.tan, lambda x: 1 + math.tan(x) ** 2, 0.7),
        ("atan", math.atan, lambda x: 1 / (1 + x * x), 0.7),
        ("sinh", math.sinh, math.cosh, 0.7),
        ("cosh", math.cosh, math.sinh, 0.7),
        ("log1p", math.log1p, lambda x: 1 / (1 + x), 1e-10),
        ("expm1", math.expm1, math.exp, 1e-10),
        ("softplus", lambda x: math.log1p(math.exp(x)), _sigmoid, 0.7),
        ("erf", math.erf, lambda x: 2 / math.sqrt(math.pi) * math.exp(-x * x), 0.7),
    ],
)
def test_each_function_has_its_value_and_derivative(name, f, df, x):
    """The function of the package, the method of Value and the rule all agree."""
    v = Value(x)
    out = getattr(v, name)()
    assert out.op == name and out.data == pytest.approx(f(x), rel=1e-15)
    assert getattr(autograd, name)(Value(x)).data == out.data
    out.backward()
    assert v.grad == pytest.approx(df(x), rel=1e-12)


def test_log1p_and_expm1_keep_the_digits_near_zero():
    """log1p(1e-10) and expm1(1e-10) are 1e-10 to the last digits, where log(1 + x) is not."""
    assert Value(1e-10).log1p().data == math.log1p(1e-10)
    assert Value(1e-10).expm1().data == math.expm1(1e-10)
    assert (Value(1e-10) + 1).log().data != math.log1p(1e-10)


def test_softplus_is_stable_for_large_magnitudes():
    """softplus(1000) is 1000 and softplus(-1000) is e**-1000 (0.0), with gradients 1 and 0."""
    big, small = Value(1000.0), Value(-1000.0)
    a, b = big.softplus(), small.softplus()
    assert (a.data, b.data) == (1000.0, 0.0)
    (a + b).backward()
    assert (big.grad, small.grad) == (1.0, 0.0)


def test_non_smooth_points_are_pinned():
    """abs'(0) = 0; a tie of maximum or minimum splits the gradient; clamp passes the gradient
    on its bounds, as PyTorch does; sqrt'(0) is inf."""
    x = Value(0.0)
    abs(x).backward()
    assert x.grad == 0.0
    a, b = Value(2.0), Value(2.0)
    autograd.maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    autograd.minimum(a, b).backward()
    assert (a.grad, b.grad) == (1.0, 1.0)
    for at, slope in ((0.0, 1.0), (1.0, 1.0), (1.5, 0.0), (-0.5, 0.0), (0.5, 1.0)):
        t = Value(at)
        t.clamp(0.0, 1.0).backward()
        assert t.grad == slope, at
    s = Value(0.0)
    s.sqrt().backward()
    assert s.grad == math.inf
    for name, point in (("abs", 0.0), ("relu", 0.0)):
        assert (0, point) in ops.get(name).domain.points()
    assert ops.get("maximum").domain.points([1.0, 2.0]) == ((0, 2.0), (1, 1.0))


def test_maximum_minimum_and_clamp_take_numbers_as_constants():
    """maximum(x, 0), minimum(x, c) and clamp's bounds are constants on the node."""
    x = Value(-1.5)
    m = autograd.maximum(x, 0.0)
    assert (m.op, m.operands, m.data) == ("maximum", (x, 0.0), 0.0)
    c = x.clamp(-1.0, None)
    assert (c.op, c.op_args, c.data) == ("clamp", (-1.0, math.inf), -1.0)
    assert autograd.minimum(2.0, Value(3.0)).operands[0] == 2.0
    with pytest.raises(TypeError, match="clamp: operand 1 must be a number"):
        autograd.clamp(x, Value(0.0), 1.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt: expected an operand >= 0, got -1.0"),
        (lambda: Value(-1.0).log1p(), ValueError, r"log1p: expected an operand > -1, got -1.0"),
        (lambda: Value(1000.0).sinh(), OverflowError, r"sinh: the result overflows a float for operand 1000"),
        (lambda: Value(1000.0).cosh(), OverflowError, r"cosh: the result overflows"),
        (lambda: Value(1000.0).expm1(), OverflowError, r"expm1: the result overflows"),
        (lambda: autograd.sqrt("4"), TypeError, r"sqrt: expected a real number"),
    ],
)
def test_domain_errors_of_the_functions_name_the_op(call, error, message):
    """Each function's domain error names the op and the operand."""
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------------------- register_op
def test_register_reads_the_number_of_inputs_from_the_forward(rules_table):
    """Without arity, register counts forward's parameters; *args needs arity; a forward that
    gives a non-number is refused naming the op."""
    hyp = autograd.register_op("hyp2", lambda x, y: math.hypot(x, y), lambda out, x, y: (x / out, y / out))
    a, b = Value(3.0), Value(4.0)
    h = hyp(a, b)
    assert (h.data, h.parents) == (5.0, (a, b))
    assert ops.get("hyp2").arity == 2
    assert ops.get(autograd.register_op("one", math.sin, lambda out, x: (1.0,)).__name__).arity == 1
    with pytest.raises(ValueError, match=r"forward takes \*args, so pass arity="):
        autograd.register_op("h", lambda *xs: math.hypot(*xs), lambda out, *xs: xs)
    with pytest.raises(ValueError, match=r"cannot read the parameters of <built-in function hypot>; pass"):
        autograd.register_op("h", math.hypot, lambda out, *xs: xs)
    assert autograd.register_op("h", math.hypot, lambda out, x, y: (x / out, y / out), arity=2)(3, 4) == 5.0
    bad = autograd.register_op("bad_out", lambda x: "nope", lambda out, x: (1.0,))
    with pytest.raises(TypeError, match="bad_out: the forward must return a real number, got str"):
        bad(Value(1.0))
    with pytest.raises(TypeError, match="bad_out: the forward must return a real number, got str"):
        bad(1.0)


def test_a_declared_method_becomes_a_method_of_value_unless_the_name_is_taken(rules_table):
    """method=True adds x.name(); a name Value already has is refused."""
    ops.declare(ops.Primitive("cube_m", 1, lambda x: x**3, lambda out, x: (3 * x * x,), method=True))
    assert Value(2.0).cube_m().data == 8.0
    with pytest.raises(ValueError, match="Value already has an attribute 'backward'"):
        ops.declare(ops.Primitive("backward", 1, math.sin, lambda out, x: (1.0,), method=True))
    assert "backward" not in ops.primitives()


# ----------------------------------------------------------------------------- one overflow rule
def test_a_finite_result_never_fails_because_its_derivative_overflows():
    """The rule, for every primitive: an op whose result is finite records it, with +-inf as a
    local derivative that overflows (IEEE, as PyTorch gives); a result that overflows is an
    error naming the op where floats raise (exp, pow, sinh ...) and inf where they give inf."""
    x = Value(1e-200)
    y = x**-1
    y.backward()
    assert (y.data, x.grad) == (1e200, -math.inf)
    z = Value(1e-200)
    w = Value(-1.0)
    q = z**w
    q.backward()
    assert (q.data, z.grad) == (1e200, -math.inf)
    assert (Value(1e308) * 10.0).data == math.inf and (Value(1e308) + Value(1e308)).data == math.inf
    for call, name in ((lambda: Value(1000.0).exp(), "exp"), (lambda: Value(10.0) ** 400, "pow")):
        with pytest.raises(OverflowError, match=f"{name}: "):
            call()


def test_slopes_at_zero_are_inf_to_any_order():
    """sqrt and x ** 0.5 at 0: backward and grad(create_graph=True) both give inf."""
    for f in (lambda v: v.sqrt(), lambda v: v**0.5):
        x = Value(0.0)
        f(x).backward()
        (d,) = grad(f(x), [x], create_graph=True)
        assert x.grad == math.inf and d.data == math.inf


def test_a_nan_base_follows_ieee_with_a_value_exponent():
    """nan ** Value(2) is nan and nan ** Value(0) is 1, as with floats."""
    assert math.isnan((math.nan ** Value(2.0)).data)
    assert (Value(math.nan) ** Value(0.0)).data == 1.0
