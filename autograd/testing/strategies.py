"""Hypothesis strategies for Values and random expressions (this module needs Hypothesis).

* :func:`reals`: finite floats in a range; :func:`values`: Values holding them.
* :func:`expressions`: random :class:`~autograd.testing.Expression` over the rules table,
  drawn together with a point where every op is inside its domain and away from its kinks,
  with shared sub-expressions. Test an op or a model the way this project tests itself:

  >>> from hypothesis import given
  >>> from autograd.testing import gradcheck
  >>> @given(expressions(ops=["mul", "tanh", "log"]))
  ... def test_gradients(expr):
  ...     assert gradcheck(expr.build, expr.point)
  >>> test_gradients()

Installed with the package, the ``hypothesis`` entry point (``autograd.testing._hypothesis``)
registers :func:`values` for ``Value`` and :func:`expressions` for ``Expression``, so
``st.from_type(Value)`` works.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from autograd import ops as _ops
from autograd._numbers import check_number
from autograd.testing.expression import Domain, Expression, Instruction, domain_table
from autograd.value import Value

__all__ = ["reals", "values", "expressions", "MARGIN", "BOUND"]

MARGIN = 0.1
"""Drawn expressions keep every argument that must be positive at least this large, and every
argument with a kink at least this far from it (at the drawn point)."""
BOUND = 100.0
"""Every node of a drawn expression has ``|value| <= BOUND`` at the drawn point (except the final
sum of otherwise unused nodes)."""

_EXPONENTS = (2.0, 3.0, -1.0, 0.5, 1.5, -2.0)  # for pow (first: what examples shrink to)
_CONSTANTS = (None, None, 2.0, -1.0, 0.5, -3.0)  # for add and mul; None: a node operand
_OFFSETS = (1.0, 0.5, MARGIN)  # c in the guard u * u + c that makes an argument positive
_KINK_SHIFT = 0.5  # an argument too close to a kink p is moved to about p + 0.5 or p - 0.5


def _bounds(min_value: object, max_value: object, who: str) -> tuple[float, float]:
    lo = check_number(min_value, f"{who}: min_value")
    hi = check_number(max_value, f"{who}: max_value")
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ValueError(
            f"{who}: expected finite min_value <= max_value, "
            f"got min_value={min_value!r}, max_value={max_value!r}"
        )
    return lo, hi


def reals(min_value: float = -1e3, max_value: float = 1e3) -> SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]`` (no nan, no infinities)."""
    lo, hi = _bounds(min_value, max_value, "reals")
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def values(min_value: float = -1e3, max_value: float = 1e3, *, label: str = "") -> SearchStrategy[Value]:
    """Leaf Values holding :func:`reals` in ``[min_value, max_value]``, with ``label``."""
    if type(label) is not str:
        raise TypeError(f"values: label must be a str, got {type(label).__name__}")
    return reals(min_value, max_value).map(lambda x: Value(x, label))


@dataclass(frozen=True)
class _Op:
    """An op the strategy may draw: its rules-table entry and what is known of its domain."""

    prim: _ops.Primitive
    domain: Domain

    @property
    def name(self) -> str:
        return self.prim.name


def _variables(variables: int | Sequence[str]) -> tuple[str, ...]:
    if isinstance(variables, bool) or not isinstance(variables, int | Sequence) or isinstance(variables, str):
        raise TypeError(
            "expressions: variables must be a number of variables or a sequence of names, "
            f"got {type(variables).__name__}: {variables!r:.80}"
        )
    if isinstance(variables, int):
        if variables < 1:
            raise ValueError(f"expressions: expected at least one variable, got {variables}")
        if variables <= 3:
            return ("x", "y", "z")[:variables]
        return tuple(f"x{i}" for i in range(variables))
    names = tuple(variables)
    Expression(names, [])  # raises for names that are not distinct identifiers
    return names


