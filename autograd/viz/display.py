"""Pictures from drawings: SVG text, files, and the views notebooks show inline."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import graphviz  # type: ignore[import-untyped]

from autograd._files import write_atomically
from autograd.errors import GraphTooLargeError, GraphvizNotFoundError
from autograd.value import Value
from autograd.viz import _dot
from autograd.viz._graphviz import DOT_TIMEOUT, GraphvizError, run_dot
from autograd.viz.html import to_html
from autograd.viz.textview import tree

__all__ = ["FORMATS", "to_svg", "render", "GraphView", "StepView", "show", "count_nodes"]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".html": "html",
           ".htm": "html"}
"""File suffixes ``render`` understands, and the output format each one means (``html`` is the
step-through page of :func:`to_html`)."""

_HTML_OPTIONS = ("forward", "rankdir", "precision", "max_nodes", "title", "max_paths")


def count_nodes(root: Value) -> int:
    """How many Value nodes ``root``'s graph has (``root`` and everything it was made from)."""
    from autograd.graph import topological_order
    from autograd.viz._select import check_root

    return len(topological_order(check_root(root, "count_nodes")))


def to_svg(root: Value | list[Value], *, timeout: float | None = DOT_TIMEOUT, **options: Any) -> str:
    """The graph drawn as SVG text; ``options`` are those of :func:`to_dot`. Needs ``dot``
    (GraphvizNotFoundError without it, GraphvizError if it fails or takes over ``timeout`` s)."""
    return run_dot(_dot.to_dot(root, **options).source, "svg", timeout).decode("utf-8")


def _format_for(path: str | os.PathLike[str], what: str) -> tuple[Path, str]:
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{what}: expected a file name ending in one of {', '.join(FORMATS)}, got {str(path)!r:.200}"
        )
    if target.is_dir():
        raise IsADirectoryError(f"{what}: {str(path)!r:.200} is a folder; expected a file name")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{what}: the folder {str(target.parent)!r:.200} does not exist")
    return target, fmt


def _picture(dot: graphviz.Digraph, fmt: str, timeout: float | None) -> bytes:
    return dot.source.encode("utf-8") if fmt == "dot" else run_dot(dot.source, fmt, timeout)


def render(root: Value | list[Value], path: str | os.PathLike[str], *, timeout: float | None = DOT_TIMEOUT,
           **options: Any) -> Path:
    """Draw the graph into ``path``; the suffix picks the format (.svg .png .pdf .dot .gv, or
    .html for the step-through page of :func:`to_html`, whose options it then takes).

    The file is written whole or not at all: the picture is made first, then written to a
    temporary file beside ``path`` and renamed over it (an existing file keeps its
    permissions). Returns the path written.
    """
    target, fmt = _format_for(path, "render")
    if fmt == "html":
        data = to_html(root, timeout=timeout, **options).encode("utf-8")  # type: ignore[arg-type]
    else:
        data = _picture(_dot.to_dot(root, **options), fmt, timeout)
    write_atomically(target, data, "render")
    return target


