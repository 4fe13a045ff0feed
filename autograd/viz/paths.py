"""The chain rule as a sum over paths: ``explain(output, input)``, and backward replayed step
by step (:func:`backward_steps`, what the step-through viewer plays).

d output / d input is the sum, over every path from ``input`` to ``output``, of the product
of the local derivatives along the path. A Value used twice is two paths: in ``x * x`` the
two edges from ``x`` each carry ``x``, so d(x*x)/dx = x + x.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x
>>> y.label = "y"
>>> e = explain(y, x)
>>> [p.product for p in e.paths], e.total
([3.0, 3.0], 6.0)
>>> print(e)
dy/dx = 6 (as backward computes it), the sum over 2 paths from x to y:
  #  path    local derivatives  product
  1  x -> y  3                  3
  2  x -> y  3                  3
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from autograd.errors import GraphTooLargeError
from autograd.graph import topological_order
from autograd.value import Value
from autograd.viz._labels import node_name, number
from autograd.viz._select import check_root

__all__ = [
    "DEFAULT_MAX_PATHS", "Path", "Explanation", "Step", "explain", "count_paths", "iter_paths",
    "backward_steps",
]

DEFAULT_MAX_PATHS = 500
"""``explain`` refuses to list more paths than this unless ``max_paths`` says otherwise."""


@dataclass(frozen=True)
class Path:
    """One path from the input to the output.

    ``nodes`` runs input first, output last; ``positions[i]`` is the argument position at
    which ``nodes[i]`` enters ``nodes[i + 1]`` (the two edges of ``x * x`` differ there);
    ``local_grads[i]`` is d nodes[i+1] / d nodes[i] on that edge, the number stored on the
    node and multiplied by backward; ``product`` is their product, multiplied from the output
    end as backward does.
    """

    nodes: tuple[Value, ...]
    positions: tuple[int, ...]
    local_grads: tuple[float, ...]
    product: float


def _d(name: str) -> str:
    return f"d{name}" if name.isidentifier() else f"d({name})"


@dataclass(frozen=True, eq=False)
class Explanation:
    """Every path from ``input`` to ``output`` and the gradient they add up to.

    ``total`` is d output / d input as backward computes it (the same float); the sum of the
    paths' products is the same number up to rounding (backward adds partial sums at each
    node, not whole paths).
    """

    output: Value
    input: Value
    paths: tuple[Path, ...]
    total: float
    precision: int = 6

    def __str__(self) -> str:
        out, inp, p = node_name(self.output), node_name(self.input), self.precision
        n = len(self.paths)
        head = (
            f"{_d(out)}/{_d(inp)} = {number(self.total, p)} (as backward computes it), the sum over {n} "
            f"path{'' if n == 1 else 's'} from {inp} to {out}"
        )
        if not self.paths:
            return f"{head}: {inp} does not reach {out}, so the gradient is 0"
        rows = [("#", "path", "local derivatives", "product")]
        for i, path in enumerate(self.paths, 1):
            rows.append((
                str(i),
                " -> ".join(node_name(v, p) for v in path.nodes),
                " * ".join(number(d, p) for d in path.local_grads) or "(the output itself)",
                number(path.product, p),
            ))
        widths = [max(len(r[c]) for r in rows) for c in range(3)]
        lines = [head + ":"]
        for r in rows:
            lines.append("  " + "  ".join(r[c].ljust(widths[c]) for c in range(3)) + "  " + r[3])
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return (
            f"<Explanation {_d(node_name(self.output))}/{_d(node_name(self.input))} = {self.total!r}: "
            f"{len(self.paths)} paths>"
        )


def count_paths(output: Value, order: list[Value] | None = None) -> dict[Value, int]:
    """For every node of output's graph, how many paths lead from it to ``output``."""
    if order is None:
        order = topological_order(output)
    counts: dict[Value, int] = dict.fromkeys(order, 0)
    counts[output] = 1
    for node in order:  # every consumer before the node itself
        c = counts[node]
        if c:
            for parent in node.parents:
                counts[parent] += c
    return counts


