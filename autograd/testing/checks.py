"""gradcheck and gradgradcheck: backward against central finite differences, naming the faulty op.

When the gradients of ``f`` disagree with finite differences, the report does not stop at
"input 0 disagrees": it checks every node of ``f``'s graph on its own, comparing the local
derivative stored on the node (what ``backward()`` multiplies by) with a finite difference
of the op's forward from the rules table, and names the first op whose rule disagrees. If
instead the inputs put an op on a point where it is not differentiable (relu at 0), the
report says so rather than blaming a rule; and if every rule agrees, it says the graph
itself is at fault (``f`` reading ``.data``, for instance).

Nothing here needs Hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from autograd import ops
from autograd._numbers import check_number
from autograd.errors import GradcheckError
from autograd.functional import grad
from autograd.graph import grads_kept, topological_order
from autograd.testing.expression import Domain, domain_table
from autograd.value import Value

__all__ = [
    "GradcheckError",
    "Disagreement",
    "RuleDisagreement",
    "Kink",
    "gradcheck",
    "gradgradcheck",
    "numerical_grad",
]

_MAX_LISTED = 5  # ops listed in a report beyond the first
_NOISE = 8 * 2.0**-52  # rounding noise of one forward evaluation, relative to its value


# --------------------------------------------------------------------------- the report
@dataclass(frozen=True)
class Disagreement:
    """One derivative of ``f`` whose backward value and finite difference disagree.

    ``index`` is ``(i,)`` for d f/d inputs[i], and ``(j, i)`` for d/d inputs[i] of
    d f/d inputs[j] (gradgradcheck). When a second ``backward()`` adds different amounts,
    ``analytical`` is what it added and ``numerical`` what the first one did; when
    ``backward(0.0)`` adds something, ``analytical`` is that and ``numerical`` is 0.
    """

    index: tuple[int, ...]
    analytical: float
    numerical: float

    @property
    def name(self) -> str:
        """``x[i]``, or ``d/dx[i] of df/dx[j]`` for a second derivative."""
        if len(self.index) == 1:
            return f"x[{self.index[0]}]"
        return f"d/dx[{self.index[1]}] of df/dx[{self.index[0]}]"


@dataclass(frozen=True)
class RuleDisagreement:
    """A node whose own rule disagrees with a finite difference of the rules table's functions.

    ``position`` counts the operations of the graph in evaluation order, from 1. ``args``
    are the node's inputs then its constant operands. With ``order == 1``, ``rule`` is the
    stored d out/d input ``wrt_input`` and ``numerical`` a finite difference of the op's
    forward. With ``order == 2``, ``rule`` is d/d input ``second_input`` of that derivative
    as the rule computes it on Values, and ``numerical`` a finite difference of the rule on
    floats. ``label`` is the node's label. ``inside`` names the op at ``position`` whose
    derivative rule, evaluated on Values, recorded this op (gradgradcheck: the outer rule is
    right, an op it uses has a wrong first-order rule); "" otherwise.
    """

    op: str
    position: int
    args: tuple[float, ...]
    wrt_input: int
    rule: float
    numerical: float
    order: int = 1
    second_input: int = 0
    label: str = ""
    inside: str = ""  # the op whose derivative rule (evaluated on Values) used this op

    def describe(self) -> str:
        """One line: which derivative of which node, the rule's value and the difference's."""
        if self.order == 1:
            what = f"d out/d input {self.wrt_input}"
            how = "a finite difference of its forward"
        else:
            what = f"d/d input {self.second_input} of (d out/d input {self.wrt_input})"
            how = "a finite difference of the rule on floats"
        return f"{what}: the rule gives {_num(self.rule)}, {how} gives {_num(self.numerical)}"


@dataclass(frozen=True)
class Kink:
    """An op whose input lies within the finite-difference step of a point where it is not smooth."""

    op: str
    position: int
    input: int
    value: float
    point: float


# --------------------------------------------------------------------------- arguments
def _inputs(inputs: object, who: str) -> list[float]:
    if isinstance(inputs, str | bytes) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"{who}: inputs must be a sequence of real numbers (one per argument of f), "
            f"got {type(inputs).__name__}: {inputs!r:.80}"
        )
    if not inputs:
        raise ValueError(f"{who}: expected at least one input number, got an empty {type(inputs).__name__}")
    xs = [check_number(x, f"{who}: inputs[{i}]") for i, x in enumerate(inputs)]
    for i, x in enumerate(xs):
        if not math.isfinite(x):
            raise ValueError(f"{who}: inputs[{i}] must be finite, got {x!r}")
    return xs


def _settings(f: object, eps: object, atol: object, rtol: object, who: str) -> None:
    if not callable(f):
        raise TypeError(f"{who}: f must be callable (taking one Value per input), got {type(f).__name__}")
    for name, value, low in (("eps", eps, "> 0"), ("atol", atol, ">= 0"), ("rtol", rtol, ">= 0")):
        x = check_number(value, f"{who}: {name}")
        if not math.isfinite(x) or x < 0 or (low == "> 0" and x == 0):
            raise ValueError(f"{who}: {name} must be a finite number {low}, got {value!r}")


def _output(f: Callable[..., Any], xs: Sequence[float], who: str) -> tuple[list[Value], Value]:
    """Call ``f`` on fresh leaves holding ``xs``; its result must be a finite Value."""
    vs = [Value(x) for x in xs]
    out = f(*vs)
    if not isinstance(out, Value):
        raise TypeError(f"{who}: f must return a Value, got {type(out).__name__}: {out!r:.80}")
    if not math.isfinite(out.data):
        raise ValueError(f"{who}: f{tuple(xs)} = {out.data!r}; gradients are checked where f is finite")
    return vs, out


def _close(a: float, n: float, atol: float, rtol: float) -> bool:
    if a == n:
        return True
    return abs(a - n) <= atol + rtol * abs(n)  # False when either is nan


# --------------------------------------------------------------------------- differences
def _differences(
    fun: Callable[[list[float]], tuple[list[float], Value | None]],
    xs: list[float],
    eps: float,
    who: str,
) -> tuple[list[list[float]], list[Value | None], list[Value | None]]:
    """Central differences of the vector ``fun(xs)[0]`` in each input: one column per input.

    Also returns the graphs recorded at ``xs + eps`` and ``xs - eps`` (for kink detection).
    """
    columns: list[list[float]] = []
    ups: list[Value | None] = []
    downs: list[Value | None] = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        results = []
        for point, sign in ((up, "+"), (down, "-")):
            try:
                results.append(fun(point))
            except (ArithmeticError, ValueError) as e:
                raise ValueError(
                    f"{who}: f raised {type(e).__name__} at inputs[{i}] {sign} eps = {point[i]!r} ({e}); "
                    "finite differences need f defined within eps of the inputs"
                ) from e
        (f_up, g_up), (f_down, g_down) = results
        step = up[i] - down[i]  # the step actually taken, after rounding
        columns.append([(a - b) / step for a, b in zip(f_up, f_down)])
        ups.append(g_up)
        downs.append(g_down)
    return columns, ups, downs


def _value_of(out: object, who: str) -> float:
    if isinstance(out, Value):
        return out.data
    return check_number(out, f"{who}: the result of f")


def numerical_grad(f: Callable[..., Any], inputs: Sequence[float], *, eps: float = 1e-6) -> tuple[float, ...]:
    """d f/d inputs[i] for each i by central finite differences: ``(f(x + eps) - f(x - eps)) / 2eps``.

    ``f`` takes one Value per input and returns a Value (or a number).

    >>> numerical_grad(lambda x, y: x * y + y, [3.0, 2.0])  # doctest: +ELLIPSIS
    (2.0..., 4.0...)
    """
    who = "numerical_grad"
    xs = _inputs(inputs, who)
    _settings(f, eps, 0.0, 0.0, who)

    def fun(point: list[float]) -> tuple[list[float], Value | None]:
        return [_value_of(f(*[Value(x) for x in point]), who)], None

    columns, _, _ = _differences(fun, xs, float(eps), who)
    return tuple(c[0] for c in columns)


# --------------------------------------------------------------------------- gradcheck
def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    domains: Mapping[str, Domain] | None = None,
) -> bool:
    """Check backward's gradients of ``f`` at ``inputs`` against central finite differences.

    ``f`` takes one Value per input number and returns a Value. An analytical gradient ``a``
    passes when ``|a - n| <= atol + rtol * |n|`` for the numerical one ``n``. Then a second
    ``backward()`` must add the same gradients again, and ``backward(0.0)`` must add zeros.
    Every ``.grad`` of ``f``'s graph is left as it was.

    Returns True, or raises :class:`GradcheckError` with a report: the disagreeing inputs,
    analytical beside numerical, and the first op whose own rule disagrees with a finite
    difference of its forward, or the ops that the inputs put on a non-differentiable point
    (relu at 0). ``domains`` tells it about the kinks of your own ops (see
    :class:`~autograd.testing.Domain`); the built-in ops are known.

    >>> gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.5, 2.0])
    True
    """
    who = "gradcheck"
    xs = _inputs(inputs, who)
    _settings(f, eps, atol, rtol, who)
    eps, atol, rtol = float(eps), float(atol), float(rtol)
    table = domain_table(domains, who)
    vs, out = _output(f, xs, who)
    order = topological_order(out)
    with grads_kept(order):
        out.backward()
        first = [v.grad for v in vs]
        out.backward()
        second = [v.grad - g for v, g in zip(vs, first)]
    with grads_kept(order):
        out.backward(0.0)
        zero = [v.grad for v in vs]

    def fun(point: list[float]) -> tuple[list[float], Value | None]:
        _, y = _output(f, point, who)
        return [y.data], y

    columns, ups, downs = _differences(fun, xs, eps, who)
    numerical = [c[0] for c in columns]
    bad = [
        Disagreement((i,), a, n)
        for i, (a, n) in enumerate(zip(first, numerical))
        if not _close(a, n, atol, rtol)
    ]
    if bad:
        near: list[Kink] = []
        rules = _local_rules(out, eps, atol, rtol, table, near)
        kinks = _kinks(out, [d.index[-1] for d in bad], ups, downs, eps, table, near)
        raise _report(who, "backward's gradients", xs, bad, rules, kinks, eps, atol, rtol)
    repeat = [
        Disagreement((i,), b, a)
        for i, (a, b) in enumerate(zip(first, second))
        if not _close(b, a, 0.0, 1e-12)
    ]
    if repeat:
        rows = "\n".join(
            f"  {d.name:<8} first {_num(d.numerical):<20} second {_num(d.analytical)}" for d in repeat
        )
        raise GradcheckError(
            f"{who}: a second backward() added different gradients than the first at inputs {tuple(xs)}; "
            "gradients stored by the first pass must not enter the chain rule:\n" + rows,
            disagreements=repeat,
        )
    nonzero = [Disagreement((i,), z, 0.0) for i, z in enumerate(zero) if z != 0.0]
    if nonzero:
        rows = "\n".join(f"  {d.name:<8} {_num(d.analytical)}" for d in nonzero)
        raise GradcheckError(
            f"{who}: backward(0.0) (a zero upstream gradient) changed gradients at inputs {tuple(xs)}; "
            "expected zeros (an infinite or nan local derivative gives nan):\n" + rows,
            disagreements=nonzero,
        )
    return True


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    domains: Mapping[str, Domain] | None = None,
) -> bool:
    """Check second derivatives of ``f`` at ``inputs``, through ``grad(..., create_graph=True)``.

    First runs :func:`gradcheck`. Then the first derivatives recorded by
    ``grad(f(...), inputs, create_graph=True)`` must equal ``grad``'s plain ones, and their
    own gradients (the Hessian, row by row) must agree with central differences of the first
    derivatives. On a mismatch the report names the first op whose derivative rule,
    evaluated on Values, disagrees with a finite difference of the same rule on floats: a
    rule written with ``math.cos`` instead of an autograd function gives correct first
    derivatives and wrong second ones.

    >>> gradgradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.5, 2.0])
    True
    """
    who = "gradgradcheck"
    gradcheck(f, inputs, eps=eps, atol=atol, rtol=rtol, domains=domains)
    xs = _inputs(inputs, who)
    eps, atol, rtol = float(eps), float(atol), float(rtol)
    table = domain_table(domains, who)
    vs, out = _output(f, xs, who)
    firsts = grad(out, vs, create_graph=True)
    plain = grad(out, vs)
    differ = [
        Disagreement((i,), d.data, p)
        for i, (d, p) in enumerate(zip(firsts, plain))
        if not _close(d.data, p, atol, rtol)
    ]
    if differ:
        rows = "\n".join(f"  {d.name:<8} {_num(d.analytical):<24} {_num(d.numerical)}" for d in differ)
        raise GradcheckError(
            f"{who}: grad(create_graph=True) and grad() give different first derivatives at inputs "
            f"{tuple(xs)} (create_graph, then plain):\n" + rows,
            disagreements=differ,
        )
    hessian = [grad(d, vs) for d in firsts]

    def fun(point: list[float]) -> tuple[list[float], Value | None]:
        ps, y = _output(f, point, who)
        return list(grad(y, ps)), y

    columns, ups, downs = _differences(fun, xs, eps, who)
    n = len(xs)
    bad = [
        Disagreement((j, i), hessian[j][i], columns[i][j])
        for j in range(n)
        for i in range(n)
        if not _close(hessian[j][i], columns[i][j], atol, rtol)
    ]
    if bad:
        near: list[Kink] = []
        rules = _local_second_rules(out, eps, atol, rtol, table, near)
        kinks = _kinks(out, sorted({d.index[-1] for d in bad}), ups, downs, eps, table, near)
        raise _report(who, "second derivatives", xs, bad, rules, kinks, eps, atol, rtol)
    return True


# --------------------------------------------------------------------------- diagnosis
def _operations(out: Value) -> list[tuple[int, Value]]:
    """The operation nodes of ``out``'s graph in evaluation order, numbered from 1.

    Evaluation order is the order in which Python evaluates an expression written out in
    full: operands left to right, each before the op that uses it (a depth-first
    post-order over parents in argument order, with an explicit stack).
    """
    order: list[Value] = []
    entered = {out}
    stack = [(out, iter(out.parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if p not in entered:  # in a DAG an entered node is already listed
                entered.add(p)
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            if not node.is_leaf():
                order.append(node)
    return list(enumerate(order, start=1))


def _difference(g: Callable[[float], float], x: float, h: float) -> float | None:
    """g'(x) by a central difference (one-sided if g is undefined on one side); None if neither works."""
    values: dict[float, float] = {}

    def at(t: float) -> float | None:
        if t not in values:
            try:
                values[t] = float(g(t))
            except (ArithmeticError, ValueError):
                return None
        y = values[t]
        return y if math.isfinite(y) else None

    for lo, hi in ((x - h, x + h), (x, x + h), (x - h, x)):
        a, b = at(lo), at(hi)
        if a is not None and b is not None and hi != lo:
            return (b - a) / (hi - lo)
    return None


