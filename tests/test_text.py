"""Tests for autograd.text: the tokenizer, the names data set, documents from files, the
sequence loss (compiled and dynamic give the same numbers) and the training loop."""

from __future__ import annotations

import os
import threading

import pytest

from autograd.errors import DataFileError, MissingDependencyError
from autograd.nn import GPT
from autograd.text import CharTokenizer, SequenceLoss, names, read_documents, train


def test_tokenizer_round_trips_and_puts_bos_last():
    """Characters are sorted; bos is the last id and frames every encoded document."""
    tok = CharTokenizer.from_documents(["bob", "alice"])
    assert tok.chars == "abceilo" and tok.bos == 7 and tok.vocab_size == 8
    ids = tok.encode("cab")
    assert ids == [7, 2, 0, 1, 7]
    assert tok.decode(ids) == "cab"
    assert CharTokenizer.from_json(tok.to_json()) == tok


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: CharTokenizer("aa"), ValueError, "must not repeat"),
        (lambda: CharTokenizer(""), ValueError, "non-empty str"),
        (lambda: CharTokenizer("a\nb"), ValueError, "newline"),
        (lambda: CharTokenizer.from_documents(["", ""]), ValueError, "no characters"),
        (lambda: CharTokenizer.from_documents([b"ab"]), TypeError, "must be str, got bytes"),
        (lambda: CharTokenizer("ab").encode("abc"), ValueError, "character 'c' .position 2"),
        (lambda: CharTokenizer("ab").decode([3]), ValueError, r"expected ids in \[0, 2\], got 3"),
        (lambda: CharTokenizer.from_json({"chars": 3}), ValueError, "expected a tokenizer"),
    ],
)
def test_tokenizer_errors(make, error, match):
    """Bad characters, ids and saved forms are refused with what was expected."""
    with pytest.raises(error, match=match):
        make()


def test_names_come_from_fakers_lists():
    """Lower-case a-z names, each once, sorted, a couple of thousand of them, short enough for
    microgpt's block of 16."""
    pytest.importorskip("faker")
    docs = names()
    assert len(docs) > 1000
    assert docs == sorted(set(docs))
    assert all(d.isascii() and d.isalpha() and d.islower() for d in docs)
    assert max(map(len, docs)) < 16
    assert "emma" in docs
    assert set(names(["en_US"])) <= set(docs)
    with pytest.raises(ValueError, match="no person provider for locale 'xx_XX'"):
        names(["xx_XX"])


def test_names_without_faker_says_which_extra(monkeypatch):
    """Without Faker the error names the extra to install."""
    import builtins

    real_import = builtins.__import__

    def no_faker(name, *args, **kwargs):
        if name.startswith("faker"):
            raise ModuleNotFoundError("No module named 'faker'", name="faker")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_faker)
    monkeypatch.setattr("importlib.import_module", lambda name: no_faker(name))
    with pytest.raises(MissingDependencyError, match=r"scalar-autograd\[text\]"):
        names()


def test_read_documents_takes_the_non_blank_lines(tmp_path):
    """One document per line, stripped; blank lines are skipped; CRLF works."""
    path = tmp_path / "docs.txt"
    path.write_bytes("anna\r\n\n  bo \nzoë\n".encode())
    assert read_documents(path) == ["anna", "bo", "zoë"]


def test_read_documents_errors(tmp_path):
    """Empty, not UTF-8, a folder, missing: each a clear error."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    with pytest.raises(DataFileError, match="no documents"):
        read_documents(empty)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"ab\xffcd")
    with pytest.raises(DataFileError, match=r"not UTF-8 text \(byte 2"):
        read_documents(binary)
    with pytest.raises(IsADirectoryError):
        read_documents(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_documents(tmp_path / "missing.txt")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_read_documents_refuses_a_fifo_without_blocking(tmp_path):
    """A FIFO is refused at once (in a thread, so a regression fails rather than hangs)."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            read_documents(path)
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(30)
    if thread.is_alive():
        with open(path, "wb") as writer:
            writer.write(b"x\n")
        pytest.fail("read_documents blocked on a FIFO")
    assert isinstance(errors[0], DataFileError) and "FIFO" in str(errors[0])


def _grads(model: GPT) -> list[float]:
    return [p.grad for p in model.parameters()]


def test_compiled_and_dynamic_sequence_losses_agree():
    """The compiled replay gives the dynamic loss and gradients, for several lengths, after the
    weights change, and with a token repeated (its embedding row gets both gradients)."""
    dynamic, compiled = GPT(6, 6, 1, 8, 2, seed=0), GPT(6, 6, 1, 8, 2, seed=0)
    fd, fc = SequenceLoss(dynamic, compile=False), SequenceLoss(compiled, compile=True)
    sequences = (
        [5, 1, 2, 5], [5, 3, 3, 3, 0, 5], [5, 0, 5], [5, 1, 2, 5], [5, 2, 4, 2, 1, 5], [5, 0, 1, 2, 4, 5]
    )
    for tokens in sequences:
        for model in (dynamic, compiled):
            model.zero_grad()
        assert fc(tokens) == pytest.approx(fd(tokens), rel=1e-12)
        assert _grads(compiled) == pytest.approx(_grads(dynamic), rel=1e-9, abs=1e-15)
        for p, q in zip(dynamic.parameters(), compiled.parameters(), strict=True):
            p.data = q.data = p.data - 0.1 * p.grad
    # one per length, whatever tokens repeat (a repeated Value argument would trace anew)
    assert fc.compiled is not None and fc.compiled.traces == 3


def test_sequence_loss_checks_its_tokens():
    """Tokens out of range or too many for the block are refused by both paths."""
    model = GPT(4, 3, 1, 4, 2, seed=0)
    for compiled in (False, True):
        loss = SequenceLoss(model, compile=compiled)
        with pytest.raises(ValueError, match="expected 2 to 4 tokens"):
            loss([3, 0, 1, 2, 3])
        with pytest.raises(ValueError, match=r"\[0, 4\)"):
            loss([3, 4, 3])
    with pytest.raises(TypeError, match="expected a GPT"):
        SequenceLoss("model")


def test_train_learns_a_tiny_corpus_and_reports_tokens():
    """A few hundred steps on three names bring the loss well down; both paths give the same run."""
    tok = CharTokenizer.from_documents(["ann", "bob", "cy"])
    seqs = [tok.encode(d) for d in ("ann", "bob", "cy")]
    runs, seen = [], []
    for compiled in (True, False):
        model = GPT(tok.vocab_size, 4, 1, 8, 2, seed=0)
        runs.append(
            train(
                model,
                seqs,
                steps=150,
                compile=compiled,
                seed=1,
                on_step=lambda step, _loss: seen.append(step),
            )
        )
    fast, slow = runs
    assert fast.losses == pytest.approx(slow.losses, rel=1e-9)
    assert sum(fast.losses[-20:]) / 20 < 0.5 * fast.losses[0]
    assert fast.tokens == 50 * (4 + 4 + 3)
    assert seen == [*range(1, 151), *range(1, 151)]


def test_train_arguments_are_checked():
    """Steps must be a positive int and there must be sequences."""
    model = GPT(4, 3, 1, 4, 2, seed=0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        train(model, [[3, 0, 3]], steps=0)
    with pytest.raises(ValueError, match="at least one sequence"):
        train(model, [], steps=1)
