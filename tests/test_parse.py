"""Expressions from text: the allow-list parser and building Values without eval."""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add(x, y)", r"'add' is a registered op written with its operator, not called: write x \+ y"),
        ("mul(x, y)", r"'mul' is a registered op .* write x \* y, not mul\(x, y\)"),
        ("pow(x, 2)", r"'pow' is a registered op .* write x \*\* y"),
        ("add_n(x)", "'add_n' is a registered op on a sequence of any length; expressions can call ops of a"),
        ("dot(x, y)", "'dot' is a registered op on 2 sequences of any length"),
    ],
)
def test_a_registered_op_that_expressions_cannot_call_is_named_as_one(text, message):
    """An op of the rules table that is written as an operator or takes sequences is not
    reported as an unknown function: the error says what it is and how to write it."""
    with pytest.raises(ExpressionError, match=message) as info:
        build(text, {"x": 1.0, "y": 2.0})
    assert "unknown" not in str(info.value)


def test_an_op_with_an_operator_expressions_refuse_says_so(rules_table):
    """A declared op whose symbol the parser does not read (//) names the operators it does."""
    from autograd.ops import Primitive, declare

    declare(Primitive("floordiv_test", 2, lambda x, y: x // y, lambda out, x, y: (0.0, 0.0), symbol="//"))
    with pytest.raises(ExpressionError, match=r"'floordiv_test' is a registered op written with the "
                       r"operator '//', which expressions do not accept \(they accept \+ - \* / \*\*\)"):
        build("floordiv_test(x, y)", {"x": 1.0, "y": 2.0})


def test_ops_of_three_inputs_and_with_number_parameters_are_callable(rules_table):
    """Every op on a fixed number of operands is callable, whatever that number."""
    register_op("fma_test", lambda x, y, z: x * y + z, lambda out, x, y, z: (y, x, 1.0))
    out, leaves = build("fma_test(x, y, z)", {"x": 2, "y": 3, "z": 4})
    out.backward()
    assert (out.data, [leaf.grad for leaf in leaves.values()]) == (10.0, [3.0, 2.0, 1.0])
    with pytest.raises(ExpressionError, match=r"fma_test\(\) takes 3 arguments, got 2"):
        build("fma_test(x, y)", {"x": 2, "y": 3})
    out, leaves = build("clamp(x, 0, 1)", {"x": 0.5})  # one input, two number parameters
    out.backward()
    assert (out.data, leaves["x"].grad) == (0.5, 1.0)


def test_an_unknown_function_is_still_unknown():
    """A name that is not in the rules table at all is an unknown function, with the known ones."""
    with pytest.raises(ExpressionError, match=r"unknown function 'nope'; known: .*exp"):
        build("nope(x)", {"x": 1.0})


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


# --------------------------------------------------------------------------- huge numbers
def test_a_400_digit_number_is_an_expression_error_not_a_traceback():
    """A literal too large for a float is refused with its column, and its digits counted, not printed."""
    with pytest.raises(ExpressionError, match=r"an integer of 401 digits is too large for a float") as info:
        build("x * 1" + "0" * 400, {"x": 1.0})
    assert info.value.column == 5
    assert "0" * 50 not in info.value.message


def test_the_cli_turns_a_huge_number_into_exit_status_2(tmp_path):
    """`autograd graph 1000...0` (400 digits) exits with status 2 and a one-line reason."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", "1" + "0" * 400],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "an integer of 401 digits is too large for a float" in result.stderr


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (10**400, "got an integer of 401 digits"),
        (-(10**5000), "got a negative integer of 5001 digits"),
        (np.bool_(True), "got bool"),
        (Value(1.0), "got Value"),
        (np.float64("nan"), "got np.float64"),
        (1 + 0j, "got complex"),
    ],
    ids=["400 digits", "-5000 digits", "numpy bool", "Value", "numpy nan", "complex"],
)
def test_values_that_are_not_finite_real_numbers_are_refused_briefly(number, message):
    """A value must be a finite real number; the message caps huge integers."""
    with pytest.raises(ExpressionError, match=message) as info:
        build("x + 1", {"x": number})
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("number", [np.float32(2.5), np.int64(3), np.float64(-1.5), np.uint8(7), 2, 2.5])
def test_numpy_scalars_are_values(number):
    """NumPy real scalars are accepted like the floats and ints they hold."""
    out, leaves = build("x * x", {"x": number})
    out.backward()
    assert (out.data, leaves["x"].grad) == (float(number) ** 2, 2 * float(number))


def test_values_must_be_a_mapping():
    """A list instead of a mapping is a TypeError naming what was given."""
    with pytest.raises(TypeError, match="values must be a mapping of names to numbers, got list"):
        build("x", [1.0])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the caret line
@pytest.mark.parametrize(
    ("text", "shown", "caret"),
    [
        ("x + \x1b[31m", "x + \\x1b[31m", 4),  # an ANSI colour sequence
        ("x.\x07a", "x.\\x07a", 2),  # a bell after the attribute dot
        ("x + y.real\u202e", "x + y.real\\u202e", 10),  # a right-to-left override
        ("\x01 + y.real", "\\x01 + y.real", 0),  # the error is at the control character
        ("\u65e5\u672c + y.real", "\u65e5\u672c + y.real", 7),  # two wide characters before it
        ("\u00e9\u00e9 + y.real", "\u00e9\u00e9 + y.real", 5),  # columns count characters, not bytes
    ],
)
def test_the_caret_line_escapes_what_a_terminal_would_act_on(text, shown, caret):
    """Control and format characters appear as Python escapes, and the caret stays under the
    column (wide characters count two)."""
    with pytest.raises(ExpressionError) as info:
        build(text, {"x": 1.0, "y": 2.0})
    lines = str(info.value).split("\n")
    assert lines[1] == "  " + shown
    assert lines[2] == "  " + " " * caret + "^"
    assert info.value.text == text.strip()
    assert all(ch.isprintable() for ch in str(info.value).replace("\n", ""))


# --------------------------------------------------------------------------- fuzzing
_EVENTS: list[str] = []
_LISTENING = [False]


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _LISTENING[0]:
        _EVENTS.append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only listens during a build


def _events_during(fn):
    """The audit events (PEP 578) raised while ``fn()`` runs, and its result or exception."""
    _EVENTS.clear()
    _LISTENING[0] = True
    try:
        return fn(), list(_EVENTS)
    except BaseException as exc:  # returned for the test to judge
        return exc, list(_EVENTS)
    finally:
        _LISTENING[0] = False


def test_the_audit_hook_sees_code_being_run():
    """The detector is not blind: eval and an import raise the events the fuzz test forbids."""
    _, events = _events_during(lambda: eval("1 + 1"))  # the test's own fixed text
    assert "exec" in events
    _, events = _events_during(lambda: __import__("this_module_does_not_exist_xyz"))
    assert "import" in events


_NAMES = st.sampled_from(
    ["x", "y", "z", "exp", "log", "sqrt", "maximum", "clamp", "_x", "__import__", "__class__", "os",
     "eval", "open", "print", "breakpoint", "globals", "True", "None", "inf", "nan", "\u00e9t\u00e9", "x1"]
)
_NUMBERS = st.one_of(
    st.integers(-(10**500), 10**500).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(
        ["1e999", "1e-999", "0x_ff", "0o17", "0b101", "1_000.5", "2j", "1.5J", "00", "1__0", "0" * 400 + "1"]
    ),
    st.integers(1, 6000).map(lambda n: "9" * n),
)
_STRINGS = st.one_of(
    st.text(max_size=8).map(repr),
    st.binary(max_size=6).map(repr),
    st.sampled_from(["f'{x}'", "f'{__import__(\"os\")}'", "'''a'''", "r'\\x'", "..."]),
)
_BINARY_OPS = st.sampled_from(
    ["+", "-", "*", "/", "**", "//", "%", "@", "<<", ">>", "&", "|", "^", " and ", " or ", "<", ">",
     "==", "!=", "<=", ">=", " is ", " is not ", " in ", " not in "]
)


def _expressions(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One level of Python's expression grammar over ``children``."""
    args = st.lists(
        st.one_of(children, children.map(lambda c: "*" + c), children.map(lambda c: "k=" + c)), max_size=4
    ).map(", ".join)
    return st.one_of(
        st.tuples(children, _BINARY_OPS, children).map("".join),
        st.tuples(st.sampled_from(["-", "+", "~", "not "]), children).map("".join),
        st.tuples(st.one_of(_NAMES, children), args).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, _NAMES).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}:]"),
        children.map(lambda c: f"({c})"),
        st.lists(children, max_size=3).map(lambda cs: "(" + ", ".join(cs) + ",)"),
        st.lists(children, max_size=3).map(lambda cs: "[" + ", ".join(cs) + "]"),
        st.tuples(children, children).map(lambda t: "{" + f"{t[0]}: {t[1]}" + "}"),
        children.map(lambda c: f"lambda: {c}"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        children.map(lambda c: f"(n := {c})"),
        st.tuples(children, children).map(lambda t: f"[{t[0]} for n in {t[1]}]"),
        children.map(lambda c: f"await {c}"),
        children.map(lambda c: f"(yield {c})"),
    )