def _noise(g: Callable[[float], float], x: float, h: float) -> float:
    """The rounding error a difference of ``g`` with step ``h`` can carry."""
    try:
        return _NOISE * abs(float(g(x))) / h
    except (ArithmeticError, ValueError):
        return 0.0


def _moving(g: Callable[..., Any], args: Sequence[float], j: int) -> Callable[[float], float]:
    """``t -> g(*args)`` with ``args[j]`` replaced by ``t``, as a float."""

    def at(t: float) -> float:
        a = list(args)
        a[j] = t
        return float(g(*a))

    return at


def _operand_data(node: Value) -> tuple[list[float], list[int]]:
    """The numbers of a node's operands (parents and constants, in order) and the positions
    of its parents among them."""
    operands = node.operands
    data = [o.data if isinstance(o, Value) else float(o) for o in operands]
    return data, [i for i, o in enumerate(operands) if isinstance(o, Value)]


def _rule_on_floats(prim: ops.Primitive, j: int, *data: float) -> float:
    """The rule's d out/d operand ``j`` evaluated on floats at the operands ``data``."""
    return float(prim.derivative(prim.forward(*data), *data)[j])


def _near_kink(points: Sequence[tuple[int, float]], j: int, x: float, h: float) -> float | None:
    for idx, p in points:
        if idx == j and abs(x - p) <= h:
            return p
    return None


