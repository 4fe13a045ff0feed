"""The benchmark's workloads compute what they claim (correctness only: nothing is timed here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "workloads.py"
_spec = importlib.util.spec_from_file_location("bench_workloads", _PATH)
assert _spec is not None and _spec.loader is not None
workloads = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(workloads)


def test_w1_binary_and_dot_styles_train_identically():
    """W1 built from binary ops and from dot/add_n gives the same losses, weights and gradients."""
    binary = workloads.W1("autograd", "binary")
    dot = workloads.W1("autograd", "dot")
    for _ in range(3):
        assert dot.step() == pytest.approx(binary.step(), rel=1e-12)
    for p, q in zip(binary.model.params, dot.model.params, strict=True):
        assert q.data == pytest.approx(p.data, rel=1e-12, abs=1e-15)
        assert q.grad == pytest.approx(p.grad, rel=1e-9, abs=1e-15)


def test_w1_matches_micrograd():
    """W1 on this engine follows micrograd step for step from the same weights."""
    pytest.importorskip("micrograd")
    ours = workloads.W1("autograd", "binary")
    theirs = workloads.W1("micrograd", "binary")
    for _ in range(3):
        assert ours.step() == pytest.approx(theirs.step(), rel=1e-12)
    for p, q in zip(ours.model.params, theirs.model.params, strict=True):
        assert p.grad == pytest.approx(q.grad, rel=1e-9, abs=1e-15)


def test_w2_chain_gradient():
    """W2's chain keeps y a weighted average of x, so dy/dx is 1, with three nodes per step."""
    from autograd import Value

    x, y = workloads.chain(Value, 1000)
    y.backward()
    assert x.grad == pytest.approx(1.0, rel=1e-12)  # y stays a weighted average of x
    assert workloads.count_values(y) == 3 * 1000 + 1


def test_w2_floor_builds_the_same_graph_shape_and_numbers():
    """The bare-object floor of W2 links three objects per step and computes the same data."""
    from autograd import Value

    _, y = workloads.chain(Value, 50)
    x_bare, bare = workloads.chain_floor(50)
    assert bare.data == y.data
    assert workloads.count_values(y) == 3 * 50 + 1
    node, steps = bare, 0
    while node._a is not None:  # from each sum through its y*0.999 node back to x
        assert node._b._a is x_bare  # the x*0.001 node
        node, steps = node._a._a, steps + 1
    assert (node, steps) == (x_bare, 50)
