"""Tests for autograd.nn: neurons, layers, MLPs, parameters, state dicts and model files."""

from __future__ import annotations

import io
import json
import math
import os
import random
from pathlib import Path

import numpy as np
import pytest

from autograd import Value, add_n, dot, nn
from autograd.nn import FORMAT, MLP, Layer, ModelFileError, Module, Neuron

# ----------------------------------------------------------------------------- neurons


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("relu", lambda s: max(s, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda s: 1 / (1 + math.exp(-s))),
        ("linear", lambda s: s),
    ],
)
def test_neuron_applies_its_activation_to_the_weighted_sum(activation, f):
    """A neuron computes activation(w . x + b) for each of the four activations."""
    n = Neuron(3, activation, seed=4)
    n.b.data = 0.25
    x = [0.5, -1.5, 2.0]
    s = sum(w.data * xi for w, xi in zip(n.w, x)) + 0.25
    assert n(x).data == pytest.approx(f(s), rel=1e-12, abs=1e-15)


def test_neuron_weighted_sum_is_one_dot_node_then_the_bias():
    """The weighted sum is a single dot node (bench W1(b)), then + b, then the activation."""
    n = Neuron(4, "tanh", seed=0)
    out = n([1.0, 2.0, 3.0, 4.0])
    assert out.op == "tanh"
    (pre,) = out.parents
    assert pre.op == "add" and pre.parents[1] is n.b
    assert pre.parents[0].op == "dot"
    assert pre.parents[0].parents[:4] == tuple(n.w)


def test_neuron_starts_like_micrograds():
    """Weights are drawn from U(-1, 1) and the bias starts at 0."""
    n = Neuron(200, seed=1)
    assert all(-1 <= w.data <= 1 for w in n.w)
    assert min(w.data for w in n.w) < -0.8 and max(w.data for w in n.w) > 0.8
    assert n.b.data == 0.0


def test_micrograd_nonlin_flag_selects_relu_or_linear():
    """micrograd's nonlin=True/False mean relu/linear; with activation as well it is refused."""
    assert Neuron(2, nonlin=True).activation == "relu"
    assert Layer(2, 3, nonlin=False).activation == "linear"
    with pytest.raises(TypeError, match="not both"):
        Neuron(2, "tanh", nonlin=True)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Neuron(0), ValueError, "positive int, got 0"),
        (lambda: Neuron(2.0), ValueError, "positive int, got 2.0"),  # type: ignore[arg-type]
        (lambda: Neuron(2, "softmax"), ValueError, "relu, tanh, sigmoid, linear, got 'softmax'"),
        (lambda: Neuron(2, seed="1"), TypeError, "seed must be an int"),  # type: ignore[arg-type]
        (lambda: Layer(2, 0), ValueError, "nout: expected a positive int"),
        (lambda: MLP(2, []), TypeError, "non-empty list"),
        (lambda: MLP(2, 3), TypeError, "non-empty list"),  # type: ignore[arg-type]
        (lambda: MLP(2, [4, -1]), ValueError, r"nouts\[1\]"),
        (lambda: MLP(2, [4, 1], output_activation="exp"), ValueError, "got 'exp'"),
    ],
)
def test_bad_constructor_arguments_are_refused(make, error, match):
    """Bad sizes, activations and seeds raise with a message naming what was received."""
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        ([1.0], ValueError, "expected 2 inputs, got 1"),
        ([1.0, 2.0, 3.0], ValueError, "expected 2 inputs, got 3"),
        (Value(1.0), TypeError, "sequence of 2"),
        ("ab", TypeError, "sequence of 2"),
        ([1.0, "2"], TypeError, "input 1 must be a number or a Value, got str"),
        ([1.0, None], TypeError, "input 1"),
    ],
)
def test_bad_inputs_are_refused(x, error, match):
    """Calling a model on the wrong number or kind of inputs raises a clear error."""
    with pytest.raises(error, match=match):
        MLP(2, [3, 1], seed=0)(x)


# ----------------------------------------------------------------------------- micrograd


def test_mlp_is_micrograds_shape():
    """MLP(2, [16, 16, 1]): 337 parameters, relu hidden layers, a linear output."""
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert [len(layer.neurons) for layer in model.layers] == [16, 16, 1]


def test_mlp_returns_a_value_for_one_output_and_a_list_otherwise():
    """One output gives a Value, several give a list, from numbers or Values alike."""
    one = MLP(3, [4, 1], seed=0)
    many = MLP(3, [4, 2], seed=0)
    assert isinstance(one([1, 2, 3]), Value)
    out = many([Value(1.0), 2.0, np.float64(3.0)])
    assert isinstance(out, list) and len(out) == 2 and all(isinstance(v, Value) for v in out)
    assert Layer(3, 1, seed=0)([1, 2, 3]).__class__ is Value


