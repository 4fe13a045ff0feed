"""Tests for autograd.compiler: compile(f) replays the dynamic engine's results exactly."""

from __future__ import annotations

import contextlib
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, compile, losses, nn, no_grad, ops
from autograd.compiler import TraceMismatchError
from autograd.testing.strategies import expressions

REL = 1e-12


def close(a: float, b: float, rel: float = REL) -> bool:
    return a == b or abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def dynamic(f, xs):
    """f's value and the gradients of its arguments, by the dynamic engine."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


def moved(point, factor):
    return [x * factor + 0.01 for x in point]


# --------------------------------------------------------------------------- agreement
@given(expressions(variables=3, max_size=10), st.sampled_from([1.0, 0.97, 1.05]))
def test_random_expressions_match_the_dynamic_engine(expr, factor):
    """Value and gradients equal the dynamic engine's at the trace point and at a moved point."""
    step = compile(expr.build)
    for point in (list(expr.point), moved(expr.point, factor)):
        try:
            want, want_grads = dynamic(expr.build, point)
        except (ArithmeticError, ValueError) as exc:
            with pytest.raises(type(exc)):
                step(*[Value(x) for x in point])
            continue
        args = [Value(x) for x in point]
        got = step(*args)
        assert close(got, want), (got, want)
        for a, g in zip(args, want_grads):
            assert close(a.grad, g), (a.grad, g)
    assert step.traces == 1


@given(expressions(variables=2, max_size=8))
def test_random_expressions_batched_match_the_dynamic_engine_per_example(expr):
    """batch() gives each example's value and gradients as the dynamic engine computes them."""
    rng = random.Random(0)
    points = [list(expr.point)] + [[x * rng.uniform(0.9, 1.1) for x in expr.point] for _ in range(6)]
    ok = []
    for p in points:
        with contextlib.suppress(ArithmeticError, ValueError):
            ok.append((p, *dynamic(expr.build, p)))
    step = compile(expr.build)
    xs_ = np.array([p for p, _, _ in ok])
    res = step.batch(xs_[:, 0], xs_[:, 1])
    for k, (_, value, grads) in enumerate(ok):
        assert close(float(res.values[k]), value, 1e-10)
        for j in range(2):
            assert close(float(res.grads[j][k]), grads[j], 1e-10)


def _w1(seed=1):
    rng = random.Random(3)
    xs = [[rng.uniform(-1, 2), rng.uniform(-1, 1)] for _ in range(20)]
    ys = [1.0 if i % 2 else -1.0 for i in range(20)]
    model = nn.MLP(2, [8, 8, 1], seed=seed)

    def loss():
        scores = [model(x) for x in xs]
        return losses.hinge(scores, ys) + 1e-4 * losses.l2(model.parameters())

    return model, xs, ys, loss


def test_training_steps_match_the_dynamic_engine_bit_for_bit():
    """Three SGD steps of a micrograd-style net: compiled losses and gradients equal the dynamic ones."""
    m1, _, _, loss1 = _w1()
    m2, _, _, loss2 = _w1()
    step = compile(loss2)
    for _ in range(3):
        m1.zero_grad()
        out = loss1()
        out.backward()
        m2.zero_grad()
        got = step()
        assert got == out.data
        for p, q in zip(m1.parameters(), m2.parameters()):
            assert p.grad == q.grad
            p.data -= 0.1 * p.grad
            q.data -= 0.1 * q.grad  # the replay reads the updated .data
    assert step.traces == 1


def test_gradients_add_to_existing_grads_like_backward():
    """A call adds to .grad; calling twice doubles, as backward() does."""
    w = Value(0.5)
    step = compile(lambda x: (w * x).tanh())
    step(2.0)
    once = w.grad
    step(2.0)
    assert w.grad == 2 * once
    assert close(once, 2.0 * (1 - math.tanh(1.0) ** 2))


