"""Drawing computational graphs with Graphviz: DOT text, SVG, files, and inline Jupyter display.

>>> from autograd import Value
>>> from autograd.viz import to_dot
>>> x = Value(2.0, label="x")
>>> y = (x * x).relu()
>>> y.backward()
>>> print(to_dot(y).source)  # doctest: +ELLIPSIS
digraph autograd {
	graph [...]
	...
	v0 [label=<...x...data 2...grad 4...> ...]
	v1_op [label=... shape=circle ...]
	v0 -> v1_op
	v0 -> v1_op
	v1_op -> v1
	...
}

Every Value is a box showing its label (when it has one), its data and its grad; every
operation is a small round node between its inputs and its result, so ``x * x`` has two
edges from ``x``. Node names come from the node's position in the graph (``v0``, ``v1``, ...
in topological order, inputs first), never from ``id()``, so the same expression built twice
gives the same DOT text.

``to_dot`` needs only the ``graphviz`` Python package. SVG, PNG and PDF need Graphviz's
``dot`` program; without it they raise :class:`GraphvizNotFoundError`, which says how to
install it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import graphviz  # type: ignore[import-untyped]

from autograd import ops
from autograd._files import write_atomically
from autograd.errors import GraphTooLargeError, GraphvizNotFoundError
from autograd.graph import topological_order
from autograd.value import Value

__all__ = [
    "to_dot",
    "to_svg",
    "render",
    "show",
    "GraphView",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "DEFAULT_MAX_NODES",
    "FORMATS",
]

DEFAULT_MAX_NODES = 500
"""Graphs with more Value nodes than this are refused unless ``max_nodes`` says otherwise."""

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
"""File suffixes ``render`` understands, and the output format each one means."""

RANKDIRS = ("LR", "TB", "RL", "BT")

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH; it is needed for SVG, PNG and PDF "
    "(DOT text works without it). Install Graphviz: `apt-get install graphviz` on Debian or "
    "Ubuntu, `brew install graphviz` on macOS, `conda install graphviz`, or see "
    "https://graphviz.org/download/"
)

# Drawing's table, keyed by op name: the glyph in the round op node. An op not listed shows
# its operator symbol from the rules table, or else its name.
_GLYPHS = {"mul": "\u00d7", "add_n": "\u03a3", "dot": "\u00b7"}

# Colours: leaves (inputs and parameters) blue, the output green, zero gradient grey.
_LEAF_FILL = "#dbe9f6"
_OUTPUT_FILL = "#d9f2d9"
_INNER_FILL = "white"
_ZERO_COLOUR = "#9a9a9a"


def _check_root(root: object, what: str) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"{what}: expected a Value, got {type(root).__name__}: {root!r:.80}")
    return root


def _check_options(rankdir: object, max_nodes: object, precision: object) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir: expected one of {', '.join(RANKDIRS)}, got {rankdir!r:.80}")
    if max_nodes is not None and (type(max_nodes) is not int or max_nodes < 1):
        raise ValueError(f"max_nodes: expected a positive int or None, got {max_nodes!r:.80}")
    if type(precision) is not int or not 1 <= precision <= 17:
        raise ValueError(f"precision: expected an int from 1 to 17, got {precision!r:.80}")


def _number(x: float, precision: int) -> str:
    """A float for display: ``precision`` significant digits, no trailing zeros."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


def _valid_xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def escape_text(text: str) -> str:
    """``text`` as the content of a Graphviz HTML-like label, shown as written.

    ``& < > " '`` become entities, a newline becomes a line break (``\\r\\n`` and ``\\r``
    count as newlines), a tab becomes a space. Characters that XML cannot carry (control
    characters, lone surrogates) are shown as Python escapes (``\\x01``).

    >>> escape_text('a<b> & "c"\\nd')
    'a&lt;b&gt; &amp; &quot;c&quot;<BR/>d'
    """
    out: list[str] = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "'":
            out.append("&#39;")
        elif ch == "\\":  # doubled: Graphviz reads \N, \G, \L and \\ in labels as escapes
            out.append("\\\\")
        elif ch == "\n":
            out.append("<BR/>")
        elif ch == "\t":
            out.append(" ")
        elif _valid_xml_char(code):
            out.append(ch)
        else:
            out.append(ascii(ch)[1:-1])  # '\x01' -> \x01, a lone surrogate -> \udc80
    return "".join(out)


def _value_label(node: Value, show_grad: bool, precision: int) -> str:
    cells = []
    if node.label:
        cells.append(f"<TD><B>{escape_text(node.label)}</B></TD>")
    cells.append(f"<TD>data {_number(node.data, precision)}</TD>")
    if show_grad:
        cells.append(f"<TD>grad {_number(node.grad, precision)}</TD>")
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
    return f"<{table}<TR>{'<VR/>'.join(cells)}</TR></TABLE>>"


def _glyph(op: str) -> str:
    glyph = _GLYPHS.get(op)
    if glyph is None:
        prim = ops.primitives().get(op)  # None when the rule was removed since
        glyph = prim.symbol if prim is not None and prim.symbol else op
    return glyph


def _op_label(node: Value, precision: int) -> str:
    """The op's glyph, with its constant operands where they stand: the times sign and 2 for ``x * 2``."""
    before: list[str] = []
    after: list[str] = []
    seen_parent = False
    for o in node.operands:
        if isinstance(o, Value):
            seen_parent = True
        else:
            (after if seen_parent else before).append(_number(o, precision))
    return " ".join([*before, _glyph(node.op), *after])


def count_nodes(root: Value) -> int:
    """How many Value nodes ``root``'s graph has (``root`` and everything it was made from)."""
    return len(topological_order(_check_root(root, "count_nodes")))


