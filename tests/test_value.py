"""The Value node: construction, attributes, operators and their errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value


# ----------------------------------------------------------------------------- construction
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (3, 3.0),
        (-2.5, -2.5),
        (True, 1.0),
        (False, 0.0),
        (np.float64(1.5), 1.5),
        (np.float32(0.25), 0.25),
        (np.int64(7), 7.0),
    ],
)
def test_value_accepts_real_numbers_and_stores_a_float(given, expected):
    """Real numbers of every kind become a float leaf with grad 0.0."""
    v = Value(given)
    assert v.data == expected
    assert type(v.data) is float
    assert v.grad == 0.0 and type(v.grad) is float
    assert v.label == "" and v.op == "" and v.parents == ()
    assert v.is_leaf()


@pytest.mark.parametrize(
    ("given", "type_name"),
    [("3", "str"), (None, "NoneType"), (1j, "complex"), ([1.0], "list"), (np.complex128(1), "complex128")],
)
def test_value_rejects_non_real_numbers_naming_what_was_given(given, type_name):
    """Non-real data raises TypeError naming the type received."""
    with pytest.raises(TypeError, match=f"expected a real number.*got {type_name}"):
        Value(given)


def test_value_from_a_value_points_to_detach():
    """Wrapping a Value in a Value is refused with a pointer to detach()."""
    v = Value(2.0)
    with pytest.raises(TypeError, match=r"got a Value.*detach\(\)"):
        Value(v)


def test_value_from_a_huge_int_raises_overflow():
    """An int too large for a float raises OverflowError."""
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(10**400)
    x = Value(1.0)
    for op in (lambda: x + 10**400, lambda: 10**400 * x, lambda: x - 10**400):
        with pytest.raises(OverflowError, match="too large for a float"):
            op()


def test_label_must_be_a_string():
    """A non-str label is refused and the old label kept."""
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    v = Value(1.0, label="v")
    with pytest.raises(TypeError, match="label must be a str"):
        v.label = None  # type: ignore[assignment]
    assert v.label == "v"


def test_label_on_an_operation_node_keeps_its_op():
    """Setting a label never changes a node's op."""
    a = Value(2.0, label="a")
    b = a * 3
    assert (b.label, b.op) == ("", "mul")
    b.label = "b"
    assert (b.label, b.op) == ("b", "mul")
    b.label = ""
    assert (b.label, b.op) == ("", "mul")
    a.label = "renamed"
    assert (a.label, a.op) == ("renamed", "")


def test_float_repr_and_identity_hash():
    """float(), repr and identity hashing behave as documented."""
    v = Value(2.5, label="w")
    assert float(v) == 2.5
    assert repr(v) == "Value(data=2.5, grad=0.0, label='w')"
    u = v * 2
    assert repr(u) == "Value(data=5.0, grad=0.0, op='mul')"
    twins = {Value(1.0), Value(1.0)}
    assert len(twins) == 2  # hashed by identity, not by data
    assert v != Value(2.5)


def test_detach_gives_a_new_leaf_with_the_same_data():
    """detach() copies data and label into a new leaf."""
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    d = y.detach()
    assert d is not y
    assert (d.data, d.label, d.op, d.parents, d.grad) == (9.0, "y", "", (), 0.0)


# ----------------------------------------------------------------------------- operators
def both_sides():
    """(expression on Values, the same on floats) for each operator and operand order."""
    return [
        (lambda a, b: a + b, "a + b"),
        (lambda a, b: a - b, "a - b"),
        (lambda a, b: a * b, "a * b"),
        (lambda a, b: a / b, "a / b"),
        (lambda a, b: a**b, "a ** b"),
    ]


@pytest.mark.parametrize(("f", "text"), both_sides())
@pytest.mark.parametrize(("a", "b"), [(2.0, 3.0), (0.5, -1.5), (3.0, 2)])
def test_operators_with_values_and_numbers_on_either_side(f, text, a, b):
    """Every operator gives the float result with a Value or a number on either side."""
    expected = f(float(a), float(b))
    assert f(Value(a), Value(b)).data == pytest.approx(expected, rel=1e-15), text
    assert f(Value(a), b).data == pytest.approx(expected, rel=1e-15), text
    assert f(a, Value(b)).data == pytest.approx(expected, rel=1e-15), text


def test_unary_minus():
    """-x has data -x and derivative -1."""
    x = Value(2.0)
    y = -x
    assert y.data == -2.0
    y.backward()
    assert x.grad == -1.0


def test_parents_are_in_argument_order_and_keep_repeats():
    """parents follow argument order and keep repeats."""
    a, b = Value(1.0), Value(2.0)
    assert (a + b).parents == (a, b)
    assert (b * a).parents == (b, a)
    assert (a + a).parents == (a, a)
    assert (a ** b).parents == (a, b)