def _op_table(names: Iterable[str] | None, domains: Mapping[str, Domain] | None) -> tuple[_Op, ...]:
    table = _ops.primitives()
    if names is None:
        chosen = sorted(table)
    else:
        if isinstance(names, str):
            raise TypeError(f"expressions: ops must be a collection of op names, got the str {names!r}")
        chosen = list(dict.fromkeys(names))
        if not chosen:
            raise ValueError("expressions: ops must name at least one op, got none")
        for name in chosen:
            if name not in table:
                raise ValueError(
                    f"expressions: no op {name!r} in the rules table; registered ops: {sorted(table)}"
                )
    known = domain_table(domains, "expressions")
    return tuple(_Op(table[n], known.get(n, Domain())) for n in chosen)


@dataclass(frozen=True)
class _Draft:
    """One drawn operation before it meets the values: operands are picks modulo the node count."""

    op: _Op
    picks: tuple[int, ...]
    constants: tuple[float, ...]
    offset: float  # for the positivity guard
    side: float  # +1.0 or -1.0: which side of a kink an argument is moved to


#: Constants drawn for an op's ``params`` (keyed by op name); other ops draw from _PARAMS.
_CONSTANT_CHOICES: dict[str, tuple[float, ...]] = {"pow": _EXPONENTS}
_PARAMS = (2.0, -1.0, 0.5, -3.0)


@st.composite
def _drafts(draw: st.DrawFn, table: tuple[_Op, ...]) -> _Draft:
    op = draw(st.sampled_from(table))
    prim = op.prim
    n = prim.groups * draw(st.integers(1, 3)) if prim.groups else prim.inputs
    constants: list[float] = []
    if prim.params:
        choices = _CONSTANT_CHOICES.get(prim.name, _PARAMS)
        constants = [draw(st.sampled_from(choices)) for _ in range(prim.params)]
    elif prim.constants and n >= 2:  # the last operand may be a number kept on the node
        constant = draw(st.sampled_from(_CONSTANTS))
        if constant is not None:
            constants = [constant]
            n -= 1
    picks = tuple(draw(st.integers(0, 255)) for _ in range(n))
    offset = side = 0.0
    dom = op.domain
    if dom.bounds():
        offset = draw(st.sampled_from(_OFFSETS))
    if dom.kinks or dom.ties or dom.poles:
        side = 1.0 if draw(st.booleans()) else -1.0
    return _Draft(op, picks, tuple(constants), offset, side)


class _Builder:
    """Grows the instruction list, keeping each new node's value valid at the point."""

    def __init__(self, point: tuple[float, ...]) -> None:
        self.values: list[float] = list(point)
        self.instructions: list[Instruction] = []

    def _push(self, pending: list[tuple[Instruction, float]], ins: Instruction, value: float) -> int:
        pending.append((ins, value))
        return len(self.values) + len(pending) - 1

    def _value(self, pending: list[tuple[Instruction, float]], i: int) -> float:
        n = len(self.values)
        return self.values[i] if i < n else pending[i - n][1]

    def add(self, draft: _Draft) -> None:
        """Append the draft's op (and the guards its arguments need), or nothing if it fails."""
        op = draft.op
        pending: list[tuple[Instruction, float]] = []
        n = len(self.values)
        # the first operand counts back from the newest node (so chains grow deep), the
        # others count from the first variable (so earlier nodes get used again)
        args = [n - 1 - draft.picks[0] % n, *(p % n for p in draft.picks[1:])]
        dom = op.domain
        for j, bound in dom.bounds():  # an argument that must exceed a bound: u * u + bound + c
            if j < len(args) and not self._value(pending, args[j]) >= bound + MARGIN:
                u = args[j]
                v = self._value(pending, u)
                sq = self._push(pending, Instruction("mul", (u, u)), v * v)
                c = bound + draft.offset
                args[j] = self._push(pending, Instruction("add", (sq,), (c,)), v * v + c)
        consts = draft.constants
        for _ in range(len(args) + 1):  # an argument near a kink, a tie or a pole: move it away
            operands = [self._value(pending, a) for a in args] + list(consts)
            near = [
                (j, p) for j, p in dom.singular(operands) if j < len(args) and abs(operands[j] - p) < MARGIN
            ]
            if not near:
                break
            j, p = near[0]
            shift = round(p + draft.side * _KINK_SHIFT - operands[j], 1)
            args[j] = self._push(pending, Instruction("add", (args[j],), (shift,)), operands[j] + shift)
        ins = Instruction(op.name, tuple(args), consts)
        xs = [self._value(pending, a) for a in args]
        try:
            value = float(op.prim.forward(*xs, *consts))
            slopes = [float(d) for d in op.prim.derivative(value, *xs, *consts)]
        except (ArithmeticError, ValueError, TypeError):
            return  # outside the op's domain (an op we know nothing about): skip it
        if not all(math.isfinite(d) for d in slopes):
            return
        self._push(pending, ins, value)
        for j, p in dom.points([*xs, *consts]):
            if j < len(args) and abs(xs[j] - p) < MARGIN:
                return  # a declared kink we could not move away from
        if all(math.isfinite(v) and abs(v) <= BOUND for _, v in pending):
            for ins_, v in pending:
                self.instructions.append(ins_)
                self.values.append(v)

    def finish(self, n_vars: int) -> list[Instruction]:
        """The instructions, with every operation the last one does not use added to the output."""
        used = [False] * len(self.values)
        for ins in self.instructions:
            for i in ins.inputs:
                used[i] = True
        out = len(self.values) - 1
        for i in range(n_vars, len(self.values) - 1):
            if not used[i]:
                self.instructions.append(Instruction("add", (out, i)))
                out = n_vars + len(self.instructions) - 1
        return self.instructions


@st.composite
def _expressions(
    draw: st.DrawFn,
    names: tuple[str, ...],
    drafts: SearchStrategy[list[_Draft]],
    coordinates: SearchStrategy[float],
) -> Expression:
    point = tuple(draw(coordinates) for _ in names)
    builder = _Builder(point)
    for draft in draw(drafts):
        builder.add(draft)
    return Expression(names, builder.finish(len(names)), point)


def expressions(
    variables: int | Sequence[str] = 2,
    *,
    ops: Iterable[str] | None = None,
    min_size: int = 1,
    max_size: int = 6,
    min_value: float = -3.0,
    max_value: float = 3.0,
    domains: Mapping[str, Domain] | None = None,
) -> SearchStrategy[Expression]:
    """Random expressions over the rules table, each with the point it is valid at.

    ``variables``: how many (named ``x, y, z``, or ``x0, x1, ...`` past three) or their
    names. ``ops``: the names of the ops to draw from; by default every op in the rules
    table when this is called, user-registered ops included. ``min_size`` and
    ``max_size``: how many operations to draw. ``min_value`` and ``max_value``: the range
    of the point's coordinates (``expr.point``). ``domains`` maps your ops to their
    :class:`~autograd.testing.Domain`, so that their arguments get the same care as the
    built-in ones'.

    At the point, every argument of log, reciprocal, pow (base) and vpow (base) is at least
    ``MARGIN`` (an argument that is not becomes ``u * u + c``), every argument of relu is
    at least ``MARGIN`` from 0 (moved by adding a constant), and every node is finite with
    ``|value| <= BOUND`` and finite local derivatives. A drawn operation that would break
    this (or whose forward raises) is left out, so an expression can have fewer operations
    than drawn. ``add`` and ``mul`` can appear when not asked for: in those guards, and
    (``add``) where the output sums the operations that nothing else uses. Operands are
    drawn from all earlier nodes, so a node is often used more than once.
    """
    names = _variables(variables)
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if type(value) is not int or value < 0:
            raise ValueError(f"expressions: {name} must be an int >= 0, got {value!r}")
    if min_size > max_size:
        raise ValueError(f"expressions: expected min_size <= max_size, got {min_size} > {max_size}")
    lo, hi = _bounds(min_value, max_value, "expressions")
    table = _op_table(ops, domains)
    drafts = st.lists(_drafts(table), min_size=min_size, max_size=max_size)
    strategy = _expressions(names, drafts, st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    if min_size:
        return strategy.filter(lambda e: e.size > 0)
    return strategy