class GraphView:
    """A drawn graph that Jupyter shows inline; made by :func:`show` (``v.draw()``).

    The picture is taken when the view is made, so later changes to the Values (another
    backward, an optimiser step) do not alter it. ``.source`` is the DOT text, ``.svg()``
    the SVG, ``.tree()`` a plain-text tree, ``.save(path)`` writes a file like
    :func:`render`. Notebooks get SVG and the text (``_repr_mimebundle_``; marimo's
    ``_mime_``); without Graphviz they get the text tree only.
    """

    def __init__(self, dot: graphviz.Digraph, *, values: int | None = None, operations: int | None = None,
                 text: str | None = None, timeout: float | None = DOT_TIMEOUT) -> None:
        self.dot = dot
        self._svg: str | None = None
        self._text = text
        self._timeout = timeout
        if values is None or operations is None:
            names = [line.split(" [", 1)[0].strip() for line in dot.body if " [" in line and "->" not in line]
            names = [name for name in names if name not in ("graph", "node", "edge")]
            operations = sum(name.endswith("_op") for name in names)
            values = len(names) - operations
        self.values = values
        self.operations = operations

    @property
    def source(self) -> str:
        """The DOT text."""
        return str(self.dot.source)

    def svg(self) -> str:
        """The SVG text (made by ``dot`` on first use)."""
        if self._svg is None:
            self._svg = run_dot(self.dot.source, "svg", self._timeout).decode("utf-8")
        return self._svg

    def tree(self) -> str:
        """The graph as a plain-text tree (``autograd.viz.tree``), as it was when drawn."""
        return self._text if self._text is not None else repr(self)

    def _repr_svg_(self) -> str | None:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": f"{self!r}\n{self.tree()}" if self._text else repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except (GraphvizNotFoundError, GraphvizError) as error:
            bundle["text/plain"] += f"\n({error})"
        return bundle

    def _mime_(self) -> tuple[str, str]:  # marimo
        try:
            return "image/svg+xml", self.svg()
        except (GraphvizNotFoundError, GraphvizError):
            return "text/plain", self.tree()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path`` (format from the suffix, as :func:`render`)."""
        target, fmt = _format_for(path, "save")
        if fmt == "html":
            raise ValueError("save: an .html page plays the backward pass; make it with draw(steps=True)")
        write_atomically(target, _picture(self.dot, fmt, self._timeout), "save")
        return target

    def __repr__(self) -> str:
        counts = (
            f"{self.values} Value{'' if self.values == 1 else 's'}, "
            f"{self.operations} operation{'' if self.operations == 1 else 's'}"
        )
        return f"<GraphView: {counts}; .source is DOT, .svg() is SVG>"


class StepView(GraphView):
    """The step-through page of :func:`to_html` for notebooks (``v.draw(steps=True)``).

    ``.html`` is the page; notebooks show it in an iframe (``_repr_html_``), which runs
    offline in JupyterLab, VS Code and marimo; ``.save("g.html")`` writes it (other
    suffixes write the still picture).
    """

    def __init__(self, page: str, dot: graphviz.Digraph, *, values: int, operations: int, text: str | None,
                 steps: int, timeout: float | None = DOT_TIMEOUT, height: int = 640) -> None:
        super().__init__(dot, values=values, operations=operations, text=text, timeout=timeout)
        self.html = page
        self.steps = steps
        self.height = height

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd;" '
            'title="autograd backward pass, step by step"></iframe>'
        )

    def _repr_svg_(self) -> None:  # the page, not the still picture
        return None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        text = f"{self!r}\n{self._text}" if self._text else repr(self)
        return {"text/html": self._repr_html_(), "text/plain": text}

    def _mime_(self) -> tuple[str, str]:  # marimo
        return "text/html", self._repr_html_()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (``.html``) or the still picture (other suffixes) to ``path``."""
        target, fmt = _format_for(path, "save")
        if fmt != "html":
            return super().save(target)
        write_atomically(target, self.html.encode("utf-8"), "save")
        return target

    def __repr__(self) -> str:
        return f"<StepView: {self.values} Values, {self.steps} backward steps; .html is the page>"


def _text(root: Any, options: dict[str, Any]) -> str | None:
    """The text tree for a view, or None past the default size (it would be too long to read)."""
    try:
        return tree(root, precision=options.get("precision", 6))
    except GraphTooLargeError:
        return None


def show(root: Value | list[Value], *, steps: bool = False, timeout: float | None = DOT_TIMEOUT,
         **options: Any) -> GraphView:
    """The graph as an object Jupyter draws inline (the same as ``root.draw(...)``).

    ``steps=True`` gives the step-through page of :func:`to_html` (a :class:`StepView`;
    ``options`` are then to_html's); otherwise ``options`` are those of :func:`to_dot`.
    """
    if type(steps) is not bool:
        raise TypeError(f"steps: expected True or False, got {steps!r:.80}")
    if steps:
        from autograd.viz._select import check_root

        root = check_root(root, "draw(steps=True)")
        unknown = sorted(set(options) - set(_HTML_OPTIONS))
        if unknown:
            raise TypeError(
                f"draw(steps=True): unexpected option {', '.join(unknown)}; "
                f"expected some of {', '.join(_HTML_OPTIONS)}"
            )
        page = to_html(root, timeout=timeout, **options)
        keep = {k: options[k] for k in ("rankdir", "precision", "max_nodes", "title") if k in options}
        drawing = _dot.build(root, show_local_grads=True, **keep)
        text = _text(root, options)
        from autograd.viz.paths import backward_steps

        return StepView(page, drawing.dot, values=drawing.values, operations=drawing.operations, text=text,
                        steps=len(backward_steps(root)[0]), timeout=timeout)
    drawing = _dot.build(root, **options)
    text = _text(root, options)
    return GraphView(drawing.dot, values=drawing.values, operations=drawing.operations, text=text,
                     timeout=timeout)