def test_plain_numbers_stay_constants_on_the_node():
    """A plain-number operand is kept on the node, not made a parent."""
    x = Value(3.0)
    y = x * 2
    assert (y.op, y.parents, y.op_args, y.local_grads) == ("mul", (x,), (2.0,), (2.0,))
    z = 2 + x
    assert (z.op, z.parents, z.op_args) == ("add", (x,), (2.0,))
    p = x**3
    assert (p.op, p.parents, p.op_args) == ("pow", (x,), (3.0,))
    assert p.local_grads == (27.0,)


def test_division_is_one_div_node_with_the_floats_quotient():
    """a / b is one div node holding a.data / b.data; a number stays a constant on it, and
    1 / b is the single reciprocal node."""
    a, b = Value(3.0), Value(4.0)
    q = a / b
    assert (q.op, q.parents, q.data, q.local_grads) == ("div", (a, b), 0.75, (0.25, -0.1875))
    q.backward()
    assert (a.grad, b.grad) == (0.25, -3.0 / 16.0)
    assert ((a / 2).op, (a / 2).operands, (a / 2).data) == ("div", (a, 2.0), 1.5)
    assert ((2 / a).op, (2 / a).operands, (2 / a).local_grads) == ("div", (2.0, a), (-2.0 / 9.0,))
    r = 1 / b
    assert (r.op, r.parents) == ("reciprocal", (b,))


def test_subtraction_and_negation_compose_from_add_and_mul():
    """a - b is recorded as a + b * -1."""
    a, b = Value(3.0), Value(4.0)
    d = a - b
    assert d.op == "add" and d.parents[0] is a and d.parents[1].op == "mul"
    assert d.parents[1].op_args == (-1.0,)
    d.backward()
    assert (a.grad, b.grad) == (1.0, -1.0)


@pytest.mark.parametrize("other", ["a", None, [1.0], (2,), {1: 2}, 1j])
def test_operators_with_other_operands_raise_type_error(other):
    """Operators with non-numbers raise TypeError and change nothing."""
    v = Value(1.0)
    for op in (
        lambda: v + other,
        lambda: other + v,
        lambda: v - other,
        lambda: other - v,
        lambda: v * other,
        lambda: other * v,
        lambda: v / other,
        lambda: other / v,
        lambda: v**other,
        lambda: other**v,
    ):
        with pytest.raises(TypeError):
            op()
    assert (v.data, v.grad) == (1.0, 0.0)


def test_numpy_scalars_work_as_operands():
    """NumPy scalars work as constant operands."""
    x = Value(2.0)
    y = x * np.float64(3.0) + np.int32(1)
    assert y.data == 7.0 and type(y.data) is float


def test_value_exponent_and_number_base():
    """x ** y and c ** y record vpow with the right gradients."""
    x, y = Value(2.0), Value(3.0)
    p = x**y
    assert p.op == "vpow" and p.data == 8.0
    p.backward()
    assert x.grad == pytest.approx(12.0)
    assert y.grad == pytest.approx(8.0 * math.log(2.0))
    q = 2**y
    assert q.op == "vpow" and q.data == 8.0 and q.parents[1] is y
    assert q.parents[0].data == 2.0 and q.parents[0].is_leaf()


@pytest.mark.parametrize("base", [0.0, -2.0])
def test_value_exponent_needs_a_positive_base(base):
    """A Value exponent with a base <= 0 raises ValueError naming pow."""
    y = Value(2.0)
    with pytest.raises(ValueError, match=r"pow: a Value exponent needs a base > 0"):
        Value(base) ** y
    with pytest.raises(ValueError, match=r"pow: a Value exponent needs a base > 0"):
        base**y


def test_constant_exponent_errors():
    """Invalid constant powers raise ValueError, ZeroDivisionError or OverflowError naming pow."""
    with pytest.raises(ValueError, match=r"pow: a negative base -8.0 needs an integer exponent, got 0.5"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match=r"pow: 0.0 cannot be raised to the negative power -1.0"):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match="pow"):
        Value(10.0) ** 400
    assert (Value(-2.0) ** 3).data == -8.0


def test_nan_and_inf_follow_float_arithmetic():
    """nan and inf data follow IEEE float arithmetic."""
    inf, nan = Value(math.inf), Value(math.nan)
    assert (inf + 1).data == math.inf
    assert math.isnan((inf * 0).data)
    assert math.isnan((nan + 1).data)
    assert math.isnan(nan.relu().data)
    assert (Value(-math.inf).relu()).data == 0.0
    assert math.isnan((inf - inf).data)
    y = nan * 2
    y.backward()
    assert nan.grad == 2.0


