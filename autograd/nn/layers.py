"""micrograd's layers: ``Neuron``, ``Layer`` and ``MLP``, so its demo code runs unchanged.

>>> from autograd.nn import MLP
>>> model = MLP(2, [16, 16, 1], seed=0)        # relu hidden layers, linear output
>>> score = model([1.0, -2.0])                  # one output: a Value
>>> len(model.parameters())
337
>>> model.parameters()[0].label
'layers.0.neurons.0.w[0]'

A neuron computes ``activation(w . x + b)`` with one ``dot`` node for the weighted sum
(``autograd.dot(w, x) + b``, the fastest exact construction the engine has, see bench/).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from autograd.nn.module import (
    Field,
    Module,
    Seed,
    as_inputs,
    check_size,
    choice_field,
    generator,
    positive_int_field,
    register_kind,
    shown,
)
from autograd.ops import dot
from autograd.value import Number, Value

__all__ = ["ACTIVATIONS", "Neuron", "Layer", "MLP"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
"""The activations a neuron can apply to its weighted sum ("linear" applies none)."""

_ACTIVATION_FN: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


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
            f"{what}: activation must be one of {', '.join(ACTIVATIONS)}, got {shown(activation)}"
        )
    return str(activation)


def _rng(seed: Seed, what: str) -> Any:
    """One generator for all of a layer's neurons (an int seed becomes one ``random.Random``)."""
    rng = random.Random(seed) if type(seed) is int else seed
    generator(rng, what)  # checks the type
    return rng


@register_kind
class Neuron(Module):
    """``activation(w . x + b)``: ``nin`` weights drawn from U(-1, 1) and a bias 0, as micrograd.

    ``activation`` is one of ``ACTIVATIONS`` (default "relu"); micrograd's ``nonlin=False``
    means "linear". ``seed`` makes the weights reproducible (see ``Seed``).
    """

    fields: ClassVar[dict[str, Field]] = {
        "nin": positive_int_field(),
        "activation": choice_field(ACTIVATIONS),
    }

    def __init__(
        self,
        nin: int,
        activation: str | None = None,
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        self.nin = check_size(nin, "Neuron: nin")
        self.activation = _check_activation(activation, nonlin, "Neuron", "relu")
        uniform = generator(seed, "Neuron").uniform
        self.w = [Value(uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        """The neuron's output for one input vector of ``nin`` numbers or Values."""
        return self._forward(as_inputs(x, self.nin, "Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        out = dot(self.w, xs) + self.b
        act = _ACTIVATION_FN[self.activation]
        return out if act is None else act(out)

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "activation": ...}``."""
        return {"nin": self.nin, "activation": self.activation}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``nin`` weights and a bias."""
        return int(config["nin"]) + 1

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


@register_kind
class Layer(Module):
    """``nout`` neurons on the same ``nin`` inputs.

    Called on one input vector, it returns a list of ``nout`` Values, or a single Value when
    ``nout == 1`` (as micrograd).
    """

    fields: ClassVar[dict[str, Field]] = {
        "nin": positive_int_field(),
        "nout": positive_int_field(),
        "activation": choice_field(ACTIVATIONS),
    }

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        self.nin = check_size(nin, "Layer: nin")
        self.nout = check_size(nout, "Layer: nout")
        self.activation = _check_activation(activation, nonlin, "Layer", "relu")
        rng = _rng(seed, "Layer")
        self.neurons = [Neuron(nin, self.activation, seed=rng) for _ in range(nout)]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        """The layer's outputs for one input vector of ``nin`` numbers or Values."""
        out = self._forward(as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: list[Value]) -> list[Value]:
        return [n._forward(xs) for n in self.neurons]

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "nout": ..., "activation": ...}``."""
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``nout`` neurons of ``nin + 1`` parameters."""
        return int(config["nout"]) * (int(config["nin"]) + 1)

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


def _sizes_field() -> Field:
    return Field(
        "a non-empty list of positive integers",
        lambda v: type(v) is list and bool(v) and all(type(n) is int and n >= 1 for n in v),
    )


@register_kind
class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16
    and one output.

    Hidden layers use ``activation`` (default "relu"), the last layer ``output_activation``
    (default "linear"), as micrograd's MLP. Called on one input vector, it returns a Value
    when the last layer has one output, else a list of Values. ``seed`` makes the weights
    reproducible (see ``Seed``).
    """

    fields: ClassVar[dict[str, Field]] = {
        "nin": positive_int_field(),
        "nouts": _sizes_field(),
        "activation": choice_field(ACTIVATIONS),
        "output_activation": choice_field(ACTIVATIONS),
    }

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        output_activation: str = "linear",
        seed: Seed = None,
    ) -> None:
        self.nin = check_size(nin, "MLP: nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.80}")
        self.nouts = [check_size(n, f"MLP: nouts[{i}]") for i, n in enumerate(nouts)]
        self.activation = _check_activation(activation, None, "MLP", "relu")
        self.output_activation = _check_activation(output_activation, None, "MLP: output", "linear")
        rng = _rng(seed, "MLP")
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
        xs = as_inputs(x, self.nin, "MLP")
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

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """Each layer's ``nout * (nin + 1)``."""
        sizes = [int(config["nin"]), *(int(n) for n in config["nouts"])]
        return sum(nout * (nin + 1) for nin, nout in itertools.pairwise(sizes))

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )
