"""Grad mode: whether operations record the graph (``no_grad``, ``enable_grad``).

The setting lives in a ``contextvars.ContextVar``, so each thread and each asyncio task has
its own. This module is at the bottom of the package: every recorded operation reads it.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Any

__all__ = ["no_grad", "enable_grad", "is_grad_enabled"]

_GRAD_ENABLED: ContextVar[bool] = ContextVar("autograd_grad_enabled", default=True)

#: ``is_grad_enabled()`` is True when operations record the graph. It is the ContextVar's
#: own ``get`` (a C method), because every recorded operation calls it.
is_grad_enabled = _GRAD_ENABLED.get


class _GradMode(contextlib.ContextDecorator):
    """Set whether operations record the graph, for a ``with`` block or a decorated function.

    Leaving the block restores what was there before.
    """

    _enabled: bool

    def __init__(self) -> None:
        self._tokens: list[Any] = []

    def __enter__(self) -> None:
        self._tokens.append(_GRAD_ENABLED.set(self._enabled))

    def __exit__(self, *exc: object) -> None:
        _GRAD_ENABLED.reset(self._tokens.pop())


class no_grad(_GradMode):  # noqa: N801 - named like a function, as in PyTorch
    """Inside it, operations return Values with no parents: nothing is recorded.

    >>> from autograd import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """

    _enabled = False


class enable_grad(_GradMode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block."""

    _enabled = True