def test_value_arguments_receive_gradients_and_numbers_do_not_need_values():
    """Value arguments get .grad; number arguments just feed the replay."""
    step = compile(lambda x, y: x * y + x.exp())
    x, y = Value(1.5), Value(-2.0)
    assert step(x, y) == 1.5 * -2.0 + math.exp(1.5)
    assert (x.grad, y.grad) == (-2.0 + math.exp(1.5), 1.5)
    assert step(1.5, -2.0) == step(x, y)


def test_nested_list_arguments_and_run_with_gradient():
    """Lists of numbers are flattened; run(gradient=) scales what is added to .grad."""
    w = [Value(0.1), Value(-0.3)]
    step = compile(lambda x, t: (autograd.dot(w, x) - t) ** 2)
    v = step.run([1.0, 2.0], 1.0, gradient=0.5)
    assert close(v, (0.1 - 0.6 - 1.0) ** 2)
    assert close(w[0].grad, 0.5 * 2 * (0.1 - 0.6 - 1.0) * 1.0)


def test_forward_and_grad_methods_write_nothing():
    """forward() gives the value only; grad() returns the arguments' gradients; neither touches .grad."""
    w = Value(2.0)
    step = compile(lambda x: w * x * x)
    assert step.forward(3.0) == 18.0
    value, grads = step.grad(3.0)
    assert (value, grads) == (18.0, (12.0,))
    assert w.grad == 0.0


def test_no_grad_computes_only_the_value():
    """Under no_grad() a compiled call writes no gradient."""
    w = Value(2.0)
    step = compile(lambda x: w * x)
    with no_grad():
        assert step(4.0) == 8.0
    assert w.grad == 0.0


def test_long_sums_are_split_and_still_exact():
    """An add_n and a dot over 1,000 inputs compile (split statements) to the same numbers."""
    rng = random.Random(1)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(1000)]
    f = lambda *xs: autograd.add_n([a * a for a in xs]) + autograd.dot(ws, xs)  # noqa: E731
    xs = [rng.uniform(-1, 1) for _ in range(1000)]
    want, want_grads = dynamic(f, xs)
    step = compile(f)
    value, grads = step.grad(*xs)
    assert value == want
    assert list(grads) == want_grads


def test_registered_ops_replay_through_their_rules(rules_table):
    """A user's op is replayed by calling its forward and derivative, in scalar and batched replays."""
    sin = ops.register("sin_t", math.sin, lambda out, x: (math.cos(x),), replace=True)
    f = lambda x: sin(x * x) + x  # noqa: E731
    want, (g,) = dynamic(f, [0.7])
    step = compile(f)
    assert step.grad(0.7) == (want, (g,))
    res = step.batch(np.array([0.7, 0.1]))
    assert close(float(res.values[0]), want)
    assert close(float(res.grads[0][0]), g)


# --------------------------------------------------------------------------- guards
def test_another_argument_structure_retraces():
    """Another number of arguments or another list length gets its own trace, and so does one
    Value passed twice (one leaf, as on the dynamic engine); then that trace is replayed."""
    step = compile(lambda *xs: autograd.add_n([x * x for x in xs]))
    assert step(1.0, 2.0) == 5.0
    assert step(1.0, 2.0, 3.0) == 14.0
    assert step.traces == 2
    assert step(3.0, 4.0) == 25.0
    x = Value(3.0)
    assert step(x, x) == 18.0  # both arguments' gradients go to x, once
    assert x.grad == 12.0
    assert step.traces == 3
    y = Value(2.0)
    assert step(y, y) == 8.0
    assert y.grad == 8.0
    assert step(x, y) == 13.0
    assert (x.grad, y.grad) == (18.0, 12.0)
    assert step.traces == 3
    lists = compile(lambda xs: autograd.add_n(xs))
    assert lists([1.0, 2.0]) == 3.0
    assert lists([1.0, 2.0, 3.0]) == 6.0
    assert lists.traces == 2


def test_replacing_a_rule_retraces(rules_table):
    """Re-registering an op's rule makes compiled functions trace again."""
    sq = ops.register("sq", lambda x: x * x, lambda out, x: (2 * x,), replace=True)
    step = compile(lambda x: sq(x))
    assert step.grad(3.0) == (9.0, (6.0,))
    sq = ops.register("sq", lambda x: x * x * x, lambda out, x: (3 * x * x,), replace=True)
    assert step.grad(3.0) == (27.0, (27.0,))
    assert step.traces == 2


