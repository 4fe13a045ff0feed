"""Text for character-level language models: documents, a tokenizer, a names data set, and
training a ``GPT`` one document per step.

A document is one line of text (a name, a word, a sentence). ``CharTokenizer`` gives each
character of the documents an id, in sorted order, and one more id, ``bos`` (the last), for
the boundary that starts and ends every document, as microgpt does: "emma" is
``[bos, e, m, m, a, bos]``, and a model trained on it learns to predict each next character,
the final ``bos`` included, so sampling knows when a name ends.

>>> tok = CharTokenizer.from_documents(["emma", "ava"])
>>> tok.chars, tok.vocab_size, tok.encode("ava")
('aemv', 5, [4, 0, 3, 0, 4])
>>> tok.decode([1, 2, 2, 0])
'emma'

``names()`` is a list of English first names from the Faker package's data (the ``text``
extra: ``pip install 'scalar-autograd[text]'``; nothing is downloaded), and
``read_documents(path)`` reads a text file of your own, one document per line. ``train``
runs the training loop (compiled by default) with a progress bar.
"""

from __future__ import annotations

import math
import os
import random
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from autograd._progress import Progress, ProgressSetting, check_setting
from autograd.compiler import CompiledFunction
from autograd.compiler import compile as compile_function
from autograd.errors import DataFileError, MissingDependencyError
from autograd.losses import cross_entropy_term
from autograd.nn import GPT
from autograd.ops import add_n
from autograd.optim import Adam, Optimizer
from autograd.value import Value

__all__ = [
    "TEXT_EXTRA",
    "NAME_LOCALES",
    "CharTokenizer",
    "names",
    "read_documents",
    "SequenceLoss",
    "TrainingRun",
    "train",
]

TEXT_EXTRA = "pip install 'scalar-autograd[text]'"
"""How to install Faker, whose first-name lists ``names()`` reads."""

NAME_LOCALES = ("en_US", "en_GB", "en_IE", "en_NZ")
"""The Faker locales whose first names ``names()`` takes by default."""


@dataclass(frozen=True)
class CharTokenizer:
    """Characters to ids: ``chars[i]`` is id ``i``; ``bos = len(chars)`` marks where a
    document starts and ends; ``vocab_size = len(chars) + 1``."""

    chars: str

    def __post_init__(self) -> None:
        if type(self.chars) is not str or not self.chars:
            raise ValueError(f"CharTokenizer: chars must be a non-empty str, got {self.chars!r:.80}")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError(f"CharTokenizer: chars must not repeat, got {self.chars!r:.80}")
        if "\n" in self.chars:
            raise ValueError("CharTokenizer: a newline separates documents; it cannot be one of the chars")

    @classmethod
    def from_documents(cls, documents: Iterable[str]) -> CharTokenizer:
        """The tokenizer of every character that occurs in ``documents``, sorted."""
        seen: set[str] = set()
        for doc in documents:
            if type(doc) is not str:
                raise TypeError(f"CharTokenizer: documents must be str, got {type(doc).__name__}")
            seen.update(doc)
        if not seen:
            raise ValueError("CharTokenizer: the documents hold no characters")
        return cls("".join(sorted(seen)))

    @property
    def bos(self) -> int:
        """The id of the boundary token (the last id)."""
        return len(self.chars)

    @property
    def vocab_size(self) -> int:
        """Ids in use: one per character and ``bos``."""
        return len(self.chars) + 1

    def encode(self, document: str) -> list[int]:
        """``[bos, ids of the characters..., bos]``; ValueError for a character it does not know."""
        index = {c: i for i, c in enumerate(self.chars)}
        ids = [self.bos]
        for k, c in enumerate(document):
            i = index.get(c)
            if i is None:
                raise ValueError(
                    f"CharTokenizer: character {c!r} (position {k} of {document!r:.60}) is not in its chars"
                )
            ids.append(i)
        ids.append(self.bos)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """The characters of ``ids`` (``bos`` ids are skipped)."""
        out = []
        for i in ids:
            if type(i) is not int or not 0 <= i <= self.bos:
                raise ValueError(f"CharTokenizer: expected ids in [0, {self.bos}], got {i!r:.40}")
            if i != self.bos:
                out.append(self.chars[i])
        return "".join(out)

    def to_json(self) -> dict[str, Any]:
        """``{"chars": ...}``, for a model file's metadata."""
        return {"chars": self.chars}

    @classmethod
    def from_json(cls, data: object) -> CharTokenizer:
        """The tokenizer saved by ``to_json``; ValueError for anything else."""
        if not isinstance(data, Mapping) or set(data) != {"chars"} or type(data["chars"]) is not str:
            raise ValueError(f'expected a tokenizer {{"chars": "..."}}, got {data!r:.80}')
        return cls(data["chars"])


