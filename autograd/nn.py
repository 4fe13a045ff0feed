"""Neural networks on Values: ``Module``, ``Neuron``, ``Layer``, ``MLP``, and safe save/load.

The layer classes follow micrograd's, so its demo code runs unchanged:

>>> from autograd.nn import MLP
>>> model = MLP(2, [16, 16, 1], seed=0)        # relu hidden layers, linear output
>>> score = model([1.0, -2.0])                  # one output: a Value
>>> len(model.parameters())
337
>>> model.parameters()[0].label
'layers.0.neurons.0.w[0]'

A neuron computes ``activation(w . x + b)`` with one ``dot`` node for the weighted sum
(``autograd.dot(w, x) + b``, the fastest exact construction the engine has, see bench/).

Models are saved as JSON, never pickled: loading a file only reads numbers and names, and
floats round-trip exactly. ``save`` writes a temporary file and renames it over the target,
so an interrupted save leaves the old file as it was. ``load`` checks the whole file before
building anything, and ``load_state_dict`` checks the whole mapping before changing any
parameter.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from autograd._files import write_atomically
from autograd.errors import ModelFileError
from autograd.ops import dot
from autograd.value import Number, Value

__all__ = [
    "ACTIVATIONS",
    "FORMAT",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "ModelFileError",
    "SavedModel",
    "load",
    "load_with_metadata",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
"""The activations a neuron can apply to its weighted sum ("linear" applies none)."""

FORMAT = "autograd-model/1"
"""The value of the ``"format"`` key of the model files this version writes and reads."""

Seed = int | random.Random | None
"""An int (a new ``random.Random(seed)``), a ``random.Random`` to draw from, or None for the
``random`` module's global generator (micrograd's behaviour: ``random.seed(1337)`` works)."""

_ACTIVATION_FN: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

M = TypeVar("M", bound="Module")


def _uniform(seed: object, what: str) -> Callable[[float, float], float]:
    """The ``uniform`` function of the generator ``seed`` stands for (see ``Seed``)."""
    if seed is None:
        return random.uniform
    if isinstance(seed, random.Random):
        return seed.uniform
    if type(seed) is int:
        return random.Random(seed).uniform
    raise TypeError(f"{what}: seed must be an int, a random.Random or None, got {type(seed).__name__}")


def _check_size(n: object, what: str) -> int:
    if type(n) is not int or n < 1:
        raise ValueError(f"{what}: expected a positive int, got {n!r:.80}")
    return n


def _check_activation(activation: object, nonlin: object, what: str, default: str) -> str:
    """The activation from ``activation`` or micrograd's ``nonlin`` flag (not both)."""
    if nonlin is not None:
        if type(nonlin) is not bool:
            raise TypeError(f"{what}: nonlin must be a bool, got {type(nonlin).__name__}")
        if activation is not None:
            raise TypeError(f"{what}: pass activation or micrograd's nonlin, not both")
        return "relu" if nonlin else "linear"
    if activation is None:
        return default
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{what}: activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r:.80}"
        )
    return str(activation)