def test_same_weights_gradients_and_outputs_as_micrograd():
    """With the global random seeded alike, weights equal micrograd's; outputs and gradients agree."""
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd.engine import Value as MValue

    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]

    xs = [[0.5, -1.0], [1.5, 0.25], [-0.7, 0.9]]
    ys = [1.0, -1.0, 1.0]
    loss_ours = add_n([(1 + -y * ours(x)).relu() for x, y in zip(xs, ys)]) * (1 / 3)
    their_scores = [theirs(list(map(MValue, x))) for x in xs]
    loss_theirs = sum((1 + -y * s).relu() for y, s in zip(ys, their_scores)) * (1 / 3)
    loss_ours.backward()
    loss_theirs.backward()
    assert loss_ours.data == pytest.approx(loss_theirs.data, rel=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-9, abs=1e-12)


def test_seed_makes_initialisation_reproducible():
    """The same int seed gives the same weights; another seed or a Random instance differs."""
    a = [p.data for p in MLP(3, [5, 2], seed=7).parameters()]
    b = [p.data for p in MLP(3, [5, 2], seed=7).parameters()]
    c = [p.data for p in MLP(3, [5, 2], seed=8).parameters()]
    rng = random.Random(7)
    d = [p.data for p in MLP(3, [5, 2], seed=rng).parameters()]
    assert a == b == d
    assert a != c
    random.seed(3)
    e = [p.data for p in MLP(3, [5, 2]).parameters()]
    random.seed(3)
    assert e == [p.data for p in MLP(3, [5, 2]).parameters()]


# ----------------------------------------------------------------------------- parameters