def iter_paths(output: Value, input: Value, order: list[Value]) -> Iterator[Path]:
    """Every path from ``input`` to ``output`` (``order`` is ``topological_order(output)``),
    depth first with an explicit stack, following each node's consumers in argument order."""
    users: dict[Value, list[tuple[Value, int, float]]] = {n: [] for n in order}
    for node in reversed(order):  # inputs first, so each list follows argument order of use
        for pos, (parent, d) in enumerate(zip(node.parents, node.local_grads)):
            users[parent].append((node, pos, float(d)))
    # depth-first over consumer edges, with an explicit stack of (node, next edge index)
    nodes: list[Value] = [input]
    positions: list[int] = []
    locals_: list[float] = []
    stack = [0]
    while stack:
        node = nodes[-1]
        if node is output:
            product = 1.0
            for d in reversed(locals_):
                product = product * d
            yield Path(tuple(nodes), tuple(positions), tuple(locals_), product)
            stack.pop()
            nodes.pop()
            if positions:
                positions.pop()
                locals_.pop()
            continue
        i = stack[-1]
        edges = users[node]
        if i == len(edges):
            stack.pop()
            nodes.pop()
            if positions:
                positions.pop()
                locals_.pop()
            continue
        stack[-1] = i + 1
        consumer, pos, d = edges[i]
        nodes.append(consumer)
        positions.append(pos)
        locals_.append(d)
        stack.append(0)


@dataclass(frozen=True)
class Step:
    """One step of backward: ``node``'s gradient ``grad`` is final and it sends
    ``grad * local`` to each parent; ``sends`` lists (position, parent, local derivative,
    product, the parent's gradient after adding it). Step 1 is the seed (``node`` is the
    output, ``grad`` 1, nothing sent)."""

    node: Value
    grad: float
    sends: tuple[tuple[int, Value, float, float, float], ...]


def backward_steps(root: Value) -> tuple[list[Step], dict[Value, float]]:
    """Backward from ``root`` replayed on the side, in backward's order and arithmetic, without
    touching any ``.grad``: the steps, and every node's gradient at the end (the numbers one
    ``root.backward()`` from zero gradients gives, bit for bit)."""
    order = topological_order(root)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    steps = [Step(root, 1.0, ())]
    for node in order:
        parents = node.parents
        if not parents:
            continue
        g = grads[node]
        sends = []
        for pos, (p, d) in enumerate(zip(parents, node.local_grads)):
            product = g * d
            grads[p] += product
            sends.append((pos, p, float(d), product, grads[p]))
        steps.append(Step(node, g, tuple(sends)))
    return steps, grads


def explain(output: Value, input: Value, *, max_paths: int | None = DEFAULT_MAX_PATHS,
            precision: int = 6) -> Explanation:
    """Every path from ``input`` to ``output``, each with its local derivatives and their
    product, and ``total``, d output / d input as backward computes it.

    Raises GraphTooLargeError, naming the count, when there are more than ``max_paths``
    paths (their number grows exponentially with the depth of shared sub-expressions);
    None lists any number. An ``input`` that does not reach ``output`` has no path and a
    total of 0.
    """
    output = check_root(output, "explain: output")
    input = check_root(input, "explain: input")
    if max_paths is not None and (type(max_paths) is not int or max_paths < 1):
        raise ValueError(f"max_paths: expected a positive int or None, got {max_paths!r:.80}")
    if type(precision) is not int or not 1 <= precision <= 17:
        raise ValueError(f"precision: expected an int from 1 to 17, got {precision!r:.80}")
    order = topological_order(output)
    counts = count_paths(output, order)
    n = counts.get(input, 0)
    if max_paths is not None and n > max_paths:
        raise GraphTooLargeError(
            f"explain: {n} paths lead from {node_name(input)} to {node_name(output)}, more than "
            f"max_paths={max_paths}; pass max_paths={n} (or None) to list them all"
        )
    if n == 0:
        return Explanation(output, input, (), 0.0, precision)
    _, grads = backward_steps(output)
    return Explanation(output, input, tuple(iter_paths(output, input, order)), grads[input], precision)
