"""Expressions from text: the allow-list parser and building Values without eval."""

from __future__ import annotations

import math

import pytest

from autograd import Value, register_op
from autograd.parse import MAX_LENGTH, ExpressionError, build, functions, variables


def test_apples():
    """The seeds' apple example: 220 with gradients 2.2, 110, 200, leaves labelled by name."""
    out, leaves = build("apple*num*tax", {"apple": 100, "num": 2, "tax": 1.1})
    out.backward()
    assert out.data == 100 * 2 * 1.1
    assert [(name, leaf.label) for name, leaf in leaves.items()] == [(n, n) for n in ("apple", "num", "tax")]
    assert [leaf.grad for leaf in leaves.values()] == pytest.approx([2.2, 110.0, 200.0], rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x**2", lambda x, y: -(x**2)),
        ("x - y - 1", lambda x, y: x - y - 1),
        ("x / y / 2", lambda x, y: x / y / 2),
        ("2**x**2", lambda x, y: 2 ** (x**2)),
        ("+x * -(y + 1.5e-1)", lambda x, y: x * -(y + 0.15)),
        ("exp(x) + log(y) * tanh(x - y)", lambda x, y: math.exp(x) + math.log(y) * math.tanh(x - y)),
        ("sigmoid(x) / reciprocal(y) - relu(-x)", lambda x, y: y / (1 + math.exp(-x)) - max(0.0, -x)),
        ("(((x)))", lambda x, y: x),
        ("3", lambda x, y: 3.0),
    ],
)
def test_values_follow_python_arithmetic(text, expected):
    """Precedence and associativity are Python's; results equal the same formula on floats."""
    env = {"x": 0.7, "y": 2.5}
    out, _ = build(text, env)
    assert out.data == pytest.approx(expected(**env), rel=1e-14)


def test_shared_variable_gradient():
    """A variable used twice gets the sum of both paths' gradients."""
    out, leaves = build("x*x + 3*x", {"x": 2})
    out.backward()
    assert leaves["x"].grad == 7.0


def test_variables_in_order():
    """variables() lists names in order of first use, once each."""
    assert variables("b*a + exp(b) - c") == ["b", "a", "c"]


def test_functions_come_from_the_rules_table(rules_table):
    """User-registered ops are callable by name; operators and variadic ops are not."""
    assert {"exp", "log", "relu", "tanh", "sigmoid", "reciprocal"} <= set(functions())
    assert not {"add", "mul", "pow", "vpow", "add_n", "dot"} & set(functions())
    register_op("cube_test", lambda x: x**3, lambda out, x: (3 * x * x,))
    out, leaves = build("cube_test(x) + 1", {"x": 2})
    out.backward()
    assert (out.data, leaves["x"].grad) == (9.0, 12.0)


HOSTILE = [
    ("__import__('os').system('echo hi')", "only functions called by name"),
    ("x.__class__", "not allowed: attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "only functions called by name"),
    ("x[0]", "subscripts"),
    ("lambda: 1", "lambdas"),
    ("exp.__globals__", "attribute access"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("__builtins__", "names starting with '_'"),
    ("_x + 1", "names starting with '_'"),
    ("exp(x=1)", "takes no keyword arguments"),
    ("exp(*x)", "starred arguments"),
    ("exp()", "takes 1 argument, got 0"),
    ("exp(x, y)", "takes 1 argument, got 2"),
    ("relu(x)(y)", "only functions called by name"),
    ("exp", "'exp' is a function"),
    ("[x, y]", "lists"),
    ("{'a': x}", "dicts"),
    ("(x, y)", "tuples"),
    ("'text'", "only real numbers"),
    ("b'x'", "only real numbers"),
    ("1j", "only real numbers"),
    ("True", "only real numbers"),
    ("None", "only real numbers"),
    ("...", "only real numbers"),
    ("x if y else x", "conditional expressions"),
    ("x == y", "comparisons"),
    ("x and y", "and/or"),
    ("not x", "unary Not"),
    ("~x", "unary Invert"),
    ("x // y", "FloorDiv operators"),
    ("x % y", "Mod operators"),
    ("x @ y", "MatMult operators"),
    ("x << y", "LShift operators"),
    ("(y := 2)", "assignment expressions"),
    ("f'{x}'", "f-strings"),
    ("[i for i in x]", "ListComp expressions"),
    ("await x", "Await expressions"),
    ("yield x", "syntax error"),
    ("x = 1", "syntax error"),
    ("import os", "syntax error"),
    ("x +", "syntax error"),
    ("x; y", "syntax error"),
    ("x\ny", "on one line"),
    ("", "empty"),
    ("   ", "empty"),
    ("1e999", "not finite"),
    ("1" * 5000, "more than 4300 digits: too large for a float"),
    ("1" + "0" * 400, "an integer of 401 digits is too large for a float"),
    ("0x" + "f" * 5000, "an integer of 6021 digits is too large"),
    ("x" + "+x" * 3000, "cannot parse"),
    ("(" * 300 + "x" + ")" * 300, "syntax error|cannot parse"),
    ("x" * (MAX_LENGTH + 1), "at most"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_refused(text, message):
    """Anything outside the allow-list raises ExpressionError with a reason."""
    with pytest.raises(ExpressionError, match=message):
        build(text, {"x": 1.0, "y": 2.0})


def test_error_position():
    """Errors carry the 1-based column and show a caret under it."""
    with pytest.raises(ExpressionError) as info:
        build("x + y.real", {"x": 1.0, "y": 2.0})
    assert info.value.column == 5
    assert str(info.value).endswith("at column 5\n  x + y.real\n      ^")


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("x * y", {"x": 1.0}, "no value given for 'y'"),
        ("x", {"x": math.nan}, "must be a finite number"),
        ("x", {"x": "1"}, "must be a finite number"),
        ("x", {"x": True}, "must be a finite number"),
        ("1 / x", {"x": 0.0}, "cannot compute this part"),
        ("log(x)", {"x": -1.0}, "log: expected an operand > 0"),
        ("9.0 ** 9 ** 9 ** 9", {}, "too large"),
        ("x ** (1/3)", {"x": -8.0}, "cannot compute"),
        ("(-8) ** (1/3)", {}, "not a real number"),
    ],
)
def test_bad_values_and_arithmetic(text, values, message):
    """Missing or bad values and failing arithmetic raise ExpressionError, not a traceback."""
    with pytest.raises(ExpressionError, match=message):
        build(text, values)


def test_text_must_be_a_string():
    """A non-string expression is a TypeError naming the type."""
    with pytest.raises(TypeError, match="expression: expected a str, got int: 3"):
        build(3, {})  # type: ignore[arg-type]


def test_result_is_always_a_value():
    """An expression without variables still gives a Value."""
    out, leaves = build("2 * 3", {})
    assert isinstance(out, Value) and out.data == 6.0 and leaves == {}
