"""autograd._mode: no_grad and enable_grad in every form (with, decorators of functions,
generators and coroutines, bare or called), per thread and per task; detect_anomaly."""

from __future__ import annotations

import asyncio
import math
import threading

import pytest

import autograd
from autograd import AnomalyError, Value, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad


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



def test_one_decorated_function_called_from_many_threads_at_once():
    """A function decorated with one @no_grad() object runs in many threads at once, and every
    thread records again afterwards (the mode keeps no state in the decorator)."""
    barrier = threading.Barrier(8)
    results: list[object] = []
    errors: list[BaseException] = []

    @no_grad()
    def inside(v):
        barrier.wait()
        return (v * 2).op

    def worker():
        try:
            first = inside(Value(1.0))
            results.append((first, is_grad_enabled(), (Value(1.0) * 2).op))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [("", True, "mul")] * 8


def test_one_no_grad_object_entered_by_several_tasks():
    """Tasks entering the same no_grad object in turns each get their own mode back."""
    ctx = no_grad()

    async def task(k):
        with ctx:
            await asyncio.sleep(0.001 * (3 - k))
            inside = (Value(1.0) * 2).op
        return inside, (Value(1.0) * 2).op

    async def main():
        return await asyncio.gather(*(task(k) for k in range(3)))

    assert asyncio.run(main()) == [("", "mul")] * 3
    assert is_grad_enabled()


def test_decorated_generators_and_coroutines_run_in_the_mode():
    """@no_grad on a generator or an async def applies to every step of its body, and the
    caller records between the steps."""

    @no_grad
    def gen():
        for _ in range(2):
            yield (Value(1.0) * 2).op

    seen = []
    for op in gen():
        seen.append((op, (Value(1.0) * 2).op))
    assert seen == [("", "mul"), ("", "mul")]

    @no_grad()
    async def coro():
        await asyncio.sleep(0)
        return (Value(1.0) * 2).op

    assert asyncio.run(coro()) == ""

    @no_grad
    async def agen():
        yield (Value(1.0) * 2).op

    async def collect():
        return [op async for op in agen()]

    assert asyncio.run(collect()) == [""]
    assert is_grad_enabled()


def test_bare_decorator_and_wrong_arguments():
    """@no_grad without parentheses decorates; no_grad(3) is a clear TypeError."""

    @no_grad
    def f():
        return is_grad_enabled()

    assert f() is False and f.__name__ == "f"
    with pytest.raises(TypeError, match=r"no_grad\(\) takes no arguments .* got int: 3"):
        no_grad(3)


# ----------------------------------------------------------------------------- detect_anomaly
def test_anomaly_in_the_forward_pass_names_the_op_the_operands_and_the_line():
    """The first operation that gives nan or inf raises, naming op, operands and this file:line."""
    x = Value(1e308)
    with detect_anomaly():
        y = x * 1.0
        with pytest.raises(AnomalyError, match=r"mul\(1e\+308, 10.0\) gave inf in the forward pass") as info:
            x * 10.0  # the line reported
    assert str(info.value).endswith(f"test_mode.py:{_line_of('x * 10.0  # the line reported')}")
    assert y.origin.endswith(f"test_mode.py:{_line_of('y = x * 1.0')}")
    assert (x * 10.0).data == math.inf  # off again: IEEE, no error


def _line_of(text):
    """The line number of ``text`` in this file (for checking reported lines)."""
    with open(__file__, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if text in line and "_line_of" not in line:
                return number
    raise AssertionError(text)


def test_anomaly_in_the_backward_pass_names_the_node_whose_rule_gave_it():
    """0 * sqrt(x) at 0: the gradient reaching sqrt is 0, times sqrt'(0) = inf gives nan; the
    report names sqrt and the line that made it, in backward() and in grad()."""
    x = Value(0.0)
    with detect_anomaly():
        r = x.sqrt()  # made here
        y = r * 0.0
        sent = r"gradient sent from sqrt\(0.0\) to its input 0 is nan"
        with pytest.raises(AnomalyError, match=sent) as info:
            y.backward()
        assert f"test_mode.py:{_line_of('r = x.sqrt()  # made here')}" in str(info.value)
        assert x.grad == 0.0 and r.grad == 0.0  # backward changed nothing
        with pytest.raises(AnomalyError, match="sqrt"):
            grad(y, [x])
    y.backward()  # off: IEEE arithmetic, nan
    assert math.isnan(x.grad)


def test_anomaly_mode_is_off_by_default_and_per_thread():
    """Outside the block nothing is watched; a thread started inside it is not watched."""
    assert not autograd._mode.is_anomaly_enabled()
    seen = {}

    def worker():
        seen["value"] = (Value(1e308) * 10.0).data

    with detect_anomaly():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        with no_grad():
            assert (Value(1e308) * 10.0).data == math.inf  # nothing recorded, nothing watched
            with enable_grad(), pytest.raises(AnomalyError):
                Value(1e308) * 10.0  # recording again, and still watched
    assert seen == {"value": math.inf}
    assert Value(1.0).origin == "" and (Value(1.0) * 2).origin == ""


def test_anomaly_decorator_and_labels_keep_the_origin():
    """detect_anomaly decorates like no_grad; a label set later keeps the node's origin."""

    @detect_anomaly
    def f(v):
        out = v * 2
        out.label = "twice"
        return out

    out = f(Value(1.0))
    assert (out.label, out.op) == ("twice", "mul")
    assert out.origin.endswith(f"test_mode.py:{_line_of('out = v * 2')}")
