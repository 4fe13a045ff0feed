"""Transformers on scalars: ``Linear``, ``Embedding``, ``RMSNorm``, ``LayerNorm``,
``CausalSelfAttention`` with a key/value cache, ``Block`` and ``GPT``, and ``generate``.

Every weighted sum is one ``dot`` node (a linear layer's output, an attention score, an
attention-weighted value), every sum of many terms one ``add_n`` or ``dot`` node, so a
model's graph has a node per vector entry rather than one per multiplication. ``GPT``
follows the design of Karpathy's microgpt (2026): token and position embeddings, an RMS
norm, then per layer a pre-norm causal self-attention and a pre-norm relu MLP of width
``4 * n_embd``, each with a residual connection, and a linear head; no biases.

>>> from autograd.nn import GPT
>>> model = GPT(vocab_size=5, block_size=4, n_layer=1, n_embd=8, n_head=2, seed=0)
>>> cache = model.new_cache()
>>> logits = model.forward(4, 0, cache)          # the next token's scores after token 4
>>> len(logits), len(model.parameters())
(5, 880)
>>> model.named_parameters()[-1][0], model.parameters()[0].label
('lm_head.w[4][7]', 'wte.w[0][0]')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from autograd._mode import no_grad
from autograd.losses import cross_entropy_term, softmax
from autograd.nn.module import (
    Field,
    Module,
    Seed,
    as_inputs,
    bool_field,
    check_size,
    choice_field,
    generator,
    positive_int_field,
    register_kind,
    shown,
)
from autograd.ops import add_n, dot
from autograd.value import Number, Value

__all__ = [
    "NORMS",
    "Linear",
    "Embedding",
    "RMSNorm",
    "LayerNorm",
    "KVCache",
    "CausalSelfAttention",
    "Block",
    "GPT",
    "generate",
]

NORMS = ("rmsnorm", "layernorm")
"""The normalisations a ``Block`` and a ``GPT`` can use."""

EPS = 1e-5
"""Added to the mean square (RMSNorm) or the variance (LayerNorm) before the square root."""


def _std(std: object, default: float, what: str) -> float:
    if std is None:
        return default
    if type(std) not in (int, float) or not (0 <= std < math.inf):  # type: ignore[operator]
        raise ValueError(f"{what}: std must be a finite number >= 0, got {shown(std)}")
    return float(std)  # type: ignore[arg-type]


def _matrix(rows: int, cols: int, std: float, rng: Any) -> list[list[Value]]:
    gauss = rng.gauss
    return [[Value(gauss(0.0, std)) for _ in range(cols)] for _ in range(rows)]


def _index(i: object, size: int, what: str) -> int:
    if type(i) is not int or not 0 <= i < size:
        raise ValueError(f"{what}: expected an int in [0, {size}), got {shown(i)}")
    return i


@register_kind
class Linear(Module):
    """``y = W x (+ b)``: ``nout`` outputs, each one ``dot`` node over the ``nin`` inputs.

    Weights ``w[i][j]`` (row i, column j) start from N(0, std^2), with ``std`` 1/sqrt(nin)
    by default; biases ``b[i]`` at 0. Called on a vector it always returns a list.
    """

    fields: ClassVar[dict[str, Field]] = {
        "nin": positive_int_field(),
        "nout": positive_int_field(),
        "bias": bool_field(),
    }

    def __init__(
        self, nin: int, nout: int, bias: bool = True, *, std: float | None = None, seed: Seed = None
    ) -> None:
        self.nin = check_size(nin, "Linear: nin")
        self.nout = check_size(nout, "Linear: nout")
        if type(bias) is not bool:
            raise TypeError(f"Linear: bias must be a bool, got {shown(bias)}")
        self.bias = bias
        self.w = _matrix(nout, nin, _std(std, nin**-0.5, "Linear"), generator(seed, "Linear"))
        self.b = [Value(0.0) for _ in range(nout)] if bias else []
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        """The ``nout`` outputs for one input vector of ``nin`` numbers or Values."""
        return self._forward(as_inputs(x, self.nin, "Linear"))

    def _forward(self, xs: list[Value]) -> list[Value]:
        if self.bias:
            return [dot(row, xs) + b for row, b in zip(self.w, self.b)]
        return [dot(row, xs) for row in self.w]

    def config(self) -> dict[str, Any]:
        """``{"nin": ..., "nout": ..., "bias": ...}``."""
        return {"nin": self.nin, "nout": self.nout, "bias": self.bias}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``nout * nin`` weights, and ``nout`` biases with ``bias``."""
        nin, nout = int(config["nin"]), int(config["nout"])
        return nout * nin + (nout if config["bias"] else 0)

    def __repr__(self) -> str:
        return f"Linear({self.nin}, {self.nout}, bias={self.bias})"


