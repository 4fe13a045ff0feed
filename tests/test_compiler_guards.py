"""Tests for autograd.compiler.guards and the replay's limits: what a compiled function sees
change (and traces again), what it refuses, and what check=True catches."""

from __future__ import annotations

import functools
import math

import pytest

import autograd
from autograd import Value, compile, nn
from autograd.compiler import TraceMismatchError

model = nn.MLP(2, [3, 1], seed=0)  # module globals the compiled lambdas below read
scale = 2.0
calls = 0
h_global = Value(2.0) * 3


def dynamic(f, *xs):
    """f's value and its arguments' gradients on the dynamic engine."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


# --------------------------------------------------------------------------- rebinding
def test_rebinding_a_global_model_retraces(tmp_path):
    """model = MLP.load(path) after compiling: the replay uses the new model's weights and
    sends the gradients to its parameters, as f itself would."""
    global model
    saved = model
    try:
        f = compile(lambda x: model(x))
        first = f([0.5, 1.0])
        nn.MLP(2, [3, 1], seed=5).save(tmp_path / "m.json")
        model = nn.MLP.load(tmp_path / "m.json")
        got = f([0.5, 1.0])
        assert got == model([0.5, 1.0]).data != first
        assert f.traces == 2
        assert "the global 'model'" in f.last_retrace
        assert any(p.grad != 0.0 for p in model.parameters())
        assert f([0.5, 1.0]) == got and f.traces == 2
    finally:
        model = saved


def test_rebinding_a_closure_variable_sends_gradients_to_the_new_value():
    """w = Value(5.0) after compiling a function that reads w: the new Value gets the
    gradient, the old one keeps what it had."""
    w = Value(2.0)
    f = compile(lambda x: w * x)
    assert f(3.0) == 6.0
    old = w
    w = Value(5.0)
    assert f(3.0) == 15.0
    assert (w.grad, old.grad) == (3.0, 3.0)
    assert "the closure variable 'w'" in f.last_retrace


def test_a_number_read_from_a_global_is_guarded_by_value():
    """A number f reads is a constant of the trace: another number traces again, an equal
    one (another float object) does not."""
    global scale
    try:
        f = compile(lambda x: x * scale)
        assert f(1.5) == 3.0
        scale = 3.0
        assert f(1.5) == 4.5
        scale = float("3.0")
        assert f(1.5) == 4.5
        assert f.traces == 2
        scale = -0.0  # the sign of a zero is part of the number
        assert math.copysign(1.0, f(1.5)) == -1.0
    finally:
        scale = 2.0


def test_replacing_an_item_of_a_list_of_values_retraces():
    """params[0] = Value(...) in a list f reads: the replay follows the new Value."""
    params = [Value(1.0), Value(2.0)]
    f = compile(lambda x: autograd.dot(params, [x, x]))
    assert f(1.0) == 3.0
    old = params[0]
    params[0] = Value(10.0)
    assert f(1.0) == 12.0
    assert (params[0].grad, old.grad) == (1.0, 1.0)
    assert "an item of the list" in f.last_retrace


def test_names_the_function_assigns_are_its_side_effects_not_guarded():
    """A global f assigns (a call counter) does not make every call trace again; like any
    Python side effect of f it happens when f is traced, not when it is replayed."""
    global calls

    def counted(x):
        global calls
        calls += 1
        return x * 2

    calls = 0
    f = compile(counted)
    assert [f(1.0), f(2.0), f(3.0)] == [2.0, 4.0, 6.0]
    assert (f.traces, calls) == (1, 1)


def test_methods_and_partials_are_guarded_through_their_function():
    """A bound method's and a partial's globals and closure variables are guarded too;
    other callables have no guard."""
    from autograd.compiler.guards import guard

    w = Value(2.0)

    def f(x, c):
        return w * x * c

    g = compile(functools.partial(f, c=1.0))
    assert g(3.0) == 6.0
    w = Value(4.0)
    assert g(3.0) == 12.0
    assert guard(model) is None  # a Module instance: its attributes are not names f reads


def test_the_guard_lists_only_names_the_code_reads():
    """Globals are read from the code (LOAD_GLOBAL), closure variables from its cells."""
    from autograd.compiler.guards import guard

    y = Value(1.0)
    g = guard(lambda x: model(x) + y + len([x]))
    assert g is not None
    names = [where for where, _ in g.bound()]
    assert names == ["the closure variable 'y'", "the global 'model'", "the global 'len'"]


# --------------------------------------------------------------------------- refusals
def test_a_value_computed_before_the_call_is_refused():
    """h = w * 3 outside f: f uses h's stored 6.0, a replay would compute 60.0 after w
    changes, so the trace is refused with a message that names h."""
    w = Value(2.0)
    h = w * 3
    before = r"uses the closure variable 'h', a Value computed before the call \(op 'mul'"
    with pytest.raises(TypeError, match=before):
        compile(lambda x: h * x)(1.0)
    with pytest.raises(TypeError, match=r"the global 'h_global'"):
        compile(lambda x: h_global * x)(1.0)
    hs = [w * 3]
    with pytest.raises(TypeError, match=r"the closure variable 'hs'\[0\]"):
        compile(lambda x: hs[0] * x)(1.0)
    unused = w * 3  # held but not part of the graph: fine
    assert compile(lambda x: x * 2 if unused is not None else x)(1.0) == 2.0


def test_reading_an_arguments_grad_is_refused():
    """x.grad (or backward()) inside f would be a constant of the trace: refused; printing
    the argument is fine."""
    with pytest.raises(TypeError, match=r"reads the .grad of its argument 0 while it is traced"):
        compile(lambda x: x * (x.grad + 1))(Value(1.0))

    def with_backward(x):
        y = x * x
        y.backward()
        return y

    with pytest.raises(TypeError, match=r"reads the \.grad of its argument 0"):
        compile(with_backward)(2.0)
    shown = []
    f = compile(lambda x: shown.append(repr(x)) or x * 2)
    assert f(Value(1.5)) == 3.0
    assert shown == ["Value(data=1.5, grad=0.0)"]


def test_a_compiled_function_called_while_another_is_traced_is_refused():
    """inner(x) inside a compiled outer would be a float constant of the outer trace;
    inner.function(x) is the way to compose them."""
    inner = compile(lambda x: x * x)
    outer = compile(lambda x: x * inner(x))
    with pytest.raises(TypeError, match=r"was called while .* is being traced.*\.function"):
        outer(3.0)
    composed = compile(lambda x: x * inner.function(x))
    assert composed.grad(3.0) == (27.0, (27.0,))
    assert inner(3.0) == 9.0  # still works on its own, after the refused call


# --------------------------------------------------------------------------- identity
def test_one_value_passed_twice_is_one_leaf_as_on_the_dynamic_engine():
    """x is y holds inside f when one Value is passed twice, and its gradient is the
    dynamic engine's to the last bit, added once."""

    def f(x, y):
        return (x * 2).tanh() if x is y else (x * y).tanh()

    step = compile(f)
    x = Value(0.3)
    x.grad = 0.1
    got = step(x, x)
    x2 = Value(0.3)
    x2.grad = 0.1
    out = f(x2, x2)
    out.backward()
    assert (got, x.grad) == (out.data, x2.grad)
    a, b = Value(0.3), Value(0.5)
    assert step(a, b) == math.tanh(0.3 * 0.5)
    assert step.traces == 2
    assert step.grad(x, x) == (out.data, (2 * (1 - out.data**2),) * 2)