def test_operands_list_parents_and_constants_in_order():
    """operands gives every operand of the op in order, parents and constants alike."""
    x, y, z = Value(1.0), Value(2.0), Value(3.0)
    assert x.operands == ()
    assert (x * 2).operands == (x, 2.0)
    assert (x * y).operands == (x, y)
    assert (x**3).operands == (x, 3.0)
    assert x.relu().operands == (x,)
    assert autograd.dot([x, y], [z, x]).operands == (x, y, z, x)
    assert autograd.add_n([x, y, z]).operands == (x, y, z)


# ----------------------------------------------------------------------------- protocols
def test_comparisons_read_the_data_and_return_bools():
    """< <= > >= compare data with Values or numbers; max, min and sorted give the Values back."""
    a, b = Value(1.0), Value(3.0)
    assert (a < b, a <= 1, b > 2.5, b >= b, a > 0, b <= 3) == (True, True, True, True, True, True)
    assert type(a < b) is bool
    values = [Value(2.0), a, b]
    assert max(values) is b and min(values) is a and sorted(values) == [a, values[0], b]
    with pytest.raises(TypeError):
        _ = a < "1"


def test_equality_and_hashing_stay_by_identity():
    """== is identity, so Values key dictionaries by node whatever their data."""
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a and len({a: 1, b: 2}) == 2


def test_bool_int_round_format_item_abs_and_unary_plus():
    """bool is data != 0, int truncates, round(v, n) is a float, format formats the data,
    item() is the data, abs(v) is the abs op and +v is v."""
    assert (bool(Value(0.0)), bool(Value(-0.5)), bool(Value(math.nan))) == (False, True, True)
    assert int(Value(-2.7)) == -2 and round(Value(2.567), 2) == 2.57 and type(round(Value(2.5), 1)) is float
    assert round(Value(2.7)) == 3 and type(round(Value(2.7))) is int
    v = Value(3.14159, label="pi")
    assert f"{v:.3f}" == "3.142" and f"{v:>8.2f}" == "    3.14" and f"{v}" == str(v) == repr(v)
    assert v.item() == 3.14159 and type(v.item()) is float
    w = abs(Value(-2.0))
    assert (w.op, w.data) == ("abs", 2.0)
    assert +v is v


# ----------------------------------------------------------------------------- micrograd
def _trace(root):
    """micrograd's notebook helper: every node and edge, recursively through _prev."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def _draw_dot(root):
    """micrograd's draw_dot, as its notebooks write it (only the import changed)."""
    from graphviz import Digraph

    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = _trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape="record")  # noqa: UP031 - as micrograd writes it
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def test_micrograds_draw_dot_runs_on_these_values():
    """_prev and _op are micrograd's: its draw_dot helper draws this engine's graph."""
    x = Value(2.0)
    y = (x * x + 3).relu() ** 2
    z = (y.tanh() + y.exp() * 0).exp()
    z.backward()
    source = _draw_dot(z).source
    for op in ("*", "+", "ReLU", "**2", "tanh", "exp"):
        assert f"label={op}" in source or f'label="{op}"' in source, op
    assert "data 2.0000 | grad" in source


def test_prev_and_op_are_read_only_and_follow_micrograd():
    """_prev is the set of parents; _op is micrograd's symbol, "" for a leaf."""
    x = Value(2.0)
    assert x._prev == set() and x._op == ""
    assert (x + x)._prev == {x} and (x * 3)._op == "*" and (x ** 0.5)._op == "**0.5"
    assert (x / 2)._op == "/" and x.sqrt()._op == "sqrt" and autograd.dot([x], [x])._op == "dot"
    with pytest.raises(AttributeError):
        x._op = "+"  # type: ignore[misc]


# ----------------------------------------------------------------------------- copying
def test_deepcopy_of_a_deep_graph_copies_it_without_recursion():
    """copy.deepcopy copies a 100,000-deep graph; shared nodes stay shared, also across a list."""
    import copy

    x = Value(1.0, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0 + x
    y.backward()
    z = copy.deepcopy(y)
    assert z is not y and z.data == y.data and z.grad == y.grad
    both = copy.deepcopy([y, x])
    leaf = both[0].parents[1]
    assert leaf is both[1] and leaf is not x and (leaf.label, leaf.grad) == ("x", x.grad)
    shallow = copy.copy(y)
    assert shallow is not y and shallow.parents == y.parents


def test_pickling_a_leaf_works_and_a_graph_is_refused_clearly():
    """A leaf round-trips through pickle; a node with a graph is refused with a TypeError."""
    import pickle

    w = Value(2.5, label="w")
    w.grad = 1.5
    back = pickle.loads(pickle.dumps(w))
    assert (back.data, back.label, back.grad, back.is_leaf()) == (2.5, "w", 1.5, True)
    refused = r"pickle: a Value made by an operation \(op 'mul'\) cannot be pickled"
    with pytest.raises(TypeError, match=refused):
        pickle.dumps(w * 2)
