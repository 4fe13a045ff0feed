"""autograd.viz.explain: paths and totals against brute-force enumeration; backward_steps; tree."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, viz
from autograd.graph import topological_order
from autograd.viz.paths import backward_steps


def random_graph(seed: int) -> tuple[Value, list[Value]]:
    """A random DAG over 3 leaves with shared sub-expressions (mul, add, tanh, relu, constants)."""
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1.5, 1.5), f"x{i}") for i in range(3)]
    pool = list(leaves)
    for _ in range(rng.randint(1, 9)):
        kind = rng.choice(["mul", "add", "tanh", "relu", "const"])
        a, b = rng.choice(pool), rng.choice(pool)
        if kind == "mul":
            node = a * b
        elif kind == "add":
            node = a + b
        elif kind == "tanh":
            node = a.tanh()
        elif kind == "relu":
            node = a.relu()
        else:
            node = a * 1.5 + 0.25
        pool.append(node)
    out = pool[-1]
    for extra in pool[-3:-1]:
        out = out + extra
    return out, leaves


def brute_paths(output: Value, start: Value) -> list[list[float]]:
    """Every path's local derivatives, by plain enumeration (small graphs only)."""
    found: list[list[float]] = []
    todo = [(output, [])]  # walk from the output down to start, through parents
    while todo:
        node, grads = todo.pop()
        if node is start:
            found.append(grads)
        for p, d in zip(node.parents, node.local_grads):
            todo.append((p, [*grads, float(d)]))
    return found


@settings(max_examples=150)
@given(st.integers(0, 10**6))
def test_paths_and_totals_against_brute_force(seed):
    """Path counts equal plain enumeration, products sum to backward's gradient, total is backward's."""
    out, leaves = random_graph(seed)
    out.backward()
    for leaf in leaves:
        e = viz.explain(out, leaf, max_paths=None)
        brute = brute_paths(out, leaf)
        assert len(e.paths) == len(brute)
        assert e.total == leaf.grad  # the same float backward leaves in .grad
        assert math.isclose(math.fsum(p.product for p in e.paths), e.total, rel_tol=1e-9, abs_tol=1e-12)
        assert sorted(math.prod(b) for b in brute) == pytest.approx(sorted(p.product for p in e.paths))
        for p in e.paths:
            assert p.nodes[0] is leaf and p.nodes[-1] is out
            assert len(p.local_grads) == len(p.positions) == len(p.nodes) - 1
            for i, pos in enumerate(p.positions):
                assert p.nodes[i + 1].parents[pos] is p.nodes[i]
                assert p.local_grads[i] == p.nodes[i + 1].local_grads[pos]


def test_value_used_twice_is_two_paths():
    """In x * x each edge from x is a path carrying x; the gradient is their sum."""
    x = Value(3.0, "x")
    y = x * x
    e = viz.explain(y, x)
    assert [p.positions for p in e.paths] == [(0,), (1,)]
    assert [p.product for p in e.paths] == [3.0, 3.0] and e.total == 6.0


def test_unreached_input_has_no_path():
    """An input that does not reach the output has no path and a total of 0."""
    x, z = Value(1.0, "x"), Value(2.0, "z")
    e = viz.explain(x * 2, z)
    assert e.paths == () and e.total == 0.0
    assert "does not reach" in str(e)
    assert viz.explain(x, x).total == 1.0 and viz.explain(x, x).paths[0].local_grads == ()


def test_max_paths_refuses_naming_the_count():
    """Paths double with each shared level: past max_paths, an error names the count."""
    x = Value(1.0, "x")
    y = x
    for _ in range(12):
        y = y + y  # 2**12 paths
    message = r"4096 paths lead from x to add, more than max_paths=500; pass max_paths=4096"
    with pytest.raises(viz.GraphTooLargeError, match=message):
        viz.explain(y, x)
    assert len(viz.explain(y, x, max_paths=4096).paths) == 4096
    with pytest.raises(ValueError, match="max_paths: expected a positive int or None, got 0"):
        viz.explain(y, x, max_paths=0)
    with pytest.raises(TypeError, match="explain: input: expected a Value, got float"):
        viz.explain(y, 1.0)  # type: ignore[arg-type]


def test_str_is_a_table():
    """str() prints the total, the count and one row per path with its local derivatives and product."""
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b + a
    c.label = "c"
    text = str(viz.explain(c, a))
    assert text.splitlines() == [
        "dc/da = 4 (as backward computes it), the sum over 2 paths from a to c:",
        "  #  path           local derivatives  product",
        "  1  a -> mul -> c  3 * 1              3",
        "  2  a -> c         1                  1",
    ]


def test_backward_steps_replay_backward_exactly():
    """backward_steps ends with backward's gradients bit for bit, touching no .grad."""
    for seed in range(30):
        out, _ = random_graph(seed)
        steps, grads = backward_steps(out)
        assert all(n.grad == 0.0 for n in topological_order(out))
        out.backward()
        assert all(grads[n] == n.grad for n in topological_order(out))
        assert steps[0].node is out and steps[0].grad == 1.0 and steps[0].sends == ()
        assert len(steps) == 1 + sum(1 for n in topological_order(out) if n.parents)


def test_tree_prints_shared_nodes_once():
    """The text tree writes each node once and names repeats; it refuses huge graphs like to_dot."""
    x = Value(2.0, "x")
    y = x * x + 1
    y.backward()
    assert viz.tree(y).splitlines() == [
        "+ 1 -> data 5, grad 1",
        "\u2514\u2500 \u00d7 -> data 4, grad 1",
        "   \u251c\u2500 x: data 2, grad 4",
        "   \u2514\u2500 x (shown above)",
    ]
    chain = x
    for _ in range(600):
        chain = chain * 1.0
    with pytest.raises(viz.GraphTooLargeError, match="tree: the graph has 601 Value nodes"):
        viz.tree(chain)
    assert len(viz.tree(chain, max_nodes=None).splitlines()) == 601
    assert "\\x01" in viz.tree(Value(1.0, "a\x01b"))