@register_kind
class Embedding(Module):
    """A table of ``num`` vectors of ``dim`` parameters: ``emb(i)`` is row ``w[i]`` itself
    (the parameters, no new node). Entries start from N(0, std^2), std 1 by default."""

    fields: ClassVar[dict[str, Field]] = {"num": positive_int_field(), "dim": positive_int_field()}

    def __init__(self, num: int, dim: int, *, std: float | None = None, seed: Seed = None) -> None:
        self.num = check_size(num, "Embedding: num")
        self.dim = check_size(dim, "Embedding: dim")
        self.w = _matrix(num, dim, _std(std, 1.0, "Embedding"), generator(seed, "Embedding"))
        self.label_parameters()

    def __call__(self, index: int) -> list[Value]:
        """Row ``index`` (an int in [0, num))."""
        return self.w[_index(index, self.num, "Embedding")]

    def config(self) -> dict[str, Any]:
        """``{"num": ..., "dim": ...}``."""
        return {"num": self.num, "dim": self.dim}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``num * dim``."""
        return int(config["num"]) * int(config["dim"])

    def __repr__(self) -> str:
        return f"Embedding({self.num}, {self.dim})"


@register_kind
class RMSNorm(Module):
    """``x / sqrt(mean(x^2) + 1e-5)`` (times a gain ``g[i]``, starting at 1, with ``affine``).

    The mean square is one ``dot`` node and the scale one ``pow`` node; without ``affine``
    (the default, as microgpt) it has no parameters.
    """

    fields: ClassVar[dict[str, Field]] = {"dim": positive_int_field(), "affine": bool_field()}

    def __init__(self, dim: int, *, affine: bool = False, seed: Seed = None) -> None:
        self.dim = check_size(dim, "RMSNorm: dim")
        if type(affine) is not bool:
            raise TypeError(f"RMSNorm: affine must be a bool, got {shown(affine)}")
        self.affine = affine
        self.g = [Value(1.0) for _ in range(dim)] if affine else []
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        """The normalised vector."""
        return self._forward(as_inputs(x, self.dim, "RMSNorm"))

    def _forward(self, xs: list[Value]) -> list[Value]:
        scale = (dot(xs, xs) / self.dim + EPS) ** -0.5
        if self.affine:
            return [x * scale * g for x, g in zip(xs, self.g)]
        return [x * scale for x in xs]

    def config(self) -> dict[str, Any]:
        """``{"dim": ..., "affine": ...}``."""
        return {"dim": self.dim, "affine": self.affine}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``dim`` gains with ``affine``, else none."""
        return int(config["dim"]) if config["affine"] else 0

    def __repr__(self) -> str:
        return f"RMSNorm({self.dim}, affine={self.affine})"


@register_kind
class LayerNorm(Module):
    """``(x - mean) / sqrt(var + 1e-5)``, times a gain ``g[i]`` (starting at 1) plus a bias
    ``b[i]`` (at 0) with ``affine`` (the default, as PyTorch); the variance is the biased one."""

    fields: ClassVar[dict[str, Field]] = {"dim": positive_int_field(), "affine": bool_field()}

    def __init__(self, dim: int, *, affine: bool = True, seed: Seed = None) -> None:
        self.dim = check_size(dim, "LayerNorm: dim")
        if type(affine) is not bool:
            raise TypeError(f"LayerNorm: affine must be a bool, got {shown(affine)}")
        self.affine = affine
        self.g = [Value(1.0) for _ in range(dim)] if affine else []
        self.b = [Value(0.0) for _ in range(dim)] if affine else []
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        """The normalised vector."""
        return self._forward(as_inputs(x, self.dim, "LayerNorm"))

    def _forward(self, xs: list[Value]) -> list[Value]:
        n = self.dim
        mean = add_n(xs) / n
        centred = [x - mean for x in xs]
        scale = (dot(centred, centred) / n + EPS) ** -0.5
        if self.affine:
            return [c * scale * g + b for c, g, b in zip(centred, self.g, self.b)]
        return [c * scale for c in centred]

    def config(self) -> dict[str, Any]:
        """``{"dim": ..., "affine": ...}``."""
        return {"dim": self.dim, "affine": self.affine}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``dim`` gains and ``dim`` biases with ``affine``, else none."""
        return 2 * int(config["dim"]) if config["affine"] else 0

    def __repr__(self) -> str:
        return f"LayerNorm({self.dim}, affine={self.affine})"


@dataclass
class KVCache:
    """One attention layer's keys and values so far, one vector per position: what the
    positions before the current one contribute, so each new token costs one position's work."""

    keys: list[list[Value]] = field(default_factory=list)
    values: list[list[Value]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)