def test_a_value_argument_that_is_also_a_leaf_the_function_uses():
    """Passing f's own parameter as its argument, then another Value: each call is what the
    dynamic engine computes (the argument is never confused with the parameter); the
    parameter as argument has a trace of its own, in which x is w."""
    w = Value(2.0)
    step = compile(lambda x: w * x)
    assert step(w) == 4.0
    assert w.grad == 4.0  # d(w*w)/dw
    v = Value(5.0)
    assert step(v) == 10.0
    assert (w.grad, v.grad) == (4.0 + 5.0, 2.0)
    assert step(3.0) == 6.0
    assert step(w) == 4.0
    assert step.traces == 2
    same = compile(lambda x: x * 10 if x is w else x * 3)
    assert (same(w), same(v), same(w)) == (20.0, 15.0, 20.0)


def test_data_dependent_branches_are_replayed_as_traced_without_check():
    """Documented limit: a Python branch on .data is not seen; the replay keeps the traced branch."""
    f = lambda x: x * 2 if x.data > 0 else x * -3  # noqa: E731
    step = compile(f)
    assert step(1.0) == 2.0
    assert step(-1.0) == -2.0  # the traced branch, not f's


def test_check_mode_raises_on_a_changed_branch():
    """check=True retraces every call and names the first node that differs."""
    f = lambda x: (x * 2).tanh() if x.data > 0 else (x * 2).exp()  # noqa: E731
    step = compile(f, check=True)
    assert close(step(1.0), math.tanh(2.0))
    with pytest.raises(TraceMismatchError, match=r"node 2 is 'exp' of nodes \[1\] now, 'tanh'"):
        step(-1.0)


def test_check_mode_raises_on_a_constant_taken_from_data():
    """check=True sees a constant read from .data (a new Value with another number)."""
    f = lambda x: x * Value(x.data)  # noqa: E731
    step = compile(f, check=True)
    step(2.0)
    with pytest.raises(TraceMismatchError, match=r"holds 3\.0 now and held 2\.0"):
        step(3.0)


def test_check_mode_passes_for_a_stable_function_and_keeps_results():
    """A model whose graph does not depend on its data passes check=True with the same numbers."""
    m1, _, _, loss1 = _w1()
    m2, _, _, loss2 = _w1()
    step = compile(loss2, check=True)
    m1.zero_grad()
    out = loss1()
    out.backward()
    assert step() == out.data
    assert [p.grad for p in m2.parameters()] == [p.grad for p in m1.parameters()]


# --------------------------------------------------------------------------- errors
def test_bad_arguments_raise_clear_errors():
    """Non-callables, non-Value results, operation-node arguments and strings are refused."""
    with pytest.raises(TypeError, match="expected a callable, got int"):
        compile(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="check must be a bool"):
        compile(lambda x: x, check="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must return a Value, got float"):
        compile(lambda x: 2.0)(1.0)
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"argument 0 .* result of an operation"):
        compile(lambda v: v * 2)(x * 3)
    with pytest.raises(TypeError, match=r"expected a real number.*str"):
        compile(lambda v: v * 2)("a")
    with pytest.raises(TypeError, match="gradient"):
        compile(lambda v: v * 2).run(1.0, gradient="x")


def test_domain_errors_are_the_dynamic_engines():
    """A replay that leaves an op's domain raises the engine's own error, and grads stay as they were."""
    w = Value(1.0)
    step = compile(lambda x: (w * x).log())
    step(2.0)
    before = w.grad
    with pytest.raises(ValueError, match=r"log: expected an operand > 0, got -2.0"):
        step(-2.0)
    assert w.grad == before
    with pytest.raises(OverflowError, match="exp: the result overflows"):
        compile(lambda x: x.exp())(1000.0)


