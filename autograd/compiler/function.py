"""The compiled function: ``compile(f)`` traces f once per argument structure and replays the
generated code (scalar.py for one call, batched.py for ``.batch``); a failing replay records
the graph again on the dynamic engine, which raises the engine's own error or becomes the
new trace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import ops
from autograd._mode import is_grad_enabled
from autograd._numbers import check_number
from autograd.compiler.batched import array_namespace, array_source
from autograd.compiler.scalar import NAMESPACE, build, scalar_source
from autograd.compiler.trace import Trace, analyse, compare, flatten, numbers, record, shape
from autograd.functional import grad
from autograd.graph import grads_kept
from autograd.value import Value

__all__ = ["compile", "CompiledFunction", "BatchResult"]


@dataclass
class BatchResult:
    """What ``CompiledFunction.batch`` returns.

    ``values``: the function's value per example, shape (N,). ``grads``: one array per
    argument, shaped like it, with each example's gradient (times its upstream gradient).
    ``leaf_grads``: for every leaf of the graph that is not an argument (a model's
    parameters), the pair (leaf, gradient): a float summed over the examples, or an array
    of shape (N,) with ``per_example=True``.
    """

    values: Any
    grads: tuple[Any, ...]
    leaf_grads: list[tuple[Value, Any]]
    aux: tuple[Any, ...] = ()  # has_aux=True: one array of shape (N,) per auxiliary output


@dataclass
class _Program:
    trace: Trace
    leaves: list[Value]  # captured leaves, in trace.captured order
    generation: int
    replay: Callable[..., Any]
    forward: Callable[..., Any] | None = None
    source: str = ""
    arg_grad_slots: list[tuple[int, int]] | None = None  # (flat position, index in replay's grads)
    batch: dict[bool, Callable[..., Any]] | None = None


class CompiledFunction:
    """``compile(f)``: call it like ``f``; it returns f's value as a float and adds the
    gradients to ``.grad`` as ``f(...).backward()`` would.

    Methods: ``run(*args, gradient=1.0)``, ``forward(*args)`` (no backward, nothing
    written), ``grad(*args)`` (the arguments' gradients, nothing written),
    ``batch(*arrays, gradient=1.0, per_example=False)`` (needs NumPy), and ``source`` (the
    generated Python of the last trace). ``traces`` counts the traces made.
    """

    def __init__(self, f: Callable[..., Any], *, check: bool = False, has_aux: bool = False) -> None:
        if not callable(f):
            raise TypeError(f"compile: expected a callable, got {type(f).__name__}: {f!r:.80}")
        for flag, value in (("check", check), ("has_aux", has_aux)):
            if type(value) is not bool:
                raise TypeError(f"compile: {flag} must be a bool, got {type(value).__name__}")
        self.function = f
        self.check = check
        self.has_aux = has_aux
        self.traces = 0
        self.calls = 0
        self._name = getattr(f, "__qualname__", None) or type(f).__name__
        self._cache: dict[Any, _Program] = {}
        self._last: _Program | None = None

    def __repr__(self) -> str:
        return f"<compiled {self._name}: {self.traces} trace(s), {self.calls} call(s)>"

    @property
    def source(self) -> str:
        """The generated Python of the most recent trace ("" before the first call)."""
        return self._last.source if self._last else ""

    @property
    def graph_size(self) -> int:
        """Nodes in the most recent trace (0 before the first call)."""
        return len(self._last.trace.nodes) if self._last else 0

    # ---------------------------------------------------------------- tracing
    def _key(self, args: tuple[Any, ...]) -> tuple[Any, list[Any], tuple[Any, ...]]:
        flat: list[Any] = []
        spec = flatten(args, flat)
        return spec, flat, spec

    def _record(self, flat: list[Any], spec: tuple[Any, ...]) -> tuple[Value, list[Value], list[Value]]:
        return record(self.function, spec, flat, self._name, self.has_aux)

    def _trace(
        self, key: Any, flat: list[Any], recording: tuple[Value, list[Value], list[Value]]
    ) -> _Program:
        out, leaves, aux = recording
        trace = analyse(out, leaves, aux)
        self.traces += 1
        consts: dict[str, Any] = {}
        source = scalar_source(trace, consts, backward=True)
        captured = [trace.nodes[k] for k in trace.captured]
        replay = build(source, {**NAMESPACE, **consts}, captured, self._name)
        rank = {k: j for j, k in enumerate(sorted(k for k in trace.arg_leaf if k >= 0))}
        slots = [(pos, rank[k]) for pos, k in enumerate(trace.arg_leaf) if k >= 0]
        prog = _Program(trace, captured, ops.generation, replay, source=source, arg_grad_slots=slots)
        self._cache[key] = prog
        self._last = prog
        return prog

    def _program(self, args: tuple[Any, ...]) -> tuple[_Program, Any, list[Any], tuple[Any, ...]]:
        key, flat, spec = self._key(args)
        prog = self._cache.get(key)
        if prog is None or prog.generation != ops.generation:
            prog = self._trace(key, flat, self._record(flat, spec))
        elif self.check:
            out, leaves, aux = self._record(flat, spec)
            compare(prog.trace, analyse(out, leaves, aux), self.calls + 1)
        self._last = prog
        return prog, key, flat, spec

    def _result(self, value: float, aux: Sequence[float]) -> Any:
        return (value, list(aux)) if self.has_aux else value

    def _dynamic(
        self, key: Any, flat: list[Any], spec: tuple[Any, ...]
    ) -> tuple[Value, list[Value], list[Value]]:
        """The replay failed (a domain error, an overflow): run f on Values, which raises the
        engine's own error; if it does not (f took another branch), that graph becomes the trace."""
        recording = self._record(flat, spec)
        self._trace(key, flat, recording)
        return recording

    # ---------------------------------------------------------------- calls
    def __call__(self, *args: Any) -> Any:
        return self.run(*args)

    def run(self, *args: Any, gradient: float = 1.0) -> Any:
        """f's value at ``args``; adds gradient * d f / d leaf to each leaf's ``.grad``
        (Value arguments and the leaves f uses, such as a model's parameters). Under
        ``no_grad()`` it only computes the value. With ``has_aux=True``: ``(value, aux)``,
        aux a list of floats."""
        gradient = check_number(gradient, "compiled function: gradient")
        if not is_grad_enabled():
            return self.forward(*args)
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        datas = numbers(flat)
        try:
            value, grads, aux = prog.replay(datas, gradient)
        except (ArithmeticError, ValueError):
            out, leaves, aux_values = self._dynamic(key, flat, spec)
            out.backward(gradient)
            for a, leaf in zip(flat, leaves):
                if isinstance(a, Value):
                    a.grad += leaf.grad
            return self._result(out.data, [v.data for v in aux_values])
        for pos, j in prog.arg_grad_slots or ():
            a = flat[pos]
            if a.__class__ is Value or isinstance(a, Value):
                a.grad += grads[j]
        return self._result(value, aux)

    def forward(self, *args: Any) -> Any:
        """f's value at ``args`` (with ``has_aux``: ``(value, aux)``); no gradient is computed
        and nothing is written."""
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        if prog.forward is None:
            consts: dict[str, Any] = {}
            src = scalar_source(prog.trace, consts, backward=False)
            prog.forward = build(src, {**NAMESPACE, **consts}, prog.leaves, self._name)
        datas = numbers(flat)
        try:
            value, aux = prog.forward(datas, 0.0)
        except (ArithmeticError, ValueError):
            out, _, aux_values = self._dynamic(key, flat, spec)
            return self._result(out.data, [v.data for v in aux_values])
        return self._result(value, aux)

    def grad(self, *args: Any) -> tuple[float, tuple[float, ...]]:
        """``(value, gradients)``: d f / d argument for each scalar argument, in the order
        the arguments are flattened; no ``.grad`` is touched."""
        prog, key, flat, spec = self._program(args)
        self.calls += 1
        datas = numbers(flat)
        try:
            with grads_kept(prog.leaves):
                value, grads, _ = prog.replay(datas, 1.0)
        except (ArithmeticError, ValueError):
            out, leaves, _ = self._dynamic(key, flat, spec)
            return out.data, grad(out, leaves)
        rank = {k: j for j, k in enumerate(sorted(k for k in prog.trace.arg_leaf if k >= 0))}
        return value, tuple(grads[rank[k]] if k >= 0 else 0.0 for k in prog.trace.arg_leaf)

    def batch(self, *args: Any, gradient: Any = 1.0, per_example: bool = False) -> BatchResult:
        """Replay over NumPy arrays, one example per row: each argument gets a leading axis
        of N examples (a number becomes shape (N,), a list of k numbers (N, k) ...).

        Returns a :class:`BatchResult`. The gradients are those of sum_n gradient[n] * f(x_n);
        with ``per_example=False`` the captured leaves' summed gradients are also added to
        their ``.grad`` (as backward of that sum would), with ``per_example=True`` nothing is
        written and each leaf's gradient is an array over the examples.
        """
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is in the test extra
            raise ImportError("compile: batch() needs NumPy: pip install numpy") from None
        if type(per_example) is not bool:
            raise TypeError(f"batch: per_example must be a bool, got {type(per_example).__name__}")
        if not args:
            raise TypeError("batch: expected one array per argument of the function, got none")
        arrays = []
        for i, a in enumerate(args):
            if isinstance(a, Value):
                raise TypeError(f"batch: argument {i} is a Value; batch() takes arrays of numbers")
            try:
                arr = np.asarray(a, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"batch: argument {i} is not an array of numbers ({exc})") from None
            if arr.ndim == 0:
                raise ValueError(f"batch: argument {i} needs a leading axis of examples, got a scalar")
            arrays.append(arr)
        n = arrays[0].shape[0]
        for i, arr in enumerate(arrays):
            if arr.shape[0] != n:
                raise ValueError(f"batch: argument {i} has {arr.shape[0]} examples, argument 0 has {n}")
        if n == 0:
            raise ValueError("batch: expected at least one example, got none")
        g = np.asarray(gradient, dtype=np.float64)
        if g.ndim not in (0, 1) or (g.ndim == 1 and g.shape[0] != n):
            raise ValueError(f"batch: gradient must be a number or an array of {n}, got shape {g.shape}")
        g = np.broadcast_to(g, (n,)).astype(np.float64)
        example = tuple(arr[0].tolist() for arr in arrays)
        prog, _, _, spec = self._program(example)
        for i, (s, arr) in enumerate(zip(spec, arrays)):
            if shape(s) != arr.shape[1:]:
                raise ValueError(
                    f"batch: argument {i} has examples of shape {arr.shape[1:]}, the trace {shape(s)}"
                )
        if self.check:
            for k in range(1, n):
                flat_k: list[Any] = []
                flatten(tuple(a[k].tolist() for a in arrays), flat_k)
                out, leaves, aux = self._record(flat_k, spec)
                compare(prog.trace, analyse(out, leaves, aux), self.calls + 1)
        self.calls += 1
        if prog.batch is None:
            prog.batch = {}
        fn = prog.batch.get(per_example)
        if fn is None:
            consts: dict[str, Any] = {}
            src = array_source(prog.trace, consts, per_example)
            fn = build(src, {**array_namespace(), **consts}, prog.leaves, self._name)
            prog.batch[per_example] = fn
        columns = np.concatenate([a.reshape(n, -1) for a in arrays], axis=1).T.copy()
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise"):
                values, arg_grads, leaf_grads, aux_values = fn(columns, g)
        except (ArithmeticError, ValueError) as exc:
            self._raise_for_example(arrays, exc)
            raise
        values = np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)).copy()
        grads = []
        col = 0
        for arr in arrays:
            width = int(np.prod(arr.shape[1:], dtype=np.int64))
            parts = [np.broadcast_to(np.asarray(arg_grads[col + j], dtype=np.float64), (n,))
                     for j in range(width)]
            grads.append(np.stack(parts, axis=1).reshape(arr.shape) if parts else np.zeros(arr.shape))
            col += width
        pairs: list[tuple[Value, Any]] = []
        for leaf, gl in zip(prog.leaves, leaf_grads):
            if per_example:
                pairs.append((leaf, np.broadcast_to(gl, (n,)).copy()))
            else:
                pairs.append((leaf, float(gl)))
                leaf.grad += float(gl)
        aux_arrays = tuple(np.broadcast_to(np.asarray(a, dtype=np.float64), (n,)).copy() for a in aux_values)
        return BatchResult(values, tuple(grads), pairs, aux_arrays)

    def _raise_for_example(self, arrays: list[Any], exc: BaseException) -> None:
        """Find the first example the dynamic engine fails on and raise its error."""
        for k in range(arrays[0].shape[0]):
            example = tuple(a[k].tolist() for a in arrays)
            try:
                flat: list[Any] = []
                spec = flatten(example, flat)
                self._record(flat, spec)
            except (ArithmeticError, ValueError) as err:
                err.add_note(f"in example {k} of the batch")
                raise
        raise ArithmeticError(f"batch: the NumPy replay failed ({exc}) on no single example") from exc


def compile(f: Callable[..., Any], *, check: bool = False, has_aux: bool = False) -> CompiledFunction:
    """Compile ``f`` (Values in, one Value out) into a replay over floats.

    ``check=True`` records f's graph again at every call and raises TraceMismatchError if
    it differs from the trace. ``has_aux=True``: f returns ``(value, [Values...])`` and the
    compiled function returns ``(value, [floats...])``, the extra Values' numbers (a
    model's outputs next to its loss, say); they must be part of the value's graph.

    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> step = compile(lambda x: (w * x).tanh())
    >>> round(step(2.0), 6), round(w.grad, 6)
    (0.761594, 0.839949)
    >>> step.traces, round(step(2.0), 6), round(w.grad, 6)
    (1, 0.761594, 1.679897)
    """
    return CompiledFunction(f, check=check, has_aux=has_aux)