def names(locales: Sequence[str] = NAME_LOCALES) -> list[str]:
    """Lower-case first names (letters a-z only) from Faker's person providers of ``locales``,
    each once, sorted. Needs Faker (``TEXT_EXTRA``): MissingDependencyError when missing.

    With the default locales it is 2,000-odd names of 2 to 12 letters (Faker's lists, so the
    exact count follows the installed Faker version).
    """
    import importlib

    out: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError as error:
            if error.name is not None and error.name.split(".")[0] == "faker" and error.name != "faker":
                raise ValueError(f"names: Faker has no person provider for locale {locale!r}") from None
            message = f"names() needs Faker, which is not installed: {TEXT_EXTRA}"
            raise MissingDependencyError(message) from None
        out.update(n.lower() for n in provider.first_names if n.isascii() and n.isalpha())
    return sorted(out)


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_documents(path: str | os.PathLike[str]) -> list[str]:
    """The non-blank lines of the UTF-8 text file at ``path``, without their line endings
    (and surrounding spaces). DataFileError for a file that is not UTF-8, holds no document,
    or is not a regular file (a FIFO is refused without waiting for a writer); OSError when
    it cannot be read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
            raise DataFileError(f"{path}: it is {kind}, not a regular file")
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    docs = [line.strip() for line in text.splitlines()]
    docs = [d for d in docs if d]
    if not docs:
        raise DataFileError(f"{path}: no documents (every line is empty)")
    return docs


# ---------------------------------------------------------------------------- training
class SequenceLoss:
    """``loss(tokens)``: a GPT's mean next-token cross-entropy on one token sequence, as a
    float, with the gradients added to the parameters' ``.grad`` (what ``model.loss(tokens)
    .backward()`` does).

    With ``compile=True`` it runs through ``autograd.compile``: the graph of each sequence
    length is recorded once and replayed as generated Python. A replay cannot look a token
    up in a table, so the compiled function takes the input tokens' embedding rows (as fresh
    leaves with the ``wte`` parameters' numbers, whose gradients are then added to those
    parameters' ``.grad``) and the targets as one-hot vectors; the model's other parameters
    are read at every call. So each sequence length is traced once, whatever tokens repeat.
    """

    def __init__(self, model: GPT, *, compile: bool = True) -> None:
        if not isinstance(model, GPT):
            raise TypeError(f"SequenceLoss: expected a GPT, got {type(model).__name__}")
        self.model = model
        self.compiled: CompiledFunction | None = None
        if compile:
            self.compiled = compile_function(self._rows_loss)
        v = model.vocab_size
        self._one_hot = [tuple(1.0 if j == i else 0.0 for j in range(v)) for i in range(v)]

    def _rows_loss(self, rows: list[list[Value]], targets: list[list[Value]]) -> Value:
        cache = self.model.new_cache()
        terms = [
            cross_entropy_term(self.model.forward_embedding(row, pos, cache), target)
            for pos, (row, target) in enumerate(zip(rows, targets))
        ]
        out: Value = add_n(terms) * (1.0 / len(terms))
        return out

    def __call__(self, tokens: Sequence[int]) -> float:
        model = self.model
        if self.compiled is None:
            loss = model.loss(tokens)
            loss.backward()
            return loss.data
        n = len(tokens) - 1
        if not 1 <= n <= model.block_size:
            model.loss(tokens)  # raises the error that names the sizes
        for t in tokens:
            if type(t) is not int or not 0 <= t < model.vocab_size:
                raise ValueError(
                    f"SequenceLoss: expected token ids in [0, {model.vocab_size}), got {t!r:.40}"
                )
        # One fresh leaf per position, not the wte rows themselves: a token used twice would
        # pass one Value twice, and a compiled function traces each pattern of repeated
        # arguments anew (f may test ``x is y``), so every name with a repeated letter
        # would be traced again. The rows' gradients are added back below.
        embedded = [model.wte.w[t] for t in tokens[:-1]]
        rows = [[Value(p.data) for p in row] for row in embedded]
        targets = [self._one_hot[t] for t in tokens[1:]]
        value: float = self.compiled(rows, targets)
        for params, row in zip(embedded, rows):
            for p, q in zip(params, row):
                p.grad += q.grad
        return value


@dataclass
class TrainingRun:
    """What ``train`` did: the loss of each step, the tokens (positions) trained on, and
    the seconds it took, first calls (tracing) included."""

    losses: list[float] = field(default_factory=list)
    tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        """Positions trained per second over the whole run."""
        return self.tokens / self.seconds if self.seconds > 0 else math.nan


def train(
    model: GPT,
    sequences: Sequence[Sequence[int]],
    *,
    steps: int,
    lr: float = 0.01,
    optimizer: Optimizer | None = None,
    compile: bool = True,
    seed: int = 0,
    progress: ProgressSetting = False,
    description: str = "gpt",
    stream: TextIO | None = None,
    on_step: Callable[[int, float], None] | None = None,
) -> TrainingRun:
    """Train ``model`` for ``steps`` steps, one sequence per step, as microgpt does.

    The sequences are shuffled once with ``seed`` and taken in turn. Each step: zero the
    gradients, the sequence's mean next-token loss and its gradients (``SequenceLoss``), an
    optimiser step. The default optimiser is microgpt's: Adam with betas (0.85, 0.99) and
    the learning rate decaying linearly from ``lr`` to 0 over the steps. ``progress=True``
    draws a bar (tqdm) with the loss and tokens per second, plain lines without tqdm;
    ``"plain"`` prints a plain line for the first and last step and at most one every two
    seconds between them (``autograd.training.fit``'s progress); ``on_step(step, loss)`` is
    called after every step.
    """
    progress = check_setting(progress, "train")
    if type(steps) is not int or steps < 1:
        raise ValueError(f"train: steps must be a positive int, got {steps!r:.40}")
    if not sequences:
        raise ValueError("train: expected at least one sequence, got none")
    order = [list(s) for s in sequences]
    random.Random(seed).shuffle(order)
    schedule = optimizer is None
    opt = optimizer if optimizer is not None else Adam(model.parameters(), lr=lr, betas=(0.85, 0.99))
    loss_fn = SequenceLoss(model, compile=compile)
    run = TrainingRun()
    bar = Progress(steps, progress, description, stream if stream is not None else sys.stderr)
    start = time.perf_counter()
    try:
        for step in range(steps):
            tokens = order[step % len(order)]
            if schedule:
                opt.lr = lr * (1.0 - step / steps)
            opt.zero_grad()
            loss = loss_fn(tokens)
            opt.step()
            run.losses.append(loss)
            run.tokens += len(tokens) - 1
            run.seconds = time.perf_counter() - start
            shown, speed = f"{loss:.4f}", f"{run.tokens_per_second:,.0f}"
            bar.update(step + 1, f"loss {shown}  {speed} tokens/s", {"loss": shown, "tok/s": speed})
            if on_step is not None:
                on_step(step + 1, loss)
    finally:
        bar.close()
    return run
