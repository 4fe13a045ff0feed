"""Every exception the library defines, in one place, with one base: :class:`AutogradError`.

Each error also keeps the built-in class that says what kind of mistake it is, so code that
catches ``ValueError`` or ``TypeError`` keeps working, and ``except AutogradError`` catches
every failure the library reports on purpose:

>>> from autograd.errors import AutogradError, ExpressionError
>>> issubclass(ExpressionError, ValueError) and issubclass(ExpressionError, AutogradError)
True

The modules that raise them also export them under the same names (``autograd.viz.
GraphTooLargeError``, ``autograd.testing.GradcheckError``, ...). Plain argument mistakes (a
str where a number belongs, log of a negative number) raise the built-in TypeError and
ValueError themselves, with messages that say what was expected and what was received.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AutogradError",
    "MissingRuleError",
    "AnomalyError",
    "TraceMismatchError",
    "ExpressionError",
    "GraphTooLargeError",
    "GraphvizError",
    "GraphvizNotFoundError",
    "GradcheckError",
    "ModelFileError",
    "DataFileError",
    "MissingDependencyError",
    "UsageError",
]


class AutogradError(Exception):
    """The base of every exception this library defines."""


class MissingRuleError(AutogradError, NotImplementedError):
    """No derivative rule is registered for an op (its name, and the registered ones, are in the message)."""


class AnomalyError(AutogradError, RuntimeError):
    """``detect_anomaly``: an operation gave nan or infinity, or a gradient became one; the
    message names the op, its operands and the file:line that made the node."""


class TraceMismatchError(AutogradError, RuntimeError):
    """``compile(f, check=True)``: a call recorded a different graph than the one being replayed."""


class ExpressionError(AutogradError, ValueError):
    """The text is not an expression ``autograd.parse`` accepts; ``column`` is 1-based (0 if unknown).

    The message shows the text with a caret under the column. Characters a terminal would
    act on or not show (control characters, bidirectional overrides, line and paragraph
    separators) are shown as Python escapes (``\\x1b``), and the caret is placed under the
    escaped text, counting wide characters (CJK, emoji) as two columns. Of a text longer than
    72 characters, the 72 around the column are shown, between "...". ``text`` keeps the
    text as it was given.

    >>> print(ExpressionError("syntax error", "x + \\x1b[31m", 5))
    syntax error at column 5
      x + \\x1b[31m
          ^
    """

    def __init__(self, message: str, text: str = "", column: int = 0) -> None:
        self.message = message
        self.text = text
        self.column = column
        where = f" at column {column}" if column else ""
        caret = ""
        if column:
            start = 0 if len(text) <= _SHOWN else max(0, min(column - 1 - _SHOWN // 3, len(text) - _SHOWN))
            end = start + _SHOWN
            head = "..." if start else ""
            shown = head + _visible(text[start:end]) + ("..." if end < len(text) else "")
            before = head + _visible(text[start : column - 1])
            caret = f"\n  {shown}\n  {' ' * _width(before)}^"
        super().__init__(f"{message}{where}{caret}")


_SHOWN = 72  # characters of a long expression shown around the caret


def _visible(text: str) -> str:
    """``text`` with every character that ``str.isprintable`` rejects written as its Python
    escape (``\\x07``, ``\\u202e``): what a message may echo to a terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _width(text: str) -> int:
    """Terminal columns of printable ``text``: East Asian wide and full-width characters take
    two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata  # only for non-ASCII text

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


class GraphTooLargeError(AutogradError, ValueError):
    """The graph has more Value nodes than ``max_nodes`` allows."""


class GraphvizError(AutogradError, RuntimeError):
    """Graphviz's ``dot`` failed: it crashed, exited with an error, or ran past its time limit
    (the message says which, with the first lines of what ``dot`` printed); or, as its
    subclass :class:`GraphvizNotFoundError`, it is not installed."""


class GraphvizNotFoundError(GraphvizError):
    """Graphviz's ``dot`` program, needed for SVG, PNG and PDF output, is not installed."""


class GradcheckError(AutogradError, AssertionError):
    """Gradients disagree with finite differences (or backward is not repeatable).

    The message is the report; the attributes hold the same facts as data:
    ``disagreements`` (per input), ``rules`` (nodes whose own rule disagrees, in evaluation
    order), ``kinks`` (ops sitting on a non-differentiable point) and ``faulty_op`` (the
    first op in ``rules``, or None). The records are those of ``autograd.testing``
    (Disagreement, RuleDisagreement, Kink).
    """

    def __init__(
        self,
        message: str,
        *,
        disagreements: Sequence[Any] = (),
        rules: Sequence[Any] = (),
        kinks: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.disagreements = tuple(disagreements)
        self.rules = tuple(rules)
        self.kinks = tuple(kinks)

    @property
    def faulty_op(self) -> str | None:
        """The name of the first op whose own rule disagrees, if one does."""
        return self.rules[0].op if self.rules else None


class ModelFileError(AutogradError, ValueError):
    """A model file (or state dict) that cannot be loaded: malformed, incomplete or mismatched."""


class DataFileError(AutogradError, ValueError):
    """A data file (CSV) that cannot be read as rows of numbers."""


class MissingDependencyError(AutogradError, ImportError):
    """An optional package a feature needs is not installed; the message names the extra."""


class UsageError(AutogradError):
    """A user mistake on the command line: printed as ``autograd CMD: error: ...``, exit status 2."""


# Tracebacks name each error where users meet it (``autograd.nn.ModelFileError``), and every
# one of those modules exports it under that name.
for _error, _home in (
    (AnomalyError, "autograd"),
    (TraceMismatchError, "autograd.compiler"),
    (ExpressionError, "autograd.parse"),
    (GraphTooLargeError, "autograd.viz"),
    (GraphvizError, "autograd.viz"),
    (GraphvizNotFoundError, "autograd.viz"),
    (GradcheckError, "autograd.testing"),
    (ModelFileError, "autograd.nn"),
    (DataFileError, "autograd.datasets"),
    (MissingDependencyError, "autograd.datasets"),
    (UsageError, "autograd.cli"),
):
    _error.__module__ = _home
del _error, _home
