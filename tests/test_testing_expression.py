"""autograd.testing.expression: Expression as data, built as Values, evaluated on floats, printed."""

from __future__ import annotations

import ast
import math

import pytest
from hypothesis import given

import autograd
from autograd import Value, topological_order
from autograd.testing import Expression, Instruction
from autograd.testing.strategies import expressions

FUNCTIONS = {name: getattr(autograd, name) for name in autograd.ops.primitives() if hasattr(autograd, name)}


def ins(op, *inputs, constants=()):
    """Shorthand for an Instruction."""
    return Instruction(op, inputs, tuple(constants))


@pytest.mark.parametrize(
    ("variables", "instructions", "source"),
    [
        (("x", "y"), [ins("add", 0, 1), ins("add", 0, 2)], "return x + (x + y)"),
        (("x", "y"), [ins("add", 0, 1), ins("add", 2, 0)], "return x + y + x"),
        (("x", "y", "z"), [ins("add", 0, 1), ins("mul", 3, 2)], "return (x + y) * z"),
        (("x", "y"), [ins("mul", 0, 1), ins("mul", 0, 2)], "return x * (x * y)"),
        (("x", "y"), [ins("pow", 0, constants=[2.0]), ins("mul", 1, 2)], "return y * x ** 2.0"),
        (
            ("x",),
            [ins("add", 0, constants=[1.0]), ins("pow", 1, constants=[-1.5])],
            "return (x + 1.0) ** -1.5",
        ),
        (
            ("x",),
            [ins("add", 0, constants=[-0.5]), ins("mul", 1, constants=[-1.0])],
            "return (x - 0.5) * -1.0",
        ),
        (("x", "y"), [ins("exp", 1), ins("vpow", 0, 2)], "return x ** exp(y)"),
        (("x", "y"), [ins("add", 0, 1), ins("vpow", 2, 1)], "return (x + y) ** y"),
        (
            ("x", "y"),
            [ins("add_n", 0, 1, 1), ins("dot", 0, 1, 2, 2)],
            "t1 = add_n([x, y, y])\n    return dot([x, y], [t1, t1])",
        ),
        (
            ("x",),
            [ins("cube", 0), ins("relu", 1), ins("sigmoid", 1), ins("add", 2, 3)],
            "t1 = cube(x)\n    return relu(t1) + sigmoid(t1)",
        ),
        (("t1", "t2"), [ins("mul", 0, 1), ins("add", 2, 2)], "t3 = t1 * t2\n    return t3 + t3"),
        (("x",), [], "return x"),
    ],
)
def test_source_is_a_python_formula(variables, instructions, source):
    """Expressions print as Python source with the fewest parentheses and names for shared nodes."""
    expr = Expression(variables, instructions)
    assert expr.source() == f"def f({', '.join(variables)}):\n    {source}"


class _SourceGraph(ast.NodeVisitor):
    """Rebuilds the Values an expression's source describes by walking its syntax tree (no eval)."""

    def __init__(self, names):
        self.names = dict(names)
        self.result = None

    def visit_Assign(self, node):
        (target,) = node.targets
        self.names[target.id] = self.value(node.value)

    def visit_Return(self, node):
        self.result = self.value(node.value)

    def value(self, node):
        if isinstance(node, ast.Name):
            return self.names[node.id]
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.value(node.operand)
        if isinstance(node, ast.List):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](*[self.value(a) for a in node.args])
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
                   ast.Pow: "__pow__"}
            left, right = self.value(node.left), self.value(node.right)
            return getattr(left, ops[type(node.op)])(right)
        raise AssertionError(ast.dump(node))


@given(expressions(variables=3, max_size=8))
def test_the_source_describes_the_same_graph(expr):
    """Read back from its syntax tree, the printed source records the same ops on the same numbers."""
    tree = ast.parse(expr.source())
    (function,) = tree.body
    assert [a.arg for a in function.args.args] == list(expr.variables)
    vs = [Value(x) for x in expr.point]
    reader = _SourceGraph(zip(expr.variables, vs))
    for statement in function.body:
        reader.visit(statement)
    built = expr.build(*vs)
    assert reader.result.data == built.data
    assert [(n.op, n.op_args, n.data) for n in topological_order(reader.result)] == [
        (n.op, n.op_args, n.data) for n in topological_order(built)
    ]


def test_repr_shows_the_point():
    """repr is the source with the point it was drawn at on the first line."""
    expr = Expression(["x"], [ins("tanh", 0)], point=[0.5])
    assert repr(expr) == str(expr) == "def f(x):  # drawn at x=0.5\n    return tanh(x)"
    assert expr.source("g") == "def g(x):\n    return tanh(x)"
    assert expr == Expression(("x",), (ins("tanh", 0),), (0.5,)) and hash(expr) == hash(
        Expression(["x"], [ins("tanh", 0)], [0.5])
    )
    assert expr != Expression(["x"], [ins("tanh", 0)], [0.25])


def test_run_interprets_with_any_table():
    """run() hands each instruction and its operands to the given function."""
    expr = Expression(["x", "y"], [ins("mul", 0, 1), ins("add", 2, 0, constants=())])
    text = expr.run(["x", "y"], lambda i, args: f"{i.op}({', '.join(args)})")
    assert text == "add(mul(x, y), x)"
    with pytest.raises(TypeError, match=r"expected 2 inputs \('x', 'y'\), got 1"):
        expr.run(["x"], lambda i, args: "")
    assert expr(2.0, 3.0).data == 8.0  # build accepts numbers and is also __call__


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        (([], []), ValueError, r"expected at least one variable"),
        ((["1x"], []), ValueError, r"must be a Python identifier, got '1x'"),
        (
            (["x"], [ins("exp", 1)]),
            ValueError,
            r"input 1 is not an earlier node \(expected an int in \[0, 1\)\)",
        ),
        ((["x"], [("exp", 0)]), TypeError, r"instructions\[0\] must be an Instruction, got tuple"),
        (
            (["x"], [ins("add", 0)]),
            ValueError,
            r"expected two inputs, or one input and one constant, got 1 inputs",
        ),
        ((["x"], [ins("pow", 0)]), ValueError, r"expected one input and one constant"),
        ((["x"], [ins("dot", 0)]), ValueError, r"expected an even number of inputs"),
        ((["x"], [ins("exp", 0, constants=[1.0])]), ValueError, r"expected no constant, got 1 inputs and 1"),
        (
            (["x"], [ins("add", 0, constants=[math.nan])]),
            ValueError,
            r"constants must be a tuple of finite numbers",
        ),
        ((["x"], [ins("not an op", 0)]), ValueError, r"op must be an identifier str"),
        ((["x"], [], [1.0, 2.0]), ValueError, r"the point needs one number per variable \(1\), got 2"),
        ((["x"], [], ["a"]), TypeError, r"Expression: point: expected a real number"),
        ((["cube"], [ins("cube", 0)]), ValueError, r"the variable name 'cube' would hide the op cube\(\)"),
    ],
)
def test_expression_validation(args, error, pattern):
    """A malformed Expression is refused with a message naming the problem."""
    with pytest.raises(error, match=pattern):
        Expression(*args)


def test_expressions_are_immutable():
    """Setting an attribute of an Expression raises."""
    expr = Expression(["x"], [])
    with pytest.raises(AttributeError, match="immutable"):
        expr.point = (1.0,)