def test_batch_errors_and_shapes():
    """batch() checks its arrays and names the example the engine fails on."""
    step = compile(lambda x, y: (x * y).log())
    with pytest.raises(TypeError, match="got none"):
        step.batch()
    with pytest.raises(ValueError, match="argument 1 has 2 examples, argument 0 has 3"):
        step.batch([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="leading axis"):
        step.batch(1.0, 2.0)
    with pytest.raises(TypeError, match="is a Value"):
        step.batch(Value(1.0), [1.0])
    with pytest.raises(ValueError, match="gradient must be"):
        step.batch([1.0, 2.0], [1.0, 2.0], gradient=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="log: expected an operand > 0") as info:
        step.batch([1.0, 2.0, -3.0], [1.0, 2.0, 1.0])
    assert "in example 2 of the batch" in info.value.__notes__


def test_batch_sums_or_keeps_per_example_parameter_gradients():
    """Summed leaf gradients are added to .grad and equal the sum of the per-example ones."""
    w, b = Value(0.3), Value(-0.2)
    step = compile(lambda x, t: ((w * x + b).tanh() - t) ** 2)
    xs_, ts_ = np.linspace(-1, 1, 7), np.linspace(0, 1, 7)
    per = step.batch(xs_, ts_, per_example=True)
    assert (w.grad, b.grad) == (0.0, 0.0)
    summed = step.batch(xs_, ts_, gradient=0.5)
    for (leaf, g_sum), (leaf2, g_each) in zip(summed.leaf_grads, per.leaf_grads):
        assert leaf is leaf2
        assert close(g_sum, 0.5 * float(g_each.sum()))
        assert leaf.grad == g_sum
    total = Value(0.0)
    for x, t in zip(xs_, ts_):
        total = total + ((w * float(x) + b).tanh() - float(t)) ** 2
    assert close(float(per.values.sum()), total.data)


def test_batch_with_list_arguments_keeps_their_shape():
    """An argument of k numbers per example is an (N, k) array in and out."""
    model = nn.MLP(3, [4, 1], seed=0)
    step = compile(lambda x: model(x))
    xs_ = np.arange(12, dtype=float).reshape(4, 3) / 10
    res = step.batch(xs_)
    assert res.grads[0].shape == (4, 3)
    for k in range(4):
        xs = [Value(v) for v in xs_[k]]
        out = model(xs)
        out.backward()
        assert close(float(res.values[k]), out.data)
        assert all(close(float(res.grads[0][k, j]), xs[j].grad) for j in range(3))


@settings(max_examples=20)
@given(st.integers(min_value=1, max_value=40))
def test_deep_chains_compile(depth_hundreds):
    """A chain of thousands of nodes compiles (no recursion) and matches the dynamic engine."""
    depth = depth_hundreds * 100

    def chain(x):
        y = x
        for _ in range(depth):
            y = y * 0.999 + x * 0.001
        return y

    want, (g,) = dynamic(chain, [0.5])
    assert compile(chain).grad(0.5) == (want, (g,))


def test_has_aux_returns_the_extra_values_in_calls_and_batches():
    """has_aux=True: f returns (value, Values) and the compiled function returns their numbers too."""
    model = nn.MLP(2, [3, 2], seed=0)

    def f(x):
        out = model(x)
        return autograd.add_n(out), out

    step = compile(f, has_aux=True)
    value, aux = step([0.5, -1.0])
    with no_grad():
        want = [v.data for v in model([0.5, -1.0])]
    assert aux == want and value == 0.0 + want[0] + want[1]
    assert step.forward([0.5, -1.0]) == (value, aux)
    res = step.batch(np.array([[0.5, -1.0], [0.1, 0.2]]))
    assert [float(a[0]) for a in res.aux] == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="auxiliary output 0 is not part of the output's graph"):
        compile(lambda x: (x * 2, [Value(1.0)]), has_aux=True)(1.0)
    with pytest.raises(TypeError, match="must return a pair"):
        compile(lambda x: x * 2, has_aux=True)(1.0)