def test_parameters_are_named_and_labelled_by_their_place():
    """Names follow the attributes (layers.0.neurons.3.w[1]) and every parameter carries its name as label."""
    model = MLP(2, [4, 3], seed=0)
    named = model.named_parameters()
    names = [n for n, _ in named]
    assert names[:3] == ["layers.0.neurons.0.w[0]", "layers.0.neurons.0.w[1]", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w[1]" in names and names[-1] == "layers.1.neurons.2.b"
    assert len(set(names)) == len(names) == len(model.parameters())
    assert all(p.label == n for n, p in named)
    assert [n for n, _ in Neuron(2).named_parameters()] == ["w[0]", "w[1]", "b"]


def test_zero_grad_resets_every_parameter():
    """zero_grad sets every parameter's grad to 0 after a backward."""
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_user_modules_find_their_parameters_from_attributes():
    """A user's Module lists Value, list and sub-module attributes, each shared parameter once."""

    class Head(Module):
        def __init__(self) -> None:
            self.body = MLP(2, [3], seed=0)
            self.scale = Value(2.0)
            self.extra = [Value(1.0), self.scale]  # shared: listed once
            self._private = Value(9.0)  # skipped

    head = Head()
    names = [n for n, _ in head.named_parameters()]
    assert names[0] == "body.layers.0.neurons.0.w[0]"
    assert names[-2:] == ["scale", "extra[0]"]
    assert len(names) == 9 + 2


def test_micrograd_style_module_overriding_parameters_works_with_zero_grad():
    """A module written for micrograd (only parameters() defined) gets a working zero_grad."""

    class Pair(Module):
        def __init__(self) -> None:
            self.a, self.b = Value(1.0), Value(2.0)

        def parameters(self) -> list[Value]:
            return [self.a]

    pair = Pair()
    pair.a.grad = pair.b.grad = 5.0
    pair.zero_grad()
    assert (pair.a.grad, pair.b.grad) == (0.0, 5.0)


# ----------------------------------------------------------------------------- the seeds' Affine layer


def test_affine_layer_gradients_equal_the_seeds_matrix_formulas():
    """Y = X W + b on a batch: dX = dY W^T, dW = X^T dY, db = dY summed over the batch (NumPy)."""
    rng = np.random.default_rng(0)
    n_batch, nin, nout = 5, 3, 4
    layer = Layer(nin, nout, "linear", seed=1)
    for neuron in layer.neurons:
        neuron.b.data = float(rng.normal())
    x = rng.normal(size=(n_batch, nin))
    d_y = rng.normal(size=(n_batch, nout))
    w = np.array([[layer.neurons[k].w[j].data for k in range(nout)] for j in range(nin)])
    b = np.array([n.b.data for n in layer.neurons])

    xv = [[Value(float(v)) for v in row] for row in x]
    ys = [layer(row) for row in xv]
    np.testing.assert_allclose([[v.data for v in row] for row in ys], x @ w + b, rtol=1e-12)
    # backward with upstream gradient dY: L = sum(dY * Y)
    loss = dot([v for row in ys for v in row], [float(g) for g in d_y.ravel()])
    loss.backward()

    d_w = np.array([[layer.neurons[k].w[j].grad for k in range(nout)] for j in range(nin)])
    d_b = np.array([n.b.grad for n in layer.neurons])
    d_x = np.array([[v.grad for v in row] for row in xv])
    np.testing.assert_allclose(d_w, x.T @ d_y, rtol=1e-12)
    np.testing.assert_allclose(d_b, d_y.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(d_x, d_y @ w.T, rtol=1e-12)


# ----------------------------------------------------------------------------- state dicts


def test_state_dict_round_trip_copies_every_parameter():
    """load_state_dict(state_dict()) of another model makes the two compute the same."""
    a, b = MLP(3, [4, 2], seed=1), MLP(3, [4, 2], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert [v.data for v in b([1, 2, 3])] == [v.data for v in a([1, 2, 3])]


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda s: s.pop("layers.0.neurons.1.b"), ValueError, r"1 missing \(e.g. layers.0.neurons.1.b\)"),
        (lambda s: s.update({"layers.9.w": 1.0}), ValueError, r"1 unexpected \(e.g. layers.9.w\)"),
        (lambda s: s.update({"layers.0.neurons.0.b": "1"}), TypeError, "must be a number, got str"),
        (lambda s: s.update({"layers.0.neurons.0.b": True}), TypeError, "got bool"),
        (lambda s: s.update({"layers.1.neurons.0.b": math.nan}), ValueError, "must be finite, got nan"),
        (lambda s: s.update({"layers.1.neurons.0.b": -math.inf}), ValueError, "finite"),
    ],
)
def test_bad_state_dict_raises_and_changes_nothing(change, error, match):
    """A missing, extra or non-finite entry raises and leaves every parameter as it was."""
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = {k: v + 1.0 for k, v in before.items()}
    change(state)
    with pytest.raises(error, match=match):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_state_of_a_different_architecture_is_refused():
    """A state dict from an MLP with other layer sizes is refused, naming the counts."""
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"4 unexpected \(e.g. layers.0.neurons.3.w\[0\]"):
        model.load_state_dict(MLP(2, [4, 1], seed=0).state_dict())
    with pytest.raises(
        ValueError, match=r"4 missing \(e.g. layers.0.neurons.2.w\[0\].*; 1 unexpected \(e.g. x\)"
    ):
        model.load_state_dict(MLP(2, [2, 1], seed=0).state_dict() | {"x": 1.0})
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([1.0, 2.0])  # type: ignore[arg-type]
    assert model.state_dict() == before


# ----------------------------------------------------------------------------- files

AWKWARD_FLOATS = [5e-324, -0.0, 1e308, 0.1 + 0.2, -2.2250738585072014e-308, 1 / 3, 123456789.123456789]


def _awkward_model() -> MLP:
    model = MLP(2, [3, 2], "tanh", output_activation="sigmoid", seed=3)
    for p, x in zip(model.parameters(), AWKWARD_FLOATS):
        p.data = x
    return model


def test_save_and_load_round_trip_floats_exactly(tmp_path):
    """A saved MLP loads back with the same architecture, bit-identical parameters and metadata."""
    model = _awkward_model()
    path = model.save(tmp_path / "m.json", metadata={"task": {"classes": [0, 1]}, "note": "hi"})
    loaded, metadata = nn.load_with_metadata(path)
    assert isinstance(loaded, MLP) and repr(loaded) == repr(model)
    assert loaded.config() == model.config()
    for (na, a), (nb, b) in zip(model.named_parameters(), loaded.named_parameters()):
        assert na == nb and b.label == na
        assert a.data.hex() == b.data.hex()  # exact, including -0.0
    assert metadata == {"task": {"classes": [0, 1]}, "note": "hi"}
    assert [v.data for v in loaded([0.3, -0.2])] == [v.data for v in model([0.3, -0.2])]