def _local_rules(
    out: Value, eps: float, atol: float, rtol: float, table: Mapping[str, Domain], kinks: list[Kink]
) -> list[RuleDisagreement]:
    """Nodes whose stored local derivatives disagree with a finite difference of the op's forward.

    A node whose input is within the local step of one of its op's kinks is not compared:
    it is appended to ``kinks`` instead.
    """
    found: list[RuleDisagreement] = []
    for pos, node in _operations(out):
        try:
            prim = ops.get(node.op)
        except NotImplementedError:
            continue  # no rule to compare with: the report cannot blame it
        args, positions = _operand_data(node)
        points = table.get(node.op, Domain()).points(args)
        for j, stored in zip(positions, node.local_grads):
            h = eps * max(1.0, abs(args[j]))
            p = _near_kink(points, j, args[j], h)
            if p is not None:
                kinks.append(Kink(node.op, pos, j, args[j], p))  # not a wrong rule
                continue

            forward = _moving(prim.forward, args, j)
            num = _difference(forward, args[j], h)
            if num is None:
                continue
            if not _close(float(stored), num, atol + _noise(forward, args[j], h), rtol):
                found.append(
                    RuleDisagreement(node.op, pos, tuple(args), j, float(stored), num, label=node.label)
                )
    return found


def _local_second_rules(
    out: Value, eps: float, atol: float, rtol: float, table: Mapping[str, Domain], kinks: list[Kink]
) -> list[RuleDisagreement]:
    """Nodes whose derivative rule, evaluated on Values, has the wrong derivative itself.

    Nodes near one of their op's kinks are appended to ``kinks`` instead.
    """
    found: list[RuleDisagreement] = []
    for pos, node in _operations(out):
        try:
            prim = ops.get(node.op)
        except NotImplementedError:
            continue
        data, positions = _operand_data(node)
        points = table.get(node.op, Domain()).points(data)
        operands: list[Any] = list(data)
        for k in positions:
            operands[k] = Value(data[k])
        ins = [operands[k] for k in positions]
        try:
            out = ops.apply(prim, *operands)
            derivs = ops.parent_partials(prim, operands, prim.derivative(out, *operands))
        except (ArithmeticError, ValueError, TypeError):
            continue
        inner_seen: set[tuple[str, tuple[float, ...], int]] = set()
        inner_found = False
        for dj in derivs:  # an op used by the rule may be the one at fault, at first order
            if not isinstance(dj, Value):
                continue
            for r in _local_rules(dj, eps, atol, rtol, table, []):
                if (r.op, r.args, r.wrt_input) not in inner_seen:
                    inner_seen.add((r.op, r.args, r.wrt_input))
                    found.append(replace(r, position=pos, inside=node.op, label=node.label))
                    inner_found = True
        if inner_found:
            continue
        for j, dj in zip(positions, derivs):
            analytical = grad(dj, ins) if isinstance(dj, Value) else (0.0,) * len(ins)
            for a, k in zip(analytical, positions):
                h = eps * max(1.0, abs(data[k]))
                p = _near_kink(points, k, data[k], h)
                if p is not None:
                    kinks.append(Kink(node.op, pos, k, data[k], p))
                    continue

                rule = _moving(partial(_rule_on_floats, prim, j), data, k)
                num = _difference(rule, data[k], h)
                if num is None:
                    continue
                if not _close(a, num, atol + _noise(rule, data[k], h), rtol):
                    found.append(RuleDisagreement(node.op, pos, tuple(data), j, a, num, 2, k, node.label))
    return found