def _check_heads(dim: int, heads: int, what: str) -> None:
    if dim % heads:
        raise ValueError(f"{what}: the width {dim} must be a multiple of the number of heads {heads}")


@register_kind
class CausalSelfAttention(Module):
    """Multi-head self-attention over the positions so far: ``wq``, ``wk``, ``wv`` and ``wo``
    are ``Linear(dim, dim, bias=False)``; each head attends with softmax(q . k / sqrt(d)) over
    its slice of ``d = dim / heads`` entries.

    ``attn(x, cache)`` takes one position's vector, appends its key and value to ``cache``
    (a ``KVCache``) and attends over every position in it; ``forward_sequence(xs)`` does all
    positions at once, each attending to itself and the ones before it.
    """

    fields: ClassVar[dict[str, Field]] = {"dim": positive_int_field(), "heads": positive_int_field()}

    def __init__(self, dim: int, heads: int, *, std: float | None = None, seed: Seed = None) -> None:
        self.dim = check_size(dim, "CausalSelfAttention: dim")
        self.heads = check_size(heads, "CausalSelfAttention: heads")
        _check_heads(dim, heads, "CausalSelfAttention")
        rng = generator(seed, "CausalSelfAttention")
        self.wq, self.wk, self.wv, self.wo = (Linear(dim, dim, False, std=std, seed=rng) for _ in range(4))
        self.label_parameters()

    @property
    def head_dim(self) -> int:
        """The entries of each head: ``dim // heads``."""
        return self.dim // self.heads

    def __call__(self, x: Sequence[Value | Number], cache: KVCache) -> list[Value]:
        """The output at the next position, whose input vector is ``x``; appends to ``cache``."""
        if not isinstance(cache, KVCache):
            raise TypeError(f"CausalSelfAttention: cache must be a KVCache, got {type(cache).__name__}")
        return self._forward(as_inputs(x, self.dim, "CausalSelfAttention"), cache)

    def _forward(self, xs: list[Value], cache: KVCache) -> list[Value]:
        q = self.wq._forward(xs)
        cache.keys.append(self.wk._forward(xs))
        cache.values.append(self.wv._forward(xs))
        return self.wo._forward(self._attend(q, cache.keys, cache.values))

    def forward_sequence(self, xs: Sequence[Sequence[Value | Number]]) -> list[list[Value]]:
        """The outputs at every position of the sequence ``xs`` (no cache)."""
        rows = [as_inputs(x, self.dim, "CausalSelfAttention") for x in xs]
        qs = [self.wq._forward(x) for x in rows]
        ks = [self.wk._forward(x) for x in rows]
        vs = [self.wv._forward(x) for x in rows]
        return [self.wo._forward(self._attend(q, ks[: t + 1], vs[: t + 1])) for t, q in enumerate(qs)]

    def head(
        self, h: int, q: Sequence[Value], keys: Sequence[Sequence[Value]], values: Sequence[Sequence[Value]]
    ) -> list[Value]:
        """Head ``h``'s output at the position whose query is ``q`` (``wq``'s output there),
        over the positions whose keys and values (``wk``'s and ``wv``'s outputs) are given:
        the softmax over them of ``q . k / sqrt(d)`` on the head's slice of ``d`` entries,
        weighting their values' slices. A list of ``d`` Values."""
        _index(h, self.heads, "CausalSelfAttention.head: h")
        d = self.head_dim
        s = h * d
        qh = q[s : s + d]
        scale = 1.0 / math.sqrt(d)
        weights = softmax([dot(qh, k[s : s + d]) * scale for k in keys])
        return [dot(weights, [v[j] for v in values]) for j in range(s, s + d)]

    def _attend(self, q: list[Value], keys: list[list[Value]], values: list[list[Value]]) -> list[Value]:
        """Every head's output, side by side."""
        out: list[Value] = []
        for h in range(self.heads):
            out.extend(self.head(h, q, keys, values))
        return out

    def config(self) -> dict[str, Any]:
        """``{"dim": ..., "heads": ...}``."""
        return {"dim": self.dim, "heads": self.heads}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """Four ``dim`` by ``dim`` matrices."""
        dim, heads = int(config["dim"]), int(config["heads"])
        _check_heads(dim, heads, "CausalSelfAttention")
        return 4 * dim * dim

    def __repr__(self) -> str:
        return f"CausalSelfAttention({self.dim}, {self.heads})"


