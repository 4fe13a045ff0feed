"""Tests for ``autograd gpt train``, ``autograd gpt sample`` and ``autograd demo gpt``: they
train, save, sample and draw, and every user mistake exits with status 2 and a clear message."""

from __future__ import annotations

import json
import os
import sys

import pytest

from autograd import nn
from autograd.cli import gpt as gpt_cli
from autograd.cli import main
from autograd.nn import GPT, MLP


@pytest.fixture
def docs(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("emma\nolivia\n\nava\nmia\n", encoding="utf-8")
    return path


def _train(*args: str) -> int:
    return main(
        ["gpt", "train", "--no-progress", "--n-embd", "8", "--n-head", "2", "--block-size", "8", *args]
    )


def test_train_saves_a_model_that_sample_reads(tmp_path, docs, capsys):
    """train prints the model, the loss and samples, saves the model with its tokenizer; sample
    prints -n documents made of the file's characters, the same for the same seed."""
    model_path = tmp_path / "m.json"
    assert _train("--data", str(docs), "--steps", "40", "--save", str(model_path), "--samples", "3") == 0
    out = capsys.readouterr().out
    assert "GPT(vocab_size=8, block_size=8, n_layer=1, n_embd=8, n_head=2, norm='rmsnorm')" in out
    assert "4 documents, 7 characters; 40 steps" in out
    assert "loss: " in out and "tokens/s" in out and "3 samples (temperature 0.5):" in out
    saved = nn.load_with_metadata(model_path)
    assert isinstance(saved.model, GPT)
    assert saved.metadata == {"tokenizer": {"chars": "aeilmov"}, "data": "docs.txt", "steps": 40}
    assert main(["gpt", "sample", str(model_path), "-n", "6", "--temperature", "0.8", "--seed", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(set(line) <= set("aeilmov") for line in lines)
    main(["gpt", "sample", str(model_path), "-n", "6", "--temperature", "0.8", "--seed", "1"])
    assert capsys.readouterr().out.splitlines() == lines


def test_train_draws_the_loss_plot(tmp_path, docs, capsys):
    """--plot writes a PNG of the losses."""
    pytest.importorskip("matplotlib")
    plot = tmp_path / "loss.png"
    assert _train("--data", str(docs), "--steps", "5", "--plot", str(plot), "--samples", "0") == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot: {plot}" in capsys.readouterr().out


def test_compiled_and_dynamic_training_print_the_same_loss(docs, capsys):
    """--no-compile trains on the dynamic engine to the same numbers."""
    _train("--data", str(docs), "--steps", "12", "--samples", "2")
    compiled = capsys.readouterr().out
    _train("--data", str(docs), "--steps", "12", "--samples", "2", "--no-compile")
    dynamic = capsys.readouterr().out

    def numbers(out: str) -> tuple[str, list[str]]:
        loss_line = next(line for line in out.splitlines() if line.startswith("loss: "))
        return loss_line.split(";")[0], out.splitlines()[-2:]

    assert numbers(compiled) == numbers(dynamic)


def test_train_on_names(capsys):
    """--data names reads Faker's first names."""
    pytest.importorskip("faker")
    args = ["--steps", "3", "--samples", "0", "--block-size", "13", "--no-compile"]
    assert main(["gpt", "train", "--no-progress", *args]) == 0
    assert "27 characters" not in capsys.readouterr().out  # 26 letters (and bos makes 27 tokens)


def _error(capsys, *args: str) -> str:
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"autograd {args[0]}: error: ")
    return err


def test_data_errors_exit_2(tmp_path, docs, capsys):
    """A missing file, a folder, a file with no documents, non-UTF-8 bytes and a FIFO."""
    assert "cannot read" in _error(capsys, "gpt", "train", "--data", str(tmp_path / "nope.txt"))
    assert "Is a directory" in _error(capsys, "gpt", "train", "--data", str(tmp_path))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert "no documents" in _error(capsys, "gpt", "train", "--data", str(empty))
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe")
    assert "not UTF-8" in _error(capsys, "gpt", "train", "--data", str(binary))
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        assert "FIFO" in _error(capsys, "gpt", "train", "--data", str(fifo))


def test_a_block_smaller_than_a_document_exits_2(docs, capsys):
    """The longest document must fit with its end: olivia needs 7 positions."""
    err = _error(capsys, "gpt", "train", "--data", str(docs), "--block-size", "6")
    assert "--block-size 6 is smaller than a document: 'olivia' has 6 characters" in err
    assert "use --block-size 7 or more" in err


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--n-embd", "6", "--n-head", "4"], "--n-embd 6 must be a multiple of --n-head 4"),
        (["--steps", "0"], "argument --steps: expected a positive integer"),
        (["--lr", "0"], "argument --lr: expected a number in (0, inf)"),
        (["--samples", "-1"], "argument --samples: expected an integer >= 0"),
        (["--plot", "loss.svg"], "--plot: expected a .png file name"),
        (["--norm", "batch"], "argument --norm: invalid choice"),
    ],
)
def test_bad_options_exit_2(docs, capsys, args, match):
    """Options are checked before any training."""
    with pytest.raises(SystemExit) if "argument" in match else _no_exit() as info:
        code = main(["gpt", "train", "--data", str(docs), *args])
    err = capsys.readouterr().err
    assert match in err
    assert (info.value.code if info is not None else code) == 2


