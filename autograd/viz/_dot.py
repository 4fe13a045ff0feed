"""``to_dot``: the graph (or several graphs, a neighbourhood, modules folded into boxes) as DOT.

Every Value is a box showing its label (when it has one), its data and its grad; every
operation is a small round node between its inputs and its result, so ``x * x`` has two
edges from ``x``. Node names come from the node's position in the drawing (``v0``, ``v1``,
... inputs first), never from ``id()``, so the same expression built twice gives the same
DOT text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import graphviz  # type: ignore[import-untyped]

from autograd.errors import GraphTooLargeError
from autograd.value import Value
from autograd.viz import _select
from autograd.viz._labels import escape_text, number, op_label, shorten

__all__ = ["DEFAULT_MAX_NODES", "RANKDIRS", "Drawing", "to_dot", "build", "check_options"]

DEFAULT_MAX_NODES = 500
"""Graphs with more Value nodes than this are refused unless ``max_nodes`` says otherwise."""

RANKDIRS = ("LR", "TB", "RL", "BT")
"""The directions ``rankdir`` accepts: left to right, top to bottom, and their reverses."""

# Colours: leaves (inputs and parameters) blue, the output green, zero gradient grey,
# a folded module yellow.
LEAF_FILL = "#dbe9f6"
OUTPUT_FILL = "#d9f2d9"
INNER_FILL = "white"
ZERO_COLOUR = "#9a9a9a"
BOX_FILL = "#fff4cc"
CLUSTER_COLOUR = "#b0b0b0"
MAX_TITLE_CHARS = 1000
LARGE = 150
"""Drawings with more Value boxes than this ask ``dot`` for a quicker, rougher layout
(``nslimit=2 nslimit1=2 mclimit=0.1``: fewer network-simplex and crossing-reduction
passes); a 300-node sum with long edges took 52 s without them and 6 s with them here."""
MAX_FANOUT = 16
"""A Value used more often than this is drawn once, with a small dashed reference box beside
each use: Graphviz lays out one box with hundreds of long edges very slowly (a minute for
``x*x*...*x`` with 290 factors, and its stack overflows at 300), references in a moment."""


def check_options(rankdir: object, max_nodes: object, precision: object) -> None:
    """ValueError for a bad ``rankdir``, ``max_nodes`` or ``precision``."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir: expected one of {', '.join(RANKDIRS)}, got {rankdir!r:.80}")
    if max_nodes is not None and (type(max_nodes) is not int or max_nodes < 1):
        raise ValueError(f"max_nodes: expected a positive int or None, got {max_nodes!r:.80}")
    if type(precision) is not int or not 1 <= precision <= 17:
        raise ValueError(f"precision: expected an int from 1 to 17, got {precision!r:.80}")


def _value_label(node: Value, show_grad: bool, precision: int, grad_text: str | None) -> str:
    cells = []
    if node.label:
        cells.append(f"<TD><B>{escape_text(shorten(node.label))}</B></TD>")
    cells.append(f"<TD>data {number(node.data, precision)}</TD>")
    if show_grad:
        cells.append(f"<TD>grad {grad_text or number(node.grad, precision)}</TD>")
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
    return f"<{table}<TR>{'<VR/>'.join(cells)}</TR></TABLE>>"


def _check_collapse(collapse: object, group_by: object) -> bool | frozenset[str]:
    if group_by not in (None, "module"):
        raise ValueError(f"group_by: expected None or 'module', got {group_by!r:.80}")
    if collapse is False or collapse is None or collapse == ():
        return frozenset()
    if group_by is None:
        raise ValueError("collapse: folding needs clusters to fold; pass group_by='module' as well")
    if collapse is True:
        return True
    names = [collapse] if isinstance(collapse, str) else collapse
    if not isinstance(names, Iterable) or not all(isinstance(n, str) and n for n in names):
        raise TypeError(
            f"collapse: expected True, a module name or a list of module names, got {collapse!r:.80}"
        )
    return frozenset(names)


def _fold(group: str | None, collapse: bool | frozenset[str]) -> str | None:
    """The module box a node of ``group`` is folded into, if any."""
    if group is None or not collapse:
        return None
    if collapse is True:
        return group
    for prefix in sorted(collapse, key=len):
        if group == prefix or group.startswith(prefix + "."):
            return prefix
    return None


@dataclass
class Drawing:
    """A built drawing: the Digraph and what the viewer and GraphView need to know of it."""

    dot: graphviz.Digraph
    order: list[Value]  # the Values drawn as boxes, inputs first
    names: dict[Value, str]
    values: int  # Value boxes drawn (folded modules count one each)
    operations: int