def test_a_replay_error_on_another_branch_retraces():
    """If the replay fails where f itself takes another branch, f's result is used and becomes the trace."""
    f = lambda x: x.log() if x.data > 0 else x * x  # noqa: E731
    step = compile(f)
    assert step.grad(2.0) == (math.log(2.0), (0.5,))
    x = Value(-3.0)
    assert step(x) == 9.0  # the traced log fails at -3: f records x * x instead
    assert x.grad == -6.0
    assert step.traces == 2
    assert step.grad(-1.0) == (1.0, (-2.0,))


def test_batched_layers_as_matrix_products_match_summed_dynamic_gradients():
    """A net's dots over the same inputs (either operand order) become matrix products in
    batch(); values, input and parameter gradients still match the dynamic engine's sums."""
    model = nn.MLP(3, [5, 4, 1], seed=2, activation="tanh")
    extra = [Value(0.3), Value(-0.7), Value(1.1)]

    def f(x, t):
        return (model(x) + autograd.dot(x, extra) - t) ** 2

    rng = np.random.default_rng(0)
    xs_, ts_ = rng.uniform(-1, 1, (9, 3)), rng.uniform(-1, 1, 9)
    leaves = [*model.parameters(), *extra]
    for leaf in leaves:
        leaf.grad = 0.0
    res = compile(f).batch(xs_, ts_, gradient=0.25)
    got = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    for k in range(9):
        x = [Value(float(v)) for v in xs_[k]]
        out = f(x, float(ts_[k]))
        out.backward(0.25)
        assert close(float(res.values[k]), out.data)
        assert all(close(float(res.grads[0][k, j]), x[j].grad) for j in range(3))
    assert all(close(a, leaf.grad) for a, leaf in zip(got, leaves))


def test_star_import_does_not_shadow_the_builtin_compile():
    """autograd.compile is public, but `from autograd import *` leaves Python's compile alone."""
    namespace: dict[str, object] = {}
    exec("from autograd import *", namespace)  # a fixed string, the test's own code
    assert "compile" not in namespace
    assert autograd.compile is compile


# --------------------------------------------------------------------------- batch input and IEEE
@pytest.mark.parametrize(
    ("array", "message"),
    [
        ([Value(1.0), Value(2.0)], "holds Values; batch.. takes arrays of numbers and writes no gradient"),
        (np.array([Value(1.0)], dtype=object), "holds Values"),
        ([[Value(1.0)], [2.0]], "holds Values"),
        (np.array([1 + 2j, 3j]), r"holds complex numbers \(complex128\)"),
        ([1.0, 2j], "holds complex numbers"),
        (["1", "2"], "not an array of numbers: it holds <U1"),
        ([None, 1.0], r"expected a real number .* got NoneType"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "not an array of numbers"),
        ([[1.0, 2.0], [3.0]], "not an array of numbers"),
    ],
)
def test_batch_refuses_what_is_not_an_array_of_real_numbers(array, message):
    """Values, complex numbers, strings and other objects are a TypeError, and nothing is written."""
    w = Value(0.5)
    step = compile(lambda x: w * x)
    with pytest.raises(TypeError, match=message):
        step.batch(array)
    assert w.grad == 0.0 and step.calls == 0


def test_batch_refuses_a_bad_gradient_and_a_huge_integer():
    """The gradient array is checked like the arguments; a 400-digit int is an OverflowError
    that says so briefly."""
    step = compile(lambda x: x * 2)
    with pytest.raises(TypeError, match="gradient holds Values"):
        step.batch([1.0, 2.0], gradient=[Value(1.0), Value(1.0)])
    with pytest.raises(TypeError, match="gradient holds complex"):
        step.batch([1.0, 2.0], gradient=1j)
    with pytest.raises(OverflowError, match="an integer of 401 digits is too large for a float"):
        step.batch([10**400, 1])
    res = step.batch(np.array([True, False]))  # bools are numbers, as for Value
    assert res.values.tolist() == [2.0, 0.0]


def _per_example(f, xs):
    """Each example's value and gradient on the dynamic engine, or the exception it raises."""
    out = []
    for x in xs:
        try:
            out.append(dynamic(f, [float(x)]))
        except (ArithmeticError, ValueError) as exc:
            out.append(exc)
    return out


