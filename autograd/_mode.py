"""Modes: whether operations record the graph (``no_grad``, ``enable_grad``) and whether they
are watched for non-finite values (``detect_anomaly``).

Both settings live in ``contextvars.ContextVar``s, so each thread and each asyncio task has
its own. This module is at the bottom of the package: every recorded operation reads
``recording()``, a ContextVar's own ``get`` (a C method), which returns True (the usual
case), False (nothing is recorded) or ``WATCHING`` (recording with anomaly detection on, a
falsy value: the hot paths test ``if recording():`` and look for WATCHING only where they
would otherwise make a leaf), so anomaly detection costs nothing when it is off.

A mode object keeps no state of its own: what it must restore is kept in a per-context
stack, so one object (a decorator, say) may be entered by several threads or tasks at once.
Decorated generator and coroutine functions run every step of their body in the mode.

>>> from autograd import Value
>>> with no_grad():
...     y = Value(2.0) * 3
>>> y.parents
()
>>> @no_grad
... def f(x):
...     return x * 2
>>> f(Value(1.0)).parents
()
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncGenerator, Callable, Generator
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled"]


class _Watching:
    """The recording mode while anomaly detection is on. It is falsy on purpose: the hot
    paths test ``if recording():`` exactly as they did before anomaly detection existed, and
    only the branch for "not recording" asks whether the mode is WATCHING."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "WATCHING"


WATCHING: Any = _Watching()

_MODE: ContextVar[Any] = ContextVar("autograd_mode", default=True)
_ANOMALY: ContextVar[bool] = ContextVar("autograd_anomaly", default=False)
_SAVED: ContextVar[tuple[tuple[Any, bool], ...]] = ContextVar("autograd_saved_modes", default=())

#: The recording mode: False, True or WATCHING (for the package's hot paths).
recording = _MODE.get

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when operations record the graph."""
    mode = _MODE.get()
    return mode is True or mode is WATCHING


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly``."""
    return _ANOMALY.get()


class _Mode:
    """Set the modes for a ``with`` block or a decorated function (``@mode`` or ``@mode()``)."""

    def __new__(cls, func: Any = None) -> Any:
        self = super().__new__(cls)
        if func is None:
            return self
        if not callable(func):
            raise TypeError(
                f"{cls.__name__}() takes no arguments (use `with {cls.__name__}():`, @{cls.__name__} "
                f"or @{cls.__name__}()), got {type(func).__name__}: {func!r:.80}"
            )
        return self(func)  # bare @no_grad: decorate at once

    def _modes(self) -> tuple[Any, bool]:
        """The recording mode and the anomaly flag inside the block."""
        raise NotImplementedError

    def __enter__(self) -> None:
        before = (_MODE.get(), _ANOMALY.get())
        mode, anomaly = self._modes()
        _SAVED.set((*_SAVED.get(), before))
        _MODE.set(mode)
        _ANOMALY.set(anomaly)

    def __exit__(self, *exc: object) -> None:
        saved = _SAVED.get()
        mode, anomaly = saved[-1]
        _SAVED.set(saved[:-1])
        _MODE.set(mode)
        _ANOMALY.set(anomaly)

    def __call__(self, func: F) -> F:
        """Decorate ``func``: every call (every step of a generator or coroutine) runs in the mode."""
        if not callable(func):
            raise TypeError(
                f"{type(self).__name__}: expected a function to decorate, got {type(func).__name__}"
            )
        if inspect.isasyncgenfunction(func):
            return self._wrap_async_generator(func)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return coroutine  # type: ignore[return-value]
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)  # type: ignore[return-value]

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return call  # type: ignore[return-value]

    def _wrap_generator(self, func: Callable[..., Generator[Any, Any, Any]]) -> Callable[..., Any]:
        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            gen = func(*args, **kwargs)
            try:
                with self:
                    item = gen.send(None)
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        with self:
                            gen.close()
                        raise
                    except BaseException as error:
                        with self:
                            item = gen.throw(error)
                    else:
                        with self:
                            item = gen.send(sent)
            except StopIteration as stop:
                return stop.value

        return generator

    def _wrap_async_generator(self, func: Callable[..., AsyncGenerator[Any, Any]]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def generator(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
            gen = func(*args, **kwargs)
            try:
                with self:
                    item = await gen.asend(None)
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        with self:
                            await gen.aclose()
                        raise
                    except BaseException as error:
                        with self:
                            item = await gen.athrow(error)
                    else:
                        with self:
                            item = await gen.asend(sent)
            except StopAsyncIteration:
                return

        return generator


class no_grad(_Mode):  # noqa: N801 - named like a function, as in PyTorch
    """Inside it, operations return Values with no parents: nothing is recorded.

    A context manager (``with no_grad():``) and a decorator (``@no_grad`` or ``@no_grad()``),
    also of generator and ``async def`` functions; per thread and per asyncio task.
    """

    def _modes(self) -> tuple[Any, bool]:
        return False, _ANOMALY.get()


class enable_grad(_Mode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block (anomaly detection stays as it was)."""

    def _modes(self) -> tuple[Any, bool]:
        anomaly = _ANOMALY.get()
        return (WATCHING if anomaly else True), anomaly


class detect_anomaly(_Mode):  # noqa: N801
    """Watch every operation for non-finite values, as a context manager or a decorator.

    Inside it, each new node remembers the file and line of the code that made it (the first
    frame outside this package), and the first operation whose result is nan or infinite, and
    the first gradient that becomes nan or infinite in ``backward()`` or ``grad()``, raise
    :class:`~autograd.errors.AnomalyError` naming the op, its operands and that file:line (for
    a gradient: the line that made the node whose derivative rule produced it). Off by
    default; when off it costs nothing. Compiled replays (``autograd.compile``) are not
    watched.
    """

    def _modes(self) -> tuple[Any, bool]:
        return (WATCHING if is_grad_enabled() else False), True
