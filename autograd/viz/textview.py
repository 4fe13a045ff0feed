"""A plain-text picture of the graph, for terminals and notebooks without Graphviz.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 1
>>> y.backward()
>>> print(tree(y))
+ 1 -> data 5, grad 1
\u2514\u2500 \u00d7 -> data 4, grad 1
   \u251c\u2500 x: data 2, grad 4
   \u2514\u2500 x (shown above)
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd.errors import GraphTooLargeError
from autograd.value import Value
from autograd.viz._dot import DEFAULT_MAX_NODES, check_options
from autograd.viz._labels import number, op_label, shorten
from autograd.viz._select import check_roots, inputs_first

__all__ = ["tree"]


def _line(node: Value, show_grad: bool, precision: int) -> str:
    numbers = f"data {number(node.data, precision)}"
    if show_grad:
        numbers += f", grad {number(node.grad, precision)}"
    label = shorten(node.label, 60).encode("unicode_escape").decode("ascii") if node.label else ""
    if node.is_leaf():
        return f"{label or 'leaf'}: {numbers}"
    head = op_label(node, precision)
    return f"{label} = {head} -> {numbers}" if label else f"{head} -> {numbers}"


def tree(
    root: Value | Sequence[Value],
    *,
    show_grad: bool = True,
    precision: int = 6,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> str:
    """The graph as an indented tree, output at the top and each operation's inputs below it
    in argument order. A node reached again (a shared sub-expression, ``x`` in ``x * x``) is
    written once and then named "(shown above)". Labels are shown with Python escapes for
    control characters. Refuses graphs over ``max_nodes`` Value nodes, like ``to_dot``.
    """
    roots = check_roots(root, "tree")
    check_options("LR", max_nodes, precision)
    count = len(inputs_first(roots))
    if max_nodes is not None and count > max_nodes:
        raise GraphTooLargeError(
            f"tree: the graph has {count} Value nodes, more than max_nodes={max_nodes}; "
            f"pass max_nodes={count} (or max_nodes=None) to print it anyway"
        )
    lines: list[str] = []
    shown: set[Value] = set()
    # explicit stack of (node, prefix for its own line, prefix for its children's lines)
    stack: list[tuple[Value, str, str]] = [(r, "", "") for r in reversed(roots)]
    while stack:
        node, first, rest = stack.pop()
        if node in shown:
            name = shorten(node.label, 60).encode("unicode_escape").decode("ascii") if node.label else (
                op_label(node, precision) if node.op else number(node.data, precision))
            lines.append(f"{first}{name} (shown above)")
            continue
        shown.add(node)
        lines.append(first + _line(node, show_grad, precision))
        parents = node.parents
        for i in range(len(parents) - 1, -1, -1):
            last = i == len(parents) - 1
            stack.append((parents[i], rest + ("\u2514\u2500 " if last else "\u251c\u2500 "),
                          rest + ("   " if last else "\u2502  ")))
    return "\n".join(lines)