IEEE = [
    (lambda x: x * 1e308 * 10, [1.0, 2.0, -1.0]),  # overflow to inf
    (lambda x: x * 1e308 * 10 - x * 1e308 * 10, [1.0, 0.5]),  # inf - inf = nan
    (lambda x: (x * 1e308 * 10).tanh() + x * 2, [1.0, -3.0]),  # inf in, finite out
    (lambda x: (x * 1e300 * 1e300).relu() * 0.0, [1.0, -1.0]),  # inf * 0 = nan
    (lambda x: x / 1e-320 * 1e10, [1.0, 0.0]),  # a finite quotient, then an overflow
    (lambda x: (x * x * 1e300).sigmoid() + x, [1e10, 1.0]),
    (lambda x: x * Value(math.inf), [1.0, 0.0, -1.0]),  # inf times zero
    (lambda x: autograd.dot([x, x], [1e308, 1e308]), [1.0, -1.0]),
    (lambda x: (x * 1e308 * 10).exp() + (x * 1e308 * 10 - 1e308 * 10).log(), [1.0, 2.0]),  # exp(inf)
]


@pytest.mark.parametrize(("f", "xs"), IEEE)
def test_batch_gives_inf_and_nan_where_the_dynamic_engine_does(f, xs):
    """An overflow or an invalid operation that floats carry on through gives the same inf
    or nan per example as the dynamic engine, instead of an error."""
    want = _per_example(f, xs)
    assert not any(isinstance(w, Exception) for w in want)
    res = compile(f).batch(np.array(xs))
    for k, (value, (g,)) in enumerate(want):
        for got, exp in ((float(res.values[k]), value), (float(res.grads[0][k]), g)):
            assert (math.isnan(got) and math.isnan(exp)) or close(got, exp, 1e-10), (k, got, exp)


@pytest.mark.parametrize(
    ("f", "xs", "error", "example"),
    [
        (lambda x: (x * 1e308 * 10).exp() + (x * 1000).exp(), [-1.0, 1.0], OverflowError, 1),
        (lambda x: (x * 1e308 * 10).tanh() + x.log(), [1.0, -2.0], ValueError, 1),
        (lambda x: 1.0 / (x - 1.0), [2.0, 1.0], ZeroDivisionError, 1),
        (lambda x: x ** Value(0.5), [1.0, -4.0], ValueError, 1),
    ],
)
def test_batch_raises_the_engines_error_where_the_engine_raises(f, xs, error, example):
    """Where the dynamic engine raises for an example, the batch raises that error, naming it."""
    with pytest.raises(error) as info:
        compile(f).batch(np.array(xs))
    assert f"in example {example} of the batch" in info.value.__notes__


def _same_float(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return close(a, b, 1e-9)


_EXTREMES = [1.0, 1e150, -1e150, 1e300, 1e308, math.inf, -math.inf, math.nan, 0.0, -0.0]


@given(expressions(variables=2, max_size=8), st.lists(st.sampled_from(_EXTREMES), min_size=2, max_size=2))
def test_random_expressions_batched_at_extreme_points_follow_the_dynamic_engine(expr, scales):
    """At points scaled to overflow, infinity and nan, batch() gives each example's value and
    gradients as the dynamic engine does (inf and nan included), or raises the engine's error."""
    points = [list(expr.point), [p * s for p, s in zip(expr.point, scales)]]
    want = []
    for p in points:
        try:
            want.append(dynamic(expr.build, p))
        except (ArithmeticError, ValueError) as exc:
            want.append(exc)
    errors = [w for w in want if isinstance(w, Exception)]
    xs_ = np.array(points)
    step = compile(expr.build)
    if errors:
        with pytest.raises(type(errors[0])):
            step.batch(xs_[:, 0], xs_[:, 1])
        return
    res = step.batch(xs_[:, 0], xs_[:, 1])
    for k, (value, grads) in enumerate(want):
        assert _same_float(float(res.values[k]), value), (k, float(res.values[k]), value)
        for j in range(2):
            assert _same_float(float(res.grads[j][k]), grads[j]), (k, j, float(res.grads[j][k]), grads[j])
