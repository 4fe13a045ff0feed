"""The compiled function: ``compile(f)`` traces f once per argument structure and replays the
generated code (scalar.py for one call, batched.py for ``.batch``); a failing replay records
the graph again on the dynamic engine, which raises the engine's own error or becomes the
new trace.

A trace is kept per key: the arguments' nesting, which Value arguments are one object, and
which of them are leaves the trace also reaches directly (one of f's parameters passed as an
argument). It is made again when the rules table changes or when a closure variable or
global that f reads is bound to another object (guards.py), and refused when f reads an
argument's ``.grad``, uses a Value computed before the call through a closure variable or a
global, or calls a compiled function while it is traced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import ops
from autograd._mode import is_grad_enabled
from autograd._numbers import check_number, shown
from autograd.compiler.batched import array_namespace, array_source
from autograd.compiler.guards import Guard, captured_values, guard
from autograd.compiler.scalar import NAMESPACE, build, scalar_source
from autograd.compiler.trace import (
    TRACING,
    Trace,
    alias_key,
    analyse,
    compare,
    flatten,
    numbers,
    record,
    shape,
)
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
    guard: Guard | None  # the closure variables and globals f read, as they were bound
    real: frozenset[int]  # flat positions recorded as the argument Value itself
    captured_ids: dict[int, int]  # id(Value f reaches: a captured leaf, a guarded name's) -> a number
    arg_grad_slots: list[tuple[int, int]]  # (flat position, index in replay's grads), once per leaf
    positions: list[int]  # per flat position: index in replay's grads, or -1 (f ignores it)
    held: list[Value]  # the Values of f's guarded names, kept alive with the ids in captured_ids
    forward: Callable[..., Any] | None = None
    source: str = ""
    batch: dict[bool, Callable[..., Any]] | None = None
    each: Callable[..., Any] | None = None  # the scalar replay returning the leaves' gradients


Recording = tuple[Value, list[Value], list[Value]]
Call = tuple[_Program, Any, list[Any], tuple[Any, ...], frozenset[int]]  # prog, key, flat, spec, real


class CompiledFunction:
    """``compile(f)``: call it like ``f``; it returns f's value as a float and adds the
    gradients to ``.grad`` as ``f(...).backward()`` would.

    Methods: ``run(*args, gradient=1.0)``, ``forward(*args)`` (no backward, nothing
    written), ``grad(*args)`` (the arguments' gradients, nothing written),
    ``batch(*arrays, gradient=1.0, per_example=False)`` (needs NumPy), and ``source`` (the
    generated Python of the last trace). ``traces`` counts the traces made;
    ``last_retrace`` says why the latest trace of an argument structure that had one already
    was made ("" if none was).
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
        self.last_retrace = ""
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
    def _record(self, flat: list[Any], spec: tuple[Any, ...], real: frozenset[int]) -> Recording:
        return record(self.function, spec, flat, self._name, self.has_aux, real)

    def _recorded(
        self, flat: list[Any], spec: tuple[Any, ...], real: frozenset[int]
    ) -> tuple[Guard | None, Recording]:
        """f recorded on Values, with its closure variables and globals as f saw them."""
        g = guard(self.function)
        recording = self._record(flat, spec, real)
        if g is not None:
            g.settle()
        return g, recording

    def _trace(self, key: Any, g: Guard | None, recording: Recording, real: frozenset[int]) -> _Program:
        out, leaves, aux = recording
        trace = analyse(out, leaves, aux)
        if g is not None:
            self._refuse_earlier_values(g, trace)
        self.traces += 1
        consts: dict[str, Any] = {}
        source = scalar_source(trace, consts, backward=True)
        captured = [trace.nodes[k] for k in trace.captured]
        replay = build(source, {**NAMESPACE, **consts}, captured, self._name)
        slots = trace.grad_slots()
        rank = dict(slots)
        first = {k: pos for pos, k in reversed(list(enumerate(trace.arg_leaf)))}
        positions = [rank[first[k]] if k >= 0 else -1 for k in trace.arg_leaf]
        # The Values an argument may be (x is w): the leaves the trace reaches, and those
        # f holds through its closure variables and globals
        known = {id(v): j for j, v in enumerate(captured)}
        held = [v for _, v in captured_values(g, Value)] if g is not None else []
        for v in held:  # held by the program, so that their ids stay theirs
            known.setdefault(id(v), len(known))
        prog = _Program(
            trace, captured, ops.generation, replay, g, real, known, slots, positions, held, source=source
        )
        self._cache[key] = prog
        self._last = prog
        return prog

    def _refuse_earlier_values(self, g: Guard, trace: Trace) -> None:
        """A Value made before the call, reached through a closure variable or a global, is
        recomputed by the replay from its leaves' current numbers; f would use its stored
        number and derivatives: refuse it."""
        for where, v in captured_values(g, Value):
            if not v.is_leaf() and id(v) in trace.index:
                raise TypeError(
                    f"compile: {self._name} uses {where}, a Value computed before the call "
                    f"(op {v.op!r}, data {v.data!r}); the function uses its stored number and "
                    "derivatives, while a replay would compute it again from its leaves' current "
                    "numbers. Compute it inside the function (or use a leaf, v.detach(), if it is "
                    "a constant)"
                )

    def _stale(self, prog: _Program) -> str:
        """Why ``prog`` cannot be replayed any more ("" if it can)."""
        if prog.generation != ops.generation:
            return "a rule of the table was registered or replaced"
        if prog.guard is not None:
            return prog.guard.changed() or ""
        return ""

    def _lookup(
        self, key: Any, flat: list[Any], spec: tuple[Any, ...], real: frozenset[int]
    ) -> tuple[_Program, bool]:
        """The program for ``key``, traced now if it has none or a stale one (and whether it was)."""
        prog = self._cache.get(key)
        if prog is not None:
            reason = self._stale(prog)
            if not reason:
                return prog, False
            self.last_retrace = reason
        return self._trace(key, *self._recorded(flat, spec, real), real), True

    def _program(self, args: tuple[Any, ...]) -> Call:
        outer = TRACING.get()
        if outer is not None:
            raise TypeError(
                f"compile: the compiled function {self._name} was called while {outer} is being "
                "traced; it returns floats, so the outer trace would keep its result as a constant "
                f"and lose its gradient. Call the plain function inside ({self._name}.function), "
                "and compile only the outer one"
            )
        flat: list[Any] = []
        values: list[int] = []
        spec = flatten(args, flat, 0, values)
        key: Any = spec
        if len(values) > 1:
            alias = alias_key(flat, values)
            if alias is not None:
                key = (spec, alias)
        real: frozenset[int] = frozenset()
        prog, fresh = self._lookup(key, flat, spec, real)
        if values and prog.captured_ids:
            ids = prog.captured_ids
            overlap = tuple((p, ids[id(flat[p])]) for p in values if id(flat[p]) in ids)
            if overlap:  # an argument is a leaf f also reaches: x is w holds in f
                key, real = (key, overlap), frozenset(p for p, _ in overlap)
                prog, fresh = self._lookup(key, flat, spec, real)
        if self.check and not fresh:
            out, leaves, aux = self._record(flat, spec, real)

            def again() -> Trace:
                return analyse(*self._record(flat, spec, real))

            compare(prog.trace, analyse(out, leaves, aux), self.calls + 1, again)
        self._last = prog
        return prog, key, flat, spec, real

    def _result(self, value: float, aux: Sequence[float]) -> Any:
        return (value, list(aux)) if self.has_aux else value

    def _dynamic(self, key: Any, flat: list[Any], spec: tuple[Any, ...], real: frozenset[int]) -> Recording:
        """The replay failed (a domain error, an overflow): run f on Values, which raises the
        engine's own error; if it does not (f took another branch), that graph becomes the trace."""
        g, recording = self._recorded(flat, spec, real)
        self._trace(key, g, recording, real)
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
        prog, key, flat, spec, real = self._program(args)
        self.calls += 1
        datas = numbers(flat)
        try:
            value, grads, aux = prog.replay(datas, gradient)
        except (ArithmeticError, ValueError):
            out, leaves, aux_values = self._dynamic(key, flat, spec, real)
            out.backward(gradient)
            added: set[int] = set()
            for a, leaf in zip(flat, leaves):
                if leaf is not a and isinstance(a, Value) and id(leaf) not in added:
                    added.add(id(leaf))  # a Value passed twice is one leaf: add its gradient once
                    a.grad += leaf.grad
            return self._result(out.data, [v.data for v in aux_values])
        for pos, j in prog.arg_grad_slots:
            a = flat[pos]
            if a.__class__ is Value or isinstance(a, Value):
                a.grad += grads[j]
        return self._result(value, aux)

    def forward(self, *args: Any) -> Any:
        """f's value at ``args`` (with ``has_aux``: ``(value, aux)``); no gradient is computed
        and nothing is written."""
        prog, key, flat, spec, real = self._program(args)
        self.calls += 1
        if prog.forward is None:
            consts: dict[str, Any] = {}
            src = scalar_source(prog.trace, consts, backward=False)
            prog.forward = build(src, {**NAMESPACE, **consts}, prog.leaves, self._name)
        datas = numbers(flat)
        try:
            value, aux = prog.forward(datas, 0.0)
        except (ArithmeticError, ValueError):
            out, _, aux_values = self._dynamic(key, flat, spec, real)
            return self._result(out.data, [v.data for v in aux_values])
        return self._result(value, aux)

    def grad(self, *args: Any) -> tuple[float, tuple[float, ...]]:
        """``(value, gradients)``: d f / d argument for each scalar argument, in the order
        the arguments are flattened; no ``.grad`` is touched."""
        prog, key, flat, spec, real = self._program(args)
        self.calls += 1
        datas = numbers(flat)
        try:
            with grads_kept(prog.leaves):
                value, grads, _ = prog.replay(datas, 1.0)
        except (ArithmeticError, ValueError):
            out, leaves, _ = self._dynamic(key, flat, spec, real)
            return out.data, grad(out, leaves)
        return value, tuple(grads[j] if j >= 0 else 0.0 for j in prog.positions)

    def batch(self, *args: Any, gradient: Any = 1.0, per_example: bool = False) -> BatchResult:
        """Replay over NumPy arrays, one example per row: each argument gets a leading axis
        of N examples (a number becomes shape (N,), a list of k numbers (N, k) ...).

        Returns a :class:`BatchResult`. The gradients are those of sum_n gradient[n] * f(x_n);
        with ``per_example=False`` the captured leaves' summed gradients are also added to
        their ``.grad`` (as backward of that sum would), with ``per_example=True`` nothing is
        written and each leaf's gradient is an array over the examples.

        The arrays must hold real numbers (bool, int or float): Values, complex numbers,
        strings and other objects raise TypeError. Floats follow IEEE arithmetic as on the
        dynamic engine: where an operation gives inf or nan there, the batch gives it too;
        where the engine raises (log of a negative number, a division by zero, exp
        overflowing), the batch raises the engine's error for the first such example.
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
            arr = _real_array(np, a, f"batch: argument {i}")
            if arr.ndim == 0:
                raise ValueError(f"batch: argument {i} needs a leading axis of examples, got a scalar")
            arrays.append(arr)
        n = arrays[0].shape[0]
        for i, arr in enumerate(arrays):
            if arr.shape[0] != n:
                raise ValueError(f"batch: argument {i} has {arr.shape[0]} examples, argument 0 has {n}")
        if n == 0:
            raise ValueError("batch: expected at least one example, got none")
        g = _real_array(np, gradient, "batch: gradient")
        if g.ndim not in (0, 1) or (g.ndim == 1 and g.shape[0] != n):
            raise ValueError(f"batch: gradient must be a number or an array of {n}, got shape {g.shape}")
        g = np.broadcast_to(g, (n,)).astype(np.float64)
        example = tuple(arr[0].tolist() for arr in arrays)
        prog, _, _, spec, real = self._program(example)
        for i, (s, arr) in enumerate(zip(spec, arrays)):
            if shape(s) != arr.shape[1:]:
                raise ValueError(
                    f"batch: argument {i} has examples of shape {arr.shape[1:]}, the trace {shape(s)}"
                )
        if self.check:
            for k in range(1, n):
                flat_k: list[Any] = []
                flatten(tuple(a[k].tolist() for a in arrays), flat_k)

                def again(flat_k: list[Any] = flat_k) -> Trace:
                    return analyse(*self._record(flat_k, spec, real))

                compare(prog.trace, analyse(*self._record(flat_k, spec, real)), self.calls + 1, again)
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
        flags: list[str] = []
        try:
            # NumPy notes an overflow, a division by zero or an invalid operation and goes on
            # with inf or nan; floats do the same in some places and raise in others (exp,
            # log, /), and NumPy's inf and nan are not always Python's ((-inf) ** 0.5). So a
            # batch with any such flag is replayed example by example on floats instead.
            with np.errstate(all="call", under="ignore", call=lambda err, flag: flags.append(err)):
                values, arg_grads, leaf_grads, aux_values = fn(columns, g)
        except (ArithmeticError, ValueError):  # a rule's own domain check (a Value exponent)
            flags.append("error")
        if flags:
            results = self._by_example(prog, arrays, g, spec, real, per_example)
            values, arg_grads, leaf_grads, aux_values = results
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

    def _by_example(
        self,
        prog: _Program,
        arrays: list[Any],
        g: Any,
        spec: tuple[Any, ...],
        real: frozenset[int],
        per_example: bool,
    ) -> tuple[Any, list[Any], list[Any], list[Any]]:
        """The batch's results from the scalar replay, one example at a time: what the dynamic
        engine gives each example, IEEE infinities and nans included. Where an example fails,
        f is recorded on Values for it, which raises the engine's error (noted with the
        example); the batch then fails."""
        import numpy as np

        if prog.each is None:
            consts: dict[str, Any] = {}
            src = scalar_source(prog.trace, consts, backward=True, return_leaf_grads=True)
            prog.each = build(src, {**NAMESPACE, **consts}, prog.leaves, self._name)
        n = arrays[0].shape[0]
        rows: list[tuple[Any, ...]] = []
        for k in range(n):
            flat: list[Any] = []
            flatten(tuple(a[k].tolist() for a in arrays), flat)
            try:
                rows.append(prog.each(flat, float(g[k])))
            except (ArithmeticError, ValueError) as exc:
                try:
                    self._record(flat, spec, real)
                except (ArithmeticError, ValueError) as err:
                    err.add_note(f"in example {k} of the batch")
                    raise
                exc.add_note(f"in example {k} of the batch (f takes another branch there)")
                raise
        values = np.array([r[0] for r in rows], dtype=np.float64)
        arg_grads = [
            np.array([r[1][j] for r in rows], dtype=np.float64) if j >= 0 else 0.0 for j in prog.positions
        ]
        aux = [np.array([r[2][a] for r in rows], dtype=np.float64) for a in range(len(prog.trace.aux))]
        leaf_grads: list[Any] = []
        for j in range(len(prog.leaves)):
            each = [r[3][j] for r in rows]
            leaf_grads.append(np.array(each, dtype=np.float64) if per_example else sum(each))
        return values, arg_grads, leaf_grads, aux


def _real_array(np: Any, a: Any, what: str) -> Any:
    """``a`` as a float64 array, if it holds only real numbers (bools, ints, floats); a
    TypeError naming ``what`` for Values, complex numbers, strings and other objects."""
    if isinstance(a, Value):
        raise TypeError(f"{what} is a Value; batch() takes arrays of numbers (v.data is the number)")
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"{what} is not an array of numbers ({exc})") from None
    kind = arr.dtype.kind
    if kind in "biuf":
        return arr.astype(np.float64)
    if kind == "c":
        raise TypeError(
            f"{what} holds complex numbers ({arr.dtype}); batch() takes real numbers "
            "(pass .real or .imag if that is what you mean)"
        )
    if kind != "O":
        raise TypeError(f"{what} is not an array of numbers: it holds {arr.dtype} ({shown(a)})")
    items = arr.ravel().tolist()
    for x in items:  # Python objects: each must be a real number
        if isinstance(x, Value):
            raise TypeError(
                f"{what} holds Values; batch() takes arrays of numbers and writes no gradient "
                "to them: pass [v.data for v in values], or call the compiled function on Values"
            )
        check_number(x, what)  # TypeError for anything else, OverflowError for a huge int
    return np.array([float(x) for x in items], dtype=np.float64).reshape(arr.shape)


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
