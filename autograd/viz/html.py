"""``to_html``: one self-contained page that plays the backward pass one node at a time.

The page holds everything inline: the SVG that Graphviz's ``dot`` laid out, its CSS, its
JavaScript (``assets/viewer.js``, package data) and the recorded pass as data. It loads
nothing (a Content-Security-Policy forbids any request), so it opens from a file, offline,
in any browser, and inside a notebook's output (:class:`StepView` wraps it in an iframe).

Every number it shows was computed here, in Python, by replaying backward in backward's
order and arithmetic (``explain.backward_steps``), so the last step shows exactly the
gradients one ``backward()`` gives. For tests and embedding the page sets
``window.autogradViewer``: ``steps`` (backward steps: 1 is the seed d out/d out = 1, then
one per operation in backward's order), ``goto(k)`` (0 = before the backward pass, ``steps``
= finished; negative steps play the forward pass when it is shown), ``grads()`` (each
labelled Value's label mapped to the gradient shown now), ``step``, ``next()``, ``prev()``,
``play()``, ``pause()`` and ``select(label)`` (highlight an input's paths to the output).
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from autograd.value import Value
from autograd.viz import _dot
from autograd.viz._graphviz import DOT_TIMEOUT, run_dot
from autograd.viz._labels import glyph, node_name, number, op_label
from autograd.viz._select import check_root
from autograd.viz.paths import backward_steps, count_paths, iter_paths

__all__ = ["to_html", "page_data", "PAGE_MAX_PATHS"]

PAGE_MAX_PATHS = 50
"""Paths listed per input when it is clicked; past this the page highlights them unlisted."""

_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"


def _asset(name: str) -> str:
    return resources.files("autograd.viz").joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    """``data`` as a JavaScript literal safe inside <script> (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=True, allow_nan=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(root: Value, *, precision: int = 6, forward: bool = False,
              max_paths: int = PAGE_MAX_PATHS, order: list[Value] | None = None) -> dict[str, Any]:
    """The data the viewer plays: nodes (inputs first), edges, the backward steps, the forward
    order and each leaf's paths to the output. (Floats stay floats: the page's ``grads()``
    returns the same doubles.)"""
    steps, final = backward_steps(root)
    if order is None:
        order = _dot.build(root, max_nodes=None, precision=precision).order
    index = {node: i for i, node in enumerate(order)}
    names = [f"v{i}" for i in range(len(order))]
    edge_index: dict[tuple[Value, int], int] = {}
    edges: list[dict[str, Any]] = []
    for node in order:
        for pos, (parent, d) in enumerate(zip(node.parents, node.local_grads)):
            edge_index[(node, pos)] = len(edges)
            edges.append({"id": f"{names[index[node]]}_in{pos}", "from": index[parent], "to": index[node],
                          "local": float(d), "localText": number(float(d), precision)})
    nodes = []
    for i, node in enumerate(order):
        name = node_name(node, precision)
        if not node.label:
            name = f"{name} ({names[i]})"
        args = ", ".join(node_name(p, precision) for p in node.parents)
        nodes.append({"id": names[i], "label": node.label, "name": name, "leaf": node.is_leaf(),
                      "op": node.op, "data": node.data, "dataShown": number(node.data, precision),
                      "opText": f"{glyph(node.op)}({args})" if node.op else "",
                      "glyph": op_label(node, precision) if node.op else ""})
    step_data = []
    for s in steps:
        sends = [{"edge": edge_index[(s.node, pos)], "product": prod, "productText": number(prod, precision),
                  "total": total, "totalText": number(total, precision)}
                 for pos, _, _, prod, total in s.sends]
        step_data.append({"node": index[s.node], "grad": s.grad, "gradText": number(s.grad, precision),
                          "sends": sends})
    counts = count_paths(root, list(reversed(order)))
    backward_order = list(reversed(order))
    paths: list[Any] = [None] * len(order)  # per node: its paths to the output when it is a leaf
    for node in order:
        if not node.is_leaf():
            continue
        n = counts.get(node, 0)
        listed = []
        union: set[int] = set()
        if 0 < n <= max_paths:
            for path in iter_paths(root, node, backward_order):
                ids = [edge_index[(path.nodes[j + 1], path.positions[j])] for j in range(len(path.positions))]
                union.update(ids)
                text = " \u2192 ".join(node_name(v, precision) for v in path.nodes) + ": " + (
                    " \u00d7 ".join(number(d, precision) for d in path.local_grads) or "1")
                listed.append({"edges": ids, "product": path.product,
                               "productText": number(path.product, precision), "text": text})
        elif n > max_paths:  # too many to list: highlight every edge that lies on one of them
            below = {node}
            for c in order:  # inputs first: c depends on node when one of its parents does
                if any(p in below for p in c.parents):
                    below.add(c)
            union = {edge_index[(c, pos)] for c in below for pos, p in enumerate(c.parents) if p in below}
        total = final.get(node, 0.0)
        paths[index[node]] = {"count": n, "listed": listed, "union": sorted(union), "total": total,
                              "totalText": number(total, precision)}
    keys = []
    seen: set[str] = set()
    for i, node in enumerate(order):
        if node.label:
            key = node.label if node.label not in seen else f"{node.label} ({names[i]})"
            seen.add(key)
            keys.append([key, i])
    return {"nodes": nodes, "edges": edges, "steps": step_data,
            "forward": [i for i, node in enumerate(order) if not node.is_leaf()] if forward else [],
            "paths": paths, "keys": keys, "interval": 700}


def _widest_grads(root: Value, precision: int) -> dict[Value, str]:
    """For each node, the longest gradient text it shows during the pass (boxes are laid out
    for it, so the texts fit at every step)."""
    steps, grads = backward_steps(root)
    widest = {node: "0" for node in grads}
    widest[root] = max(widest[root], "1", key=len)
    for s in steps:
        for _, p, _, _, total in s.sends:
            text = number(total, precision)
            if len(text) > len(widest[p]):
                widest[p] = text
    return widest


def to_html(
    root: Value,
    *,
    forward: bool = False,
    rankdir: str = "LR",
    precision: int = 6,
    max_nodes: int | None = _dot.DEFAULT_MAX_NODES,
    title: str | None = None,
    max_paths: int = PAGE_MAX_PATHS,
    timeout: float | None = DOT_TIMEOUT,
) -> str:
    """One self-contained HTML page playing ``root``'s backward pass step by step.

    forward: play the forward pass first (negative steps), each operation computing its
        data in order.
    rankdir, precision, max_nodes, title: as for :func:`to_dot` (edges always show the
        local derivatives; boxes show the gradients of this pass, from zero).
    max_paths: paths listed when an input is clicked (more are highlighted, not listed).
    timeout: seconds Graphviz's ``dot`` may take to lay the graph out.

    Needs Graphviz's ``dot`` for the layout (GraphvizNotFoundError without it).
    """
    root = check_root(root, "to_html")
    if type(forward) is not bool:
        raise TypeError(f"forward: expected True or False, got {forward!r:.80}")
    if type(max_paths) is not int or max_paths < 0:
        raise ValueError(f"max_paths: expected a non-negative int, got {max_paths!r:.80}")
    _dot.check_options(rankdir, max_nodes, precision)
    drawing = _dot.build(root, rankdir=rankdir, show_local_grads=True, max_nodes=max_nodes,
                         precision=precision, title=title, ids=True,
                         grad_texts=_widest_grads(root, precision), what="to_html")
    svg = run_dot(drawing.dot.source, "svg", timeout).decode("utf-8")
    svg = svg[svg.find("<svg"):]
    data = page_data(root, precision=precision, forward=forward, max_paths=max_paths, order=drawing.order)
    heading = html.escape(title) if title else "Backpropagation, step by step"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
{_asset("viewer.css")}
</style>
</head>
<body>
<div class="ag-viewer" id="autograd-viewer">
<h1>{heading}</h1>
<div class="ag-controls">
<button type="button" class="ag-first" title="first step (Home)">\u00ab first</button>
<button type="button" class="ag-prev" title="previous step (\u2190)">\u25c0 prev</button>
<button type="button" class="ag-play" title="play or pause (space)">\u25b6 play</button>
<button type="button" class="ag-next" title="next step (\u2192)">next \u25b6</button>
<button type="button" class="ag-last" title="last step (End)">last \u00bb</button>
<button type="button" class="ag-zoom" title="fit the picture to the width, or full size">zoom</button>
<input type="range" class="ag-slider" step="1" aria-label="step">
<span class="ag-counter"></span>
</div>
<div class="ag-main">
<div class="ag-graph ag-fit">
{svg}
</div>
<div class="ag-side">
<div class="ag-explain"></div>
<div class="ag-paths"></div>
<table class="ag-grads"><thead><tr><th>Value</th><th>grad</th></tr></thead><tbody></tbody></table>
<div class="ag-hint">Keys: \u2190 \u2192 step, Home / End, space plays. Click an input (a blue box) to see
its paths to the output: its gradient is the sum of their products.</div>
</div>
</div>
</div>
<script>
{_asset("viewer.js")}
window.autogradViewer = createAutogradViewer(document.getElementById("autograd-viewer"),
  {_script_json(data)});
</script>
</body>
</html>
"""