def _norm(kind: str, dim: int) -> RMSNorm | LayerNorm:
    return RMSNorm(dim) if kind == "rmsnorm" else LayerNorm(dim)


def _norm_parameters(kind: str, dim: int) -> int:
    return 0 if kind == "rmsnorm" else 2 * dim


def _check_norm(norm: object, what: str) -> str:
    if norm not in NORMS:
        raise ValueError(f"{what}: norm must be one of {', '.join(NORMS)}, got {shown(norm)}")
    return str(norm)


@register_kind
class Block(Module):
    """A transformer block: ``x + attn(norm1(x))``, then ``x + fc2(relu(fc1(norm2(x))))``
    with ``fc1`` of width ``4 * dim``; ``norm`` is "rmsnorm" (no parameters) or "layernorm"."""

    fields: ClassVar[dict[str, Field]] = {
        "dim": positive_int_field(),
        "heads": positive_int_field(),
        "norm": choice_field(NORMS),
    }

    def __init__(
        self, dim: int, heads: int, *, norm: str = "rmsnorm", std: float | None = None, seed: Seed = None
    ) -> None:
        self.dim = check_size(dim, "Block: dim")
        self.heads = check_size(heads, "Block: heads")
        self.norm = _check_norm(norm, "Block")
        rng = generator(seed, "Block")
        self.norm1 = _norm(self.norm, dim)
        self.attn = CausalSelfAttention(dim, heads, std=std, seed=rng)
        self.norm2 = _norm(self.norm, dim)
        self.fc1 = Linear(dim, 4 * dim, False, std=std, seed=rng)
        self.fc2 = Linear(4 * dim, dim, False, std=std, seed=rng)
        self.label_parameters()

    def __call__(self, x: Sequence[Value | Number], cache: KVCache) -> list[Value]:
        """The block's output at the next position (appends to the attention's ``cache``)."""
        if not isinstance(cache, KVCache):
            raise TypeError(f"Block: cache must be a KVCache, got {type(cache).__name__}")
        return self._forward(as_inputs(x, self.dim, "Block"), cache)

    def _forward(self, xs: list[Value], cache: KVCache) -> list[Value]:
        h = self.attn._forward(self.norm1._forward(xs), cache)
        return self._mlp([a + b for a, b in zip(h, xs)])

    def _mlp(self, xs: list[Value]) -> list[Value]:
        h = self.fc2._forward([v.relu() for v in self.fc1._forward(self.norm2._forward(xs))])
        return [a + b for a, b in zip(h, xs)]

    def forward_sequence(self, xs: Sequence[Sequence[Value | Number]]) -> list[list[Value]]:
        """The outputs at every position of the sequence ``xs`` (no cache)."""
        rows = [as_inputs(x, self.dim, "Block") for x in xs]
        attended = self.attn.forward_sequence([self.norm1._forward(x) for x in rows])
        return [self._mlp([a + b for a, b in zip(h, x)]) for h, x in zip(attended, rows)]

    def config(self) -> dict[str, Any]:
        """``{"dim": ..., "heads": ..., "norm": ...}``."""
        return {"dim": self.dim, "heads": self.heads, "norm": self.norm}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """The attention's ``4 dim^2``, the MLP's ``8 dim^2`` and the norms'."""
        dim = int(config["dim"])
        _check_heads(dim, int(config["heads"]), "Block")
        return 12 * dim * dim + 2 * _norm_parameters(config["norm"], dim)

    def __repr__(self) -> str:
        return f"Block({self.dim}, {self.heads}, norm={self.norm!r})"


