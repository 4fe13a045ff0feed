"""Helpers shared by the tests: finite differences and random expression graphs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from autograd import Value


def central_difference(f: Callable[[list[float]], float], xs: Sequence[float], i: int) -> float:
    """d f / d xs[i] by a central difference with a step scaled to the operand."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (up[i] - down[i])


def assert_close(actual: float, expected: float, *, rel: float = 1e-5, abs_: float = 1e-6) -> None:
    assert math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_), (actual, expected)


# ---------------------------------------------------------------------------- expressions
# A random expression is a list of instructions over a growing list of nodes: the first
# nodes are the inputs, each instruction appends one node made from earlier
# nodes (picked by index, so a node can be used several times: shared sub-expressions).
# The same instructions can be evaluated on Values or on floats, which lets tests compare
# backward and grad() with finite differences of the float version.

UNARY = ("exp", "tanh", "sigmoid", "neg", "square", "log_sq", "recip_sq", "relu_shift")
BINARY = ("add", "sub", "mul", "div_safe")


def _eval_unary(op: str, x: Any) -> Any:
    if op == "exp":
        return (x * 0.1).exp() if isinstance(x, Value) else math.exp(x * 0.1)
    if op == "tanh":
        return x.tanh() if isinstance(x, Value) else math.tanh(x)
    if op == "sigmoid":
        return x.sigmoid() if isinstance(x, Value) else 1 / (1 + math.exp(-x))
    if op == "neg":
        return -x
    if op == "square":
        return x**2
    if op == "log_sq":  # log(x^2 + 1): defined everywhere
        return (x * x + 1).log() if isinstance(x, Value) else math.log(x * x + 1)
    if op == "recip_sq":  # 1 / (x^2 + 1)
        return (x * x + 1).reciprocal() if isinstance(x, Value) else 1 / (x * x + 1)
    if op == "relu_shift":  # relu(x + 0.5); tests keep inputs away from the kink
        return (x + 0.5).relu() if isinstance(x, Value) else max(x + 0.5, 0.0)
    raise AssertionError(op)


def _eval_binary(op: str, a: Any, b: Any) -> Any:
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div_safe":  # a / (b^2 + 1)
        return a / (b * b + 1)
    raise AssertionError(op)


def evaluate(program: list[tuple[Any, ...]], inputs: Sequence[Any]) -> Any:
    nodes = list(inputs)
    for instr in program:
        if len(instr) == 2:
            op, i = instr
            nodes.append(_eval_unary(op, nodes[i % len(nodes)]))
        else:
            op, i, j = instr
            nodes.append(_eval_binary(op, nodes[i % len(nodes)], nodes[j % len(nodes)]))
    # the output uses the last node and, through a sum, every earlier one too (a DAG with sharing)
    out = nodes[-1]
    for n in nodes[:-1]:
        out = out + n * 0.5
    return out


def _programs(unary: Sequence[str]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    instruction = st.one_of(
        st.tuples(st.sampled_from(unary), st.integers(0, 50)),
        st.tuples(st.sampled_from(BINARY), st.integers(0, 50), st.integers(0, 50)),
    )
    return st.lists(instruction, min_size=1, max_size=12)


programs = _programs(UNARY)
smooth_programs = _programs([op for op in UNARY if op != "relu_shift"])  # for finite differences
small_floats = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
