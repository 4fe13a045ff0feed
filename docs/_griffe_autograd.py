"""A griffe extension for the API reference (listed in mkdocs.yml).

- The package's docstrings are written for ``help()`` and doctest: reST-style ``code`` and
  bare ``>>>`` examples. Each run of ``>>>`` lines with its expected output becomes a fenced
  ``pycon`` block and ````code```` becomes Markdown's `code`, so the reference shows them
  as code. The docstrings themselves stay as they are (pytest runs them as doctests).
- The functions made from the rules table (``exp = _dispatch(EXP)``) and the Value methods
  ``declare`` adds (``Value.sqrt``) exist only at run time, so griffe's static reading sees
  an attribute without a docstring, or nothing. They are taken from the imported package
  instead: a function with the signature and docstring the table gave it.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from typing import Any

import griffe

_DOUBLE_TICKS = re.compile(r"``([^`]+)``")
_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: griffe.ParameterKind.positional_only,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: griffe.ParameterKind.positional_or_keyword,
    inspect.Parameter.VAR_POSITIONAL: griffe.ParameterKind.var_positional,
    inspect.Parameter.KEYWORD_ONLY: griffe.ParameterKind.keyword_only,
    inspect.Parameter.VAR_KEYWORD: griffe.ParameterKind.var_keyword,
}


def to_markdown(text: str) -> str:
    """Doctest runs as fenced ``pycon`` blocks, double backticks as single ones."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(lines[i][len(indent) :])
                i += 1
            out.extend([indent + "```pycon", *(indent + b for b in block), indent + "```"])
            continue
        out.append(_DOUBLE_TICKS.sub(r"`\1`", line))
        i += 1
    return "\n".join(out)


def _function(name: str, fn: Any, parent: griffe.Object) -> griffe.Function:
    sig = inspect.signature(fn)
    params = griffe.Parameters(
        *(
            griffe.Parameter(
                p.name,
                kind=_KINDS[p.kind],
                default=None if p.default is inspect.Parameter.empty else repr(p.default),
            )
            for p in sig.parameters.values()
        )
    )
    func = griffe.Function(name, parameters=params, lineno=getattr(parent, "lineno", None) or 1)
    func.docstring = griffe.Docstring(inspect.cleandoc(fn.__doc__ or ""), parent=func)
    return func


class AutogradReference(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._fill(pkg)
        for obj in [pkg, *_walk(pkg)]:  # once each, the functions added by _fill included
            if obj.docstring is not None:
                obj.docstring.value = to_markdown(obj.docstring.value)

    def _fill(self, obj: griffe.Object) -> None:
        if obj.is_module and obj.name != "__main__":
            try:
                runtime = importlib.import_module(obj.path)
            except ImportError:
                runtime = None
            if runtime is not None:
                for name, member in list(obj.members.items()):
                    if member.is_alias or not member.is_attribute:
                        continue
                    value = getattr(runtime, name, None)
                    if isinstance(value, types.FunctionType) and value.__doc__:
                        obj.set_member(name, _function(name, value, member))
        if obj.is_class and obj.parent is not None and obj.parent.is_module:
            try:
                cls = getattr(importlib.import_module(obj.parent.path), obj.name)
            except (ImportError, AttributeError):
                cls = None
            if isinstance(cls, type):
                for name, value in vars(cls).items():
                    if name.startswith("_") or name in obj.members:
                        continue
                    if isinstance(value, types.FunctionType) and value.__doc__:
                        obj.set_member(name, _function(name, value, obj))
        for member in list(obj.members.values()):
            if not member.is_alias and (member.is_module or member.is_class):
                self._fill(member)


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    out: list[griffe.Object] = []
    for member in obj.members.values():
        if member.is_alias:
            continue
        out.append(member)
        if member.is_module or member.is_class:
            out.extend(_walk(member))
    return out