@register_kind
class GPT(Module):
    """A character-level (or any token-level) GPT: ``GPT(vocab_size, block_size, n_layer,
    n_embd, n_head)``.

    ``wte`` (tokens) and ``wpe`` (positions) are embeddings of width ``n_embd``; their sum
    is normalised (``norm_in``), passed through ``n_layer`` blocks, and ``lm_head`` (a
    ``Linear`` without bias) gives ``vocab_size`` logits. Weights start from N(0, 0.08^2),
    as microgpt's (``std=`` changes it). ``forward(token, pos, cache)`` computes one
    position with a key/value cache (``new_cache()``); ``forward_sequence(tokens)`` all of
    them at once; ``loss(tokens)`` is the mean next-token cross-entropy.
    """

    fields: ClassVar[dict[str, Field]] = {
        "vocab_size": positive_int_field(),
        "block_size": positive_int_field(),
        "n_layer": positive_int_field(),
        "n_embd": positive_int_field(),
        "n_head": positive_int_field(),
        "norm": choice_field(NORMS),
    }

    def __init__(
        self,
        vocab_size: int,
        block_size: int,
        n_layer: int = 1,
        n_embd: int = 16,
        n_head: int = 4,
        *,
        norm: str = "rmsnorm",
        std: float = 0.08,
        seed: Seed = None,
    ) -> None:
        self.vocab_size = check_size(vocab_size, "GPT: vocab_size")
        self.block_size = check_size(block_size, "GPT: block_size")
        self.n_layer = check_size(n_layer, "GPT: n_layer")
        self.n_embd = check_size(n_embd, "GPT: n_embd")
        self.n_head = check_size(n_head, "GPT: n_head")
        _check_heads(n_embd, n_head, "GPT")
        self.norm = _check_norm(norm, "GPT")
        std = _std(std, 0.08, "GPT")
        rng = generator(seed, "GPT")
        self.wte = Embedding(vocab_size, n_embd, std=std, seed=rng)
        self.wpe = Embedding(block_size, n_embd, std=std, seed=rng)
        self.norm_in = _norm(self.norm, n_embd)
        self.blocks = [Block(n_embd, n_head, norm=self.norm, std=std, seed=rng) for _ in range(n_layer)]
        self.lm_head = Linear(n_embd, vocab_size, False, std=std, seed=rng)
        self.label_parameters()

    def new_cache(self) -> list[KVCache]:
        """An empty key/value cache: one ``KVCache`` per block."""
        return [KVCache() for _ in self.blocks]

    def _check_cache(self, cache: object, pos: int) -> list[KVCache]:
        if not (
            isinstance(cache, list)
            and len(cache) == self.n_layer
            and all(isinstance(c, KVCache) for c in cache)
        ):
            raise TypeError(
                f"GPT: cache must be model.new_cache() (a list of {self.n_layer} KVCache), got {shown(cache)}"
            )
        if len(cache[0]) != pos:
            raise ValueError(
                f"GPT: position {pos}, but the cache holds {len(cache[0])} positions: "
                f"the next position is {len(cache[0])}"
            )
        return cache

    def forward(self, token: int, pos: int, cache: list[KVCache]) -> list[Value]:
        """The logits of the token after ``token`` at position ``pos`` (``0 <= pos <
        block_size``); ``cache`` holds the positions before (it gets this one appended)."""
        t = _index(token, self.vocab_size, "GPT: token")
        p = _index(pos, self.block_size, "GPT: pos")
        return self.forward_embedding(self.wte.w[t], p, self._check_cache(cache, p))

    def forward_embedding(self, row: Sequence[Value], pos: int, cache: list[KVCache]) -> list[Value]:
        """``forward`` from the token's embedding ``row`` (``wte.w[token]``, or any vector
        of ``n_embd`` Values) instead of its index: what a compiled replay takes as argument,
        since a replay cannot look an index up."""
        x = self.norm_in._forward([a + b for a, b in zip(row, self.wpe.w[pos])])
        for block, c in zip(self.blocks, cache):
            x = block._forward(x, c)
        return self.lm_head._forward(x)

    def forward_sequence(self, tokens: Sequence[int]) -> list[list[Value]]:
        """The logits at every position of ``tokens`` (at most ``block_size``), all positions
        at once, layer by layer, without a cache."""
        if not 1 <= len(tokens) <= self.block_size:
            raise ValueError(f"GPT: expected 1 to {self.block_size} tokens, got {len(tokens)}")
        rows = [self.wte.w[_index(t, self.vocab_size, "GPT: token")] for t in tokens]
        xs = [self.norm_in._forward([a + b for a, b in zip(row, pos)]) for row, pos in zip(rows, self.wpe.w)]
        for block in self.blocks:
            xs = block.forward_sequence(xs)
        return [self.lm_head._forward(x) for x in xs]

    def loss(self, tokens: Sequence[int]) -> Value:
        """The mean cross-entropy of predicting ``tokens[1:]`` from the tokens before each
        (``len(tokens) - 1`` positions, at most ``block_size``)."""
        n = len(tokens) - 1
        if not 1 <= n <= self.block_size:
            raise ValueError(
                f"GPT.loss: expected 2 to {self.block_size + 1} tokens (block_size {self.block_size} "
                f"positions and the last target), got {len(tokens)}"
            )
        cache = self.new_cache()
        targets = [_index(t, self.vocab_size, "GPT: target") for t in tokens[1:]]
        terms = [cross_entropy_term(self.forward(tokens[p], p, cache), t) for p, t in enumerate(targets)]
        out: Value = add_n(terms) * (1.0 / n)
        return out

    def config(self) -> dict[str, Any]:
        """The constructor's arguments but ``std`` and ``seed``."""
        return {
            "vocab_size": self.vocab_size,
            "block_size": self.block_size,
            "n_layer": self.n_layer,
            "n_embd": self.n_embd,
            "n_head": self.n_head,
            "norm": self.norm,
        }

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """Two token tables (``wte`` and ``lm_head``), the position table and the blocks."""
        v, b, layers, e = (int(config[k]) for k in ("vocab_size", "block_size", "n_layer", "n_embd"))
        _check_heads(e, int(config["n_head"]), "GPT")
        block = Block.parameter_count({"dim": e, "heads": config["n_head"], "norm": config["norm"]})
        return 2 * v * e + b * e + _norm_parameters(config["norm"], e) + layers * block

    def __repr__(self) -> str:
        return (
            f"GPT(vocab_size={self.vocab_size}, block_size={self.block_size}, n_layer={self.n_layer}, "
            f"n_embd={self.n_embd}, n_head={self.n_head}, norm={self.norm!r})"
        )