def _kinks(
    out: Value,
    columns: Sequence[int],
    ups: Sequence[Value | None],
    downs: Sequence[Value | None],
    eps: float,
    table: Mapping[str, Domain],
    near: Sequence[Kink],
) -> list[Kink]:
    """Ops whose input the finite differences in ``columns`` carried across (or onto) a kink.

    When the graphs recorded at ``x + eps`` and ``x - eps`` have the same shape as the one
    at ``x``, an input that lies on a kink at any of the three points, or on opposite
    sides of it, is reported. Otherwise (``f`` branched), inputs within ``eps`` of a kink.
    The kinks in ``near`` (found by the local checks) are reported too.
    """
    base = _operations(out)
    found: dict[tuple[int, int], Kink] = {(k.position, k.input): k for k in near}
    for i in columns:
        up, down = ups[i], downs[i]
        shifted: list[tuple[list[tuple[int, Value]], ...]] = []
        if up is not None and down is not None:
            u, d = _operations(up), _operations(down)
            if _same_shape(base, u) and _same_shape(base, d):
                shifted = [(u, d)]
        for n, (pos, node) in enumerate(base):
            dom = table.get(node.op)
            if dom is None:
                continue
            data, _ = _operand_data(node)
            for j, p in dom.points(data):
                if j >= len(data):
                    continue
                x = data[j]
                if shifted:
                    u, d = shifted[0]
                    seen = (x, _operand_data(u[n][1])[0][j], _operand_data(d[n][1])[0][j])
                    hit = min(seen) <= p <= max(seen)
                else:
                    hit = abs(x - p) <= eps
                if hit:
                    found.setdefault((pos, j), Kink(node.op, pos, j, x, p))
    return [found[key] for key in sorted(found)]


