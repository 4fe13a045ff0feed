"""Neural networks on Values: ``Module``, micrograd's ``Neuron``, ``Layer`` and ``MLP``, the
transformer modules (``Linear``, ``Embedding``, ``RMSNorm``, ``LayerNorm``,
``CausalSelfAttention``, ``Block``, ``GPT``, ``generate``), and safe save/load.

The layer classes follow micrograd's, so its demo code runs unchanged:

>>> from autograd.nn import MLP
>>> model = MLP(2, [16, 16, 1], seed=0)        # relu hidden layers, linear output
>>> len(model.parameters())
337

Models are saved as JSON, never pickled: loading a file only reads numbers and names, and
floats round-trip exactly. ``save`` writes a temporary file and renames it over the target,
so an interrupted save leaves the old file as it was. ``load`` checks the whole file before
building anything, and ``load_state_dict`` checks the whole mapping before changing any
parameter. The code lives in ``module.py`` (Module, files), ``layers.py`` (micrograd's
layers) and ``transformer.py``.
"""

from autograd.errors import ModelFileError
from autograd.nn.layers import ACTIVATIONS, MLP, Layer, Neuron
from autograd.nn.module import (
    FORMAT,
    MAX_METADATA_DEPTH,
    Module,
    SavedModel,
    kinds,
    load,
    load_with_metadata,
    register_kind,
)
from autograd.nn.transformer import (
    GPT,
    NORMS,
    Block,
    CausalSelfAttention,
    Embedding,
    KVCache,
    LayerNorm,
    Linear,
    RMSNorm,
    generate,
)

__all__ = [
    "ACTIVATIONS",
    "FORMAT",
    "MAX_METADATA_DEPTH",
    "NORMS",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "Linear",
    "Embedding",
    "RMSNorm",
    "LayerNorm",
    "KVCache",
    "CausalSelfAttention",
    "Block",
    "GPT",
    "generate",
    "ModelFileError",
    "SavedModel",
    "kinds",
    "register_kind",
    "load",
    "load_with_metadata",
]
