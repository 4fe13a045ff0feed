"""Every primitive of the rules table in every interpretation that reads it: the scalar and
batched replays, the command line's parser, the expression printer and the drawing.

The ops come from ``ops.primitives()``, so an op added to the table is tested here without
a line of test code; its random compositions come from the library's own strategies.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import Value, compile, grad, ops, parse, topological_order, viz
from autograd.testing.strategies import expressions

np = pytest.importorskip("numpy")

TABLE = sorted(ops.primitives())


def _dynamic(expr, point):
    vs = [Value(x) for x in point]
    out = expr.build(*vs)
    return out, vs, grad(out, vs)


@pytest.mark.parametrize("name", TABLE)
def test_every_op_replays_compiled_and_batched_as_the_dynamic_engine(name):
    """compile replays each op bit for bit; batch over the examples agrees to rounding."""

    @settings(max_examples=25)
    @given(expressions(ops=[name], max_size=3).filter(lambda e: name in e.ops))
    def check(expr):
        out, _, grads = _dynamic(expr, expr.point)
        f = compile(expr.build)
        assert f.grad(*expr.point) == (out.data, grads)
        points = np.array([expr.point, expr.point])
        res = f.batch(*points.T, per_example=True)
        assert res.values.tolist() == pytest.approx([out.data] * 2, rel=1e-12, abs=1e-12)
        for g, want in zip(res.grads, grads):
            assert g.tolist() == pytest.approx([want] * 2, rel=1e-9, abs=1e-9)

    check()


@pytest.mark.parametrize("name", [n for n in TABLE if not ops.get(n).groups])
def test_every_op_is_read_by_the_parser_as_the_engine_records_it(name):
    """Written as the parser's text (a call, or its operator), each op of a drawn expression
    gives the node's number and local derivatives."""
    prim = ops.get(name)

    @settings(max_examples=10)
    @given(expressions(ops=[name], max_size=2).filter(lambda e: name in e.ops))
    def check(expr):
        out = expr.build(*expr.point)
        for node in topological_order(out):
            if node.op != name:
                continue
            names, texts, values = [], [], {}
            for k, o in enumerate(node.operands):
                if isinstance(o, Value):
                    names.append(f"a{k}")
                    texts.append(f"a{k}")
                    values[f"a{k}"] = o.data
                else:
                    texts.append(repr(o))
            if prim.symbol is not None:
                text = f"({texts[0]}) {prim.symbol} ({texts[1]})"
            else:
                text = f"{name}({', '.join(texts)})"
            built, leaves = parse.build(text, values)
            assert built.data == node.data, text
            derivs = grad(built, list(leaves.values()))
            assert derivs == pytest.approx(node.local_grads, rel=1e-12, abs=1e-300), text

    check()


@pytest.mark.parametrize("name", TABLE)
def test_every_op_is_printed_and_drawn(name):
    """The printer writes each op as its operator or as a call of its name; the drawing gives
    each op node a label (its glyph, its symbol, or its name)."""

    @settings(max_examples=10)
    @given(expressions(ops=[name], max_size=2).filter(lambda e: name in e.ops))
    def check(expr):
        prim = ops.get(name)
        source = expr.source()
        assert (prim.symbol is not None and prim.symbol in source) or f"{name}(" in source
        out = expr.build(*expr.point)
        dot = viz.to_dot(out).source
        labels = {"mul": "\u00d7", "add_n": "\u03a3", "dot": "\u00b7"}
        shown = labels.get(name, prim.symbol or name)
        assert any(line.strip().startswith("v") and "_op [label=" in line and shown in line
                   for line in dot.splitlines()), dot

    check()


def test_the_parser_knows_every_function_of_the_table():
    """parse.functions() is every op written as a call, with its number of operands."""
    expected = {n: p.arity for n, p in ops.primitives().items() if p.symbol is None and not p.groups}
    assert parse.functions() == expected
    assert {"sqrt", "abs", "sin", "maximum", "clamp"} <= set(expected)
    assert "div" not in expected and "add_n" not in expected


def test_every_builtin_function_gives_floats_for_numbers():
    """Each package function gives a float for plain numbers, the forward on floats."""
    import autograd

    unary = ("sqrt", "abs", "sin", "cos", "tan", "atan", "sinh", "cosh", "log1p", "expm1", "softplus", "erf")
    for name in unary:
        r = getattr(autograd, name)(0.5)
        assert type(r) is float and r == ops.get(name).forward(0.5)
    assert autograd.maximum(1, 2) == 2.0 and autograd.minimum(1, 2) == 1.0
    assert autograd.clamp(5, 0, 1) == 1.0 and autograd.clamp(-5, hi=1) == -5.0
    assert autograd.div(1, 4) == 0.25
    assert math.isnan(autograd.maximum(math.nan, 1.0))
