"""Tests for autograd.nn's transformer modules: shapes and names, every module's gradients
against finite differences, the whole GPT against a PyTorch implementation of the same model
(same weights, float64), the key/value cache against the full-sequence forward, sampling, and
bad arguments."""

from __future__ import annotations

import math
import random

import pytest

from autograd import Value, no_grad
from autograd.nn import (
    GPT,
    Block,
    CausalSelfAttention,
    Embedding,
    KVCache,
    LayerNorm,
    Linear,
    RMSNorm,
    generate,
)


def _vectors(n: int, dim: int, seed: int = 0) -> list[list[Value]]:
    rng = random.Random(seed)
    return [[Value(rng.uniform(-1, 1)) for _ in range(dim)] for _ in range(n)]


def _check_gradients(loss_of, params: list[Value], *, rel: float = 1e-5, sample: int | None = None) -> int:
    """Compare backward's gradient of ``loss_of()`` with central differences for the parameters
    (or a seeded sample of them); returns how many were checked."""
    for p in params:
        p.grad = 0.0
    loss_of().backward()
    chosen = params if sample is None else random.Random(1).sample(params, sample)
    for p in chosen:
        x, h = p.data, 1e-6 * max(1.0, abs(p.data))
        with no_grad():
            p.data = x + h
            up = loss_of().data
            p.data = x - h
            down = loss_of().data
        p.data = x
        numeric = (up - down) / (2 * h)
        assert p.grad == pytest.approx(numeric, rel=rel, abs=1e-7), p.label
    return len(chosen)


def _weighted_sum(outputs: list[Value], seed: int = 3) -> Value:
    rng = random.Random(seed)
    total = outputs[0] * rng.uniform(-1, 1)
    for v in outputs[1:]:
        total = total + v * rng.uniform(-1, 1)
    return total


# ----------------------------------------------------------------------------- each module
def test_linear_is_a_dot_per_output_plus_the_bias():
    """Linear(3, 2) computes W x + b with one dot node per output; without bias, no b."""
    layer = Linear(3, 2, seed=0)
    for b in layer.b:
        b.data = 0.5
    x = [1.0, -2.0, 0.5]
    out = layer(x)
    for row, b, y in zip(layer.w, layer.b, out, strict=True):
        assert y.data == pytest.approx(sum(w.data * xi for w, xi in zip(row, x)) + b.data, rel=1e-15)
        assert y.op == "add" and y.parents[0].op == "dot"
    assert [name for name, _ in Linear(2, 1, bias=False, seed=0).named_parameters()] == ["w[0][0]", "w[0][1]"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Linear(4, 3, seed=0),
        lambda: RMSNorm(4, affine=True),
        lambda: LayerNorm(4),
    ],
    ids=["Linear", "RMSNorm", "LayerNorm"],
)
def test_vector_modules_gradients_match_finite_differences(make):
    """Gradients with respect to the parameters and the inputs agree with central differences."""
    module = make()
    for p in module.parameters():  # move gains and biases off their starting values
        p.data += random.Random(id(p) % 97).uniform(-0.3, 0.3)
    (x,) = _vectors(1, 4)
    checked = _check_gradients(lambda: _weighted_sum(module(x)), module.parameters() + x)
    assert checked == len(module.parameters()) + 4


def test_attention_and_block_gradients_match_finite_differences():
    """CausalSelfAttention and Block over three positions (with the cache), for every parameter
    and input."""
    xs = _vectors(3, 4)
    attn = CausalSelfAttention(4, 2, std=0.5, seed=0)
    block = Block(4, 2, norm="layernorm", std=0.5, seed=1)

    def through(module):
        def loss():
            cache = KVCache()
            return _weighted_sum([v for x in xs for v in module(x, cache)])

        return loss

    inputs = [v for x in xs for v in x]
    assert _check_gradients(through(attn), attn.parameters() + inputs) == 64 + 12
    assert _check_gradients(through(block), block.parameters() + inputs, sample=80) == 80