def generate(
    model: GPT,
    n: int = 1,
    temperature: float = 1.0,
    seed: Seed = None,
    *,
    bos: int | None = None,
) -> list[list[int]]:
    """``n`` sequences sampled from ``model``, each a list of token ids.

    Each starts from the boundary token ``bos`` (default ``vocab_size - 1``, the convention of
    ``autograd.text.CharTokenizer`` and microgpt) and draws the next token from
    softmax(logits / temperature) until ``bos`` comes again or ``block_size`` positions are
    done; ``bos`` itself is not in the result. A lower temperature picks likelier tokens.
    ``seed`` as for the models (an int, a ``random.Random``, or None for ``random``).
    Nothing is recorded (``no_grad``).
    """
    if not isinstance(model, GPT):
        raise TypeError(f"generate: expected a GPT, got {type(model).__name__}")
    check_size(n, "generate: n")
    if type(temperature) not in (int, float) or not 0 < temperature < math.inf:
        raise ValueError(f"generate: temperature must be a finite number > 0, got {shown(temperature)}")
    start = model.vocab_size - 1 if bos is None else _index(bos, model.vocab_size, "generate: bos")
    rng = generator(seed, "generate")
    choices = list(range(model.vocab_size))
    out: list[list[int]] = []
    with no_grad():
        for _ in range(n):
            cache = model.new_cache()
            token, sample = start, []
            for pos in range(model.block_size):
                logits = model.forward_embedding(model.wte.w[token], pos, cache)
                scores = [v.data / temperature for v in logits]
                top = max(scores)
                weights = [math.exp(s - top) for s in scores]
                token = rng.choices(choices, weights=weights)[0]
                if token == start:
                    break
                sample.append(token)
            out.append(sample)
    return out