def test_model_file_is_versioned_plain_json(tmp_path):
    """The file is plain JSON naming its format, the architecture and every parameter by name."""
    model = MLP(2, [2, 1], seed=0)
    document = json.loads((model.save(tmp_path / "m.json")).read_text())
    assert document["format"] == FORMAT
    assert document["model"] == {
        "type": "MLP",
        "nin": 2,
        "nouts": [2, 1],
        "activation": "relu",
        "output_activation": "linear",
    }
    assert document["parameters"] == model.state_dict()


def test_load_builds_the_saved_kind_and_checks_it(tmp_path):
    """Neuron and Layer save and load too; MLP.load refuses a saved Neuron; nn.load takes any kind."""
    neuron = Neuron(3, "sigmoid", seed=0)
    path = neuron.save(tmp_path / "n.json")
    again = Neuron.load(path)
    assert again.state_dict() == neuron.state_dict() and again.activation == "sigmoid"
    assert isinstance(nn.load(path), Neuron)
    layer = Layer(2, 3, "tanh", seed=0)
    assert Layer.load(layer.save(tmp_path / "l.json")).state_dict() == layer.state_dict()
    with pytest.raises(ModelFileError, match="expected a saved MLP, got a saved Neuron"):
        MLP.load(path)


def test_load_weights_into_an_existing_model(tmp_path):
    """load_weights copies a file's parameters into a model of the same architecture only."""
    source = MLP(2, [3, 1], seed=1)
    path = source.save(tmp_path / "m.json")
    target = MLP(2, [3, 1], seed=2)
    target.load_weights(path)
    assert target.state_dict() == source.state_dict()
    other = MLP(2, [4, 1], seed=2)
    before = other.state_dict()
    with pytest.raises(ModelFileError, match="does not match this model"):
        other.load_weights(path)
    assert other.state_dict() == before


def test_save_leaves_the_global_random_state_alone(tmp_path):
    """Loading builds the model from a private generator: the global random sequence is unchanged."""
    path = MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    random.seed(5)
    expected = random.random()
    random.seed(5)
    MLP.load(path)
    assert random.random() == expected


def _valid_document() -> dict:
    return json.loads(
        json.dumps(
            {
                "format": FORMAT,
                "model": MLP(2, [2, 1], seed=0).config() | {"type": "MLP"},
                "metadata": {},
                "parameters": MLP(2, [2, 1], seed=0).state_dict(),
            }
        )
    )


def _text(change) -> str:
    document = _valid_document()
    change(document)
    return json.dumps(document)


VALID_TEXT = json.dumps(_valid_document())