@pytest.mark.parametrize("norm", ["rmsnorm", "layernorm"])
def test_gpt_loss_gradients_match_finite_differences(norm):
    """The whole model's next-token loss, for every parameter of a tiny GPT."""
    model = GPT(5, 4, 2, 4, 2, norm=norm, std=0.5, seed=0)
    tokens = [4, 1, 2, 3, 0]
    assert _check_gradients(lambda: model.loss(tokens), model.parameters()) == len(model.parameters())


def test_rms_and_layer_norm_normalise():
    """RMSNorm gives a mean square of 1 (up to eps); LayerNorm a mean of 0 and a variance of 1."""
    (x,) = _vectors(1, 6)
    y = [v.data for v in RMSNorm(6)(x)]
    assert sum(v * v for v in y) / 6 == pytest.approx(1.0, rel=1e-4)
    z = [v.data for v in LayerNorm(6)(x)]
    assert sum(z) / 6 == pytest.approx(0.0, abs=1e-12)
    assert sum(v * v for v in z) / 6 == pytest.approx(1.0, rel=1e-4)


def test_embedding_returns_its_rows_themselves():
    """A lookup records nothing: the row is the parameters."""
    emb = Embedding(3, 2, seed=0)
    assert emb(1) is emb.w[1]
    assert emb.named_parameters()[2][0] == "w[1][0]"
    with pytest.raises(ValueError, match=r"expected an int in \[0, 3\), got 3"):
        emb(3)
    with pytest.raises(ValueError, match="got True"):
        emb(True)


# ----------------------------------------------------------------------------- the GPT
def test_gpt_parameters_are_named_by_place():
    """Names read as the model is built: blocks.0.attn.wq.w[3][1] is row 3, column 1 of layer
    0's query matrix; every parameter carries its name as its label."""
    model = GPT(27, 16, 1, 16, 4, seed=0)
    named = dict(model.named_parameters())
    assert named["blocks.0.attn.wq.w[3][1]"] is model.blocks[0].attn.wq.w[3][1]
    assert named["blocks.0.attn.wq.w[3][1]"].label == "blocks.0.attn.wq.w[3][1]"
    assert len(model.parameters()) == 4192 == GPT.parameter_count(model.config())
    assert next(iter(named)) == "wte.w[0][0]" and list(named)[-1] == "lm_head.w[26][15]"


def test_kv_cache_forward_equals_the_full_sequence_forward():
    """Position by position with the cache gives exactly the logits of all positions at once."""
    model = GPT(6, 5, 2, 8, 2, seed=3)
    tokens = [5, 0, 3, 3, 1]
    cache = model.new_cache()
    stepwise = [[v.data for v in model.forward(t, p, cache)] for p, t in enumerate(tokens)]
    assert [len(c) for c in cache] == [5, 5]
    full = [[v.data for v in row] for row in model.forward_sequence(tokens)]
    assert stepwise == full


def test_gpt_loss_is_the_mean_next_token_cross_entropy():
    """loss(tokens) is the mean over positions of -log softmax(logits)[next token]."""
    model = GPT(5, 4, 1, 4, 2, seed=0)
    tokens = [4, 2, 0, 4]
    expected = 0.0
    for p, row in enumerate(model.forward_sequence(tokens[:-1])):
        z = [v.data for v in row]
        top = max(z)
        expected += top + math.log(sum(math.exp(v - top) for v in z)) - z[tokens[p + 1]]
    assert model.loss(tokens).data == pytest.approx(expected / 3, rel=1e-12)


