"""Tests for autograd.nn's model files against hostile input: every field of every kind is
checked by type, sizes are checked against the parameters present before anything is built,
special files are refused without blocking, and huge numbers and deep metadata give clear
errors (the model-file items of the reliability issue)."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from autograd import nn
from autograd.nn import GPT, MLP, ModelFileError

# One small instance of every kind a model file can hold.
SMALL = {
    "Neuron": lambda: nn.Neuron(3, "tanh", seed=0),
    "Layer": lambda: nn.Layer(3, 2, "sigmoid", seed=0),
    "MLP": lambda: MLP(2, [3, 1], seed=0),
    "Linear": lambda: nn.Linear(3, 2, seed=0),
    "Embedding": lambda: nn.Embedding(4, 2, seed=0),
    "RMSNorm": lambda: nn.RMSNorm(3, affine=True),
    "LayerNorm": lambda: nn.LayerNorm(3),
    "CausalSelfAttention": lambda: nn.CausalSelfAttention(4, 2, seed=0),
    "Block": lambda: nn.Block(4, 2, norm="layernorm", seed=0),
    "GPT": lambda: GPT(5, 3, 1, 4, 2, seed=0),
}


def test_every_saveable_kind_has_a_small_example_here():
    """The table above covers every registered kind, so the tests below reach all of them."""
    assert set(SMALL) == set(nn.kinds())


@pytest.mark.parametrize("kind", list(SMALL))
def test_every_kind_round_trips_through_a_file(tmp_path, kind):
    """Each kind saves and loads back as the same architecture with the same floats."""
    model = SMALL[kind]()
    path = model.save(tmp_path / "m.json", metadata={"kind": kind})
    again = nn.load_with_metadata(path)
    assert type(again.model) is type(model)
    assert again.model.config() == model.config()
    assert again.model.state_dict() == model.state_dict()
    assert again.metadata == {"kind": kind}


def _fields() -> list[tuple[str, str]]:
    return [(kind, key) for kind in SMALL for key in nn.kinds()[kind].fields]


BAD_VALUES = [None, True, 2.0, "2", [2], {}, -1, 0]


@pytest.mark.parametrize(("kind", "key"), _fields(), ids=lambda x: str(x))
def test_every_field_of_every_kind_is_checked(tmp_path, kind, key):
    """null (once read as the default activation), a bool, a float, a string, a list, an object,
    negative and zero: each is refused for every key it does not fit, naming the key."""
    model = SMALL[kind]()
    path = model.save(tmp_path / "m.json")
    document = json.loads(path.read_text())
    good = document["model"][key]
    field = nn.kinds()[kind].fields[key]
    assert field.check(good)
    refused = 0
    for bad in BAD_VALUES:
        if field.check(bad):  # e.g. true for a bool field
            continue
        document["model"][key] = bad
        path.write_text(json.dumps(document))
        with pytest.raises(ModelFileError, match=f'"model"."{key}" for {kind} must be') as info:
            nn.load(path)
        assert json.dumps(bad) in str(info.value)
        refused += 1
    assert refused >= 5


def test_a_null_activation_is_refused_not_read_as_relu(tmp_path):
    """The probe: "activation": null used to load as relu."""
    path = MLP(2, [2, 1], seed=0).save(tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["model"]["activation"] = None
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r'"activation" for MLP must be one of "relu", .*got null'):
        nn.load(path)


def test_a_huge_integer_parameter_is_a_model_file_error(tmp_path):
    """The probe: a 400-digit parameter used to raise OverflowError; the message does not print
    its digits."""
    path = MLP(2, [2, 1], seed=0).save(tmp_path / "m.json")
    text = path.read_text().replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": ' + "7" * 400)
    path.write_text(text)
    with pytest.raises(ModelFileError, match="an integer of 400 digits, too large for a float") as info:
        nn.load(path)
    assert "7777777777" not in str(info.value)


def test_huge_sizes_are_refused_without_printing_their_digits(tmp_path):
    """A 400-digit size is refused by the parameter count, with a short message."""
    path = MLP(2, [2, 1], seed=0).save(tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["model"]["nin"] = 10**400
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"has about 10\^400 parameters") as info:
        nn.load(path)
    assert len(str(info.value)) < 300


def _refuse_building(monkeypatch):
    """Make building any layer fail loudly, so a test sees whether load built anything."""

    def built(*args, **kwargs):
        raise AssertionError("load built a model from a file it should have refused")

    for cls in (nn.Neuron, nn.Layer, nn.Linear, nn.Embedding):
        monkeypatch.setattr(cls, "__init__", built)


def test_sizes_are_checked_against_the_parameters_before_building(tmp_path, monkeypatch):
    """The probe: a 157-byte file declaring nin=3000, nouts=[3000] used to build 9 million
    parameters (74 s, 4 GB) before failing; now it is refused before any layer is built."""
    path = tmp_path / "big.json"
    model = {"type": "MLP", "nin": 3000, "nouts": [3000], "activation": "relu", "output_activation": "linear"}
    path.write_text(json.dumps({"format": nn.FORMAT, "model": model, "parameters": {}}))
    assert path.stat().st_size == 157
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=r'\(MLP\) has 9,003,000 parameters, but "parameters" holds 0'):
        nn.load(path)


def test_a_large_gpt_declared_with_no_weights_is_refused_before_building(tmp_path, monkeypatch):
    """The same for the transformer kinds: a GPT of 10^6-wide layers with no weights."""
    path = tmp_path / "gpt.json"
    spec = {
        "type": "GPT",
        "vocab_size": 27,
        "block_size": 16,
        "n_layer": 100,
        "n_embd": 10**6,
        "n_head": 4,
        "norm": "rmsnorm",
    }
    path.write_text(json.dumps({"format": nn.FORMAT, "model": spec, "parameters": {"x": 1.0}}))
    _refuse_building(monkeypatch)
    match = r'\(GPT\) has 1,200,000,070,000,000 parameters, but "parameters" holds 1'
    with pytest.raises(ModelFileError, match=match):
        nn.load(path)


def test_inconsistent_gpt_sizes_are_refused(tmp_path):
    """Keys that are each valid but not together (a width that is not a multiple of the heads)."""
    path = GPT(5, 3, 1, 4, 2, seed=0).save(tmp_path / "g.json")
    document = json.loads(path.read_text())
    document["model"]["n_head"] = 3
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match="must be a multiple of the number of heads 3"):
        nn.load(path)


def test_unexpected_top_level_keys_are_refused(tmp_path):
    """Every field is checked, the top level's too."""
    path = MLP(2, [1], seed=0).save(tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["code"] = "import os"
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"unexpected top-level keys \['code'\]"):
        nn.load(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    """The probe: loading a FIFO used to block forever; now it is refused at once. The load runs
    in a thread so that a regression fails this test instead of hanging the suite."""
    path = tmp_path / "model.json"
    os.mkfifo(path)
    result: list[BaseException | object] = []
    thread = threading.Thread(target=lambda: result.append(_attempt(path)), daemon=True)
    thread.start()
    thread.join(30)
    if thread.is_alive():  # unblock the reader, then fail
        with open(path, "wb") as writer:
            writer.write(b"{}")
        thread.join(5)
        pytest.fail("nn.load blocked on a FIFO")
    (error,) = result
    assert isinstance(error, ModelFileError)
    assert "it is a FIFO (named pipe), not a regular file" in str(error)


def _attempt(path) -> BaseException | object:
    try:
        return nn.load(path)
    except BaseException as error:  # handed to the test's thread
        return error


def test_devices_and_folders_are_refused(tmp_path):
    """A character device is a ModelFileError; a folder stays the usual IsADirectoryError."""
    if os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode):
        with pytest.raises(ModelFileError, match="it is a character device, not a regular file"):
            nn.load("/dev/null")
    with pytest.raises(IsADirectoryError):
        nn.load(tmp_path)