def test_a_parameter_passed_as_the_argument_is_the_parameter_inside():
    """f(w) where f also reads w: inside the trace the argument is w itself."""
    w = Value(2.0)
    f = compile(lambda x: x * 10 if x is w else x * w)
    assert f(w) == 20.0 and w.grad == 10.0
    v = Value(3.0)
    assert f(v) == 6.0 and (v.grad, w.grad) == (2.0, 13.0)
    assert f(w) == 20.0 and w.grad == 23.0


# --------------------------------------------------------------------------- check=True
class _Box:
    """An object whose attribute holds a Value (no guard sees attributes)."""


@pytest.mark.parametrize("check", [False, True])
def test_check_catches_a_value_replaced_through_an_attribute(check):
    """box.w = Value(2.0): without check the gradient goes to the old Value (a documented
    limit); check=True raises, naming the replaced leaf."""
    box = _Box()
    box.w = Value(2.0)
    f = compile(lambda x: box.w * x, check=check)
    f(3.0)
    old, box.w = box.w, Value(2.0)
    if not check:
        f(3.0)
        assert (box.w.grad, old.grad) == (0.0, 6.0)
        return
    with pytest.raises(TraceMismatchError, match=r"leaf node \d .*another Value object than when traced"):
        f(3.0)
    assert (box.w.grad, old.grad) == (0.0, 3.0)


@pytest.mark.parametrize("check", [False, True])
def test_check_catches_a_value_made_before_the_call_reached_through_an_attribute(check):
    """box.h = w * 3: without check the replay computes 60.0 where f gives 6.0 (a documented
    limit); check=True raises."""
    w = Value(2.0)
    box = _Box()
    box.h = w * 3
    f = compile(lambda x: box.h * x, check=check)
    assert f(1.0) == 6.0
    w.data = 20.0
    if not check:
        assert f(1.0) == 60.0
        return
    with pytest.raises(TraceMismatchError, match=r"node 2 \('mul'\) is a Value made before the call"):
        f(1.0)


def test_check_passes_constants_made_at_each_call_and_reads_of_parameters_grads_are_seen():
    """A Value(2.0) made inside f at each call is a constant, not a replaced parameter;
    a parameter's .grad read inside f is a constant that check=True sees change."""
    f = compile(lambda x: x * Value(2.0) + 1, check=True)
    assert [f(1.0), f(2.0), f(3.0)] == [3.0, 5.0, 7.0]
    w = Value(2.0)
    g = compile(lambda x: x * (w.grad + 1), check=True)
    assert g(1.0) == 1.0
    w.grad = 1.0  # an optimiser's step, say
    changed = r"with constant 2\.0 now, 'mul' of nodes \[0\] with constant 1\.0"
    with pytest.raises(TraceMismatchError, match=changed):
        g(1.0)


def test_check_tells_a_negative_zero_constant_from_zero():
    """Constants are compared by their bits: -0.0 after 0.0 is a different graph."""
    c = [0.0]
    f = compile(lambda x: x * c[0], check=True)
    f(1.0)
    c[0] = -0.0
    with pytest.raises(TraceMismatchError, match=r"constant -0.0 now"):
        f(1.0)


def test_dynamic_results_for_the_documented_examples():
    """The replays above agree with the dynamic engine where they replay at all."""
    f = lambda x, y: (x * y + x).exp() / y  # noqa: E731
    step = compile(f)
    for point in ([0.5, 2.0], [1.0, -3.0]):
        want, grads = dynamic(f, *point)
        value, got = step.grad(*point)
        assert (value, list(got)) == (want, grads)