class _no_exit:  # noqa: N801 - a context manager standing where pytest.raises does
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_sample_errors_exit_2(tmp_path, capsys):
    """A missing file, a broken file, an MLP, and a GPT saved without its tokenizer."""
    assert "cannot read the model" in _error(capsys, "gpt", "sample", str(tmp_path / "nope.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert "invalid JSON" in _error(capsys, "gpt", "sample", str(bad))
    mlp = MLP(2, [1], seed=0).save(tmp_path / "mlp.json")
    assert "sample needs a saved GPT, got a saved MLP" in _error(capsys, "gpt", "sample", str(mlp))
    bare = GPT(5, 4, 1, 4, 2, seed=0).save(tmp_path / "bare.json")
    assert "no usable tokenizer" in _error(capsys, "gpt", "sample", str(bare))
    other = GPT(5, 4, 1, 4, 2, seed=0).save(tmp_path / "other.json", metadata={"tokenizer": {"chars": "ab"}})
    assert "the tokenizer has 3 tokens but the model 5" in _error(capsys, "gpt", "sample", str(other))
    with pytest.raises(SystemExit):
        main(["gpt", "sample", str(other), "--temperature", "-1"])
    assert "argument --temperature" in capsys.readouterr().err


def test_demo_gpt_trains_prints_names_and_writes_its_files(tmp_path, capsys, monkeypatch):
    """autograd demo gpt (few steps, dynamic, here): samples printed, the loss plot and the model written;
    the model samples with autograd gpt sample."""
    pytest.importorskip("faker")
    pytest.importorskip("matplotlib")
    out = tmp_path / "demo"
    assert main(["demo", "gpt", "--out", str(out), "--steps", "20", "--no-progress", "--no-compile"]) == 0
    text = capsys.readouterr().out
    assert "autograd demo gpt: GPT(vocab_size=27, block_size=16, n_layer=1, n_embd=16, n_head=4" in text
    assert "20 steps" in text and "10 names sampled at temperature 0.5:" in text
    assert sorted(os.listdir(out)) == ["gpt.json", "gpt_loss.png"]
    saved = json.loads((out / "gpt.json").read_text())
    assert saved["metadata"]["data"] == "names" and saved["metadata"]["steps"] == 20
    assert main(["gpt", "sample", str(out / "gpt.json"), "-n", "2"]) == 0
    assert gpt_cli.DEMO_STEPS == 1000


def test_demo_still_defaults_to_moons():
    """The demo's positional choice is optional and moons by default."""
    from autograd.cli import build_parser

    args = build_parser().parse_args(["demo"])
    assert args.what == "moons" and args.steps is None


def test_gpt_train_and_demo_gpt_without_matplotlib_skip_the_plot(tmp_path, docs, capsys, monkeypatch):
    """Without matplotlib, gpt train --plot and demo gpt train, save the model and say which plot
    they skipped and why; --no-progress prints plain step lines."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    plot, model = tmp_path / "loss.png", tmp_path / "m.json"
    assert _train("--data", str(docs), "--steps", "3", "--plot", str(plot), "--save", str(model)) == 0
    captured = capsys.readouterr()
    reason = "matplotlib is not installed (pip install 'scalar-autograd[demo]')"
    assert f"skipped {plot}: {reason}" in captured.err.splitlines()
    assert not plot.exists() and isinstance(nn.load(model), GPT)
    steps = [line.split()[3] for line in captured.err.splitlines() if line.startswith("gpt train: step")]
    assert steps[0] == "1/3" and steps[-1] == "3/3"
    pytest.importorskip("faker")
    out = tmp_path / "demo"
    assert main(["demo", "gpt", "--out", str(out), "--steps", "3", "--no-progress", "--no-compile"]) == 0
    err = capsys.readouterr().err
    assert f"skipped {out / 'gpt_loss.png'}: matplotlib is not installed" in err
    assert sorted(os.listdir(out)) == ["gpt.json"]