def _nested(depth: int) -> list:
    outer = inner = []
    for _ in range(depth - 1):
        inner.append([])
        inner = inner[0]
    return outer


def test_deeply_nested_metadata_is_refused_clearly(tmp_path):
    """The probe: save() with metadata nested 5,000 deep used to raise RecursionError; now a
    ValueError says why, and the old file is left as it was."""
    path = MLP(2, [1], seed=0).save(tmp_path / "m.json")
    old = path.read_bytes()
    with pytest.raises(ValueError, match="the metadata nests more than 100 levels"):
        MLP(2, [1], seed=1).save(path, metadata={"deep": _nested(5000)})
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["m.json"]


def test_self_containing_metadata_is_refused_clearly(tmp_path):
    """A list that contains itself is refused by the same check, not by a recursion."""
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="or contains itself"):
        MLP(2, [1], seed=0).save(tmp_path / "m.json", metadata={"loop": loop})


def test_metadata_up_to_the_limit_round_trips(tmp_path):
    """Metadata nested exactly MAX_METADATA_DEPTH levels (the mapping included) saves and loads."""
    metadata = {"deep": _nested(nn.MAX_METADATA_DEPTH - 1)}
    path = MLP(2, [1], seed=0).save(tmp_path / "m.json", metadata=metadata)
    assert nn.load_with_metadata(path).metadata == metadata