def _torch_gpt_loss(torch, model: GPT, tokens: list[int]):
    """The same model written in PyTorch (float64) with the same weights: (loss, grads by name)."""
    f = torch.nn.functional
    state = model.state_dict()
    names = sorted({name.split("[")[0] for name in state})
    shapes: dict[str, list[int]] = {}
    for name in state:
        base, i, j = name.split("[")[0], *(int(k.rstrip("]")) for k in name.split("[")[1:])
        shape = shapes.setdefault(base, [0, 0])
        shape[0], shape[1] = max(shape[0], i + 1), max(shape[1], j + 1)
    tensors = {}
    for base in names:
        rows, cols = shapes[base]
        data = [[state[f"{base}[{i}][{j}]"] for j in range(cols)] for i in range(rows)]
        tensors[base] = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    t = tensors
    n = len(tokens) - 1
    idx = torch.tensor(tokens[:-1])

    def rms(x):
        return x * (x.pow(2).mean(-1, keepdim=True) + 1e-5).pow(-0.5)

    x = rms(t["wte.w"][idx] + t["wpe.w"][:n])
    heads, d = model.n_head, model.n_embd // model.n_head
    mask = torch.ones(n, n, dtype=torch.bool).tril()
    for i in range(model.n_layer):
        h = rms(x)
        q, k, v = (h @ t[f"blocks.{i}.attn.{w}.w"].T for w in ("wq", "wk", "wv"))
        q, k, v = (m.view(n, heads, d).transpose(0, 1) for m in (q, k, v))
        scores = (q @ k.transpose(1, 2) / math.sqrt(d)).masked_fill(~mask, -math.inf)
        att = (scores.softmax(-1) @ v).transpose(0, 1).reshape(n, model.n_embd)
        x = x + att @ t[f"blocks.{i}.attn.wo.w"].T
        x = x + f.relu(rms(x) @ t[f"blocks.{i}.fc1.w"].T) @ t[f"blocks.{i}.fc2.w"].T
    logits = x @ t["lm_head.w"].T
    loss = f.cross_entropy(logits, torch.tensor(tokens[1:]))
    loss.backward()
    grads = {}
    for base, tensor in tensors.items():
        for i, row in enumerate(tensor.grad.tolist()):
            for j, g in enumerate(row):
                grads[f"{base}[{i}][{j}]"] = g
    return loss.item(), grads


def test_gpt_matches_a_pytorch_implementation_of_the_same_model():
    """Loss and every parameter's gradient equal PyTorch's (float64, same weights) to 1e-9."""
    torch = pytest.importorskip("torch")
    model = GPT(7, 6, 2, 8, 2, std=0.3, seed=11)
    tokens = [6, 1, 4, 4, 0, 2, 6]
    loss = model.loss(tokens)
    loss.backward()
    expected, grads = _torch_gpt_loss(torch, model, tokens)
    assert loss.data == pytest.approx(expected, rel=1e-9)
    named = dict(model.named_parameters())
    assert set(named) == set(grads)
    for name, p in named.items():
        assert p.grad == pytest.approx(grads[name], rel=1e-9, abs=1e-12), name


def test_layer_norm_matches_pytorch():
    """LayerNorm with its gain and bias equals torch.nn.functional.layer_norm, forward and backward."""
    torch = pytest.importorskip("torch")
    norm = LayerNorm(5)
    for i, (g, b) in enumerate(zip(norm.g, norm.b, strict=True)):
        g.data, b.data = 1.0 + 0.1 * i, -0.2 * i
    (x,) = _vectors(1, 5, seed=4)
    out = norm(x)
    _weighted_sum(out).backward()
    tx = torch.tensor([v.data for v in x], dtype=torch.float64, requires_grad=True)
    tg = torch.tensor([g.data for g in norm.g], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([b.data for b in norm.b], dtype=torch.float64, requires_grad=True)
    ty = torch.nn.functional.layer_norm(tx, (5,), tg, tb, eps=1e-5)
    weights = torch.tensor([w for w in _weights(5)], dtype=torch.float64)
    (ty * weights).sum().backward()
    assert [v.data for v in out] == pytest.approx(ty.tolist(), rel=1e-12)
    assert [v.grad for v in x] == pytest.approx(tx.grad.tolist(), rel=1e-9)
    assert [g.grad for g in norm.g] == pytest.approx(tg.grad.tolist(), rel=1e-9)
    assert [b.grad for b in norm.b] == pytest.approx(tb.grad.tolist(), rel=1e-9)


def _weights(n: int, seed: int = 3) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-1, 1) for _ in range(n)]


