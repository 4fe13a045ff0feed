"""Expressions as data: a straight-line program over the rules table, with the point it was drawn at.

An :class:`Expression` is what :func:`autograd.testing.strategies.expressions` draws, but it
needs no Hypothesis: it is a list of :class:`Instruction` over a growing list of nodes (the
variables first, then one node per instruction), so a node can be used many times (a shared
sub-expression). The same expression can be

* built as Values (``expr.build(x, y)`` or ``expr(x, y)``), to differentiate it;
* evaluated on floats with each op's forward from the rules table (``expr.evaluate(1.0, 2.0)``);
* run by any other interpreter (``expr.run(inputs, apply)``: PyTorch, for an oracle);
* printed as Python source (``expr.source()``), so a failing example reads as a formula.

This module also holds :class:`Domain`: where an op is defined and where it is smooth. The
strategies use it to keep arguments inside an op's domain and away from its kinks, and
:func:`autograd.testing.gradcheck` uses it to tell "the inputs sit on a kink" from "the rule
is wrong".
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from autograd import ops
from autograd.value import Number, Value, as_value, check_number

__all__ = ["Domain", "BUILTIN_DOMAINS", "Instruction", "Expression"]

T = TypeVar("T")


@dataclass(frozen=True)
class Domain:
    """Where an op's inputs may lie, and where the op is not differentiable.

    ``positive``: the indices of the inputs that must be > 0 (0 is then the edge of the
    domain: log, reciprocal, the base of a power). ``kinks``: ``(input index, point)`` pairs
    where the op is defined but not differentiable (relu's input at 0.0).

    >>> Domain(kinks=((0, 0.0),)).points()
    ((0, 0.0),)
    >>> Domain(positive=(0,)).points()
    ((0, 0.0),)
    """

    positive: tuple[int, ...] = ()
    kinks: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        for i in self.positive:
            if type(i) is not int or i < 0:
                raise ValueError(f"Domain: positive must hold input indices (ints >= 0), got {i!r}")
        for pair in self.kinks:
            if (
                not isinstance(pair, tuple)
                or len(pair) != 2
                or type(pair[0]) is not int
                or pair[0] < 0
                or not isinstance(pair[1], int | float)
            ):
                raise ValueError(f"Domain: kinks must hold (input index, point) pairs, got {pair!r}")

    def points(self) -> tuple[tuple[int, float], ...]:
        """Every ``(input index, point)`` where the op is not differentiable or its domain ends."""
        return tuple(self.kinks) + tuple((i, 0.0) for i in self.positive)


#: What is known about the built-in primitives (ops not listed are smooth everywhere).
BUILTIN_DOMAINS: Mapping[str, Domain] = MappingProxyType(
    {
        "log": Domain(positive=(0,)),
        "reciprocal": Domain(positive=(0,)),
        "pow": Domain(positive=(0,)),
        "vpow": Domain(positive=(0,)),
        "relu": Domain(kinks=((0, 0.0),)),
    }
)

# Ops printed as functions of the package (``from autograd import exp, log, ...``).
_FUNCTIONS = frozenset({"exp", "log", "relu", "tanh", "sigmoid", "reciprocal", "add_n", "dot"})

# Precedence levels for printing: an operand is put in parentheses when its level is too low.
_ADD, _MUL, _POW, _ATOM = 1, 2, 3, 4


@dataclass(frozen=True)
class Instruction:
    """One node of an expression: ``op`` applied to earlier nodes and constant operands.

    ``inputs`` index the expression's node list (the variables come first). ``constants``
    are plain numbers kept on the node: ``Instruction("add", (0,), (1.0,))`` is ``x + 1.0``,
    ``Instruction("pow", (0,), (3.0,))`` is ``x ** 3.0``. For ``dot`` the inputs are the
    first vector then the second.
    """

    op: str
    inputs: tuple[int, ...]
    constants: tuple[float, ...] = ()


class Expression:
    """An expression: variables, instructions over them, and a point (where it was drawn).

    >>> expr = Expression(
    ...     ("x", "y"),
    ...     [Instruction("mul", (0, 1)), Instruction("log", (2,)), Instruction("add", (3, 2))],
    ...     point=(1.5, 2.0),
    ... )
    >>> print(expr.source())
    def f(x, y):
        t1 = x * y
        return log(t1) + t1
    >>> expr.evaluate(1.5, 2.0) == math.log(3.0) + 3.0
    True
    >>> x, y = Value(1.5), Value(2.0)
    >>> expr.build(x, y).backward()
    >>> x.grad == 2.0 * (1 / 3.0 + 1)
    True
    """

    __slots__ = ("variables", "instructions", "point")

    variables: tuple[str, ...]
    instructions: tuple[Instruction, ...]
    point: tuple[float, ...]

    def __init__(
        self,
        variables: Sequence[str],
        instructions: Sequence[Instruction],
        point: Sequence[Number] | None = None,
    ) -> None:
        variables = tuple(variables)
        if not variables:
            raise ValueError("Expression: expected at least one variable, got none")
        for name in variables:
            if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"Expression: a variable name must be a Python identifier, got {name!r}")
            if name in _FUNCTIONS:
                raise ValueError(f"Expression: the variable name {name!r} would hide the function {name}()")
        if len(set(variables)) != len(variables):
            raise ValueError(f"Expression: variable names must be distinct, got {variables}")
        instructions = tuple(instructions)
        for k, ins in enumerate(instructions):
            _check_instruction(ins, k, len(variables) + k)
            if ins.op in variables:
                raise ValueError(f"Expression: the variable name {ins.op!r} would hide the op {ins.op}()")
        if point is None:
            point = (0.0,) * len(variables)
        point = tuple(check_number(p, "Expression: point") for p in point)
        if len(point) != len(variables):
            raise ValueError(
                f"Expression: the point needs one number per variable ({len(variables)}), got {len(point)}"
            )
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "instructions", instructions)
        object.__setattr__(self, "point", point)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Expression is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self.variables, self.instructions, self.point) == (
            other.variables,
            other.instructions,
            other.point,
        )

    def __hash__(self) -> int:
        return hash((self.variables, self.instructions, self.point))

    @property
    def size(self) -> int:
        """The number of operations (instructions)."""
        return len(self.instructions)

    @property
    def ops(self) -> frozenset[str]:
        """The names of the ops the expression uses."""
        return frozenset(ins.op for ins in self.instructions)

    def uses(self) -> list[int]:
        """How many times each node (variables first) is an input of a later node."""
        counts = [0] * (len(self.variables) + len(self.instructions))
        for ins in self.instructions:
            for i in ins.inputs:
                counts[i] += 1
        return counts

    # ------------------------------------------------------------------ interpreting
    def run(self, inputs: Sequence[T], apply: Callable[[Instruction, list[T]], T]) -> T:
        """Interpret the expression: ``apply(instruction, its input nodes)`` makes each node.

        The result is the last node (the first input when there are no instructions).
        """
        if len(inputs) != len(self.variables):
            raise TypeError(
                f"Expression: expected {len(self.variables)} inputs {self.variables}, got {len(inputs)}"
            )
        nodes = list(inputs)
        for ins in self.instructions:
            nodes.append(apply(ins, [nodes[i] for i in ins.inputs]))
        return nodes[-1] if self.instructions else nodes[0]

    def build(self, *inputs: Value | Number) -> Value:
        """The expression recorded as Values (numbers become constant leaves)."""
        return self.run([as_value(x) for x in inputs], _apply_value)

    __call__ = build

    def evaluate(self, *inputs: Number) -> float:
        """The expression on floats, with each op's forward from the rules table."""
        xs = [check_number(x, "Expression.evaluate") for x in inputs]
        return self.run(xs, _apply_float)

    # ------------------------------------------------------------------ printing
    def source(self, name: str = "f") -> str:
        """The expression as the source of a Python function.

        A node used more than once gets a name (``t1``, ``t2``, ...); every other node is
        written inline. The functions are the package's (``from autograd import exp, log,
        relu, tanh, sigmoid, reciprocal, add_n, dot``) and registered ops by their names, so
        the source computes the same graph on Values and the same numbers on floats.
        """
        if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"Expression.source: name must be a Python identifier, got {name!r}")
        n_vars = len(self.variables)
        uses = self.uses()
        taken = set(self.variables) | self.ops | _FUNCTIONS | {name}
        texts: list[tuple[str, int]] = [(v, _ATOM) for v in self.variables]
        lines = [f"def {name}({', '.join(self.variables)}):"]
        temp = 0
        for k, ins in enumerate(self.instructions):
            text = _format(ins, [texts[i] for i in ins.inputs])
            last = k == len(self.instructions) - 1
            if uses[n_vars + k] > 1 and not last:
                temp += 1
                while f"t{temp}" in taken:
                    temp += 1
                var = f"t{temp}"
                lines.append(f"    {var} = {text[0]}")
                texts.append((var, _ATOM))
            else:
                texts.append(text)
        lines.append(f"    return {texts[-1][0]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        at = ", ".join(f"{v}={p!r}" for v, p in zip(self.variables, self.point))
        head, _, body = self.source().partition("\n")
        return f"{head}  # drawn at {at}\n{body}"

    __str__ = __repr__


def _check_instruction(ins: object, k: int, available: int) -> None:
    """Raise ValueError unless ``ins`` is a well-formed instruction over ``available`` nodes."""
    if not isinstance(ins, Instruction):
        raise TypeError(f"Expression: instructions[{k}] must be an Instruction, got {type(ins).__name__}")
    where = f"Expression: instructions[{k}] ({ins.op!r})"
    if type(ins.op) is not str or not ins.op.isidentifier():
        raise ValueError(f"{where}: op must be an identifier str")
    if not isinstance(ins.inputs, tuple) or not ins.inputs:
        raise ValueError(f"{where}: inputs must be a non-empty tuple of node indices, got {ins.inputs!r}")
    for i in ins.inputs:
        if type(i) is not int or not 0 <= i < available:
            raise ValueError(
                f"{where}: input {i!r} is not an earlier node (expected an int in [0, {available}))"
            )
    if not isinstance(ins.constants, tuple) or not all(
        isinstance(c, int | float) and math.isfinite(c) for c in ins.constants
    ):
        raise ValueError(f"{where}: constants must be a tuple of finite numbers, got {ins.constants!r}")
    n, c = len(ins.inputs), len(ins.constants)
    if ins.op in ("add", "mul"):
        ok = (n, c) in ((2, 0), (1, 1))
        expected = "two inputs, or one input and one constant"
    elif ins.op == "pow":
        ok = (n, c) == (1, 1)
        expected = "one input and one constant exponent"
    elif ins.op == "dot":
        ok = c == 0 and n % 2 == 0
        expected = "an even number of inputs and no constant"
    else:
        ok = c == 0
        expected = "no constant"
    if not ok:
        raise ValueError(f"{where}: expected {expected}, got {n} inputs and {c} constants")


def domain_table(domains: Mapping[str, Domain] | None, who: str) -> dict[str, Domain]:
    """The built-in domains updated with ``domains`` (op name -> Domain), checked."""
    table = dict(BUILTIN_DOMAINS)
    if domains is not None:
        if not isinstance(domains, Mapping):
            raise TypeError(f"{who}: domains must map op names to Domain, got {type(domains).__name__}")
        for name, dom in domains.items():
            if not isinstance(dom, Domain):
                raise TypeError(f"{who}: domains[{name!r}] must be a Domain, got {type(dom).__name__}")
            table[name] = dom
    return table


def record(op: str, args: Sequence[Value], constants: Sequence[float] = ()) -> Value:
    """Record the node ``op(args, constants)`` with the same calls a user would write.

    ``constants`` are the node's constant operands (``add``/``mul`` by a number, ``pow``'s
    exponent); ``add_n`` and ``dot`` take all of ``args`` (``dot``: the first half times the
    second half).
    """
    cs = constants
    if op == "add":
        return args[0] + (cs[0] if cs else args[1])
    if op == "mul":
        return args[0] * (cs[0] if cs else args[1])
    if op == "pow":
        return args[0] ** cs[0]
    if op == "vpow":
        return args[0] ** args[1]
    if op == "relu":
        return args[0].relu()
    if op == "add_n":
        return ops.add_n(args)
    if op == "dot":
        half = len(args) // 2
        return ops.dot(args[:half], args[half:])
    return ops.apply(ops.get(op), *args)


def _apply_value(ins: Instruction, args: list[Value]) -> Value:
    """Record one instruction on Values."""
    return record(ins.op, args, ins.constants)


def _apply_float(ins: Instruction, args: list[float]) -> float:
    """One instruction on floats: the op's forward from the rules table."""
    return float(ops.get(ins.op).forward(*args, *ins.constants))


def _constant(c: float) -> str:
    return repr(float(c))


def _wrap(text: tuple[str, int], level: int) -> str:
    return text[0] if text[1] >= level else f"({text[0]})"


def _format(ins: Instruction, args: list[tuple[str, int]]) -> tuple[str, int]:
    """Source text of one instruction from its operands' texts, with its precedence level."""
    op, cs = ins.op, ins.constants
    if op == "add":
        left = _wrap(args[0], _ADD)
        if cs:
            c = float(cs[0])
            if c < 0 or (c == 0 and math.copysign(1.0, c) < 0):
                return f"{left} - {_constant(-c)}", _ADD
            return f"{left} + {_constant(c)}", _ADD
        return f"{left} + {_wrap(args[1], _MUL)}", _ADD
    if op == "mul":
        left = _wrap(args[0], _MUL)
        right = _constant(cs[0]) if cs else _wrap(args[1], _POW)
        return f"{left} * {right}", _MUL
    if op == "pow":
        return f"{_wrap(args[0], _ATOM)} ** {_constant(cs[0])}", _POW
    if op == "vpow":
        return f"{_wrap(args[0], _ATOM)} ** {_wrap(args[1], _ATOM)}", _POW
    if op == "add_n":
        return f"add_n([{', '.join(a[0] for a in args)}])", _ATOM
    if op == "dot":
        half = len(args) // 2
        xs = ", ".join(a[0] for a in args[:half])
        ys = ", ".join(a[0] for a in args[half:])
        return f"dot([{xs}], [{ys}])", _ATOM
    return f"{op}({', '.join(a[0] for a in args)})", _ATOM