_ARITHMETIC = st.recursive(
    st.one_of(st.sampled_from(["x", "y", "z", "2", "0.5", "1e300"]), st.integers(-9, 9).map(str), _NUMBERS),
    lambda children: st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(" ".join),
        children.map(lambda c: f"-({c})"),
        st.tuples(st.sampled_from(sorted(n for n, k in functions().items() if k == 1)), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(children, children).map(lambda t: f"maximum({t[0]}, {t[1]})"),
        st.tuples(children, children).map(lambda t: f"clamp({t[0]}, {t[1]}, 1)"),
    ),
    max_leaves=12,
)

_PYTHON = st.recursive(st.one_of(_NAMES, _NUMBERS, _STRINGS), _expressions, max_leaves=10)


@st.composite
def _sources(draw: st.DrawFn) -> str:
    """Arbitrary Python expression source: arithmetic the parser accepts, anything else of
    Python's expression grammar, cut short, or with stray characters put in."""
    text = draw(st.one_of(_ARITHMETIC, _PYTHON))
    mutation = draw(st.sampled_from(["none", "none", "cut", "insert", "space"]))
    if mutation == "cut" and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif mutation == "insert":
        at = draw(st.integers(0, len(text)))
        stray = st.sampled_from("\x00\x07\x1b\n\r\t\u202e\u2028\ufeff()[]{}'\"\\#;:,.=!$?`")
        junk = draw(st.text(stray, min_size=1, max_size=3))
        text = text[:at] + junk + text[at:]
    elif mutation == "space":
        text = draw(st.sampled_from([" ", "\t", "\u3000"])) + text + " "
    return text