def to_dot(
    root: Value | Sequence[Value],
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 6,
    title: str | None = None,
    group_by: str | None = None,
    collapse: bool | str | Iterable[str] = (),
    hide_constants: bool = False,
    around: Value | None = None,
    depth: int = 2,
) -> graphviz.Digraph:
    """The graph that made ``root``, as a ``graphviz.Digraph`` (its ``.source`` is DOT text).

    root: a Value, or a list of Values drawn together (``[loss, accuracy]``): the nodes
        they share are drawn once.
    rankdir: layout direction, "LR" (inputs on the left), "TB", "RL" or "BT".
    show_grad: show each Value's ``.grad`` beside its ``.data``.
    show_local_grads: label every edge into an operation with the local derivative
        d(result)/d(input), so multiplying along a path shows the chain rule.
    max_nodes: refuse drawings with more Value boxes than this (GraphTooLargeError);
        None draws any size.
    precision: significant digits of the numbers shown.
    title: a caption drawn under the graph.
    group_by: "module" draws each nn module's nodes in a cluster named by the parameters'
        prefix (``layers.0`` around ``layers.0.neurons.3``; see ``_select.module_groups``).
    collapse: with group_by, fold modules into one box each: True folds every innermost
        module (each neuron), a name or list of names folds those (``"layers.0"``).
    hide_constants: leave out leaves without a label (numbers turned into Values, such
        as a model's inputs given as floats) and their edges.
    around, depth: draw only the nodes within ``depth`` edges of ``around``; "... N more"
        marks where edges leave the drawing.

    Leaves are drawn blue, the output(s) green, and any node whose grad is exactly zero (a
    dead relu, or a graph before backward) has a grey dashed outline.
    """
    return build(
        root, rankdir=rankdir, show_grad=show_grad, show_local_grads=show_local_grads,
        max_nodes=max_nodes, precision=precision, title=title, group_by=group_by,
        collapse=collapse, hide_constants=hide_constants, around=around, depth=depth,
    ).dot