MALFORMED = {
    "empty": ("", "invalid JSON at line 1"),
    "truncated": (VALID_TEXT[: len(VALID_TEXT) // 2], "invalid JSON"),
    "a list": ("[1, 2]", "expected a JSON object, got list"),
    "no format": (_text(lambda d: d.pop("format")), 'expected "format"'),
    "another format": (_text(lambda d: d.update(format="pytorch")), 'got "pytorch"'),
    "a future version": (
        _text(lambda d: d.update(format="autograd-model/2")),
        "unsupported model file version",
    ),
    "no parameters": (_text(lambda d: d.pop("parameters")), "no 'parameters' entry"),
    "no model": (_text(lambda d: d.pop("model")), "no 'model' entry"),
    "unknown type": (
        _text(lambda d: d["model"].update(type="os.system")),
        "must be one of Neuron, Layer, MLP",
    ),
    "missing size": (_text(lambda d: d["model"].pop("nouts")), r"missing \['nouts'\]"),
    "bad activation": (_text(lambda d: d["model"].update(activation="exp")), 'got "exp"'),
    "sizes not a list": (_text(lambda d: d["model"].update(nouts="2,1")), "must be a non-empty list"),
    "negative size": (_text(lambda d: d["model"].update(nouts=[2, -1])), "positive int"),
    "missing weight": (
        _text(lambda d: d["parameters"].pop("layers.1.neurons.0.w[1]")),
        "has 9 parameters, but",
    ),
    "extra weight": (_text(lambda d: d["parameters"].update(x=1.0)), '"parameters" holds 10'),
    "renamed weight": (
        _text(lambda d: d["parameters"].update(x=d["parameters"].pop("layers.0.neurons.0.b"))),
        r"1 missing \(e.g. layers.0.neurons.0.b\); 1 unexpected \(e.g. x\)",
    ),
    "shape mismatch": (_text(lambda d: d["model"].update(nouts=[3, 1])), r"\(MLP\) has 13 parameters"),
    "string weight": (_text(lambda d: d["parameters"].update({"layers.0.neurons.0.b": "0.5"})), "got str"),
    "null weight": (_text(lambda d: d["parameters"].update({"layers.0.neurons.0.b": None})), "got NoneType"),
    "bool weight": (_text(lambda d: d["parameters"].update({"layers.0.neurons.0.b": True})), "got bool"),
    "list weight": (_text(lambda d: d["parameters"].update({"layers.0.neurons.0.b": [1.0]})), "got list"),
    "NaN": (
        VALID_TEXT.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'),
        "NaN is not allowed",
    ),
    "Infinity": (
        VALID_TEXT.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": -Infinity'),
        "not allowed",
    ),
    "overflowing number": (
        VALID_TEXT.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'),
        "finite",
    ),
    "metadata not an object": (_text(lambda d: d.update(metadata=[1])), '"metadata" must be an object'),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "not a model file"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_or_mismatched_files_raise_and_leave_the_model_unchanged(tmp_path, name):
    """Each kind of bad file raises ModelFileError naming the file and the problem; nothing changes."""
    assert '"layers.0.neurons.0.b": 0.0' in VALID_TEXT
    text, match = MALFORMED[name]
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelFileError, match=match) as info:
        nn.load(path)
    assert str(path) in str(info.value)
    model = MLP(2, [2, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(ModelFileError):
        model.load_weights(path)
    assert model.state_dict() == before


def test_binary_and_missing_files(tmp_path):
    """A non-UTF-8 file is a ModelFileError; a missing one is the usual FileNotFoundError."""
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelFileError, match="not UTF-8"):
        nn.load(path)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.json")


def test_loading_never_runs_code_from_the_file(tmp_path):
    """Names in the file are only looked up in a fixed table: a pickle or a dotted path is just refused."""
    path = tmp_path / "evil.json"
    path.write_bytes(b"\x80\x04\x95" + b"cos\nsystem\n")  # the start of a pickle
    with pytest.raises(ModelFileError):
        nn.load(path)
    path.write_text(_text(lambda d: d["model"].update(type="__import__")))
    with pytest.raises(ModelFileError, match="must be one of"):
        nn.load(path)


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_interrupted_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    """A failure halfway through writing leaves the previous file byte for byte, and no temporary file."""
    path = MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    old = path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter(io.RawIOBase):
        """Writes half of what it is given, then fails like a full disk."""

        def __init__(self, handle) -> None:
            self.handle = handle

        def write(self, data) -> int:
            self.handle.write(bytes(data[: len(data) // 2]))
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            self.handle.close()
            super().close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space left"):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_bytes() == old
    assert _listing(tmp_path) == ["m.json"]


def test_save_interrupted_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    """A KeyboardInterrupt at the rename leaves the old file and removes the temporary one."""
    path = MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    old = path.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_bytes() == old
    assert _listing(tmp_path) == ["m.json"]


def test_save_replaces_the_file_whole(tmp_path):
    """A second save replaces the first: the file then loads as the second model."""
    path = MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    second = MLP(2, [3, 1], seed=1)
    second.save(path)
    assert MLP.load(path).state_dict() == second.state_dict()
    assert _listing(tmp_path) == ["m.json"]


@pytest.mark.parametrize(
    ("metadata", "error", "match"),
    [
        ({"x": object()}, ValueError, "JSON data"),
        ({"x": math.nan}, ValueError, "without NaN"),
        ([1, 2], TypeError, "metadata must be a mapping"),
    ],
)
def test_save_refuses_bad_metadata_before_touching_the_file(tmp_path, metadata, error, match):
    """Metadata that is not JSON data is refused and the existing file stays as it was."""
    path = MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    old = path.read_bytes()
    with pytest.raises(error, match=match):
        MLP(2, [3, 1], seed=1).save(path, metadata=metadata)
    assert path.read_bytes() == old
    assert _listing(tmp_path) == ["m.json"]


def test_save_errors_for_missing_folders_and_unsaveable_modules(tmp_path):
    """Saving into a missing folder, or a module without an architecture, raises a clear error."""
    with pytest.raises(FileNotFoundError, match="does not exist"):
        MLP(2, [1]).save(tmp_path / "nope" / "m.json")

    class Custom(Module):
        def __init__(self) -> None:
            self.w = Value(1.0)

    class Wider(MLP):
        pass

    with pytest.raises(TypeError, match="Custom cannot be saved"):
        Custom().save(tmp_path / "c.json")
    with pytest.raises(TypeError, match="Wider cannot be saved"):
        Wider(2, [1]).save(tmp_path / "w.json")
    assert _listing(tmp_path) == []
    assert Custom().state_dict() == {"w": 1.0}
