"""Compiled mode: record a function's graph once, then replay it as straight-line Python.

``compile(f)`` wraps a function that builds a scalar Value from its arguments. The first
call runs ``f`` on Values (the dynamic engine, unchanged) and turns the recorded graph into
the source of a Python function over floats: one statement per node for the forward, one
per edge for the backward, in the order ``backward()`` would use. Later calls with the same
argument structure run that function: no Value objects, no rules-table lookups. The result
and every gradient are those of the dynamic engine (the same float operations in the same
order), and gradients are added to the ``.grad`` of the same leaves.

The package is split by job: ``trace`` (arguments and the recorded graph), ``guards`` (the
closure variables and globals a trace depends on), ``scalar`` (the code table for one call
and its generator), ``batched`` (the NumPy table, for ``.batch``) and ``function``
(:class:`CompiledFunction`). Each code table is keyed by op name, as the rules are (ops.py),
and falls back to the Primitive's own forward and derivative, so a registered op is
replayed too.

What is seen: a closure variable or global that f reads bound to another object (a model
loaded again, a Value replaced, another number) makes it trace again; a Value computed before
the call and reached that way, a read of an argument's ``.grad`` and a compiled function
called inside f are refused with a TypeError; one Value passed twice, or one of f's own
leaves passed as its argument, is the same object inside f, as on the dynamic engine.

What a trace cannot see: a Python branch on ``.data`` inside ``f`` (``if x.data > 0``), a
number read from ``.data`` and used as a constant, a Value made inside ``f`` from data that
changes between calls, and objects reached through attributes or containers that change
(``self.w = Value(...)``). The replay keeps what the trace recorded. ``check=True`` records
the graph again on every call, compares it with the trace (also which Values are the same
objects) and raises :class:`TraceMismatchError` when they differ.
"""

from autograd.compiler.function import BatchResult, CompiledFunction, compile
from autograd.errors import TraceMismatchError

__all__ = ["compile", "CompiledFunction", "BatchResult", "TraceMismatchError"]