def to_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 6,
    title: str | None = None,
) -> graphviz.Digraph:
    """The graph that made ``root``, as a ``graphviz.Digraph`` (its ``.source`` is DOT text).

    rankdir: layout direction, "LR" (inputs on the left), "TB", "RL" or "BT".
    show_grad: show each Value's ``.grad`` beside its ``.data``.
    show_local_grads: label every edge into an operation with the local derivative
        d(result)/d(input), so multiplying along a path shows the chain rule.
    max_nodes: refuse graphs with more Value nodes than this (GraphTooLargeError);
        None draws any size.
    precision: significant digits of the numbers shown.
    title: a caption drawn under the graph.

    Leaves are drawn blue, the output green, and any node whose grad is exactly zero (a dead
    relu, or a graph before backward) has a grey dashed outline.
    """
    root = _check_root(root, "to_dot")
    _check_options(rankdir, max_nodes, precision)
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(
            f"to_dot: the graph has {len(order)} Value nodes, more than max_nodes={max_nodes}; "
            f"pass max_nodes={len(order)} (or max_nodes=None) to draw it anyway, "
            "or draw a smaller part of the expression"
        )
    order.reverse()  # inputs first: v0 is an input, the root is the last node
    names = {node: f"v{i}" for i, node in enumerate(order)}

    dot = graphviz.Digraph("autograd")
    dot.attr("graph", rankdir=rankdir, ordering="in", fontname="Helvetica")
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", fontsize="9", arrowsize="0.6")
    if title is not None:
        dot.attr("graph", label=title, labelloc="b")

    for node in order:
        name = names[node]
        style = "filled"
        attrs = {}
        if node is root:
            fill = _OUTPUT_FILL
            attrs["penwidth"] = "2"
        elif node.is_leaf():
            fill = _LEAF_FILL
        else:
            fill = _INNER_FILL
        if show_grad and node.grad == 0.0:
            style = "filled,dashed"
            attrs["color"] = _ZERO_COLOUR
        dot.node(
            name,
            label=_value_label(node, show_grad, precision),
            shape="box",
            style=style,
            fillcolor=fill,
            margin="0",
            **attrs,
        )
        parents = node.parents
        if not parents:
            continue
        op_name = name + "_op"
        dot.node(op_name, label=_op_label(node, precision), shape="circle", width="0.3", margin="0.02")
        local = node.local_grads if show_local_grads else ()
        for i, parent in enumerate(parents):
            if show_local_grads:
                dot.edge(names[parent], op_name, label=_number(float(local[i]), precision))
            else:
                dot.edge(names[parent], op_name)
        dot.edge(op_name, name)
    return dot


def _pipe(dot: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return dot.pipe(format=fmt)  # type: ignore[no-any-return]
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(INSTALL_HINT) from None


def to_svg(root: Value, **options: Any) -> str:
    """The graph drawn as SVG text; ``options`` are those of :func:`to_dot`. Needs ``dot``."""
    return _pipe(to_dot(root, **options), "svg").decode("utf-8")


def _format_for(path: str | os.PathLike[str], what: str) -> tuple[Path, str]:
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{what}: expected a file name ending in one of {', '.join(FORMATS)}, got {str(path)!r:.200}"
        )
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{what}: the folder {str(target.parent)!r:.200} does not exist")
    return target, fmt


def _picture(dot: graphviz.Digraph, fmt: str) -> bytes:
    return dot.source.encode("utf-8") if fmt == "dot" else _pipe(dot, fmt)


def render(root: Value, path: str | os.PathLike[str], **options: Any) -> Path:
    """Draw the graph into ``path``; the suffix picks the format (.svg .png .pdf .dot .gv).

    The file is written whole or not at all: the picture is made first, then written to a
    temporary file beside ``path`` and renamed over it. Returns the path written.
    """
    target, fmt = _format_for(path, "render")
    write_atomically(target, _picture(to_dot(root, **options), fmt), "render")
    return target


class GraphView:
    """A drawn graph that Jupyter shows inline (``_repr_svg_``); made by :func:`show`.

    The picture is taken when the view is made, so later changes to the Values (another
    backward, an optimiser step) do not alter it. ``.source`` is the DOT text, ``.svg()``
    the SVG, ``.save(path)`` writes a file like :func:`render`.
    """

    def __init__(self, dot: graphviz.Digraph) -> None:
        self.dot = dot
        self._svg: str | None = None
        names = [line.split(" [", 1)[0].strip() for line in dot.body if " [" in line and "->" not in line]
        names = [name for name in names if name not in ("graph", "node", "edge")]
        self.operations = sum(name.endswith("_op") for name in names)
        self.values = len(names) - self.operations

    @property
    def source(self) -> str:
        """The DOT text."""
        return str(self.dot.source)

    def svg(self) -> str:
        """The SVG text (made by ``dot`` on first use)."""
        if self._svg is None:
            self._svg = _pipe(self.dot, "svg").decode("utf-8")
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path`` (format from the suffix, as :func:`render`)."""
        target, fmt = _format_for(path, "save")
        write_atomically(target, _picture(self.dot, fmt), "save")
        return target

    def __repr__(self) -> str:
        counts = (
            f"{self.values} Value{'' if self.values == 1 else 's'}, "
            f"{self.operations} operation{'' if self.operations == 1 else 's'}"
        )
        return f"<GraphView: {counts}; .source is DOT, .svg() is SVG>"


def show(root: Value, **options: Any) -> GraphView:
    """The graph as an object Jupyter draws inline (the same as ``root.draw(...)``)."""
    return GraphView(to_dot(root, **options))