def _same_shape(a: list[tuple[int, Value]], b: list[tuple[int, Value]]) -> bool:
    return len(a) == len(b) and all(
        x.op == y.op and len(x.parents) == len(y.parents) for (_, x), (_, y) in zip(a, b)
    )


def _num(x: float) -> str:
    """A number in a report: 12 significant digits are plenty to compare with a tolerance."""
    return f"{x:.12g}"


def _call_text(op: str, args: Sequence[float]) -> str:
    return f"{op}({', '.join(repr(a) for a in args)})"


def _report(
    who: str,
    what: str,
    xs: list[float],
    bad: list[Disagreement],
    rules: list[RuleDisagreement],
    kinks: list[Kink],
    eps: float,
    atol: float,
    rtol: float,
) -> GradcheckError:
    width = max(8, *(len(d.name) for d in bad))
    lines = [
        f"{who}: {what} disagree with central finite differences at inputs {tuple(xs)} "
        f"(eps={eps!r}, atol={atol!r}, rtol={rtol!r}):",
        f"  {'input' if len(bad[0].index) == 1 else 'derivative':<{width}}  {'analytical':<24} numerical",
    ]
    lines += [f"  {d.name:<{width}}  {_num(d.analytical):<24} {_num(d.numerical)}" for d in bad]
    if rules:
        first = rules[0]
        kind = "rule" if first.order == 1 else "derivative rule, evaluated on Values,"
        if first.inside:
            lines.append(
                f"The first op whose own rule disagrees with finite differences is {first.op!r}, "
                f"used by the derivative rule of {first.inside!r} (operation {first.position} in "
                f"evaluation order), at {_call_text(first.op, first.args)}:"
            )
        else:
            lines.append(
                f"The first op whose own {kind} disagrees with finite differences is {first.op!r} "
                f"(operation {first.position} in evaluation order, {_call_text(first.op, first.args)}"
                + (f", labelled {first.label!r}):" if first.label else "):")
            )
        lines += [
            f"  {r.describe()}" for r in rules if r.position == first.position and r.op == first.op
        ]
        if first.order == 2:
            lines.append(
                "  (a derivative rule must be built from autograd operations to be differentiable: "
                "math.cos(x) of a Value gives a constant)"
            )
        others = [r for r in rules if r.position != first.position]
        if others:
            listed = list(dict.fromkeys((r.op, r.position) for r in others))
            more = ", ".join(f"{op!r} (operation {pos})" for op, pos in listed[:_MAX_LISTED])
            extra = f" and {len(listed) - _MAX_LISTED} more" if len(listed) > _MAX_LISTED else ""
            lines.append(f"Other ops whose rules disagree: {more}{extra}.")
    if kinks:
        lines.append(
            "The inputs put these ops within the finite-difference step of a point where they are "
            "not differentiable, so finite differences mean nothing there (not a wrong rule):"
        )
        lines += [
            f"  {k.op!r} (operation {k.position}): its input {k.input} is {_num(k.value)}; "
            f"it is not differentiable at {_num(k.point)}"
            for k in kinks
        ]
    if not rules and not kinks:
        lines.append(
            "Every op's own rule agrees with finite differences, so the graph is at fault: f may read "
            ".data or float() of a Value, make a new Value from a number it computed, or take "
            "another branch for the perturbed inputs."
        )
    return GradcheckError("\n".join(lines), disagreements=bad, rules=rules, kinks=kinks)
