"""Text in pictures: numbers, escaping for Graphviz's HTML-like labels, the op glyphs."""

from __future__ import annotations

import math

from autograd import ops
from autograd.value import Value

__all__ = ["MAX_LABEL_CHARS", "escape_text", "shorten", "number", "glyph", "op_label", "node_name"]

MAX_LABEL_CHARS = 200
"""Labels longer than this are drawn cut, with the number of characters left out (Graphviz
refuses HTML labels over 16 KB, and a long label makes an unreadable box)."""

# Drawing's table, keyed by op name: the glyph in the round op node. An op not listed shows
# its operator symbol from the rules table, or else its name.
GLYPHS = {"mul": "\u00d7", "add_n": "\u03a3", "dot": "\u00b7"}


def number(x: float, precision: int) -> str:
    """A float for display: ``precision`` significant digits, no trailing zeros."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


def valid_xml_char(code: int) -> bool:
    """Whether XML 1.0 can carry the character with this code point."""
    return (
        code in (0x9, 0xA)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 ({len(text) - limit} more characters)"


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
        elif valid_xml_char(code):
            out.append(ch)
        else:
            out.append(ascii(ch)[1:-1])  # '\x01' -> \x01, a lone surrogate -> \udc80
    return "".join(out)


def glyph(op: str) -> str:
    """The text in an op's round node: the drawing table's glyph, the rule's symbol, or its name."""
    text = GLYPHS.get(op)
    if text is None:
        prim = ops.primitives().get(op)  # None when the rule was removed since
        text = prim.symbol if prim is not None and prim.symbol else op
    return text


def op_label(node: Value, precision: int) -> str:
    """The op's glyph, with its constant operands where they stand: the times sign and 2 for ``x * 2``."""
    before: list[str] = []
    after: list[str] = []
    seen_parent = False
    for o in node.operands:
        if isinstance(o, Value):
            seen_parent = True
        else:
            (after if seen_parent else before).append(number(o, precision))
    return " ".join([*before, glyph(node.op), *after])


def node_name(node: Value, precision: int = 6) -> str:
    """A short name for a node in text: its label, else its op, else (a leaf) its number."""
    if node.label:
        return shorten(node.label, 40)
    if node.op:
        return node.op
    return number(node.data, precision)