def _as_inputs(x: Sequence[Value | Number], nin: int, what: str) -> list[Value]:
    """``x`` (a sequence of ``nin`` numbers or Values) as a list of Values."""
    if isinstance(x, (Value, str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(
            f"{what}: expected a sequence of {nin} numbers or Values, got {type(x).__name__}: {x!r:.80}"
        )
    if len(x) != nin:
        raise ValueError(f"{what}: expected {nin} inputs, got {len(x)}")
    xs: list[Any] = list(x)
    for i, v in enumerate(xs):
        if v.__class__ is not Value and not isinstance(v, Value):
            try:
                xs[i] = Value(v)
            except TypeError:
                raise TypeError(
                    f"{what}: input {i} must be a number or a Value, got {type(v).__name__}: {v!r:.80}"
                ) from None
    return xs


def _attributes(prefix: str, module: Module) -> Iterator[tuple[str, Value | Module]]:
    """The Values and Modules among ``module``'s public attributes (and in their lists), named."""
    for name, attr in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, (Value, Module)):
            yield prefix + name, attr
        elif isinstance(attr, (list, tuple)):
            for i, item in enumerate(attr):
                if isinstance(item, Value):
                    yield f"{prefix}{name}[{i}]", item
                elif isinstance(item, Module):
                    yield f"{prefix}{name}.{i}", item


class Module:
    """Base class of anything with parameters, as in micrograd (``parameters``, ``zero_grad``).

    Parameters are found from the instance's attributes, in the order they were set: a
    Value attribute ``b`` is named ``b``, a list of Values ``w`` gives ``w[0]``, ``w[1]``
    ..., a Module attribute ``head`` contributes ``head.`` + its own names and a list of
    Modules ``layers`` contributes ``layers.0.``, ``layers.1.`` ... A parameter reached
    twice is listed once. A subclass may override ``named_parameters`` (or, as in
    micrograd, only ``parameters``, which is enough for ``zero_grad`` and the optimisers).
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs, names like ``layers.0.neurons.3.w[1]``."""
        out: list[tuple[str, Value]] = []
        seen: set[int] = {id(self)}
        # A stack of iterators, one per module being walked: nested modules are visited in
        # attribute order without recursion, and a module reached twice is walked once.
        stack = [_attributes("", self)]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            name, item = entry
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, Value):
                out.append((name, item))
            else:
                stack.append(_attributes(name + ".", item))
        return out

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.parameters():
            p.grad = 0.0

    def label_parameters(self) -> None:
        """Set each parameter's label to its name, so a drawn graph shows where it lives."""
        for name, p in self.named_parameters():
            p.label = name

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name: ``{"layers.0.neurons.0.w[0]": 0.53, ...}``."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set the parameters from ``state`` (as made by ``state_dict``).

        ``state`` must hold exactly this module's parameter names, each with a finite real
        number. Everything is checked before anything is set: on an error (ValueError or
        TypeError) no parameter has changed.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}"
            )
        named = self.named_parameters()
        names = [name for name, _ in named]
        missing = [n for n in names if n not in state]
        known = set(names)
        unexpected = [str(k) for k in state if k not in known]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
            if unexpected:
                parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
            raise ValueError(
                f"load_state_dict: the parameters do not match this {type(self).__name__} "
                f"({len(names)} parameters): {'; '.join(parts)}"
            )
        values: list[float] = []
        for name in names:
            x = state[name]
            if type(x) not in (float, int):
                raise TypeError(
                    f"load_state_dict: parameter {name!r} must be a number, got {type(x).__name__}: {x!r:.80}"
                )
            f = float(x)  # type: ignore[arg-type]
            if not math.isfinite(f):
                raise ValueError(f"load_state_dict: parameter {name!r} must be finite, got {f!r}")
            values.append(f)
        for (_, p), f in zip(named, values):
            p.data = f

    # ------------------------------------------------------------------ files
    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (for ``save``)."""
        raise TypeError(
            f"{type(self).__name__} cannot be saved as a model file: only Neuron, Layer and MLP "
            "describe their architecture; save its state_dict() instead"
        )

    def save(self, path: str | os.PathLike[str], *, metadata: Mapping[str, Any] | None = None) -> Path:
        """Write the architecture, the parameters and ``metadata`` to ``path`` as JSON.

        ``metadata`` is any JSON data (a mapping), for example what the outputs mean. The
        file is written to a temporary file beside ``path`` and renamed over it, so an
        interrupted save leaves the old file intact. Returns the path.
        """
        if _KINDS.get(type(self).__name__) is not type(self):
            raise TypeError(
                f"{type(self).__name__} cannot be saved as a model file: only Neuron, Layer and MLP "
                "can be rebuilt from one; save its state_dict() instead"
            )
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"save: metadata must be a mapping or None, got {type(metadata).__name__}")
        state = self.state_dict()
        for name, x in state.items():
            if not math.isfinite(x):
                raise ValueError(f"save: parameter {name!r} is {x!r}; a model file holds finite numbers only")
        document = {
            "format": FORMAT,
            "model": {"type": type(self).__name__, **self.config()},
            "metadata": dict(metadata or {}),
            "parameters": state,
        }
        try:
            text = json.dumps(document, indent=1, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"save: the metadata must be JSON data without NaN or infinity: {error}"
            ) from None
        target = Path(path)
        write_atomically(target, text.encode("utf-8") + b"\n")
        return target

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str]) -> M:
        """Build the model saved in ``path`` (``MLP.load(path)``, or ``Module.load`` for any kind).

        Raises ModelFileError for a file that is not valid JSON, is not a model file, or whose
        parameters do not fit its architecture, and OSError if it cannot be read.
        """
        model = load_with_metadata(path).model
        if not isinstance(model, cls):
            raise ModelFileError(
                f"{path}: expected a saved {cls.__name__}, got a saved {type(model).__name__}"
            )
        return model

    def load_weights(self, path: str | os.PathLike[str]) -> None:
        """Set this module's parameters from a model file saved from the same architecture.

        The whole file is checked first: on any error no parameter has changed.
        """
        saved = load_with_metadata(path).model
        if type(saved) is not type(self) or saved.config() != self.config():
            raise ModelFileError(
                f"{path}: the file holds {saved!r}, which does not match this model {self!r}"
            )
        self.load_state_dict(saved.state_dict())


class Neuron(Module):
    """``activation(w . x + b)``: ``nin`` weights drawn from U(-1, 1) and a bias 0, as micrograd.

    ``activation`` is one of ``ACTIVATIONS`` (default "relu"); micrograd's ``nonlin=False``
    means "linear". ``seed`` makes the weights reproducible (see ``Seed``).
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = None,
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        self.nin = _check_size(nin, "Neuron: nin")
        self.activation = _check_activation(activation, nonlin, "Neuron", "relu")
        uniform = _uniform(seed, "Neuron")
        self.w = [Value(uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        """The neuron's output for one input vector of ``nin`` numbers or Values."""
        return self._forward(_as_inputs(x, self.nin, "Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        out = dot(self.w, xs) + self.b
        act = _ACTIVATION_FN[self.activation]
        return out if act is None else act(out)

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "activation": ...}``."""
        return {"nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons on the same ``nin`` inputs.

    Called on one input vector, it returns a list of ``nout`` Values, or a single Value when
    ``nout == 1`` (as micrograd).
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        self.nin = _check_size(nin, "Layer: nin")
        self.nout = _check_size(nout, "Layer: nout")
        self.activation = _check_activation(activation, nonlin, "Layer", "relu")
        rng = random.Random(seed) if type(seed) is int else seed
        _uniform(rng, "Layer")  # checks the type
        self.neurons = [Neuron(nin, self.activation, seed=rng) for _ in range(nout)]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The layer's outputs for one input vector of ``nin`` numbers or Values."""
        out = self._forward(_as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: list[Value]) -> list[Value]:
        return [n._forward(xs) for n in self.neurons]

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "nout": ..., "activation": ...}``."""
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16
    and one output.

    Hidden layers use ``activation`` (default "relu"), the last layer ``output_activation``
    (default "linear"), as micrograd's MLP. Called on one input vector, it returns a Value
    when the last layer has one output, else a list of Values. ``seed`` makes the weights
    reproducible (see ``Seed``).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        output_activation: str = "linear",
        seed: Seed = None,
    ) -> None:
        self.nin = _check_size(nin, "MLP: nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.80}")
        self.nouts = [_check_size(n, f"MLP: nouts[{i}]") for i, n in enumerate(nouts)]
        self.activation = _check_activation(activation, None, "MLP", "relu")
        self.output_activation = _check_activation(output_activation, None, "MLP: output", "linear")
        rng = random.Random(seed) if type(seed) is int else seed
        _uniform(rng, "MLP")
        sizes = [nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], self.output_activation if i == last else self.activation, seed=rng)
            for i in range(len(self.nouts))
        ]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The network's output for one input vector of ``nin`` numbers or Values."""
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def forward(self, x: Sequence[Value | Number]) -> list[Value]:
        """The network's outputs for one input vector, always as a list."""
        xs = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "nouts": [...], "activation": ..., "output_activation": ...}``."""
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )


_KINDS: dict[str, type[Module]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}


# ---------------------------------------------------------------------------- files
class SavedModel(NamedTuple):
    """What a model file holds: the rebuilt model and the metadata saved with it."""

    model: Module
    metadata: dict[str, Any]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed (parameters must be finite numbers)")


def _read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    raw = Path(path).read_bytes()  # OSError (missing, unreadable) propagates as it is
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ModelFileError(f"{path}: not a model file (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"{path}: not a model file "
            f"(invalid JSON at line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except ValueError as error:
        raise ModelFileError(f"{path}: {error}") from None
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (nested too deeply)") from None
    if not isinstance(document, dict):
        raise ModelFileError(
            f"{path}: not a model file (expected a JSON object, got {type(document).__name__})"
        )
    fmt = document.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith(FORMAT.split("/")[0] + "/"):
            raise ModelFileError(
                f"{path}: unsupported model file version {fmt!r}; this version reads {FORMAT!r}"
            )
        raise ModelFileError(f'{path}: not a model file (expected "format": {FORMAT!r}, got {fmt!r:.80})')
    return document


def _build(path: str | os.PathLike[str], spec: object) -> Module:
    """The model described by the file's ``"model"`` entry, checked key by key."""
    if not isinstance(spec, dict):
        raise ModelFileError(f'{path}: "model" must be an object, got {type(spec).__name__}')
    kind = spec.get("type")
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ModelFileError(f'{path}: "model"."type" must be one of {", ".join(_KINDS)}, got {kind!r:.80}')
    args = {k: v for k, v in spec.items() if k != "type"}
    expected = {
        "Neuron": {"nin", "activation"},
        "Layer": {"nin", "nout", "activation"},
        "MLP": {"nin", "nouts", "activation", "output_activation"},
    }[cls.__name__]
    if set(args) != expected:
        missing = sorted(expected - set(args))
        extra = sorted(set(args) - expected)
        raise ModelFileError(
            f'{path}: "model" for {cls.__name__} needs the keys {sorted(expected)}; '
            f"missing {missing}, unexpected {extra}"
        )
    if "nouts" in args and not isinstance(args["nouts"], list):
        raise ModelFileError(f'{path}: "model"."nouts" must be a list, got {type(args["nouts"]).__name__}')
    try:
        # A model built only to receive the saved parameters: drawing from a throwaway
        # generator leaves the global random state untouched.
        factory: Any = cls
        built: Module = factory(**args, seed=0)
        return built
    except (TypeError, ValueError) as error:
        raise ModelFileError(f'{path}: "model" does not describe a valid {cls.__name__}: {error}') from None


def load_with_metadata(path: str | os.PathLike[str]) -> SavedModel:
    """The model saved in ``path`` and the metadata saved with it.

    Raises ModelFileError (a ValueError) for a file that is not valid JSON, not a model file,
    has missing or extra keys, weights that are not finite numbers, or weights that do not fit
    the architecture; OSError when the file cannot be read.
    """
    document = _read_document(path)
    for key in ("model", "parameters"):
        if key not in document:
            raise ModelFileError(f"{path}: the model file has no {key!r} entry")
    model = _build(path, document["model"])
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelFileError(f'{path}: "metadata" must be an object, got {type(metadata).__name__}')
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise ModelFileError(f'{path}: "parameters" must be an object, got {type(parameters).__name__}')
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: {error}") from None
    return SavedModel(model, metadata)


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved in ``path`` (any of Neuron, Layer, MLP); see ``load_with_metadata``."""
    return load_with_metadata(path).model