# ----------------------------------------------------------------------------- sampling
def test_generate_is_reproducible_and_stays_in_the_vocabulary():
    """The same seed gives the same samples; tokens are ids other than bos; at most block_size long."""
    model = GPT(6, 5, 1, 8, 2, std=1.0, seed=0)
    a = generate(model, 8, temperature=1.0, seed=3)
    assert a == generate(model, 8, temperature=1.0, seed=3)
    assert len(a) == 8
    assert all(len(s) <= 5 and all(0 <= t < 5 for t in s) for s in a)
    assert generate(model, 1, seed=random.Random(3)) == generate(model, 1, seed=3)


def test_low_temperature_picks_the_likeliest_token():
    """At a temperature near 0 each step takes the argmax of the logits."""
    model = GPT(6, 4, 1, 8, 2, std=1.0, seed=2)
    (sample,) = generate(model, 1, temperature=1e-6, seed=0)
    cache, token = model.new_cache(), 5
    for pos, expected in enumerate(sample):
        logits = [v.data for v in model.forward(token, pos, cache)]
        assert expected == max(range(6), key=logits.__getitem__)
        token = expected


def test_generate_records_nothing():
    """Sampling runs under no_grad: the parameters gain no consumers and no gradient."""
    model = GPT(4, 3, 1, 4, 2, seed=0)
    generate(model, 2, seed=0)
    assert all(p.grad == 0.0 for p in model.parameters())


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: GPT(5, 4, 1, 6, 4), ValueError, "width 6 must be a multiple of the number of heads 4"),
        (lambda: GPT(5, 0), ValueError, "block_size: expected a positive int, got 0"),
        (lambda: GPT(5, 4, norm="batchnorm"), ValueError, "norm must be one of rmsnorm, layernorm"),
        (lambda: GPT(5, 4, std=math.nan), ValueError, "std must be a finite number"),
        (lambda: Linear(2, 2, bias=1), TypeError, "bias must be a bool, got 1"),
        (lambda: CausalSelfAttention(4, 3), ValueError, "multiple of the number of heads 3"),
        (lambda: generate(GPT(4, 3, 1, 4, 2), 1, temperature=0), ValueError, "temperature must be"),
        (lambda: generate(Linear(2, 2), 1), TypeError, "expected a GPT, got Linear"),
    ],
)
def test_bad_arguments_are_refused(make, error, match):
    """Sizes, norms, flags and temperatures are checked, with what was expected and received."""
    with pytest.raises(error, match=match):
        make()


def test_forward_checks_tokens_positions_and_the_cache():
    """A token or position out of range, a position the cache is not at, or a wrong cache is refused."""
    model = GPT(5, 3, 1, 4, 2, seed=0)
    cache = model.new_cache()
    with pytest.raises(ValueError, match=r"token: expected an int in \[0, 5\), got 5"):
        model.forward(5, 0, cache)
    with pytest.raises(ValueError, match=r"pos: expected an int in \[0, 3\), got 3"):
        model.forward(0, 3, cache)
    with pytest.raises(ValueError, match="position 1, but the cache holds 0 positions"):
        model.forward(0, 1, cache)
    with pytest.raises(TypeError, match=r"cache must be model\.new_cache\(\)"):
        model.forward(0, 0, [])
    assert [len(c) for c in cache] == [0]
    with pytest.raises(ValueError, match="expected 2 to 4 tokens"):
        model.loss([0, 1, 2, 3, 4])


def test_attention_output_is_wo_of_the_heads_side_by_side():
    """head(h, ...) is one head's slice; wo applied to all heads side by side is the module's
    output, and each head's softmax weights sum to 1."""
    attn = CausalSelfAttention(6, 3, std=0.5, seed=4)
    xs = _vectors(3, 6, seed=5)
    q = attn.wq(xs[2])
    keys = [attn.wk(x) for x in xs]
    values = [attn.wv(x) for x in xs]
    heads = [v for h in range(3) for v in attn.head(h, q, keys, values)]
    assert [v.data for v in attn.wo(heads)] == [v.data for v in attn.forward_sequence(xs)[2]]
    assert len(attn.head(1, q, keys, values)) == attn.head_dim == 2
    with pytest.raises(ValueError, match=r"h: expected an int in \[0, 3\), got 3"):
        attn.head(3, q, keys, values)