@given(_sources())
def test_fuzzed_source_builds_a_value_or_raises_expression_error_and_runs_nothing(text):
    """Whatever Python source comes in, build() returns (Value, leaves) or raises
    ExpressionError (never another exception, nor a warning), and no code is compiled to
    run, imported, opened or executed: the only audit event is the parser's own compile to a
    syntax tree."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, events = _events_during(lambda: build(text, {"x": 0.5, "y": -1.5, "z": 2.0, "n": 1.0}))
    assert set(events) <= {"compile"}, (text, events)
    assert not caught, (text, [str(w.message) for w in caught])
    if isinstance(result, BaseException):
        assert isinstance(result, ExpressionError), (text, repr(result))
        assert all(ch.isprintable() for ch in str(result).replace("\n", "")), str(result)
    else:
        out, leaves = result
        assert isinstance(out, Value) and all(isinstance(v, Value) for v in leaves.values())
        assert set(leaves) <= {"x", "y", "z", "n"}


def test_a_long_expression_is_shown_around_the_column():
    """Of a text longer than 72 characters, the caret line shows the 72 around the column."""
    text = "x + " * 40 + "y.real" + " + x" * 40
    with pytest.raises(ExpressionError) as info:
        build(text, {"x": 1.0, "y": 2.0})
    _, shown, caret = str(info.value).split("\n")
    assert shown.startswith("  ...") and shown.endswith("...") and len(shown) == 2 + 3 + 72 + 3
    assert shown[len(caret) - 1 :].startswith("y.real")  # the caret is under the attribute access
    with pytest.raises(ExpressionError, match=r"\n  1000000000000000000000000000000") as info:
        build("1" + "0" * 400, {})
    assert "0" * 100 not in str(info.value)
