"""Seeing computational graphs: Graphviz drawings, a step-through page of the backward pass,
the chain rule as a sum over paths, and a plain-text tree.

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

The parts: ``_dot`` (to_dot: grouping, folding, neighbourhoods, several roots; reads
``_select``), ``_labels`` (escaping and numbers), ``_graphviz`` (runs ``dot`` with a time
limit), ``display`` (SVG, files, the notebook views), ``html`` and ``assets/`` (the
step-through page), ``explain`` (paths) and ``tree``.

``to_dot`` needs only the ``graphviz`` Python package. SVG, PNG, PDF and HTML need
Graphviz's ``dot`` program; without it they raise :class:`GraphvizNotFoundError`, which says
how to install it, and every failure of ``dot`` itself raises :class:`GraphvizError`.
"""

from __future__ import annotations

from autograd.errors import GraphTooLargeError, GraphvizNotFoundError
from autograd.viz._dot import BOX_FILL as _BOX_FILL
from autograd.viz._dot import DEFAULT_MAX_NODES, RANKDIRS, to_dot
from autograd.viz._dot import INNER_FILL as _INNER_FILL
from autograd.viz._dot import LEAF_FILL as _LEAF_FILL
from autograd.viz._dot import OUTPUT_FILL as _OUTPUT_FILL
from autograd.viz._dot import ZERO_COLOUR as _ZERO_COLOUR
from autograd.viz._dot import check_options as _check_options
from autograd.viz._graphviz import DOT_TIMEOUT, INSTALL_HINT, GraphvizError
from autograd.viz._labels import GLYPHS as _GLYPHS
from autograd.viz._labels import MAX_LABEL_CHARS, escape_text
from autograd.viz._labels import glyph as _glyph
from autograd.viz._labels import number as _number
from autograd.viz._labels import op_label as _op_label
from autograd.viz._labels import valid_xml_char as _valid_xml_char
from autograd.viz._select import check_root as _check_root
from autograd.viz.display import FORMATS, GraphView, StepView, count_nodes, render, show, to_svg
from autograd.viz.html import to_html
from autograd.viz.paths import DEFAULT_MAX_PATHS, Explanation, Path, explain
from autograd.viz.textview import tree

__all__ = [
    "to_dot",
    "to_svg",
    "render",
    "show",
    "GraphView",
    "StepView",
    "to_html",
    "explain",
    "Explanation",
    "Path",
    "tree",
    "count_nodes",
    "escape_text",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "GraphvizError",
    "DEFAULT_MAX_NODES",
    "DEFAULT_MAX_PATHS",
    "DOT_TIMEOUT",
    "MAX_LABEL_CHARS",
    "FORMATS",
    "RANKDIRS",
    "INSTALL_HINT",
]

_private = (_BOX_FILL, _INNER_FILL, _LEAF_FILL, _OUTPUT_FILL, _ZERO_COLOUR, _GLYPHS, _check_options,
            _check_root, _glyph, _number, _op_label, _valid_xml_char)  # kept importable, as before