def build(
    root: Any,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 6,
    title: str | None = None,
    group_by: str | None = None,
    collapse: Any = (),
    hide_constants: bool = False,
    around: Value | None = None,
    depth: int = 2,
    ids: bool = False,
    grad_texts: dict[Value, str] | None = None,
    what: str = "to_dot",
) -> Drawing:
    """:func:`to_dot`, keeping the names it gave; ``ids`` sets SVG ids (the step viewer's)."""
    roots = _select.check_roots(root, what)
    check_options(rankdir, max_nodes, precision)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title: expected a str or None, got {type(title).__name__}: {title!r:.80}")
    folding = _check_collapse(collapse, group_by)
    if type(depth) is not int or depth < 0:
        raise ValueError(f"depth: expected a non-negative int, got {depth!r:.80}")
    order = _select.inputs_first(roots)
    whole = len(order)
    if around is not None:
        order = _select.around(order, around, depth)
    root_set = set(roots)
    if hide_constants:
        order = [n for n in order if not (n.is_leaf() and not n.label and n not in root_set)]
    groups = _select.module_groups(order) if group_by == "module" else {}
    folded = {n: box for n in order if (box := _fold(groups.get(n), folding)) is not None}
    boxes: dict[str, list[Value]] = {}
    for n, box in folded.items():
        boxes.setdefault(box, []).append(n)
    drawn = len(order) - len(folded) + len(boxes)
    if max_nodes is not None and drawn > max_nodes:
        part = "graph" if drawn == whole else "drawing"
        raise GraphTooLargeError(
            f"{what}: the {part} has {drawn} Value nodes, more than max_nodes={max_nodes}; "
            f"pass max_nodes={drawn} (or max_nodes=None) to draw it anyway, "
            "or draw a smaller part of the expression"
        )
    inside = set(order)
    names = {node: f"v{i}" for i, node in enumerate(order)}
    box_names = {box: f"c{i}" for i, box in enumerate(boxes)}

    dot = graphviz.Digraph("autograd")
    dot.attr("graph", rankdir=rankdir, ordering="in", fontname="Helvetica")
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", fontsize="9", arrowsize="0.6")
    if drawn > LARGE:
        dot.attr("graph", nslimit="2", nslimit1="2", mclimit="0.1")
    if title is not None:
        dot.attr("graph", label=f"<{escape_text(shorten(title, MAX_TITLE_CHARS))}>", labelloc="b")

    # clusters: one Digraph per module level, filled below, nested into each other at the end
    clusters: dict[str, graphviz.Digraph] = {}

    def container(group: str | None, stop: str | None = None) -> graphviz.Digraph:
        if group is None:
            return dot
        target = dot
        for level in _select.levels(group):
            if level == stop:
                break
            if level not in clusters:
                sub = graphviz.Digraph(name=f"cluster_{len(clusters)}")
                sub.attr(label=f"<{escape_text(shorten(level))}>", color=CLUSTER_COLOUR, fontsize="10",
                         fontname="Helvetica", style="rounded")
                clusters[level] = sub
            target = clusters[level]
        return target

    for box, members in boxes.items():
        params = sum(1 for m in members if m.is_leaf())
        label = (
            f"<<B>{escape_text(shorten(box))}</B><BR/>{len(members)} Values, "
            f"{params} parameter{'' if params == 1 else 's'}>"
        )
        container(box, stop=box).node(box_names[box], label=label, shape="box3d", style="filled",
                                       fillcolor=BOX_FILL)

    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    refs: dict[Value, int] = {}
    edge_counts: dict[tuple[str, str], int] = {}
    operations = 0
    for node in order:
        box = folded.get(node)
        parents = node.parents
        if box is not None:  # folded: only its edges from outside its box remain
            for parent in parents:
                if parent in inside and folded.get(parent) != box:
                    src = box_names[folded[parent]] if parent in folded else names[parent]
                    key = (src, box_names[box])
                    edge_counts[key] = edge_counts.get(key, 0) + 1
            continue
        name = names[node]
        target = container(groups.get(node))
        style = "filled"
        attrs = {}
        if node in root_set:
            fill = OUTPUT_FILL
            attrs["penwidth"] = "2"
        elif node.is_leaf():
            fill = LEAF_FILL
        else:
            fill = INNER_FILL
        if show_grad and node.grad == 0.0 and grad_texts is None:
            style = "filled,dashed"
            attrs["color"] = ZERO_COLOUR
        if ids:
            attrs["id"] = name
        target.node(
            name,
            label=_value_label(node, show_grad, precision, None if grad_texts is None else grad_texts[node]),
            shape="box",
            style=style,
            fillcolor=fill,
            margin="0",
            **attrs,
        )
        if not parents:
            continue
        operations += 1
        op_name = name + "_op"
        op_attrs = {"id": op_name} if ids else {}
        target.node(op_name, label=op_label(node, precision), shape="circle", width="0.3", margin="0.02",
                    **op_attrs)
        local = node.local_grads if show_local_grads else ()
        cut = 0
        for i, parent in enumerate(parents):
            if parent not in inside:
                cut += around is not None
                continue
            if parent in folded:
                key = (box_names[folded[parent]], op_name)
                edge_counts[key] = edge_counts.get(key, 0) + 1
                continue
            edge_attrs = {}
            if show_local_grads:
                edge_attrs["label"] = number(float(local[i]), precision)
            if ids:
                edge_attrs["id"] = f"{name}_in{i}"
            src = names[parent]
            if uses[parent] > MAX_FANOUT:  # a reference box beside this use
                k = refs[parent] = refs.get(parent, 0) + 1
                src = f"{names[parent]}_ref{k}"
                shown = escape_text(shorten(parent.label, 40)) if parent.label else names[parent]
                target.node(src, label=f"<<I>{shown}</I>>", shape="box", style="dashed", color=ZERO_COLOUR,
                            fontsize="9", margin="0.03")
            dot.edge(src, op_name, **edge_attrs)
        if cut:
            dot.node(name + "_cut", label=f"\u2026 {cut} more", shape="plaintext", fontcolor=ZERO_COLOUR)
            dot.edge(name + "_cut", op_name, style="dashed", color=ZERO_COLOUR)
        dot.edge(op_name, name, **({"id": name + "_out"} if ids else {}))
    for (src, dst), count in edge_counts.items():
        dot.edge(src, dst, **({"label": f"\u00d7{count}"} if count > 1 else {}))
    if around is not None:
        users = _select.consumers(_select.inputs_first(roots)) if whole != len(order) else {}
        for node in order:
            if node in folded:
                continue
            cut = sum(1 for c, _ in users.get(node, ()) if c not in inside)
            if cut:
                dot.node(names[node] + "_used", label=f"\u2026 {cut} more", shape="plaintext",
                         fontcolor=ZERO_COLOUR)
                dot.edge(names[node], names[node] + "_used", style="dashed", color=ZERO_COLOUR)
    # nest the clusters, innermost first, each into its enclosing one (or the graph)
    for level in sorted(clusters, key=lambda s: -len(_select.levels(s))):
        parent_levels = _select.levels(level)[:-1]
        (clusters[parent_levels[-1]] if parent_levels else dot).subgraph(clusters[level])
    return Drawing(dot=dot, order=order, names=names, values=drawn, operations=operations)
