"""``autograd gpt train`` and ``autograd gpt sample``: a character-level GPT trained on a list
of names or a text file (one document per line), and names sampled from a saved one; also
the ``autograd demo gpt`` run (``run_demo``).

The saved model keeps its tokenizer (the characters it knows) in the file's metadata, so
``sample`` needs nothing but the model file.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
from pathlib import Path
from typing import Any

from autograd._files import write_atomically
from autograd.cli.arguments import (
    check_output_folder,
    check_writable_target,
    integer,
    number_in,
    positive_int,
)
from autograd.cli.pictures import draw
from autograd.errors import DataFileError, MissingDependencyError, ModelFileError, UsageError
from autograd.nn import GPT, NORMS, generate, load_with_metadata
from autograd.text import CharTokenizer, TrainingRun, names, read_documents, train

__all__ = ["add_command", "run_train", "run_sample", "run_demo", "DEMO_STEPS"]

DEMO_STEPS = 1000
"""Training steps of ``autograd demo gpt``."""


def _count(text: str) -> int:
    """An integer >= 0."""
    n = integer(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return n


def _documents(data: str) -> tuple[list[str], str]:
    """The documents of ``--data`` (``names`` or a file) and a short name for them."""
    if data == "names":
        try:
            return names(), "names"
        except MissingDependencyError as error:
            raise UsageError(str(error)) from None
    try:
        return read_documents(data), Path(data).name
    except DataFileError as error:
        raise UsageError(f"--data: {error}") from None
    except OSError as error:
        raise UsageError(f"--data: cannot read {data!r}: {error.strerror or error}") from None


def _check_block_size(docs: list[str], block_size: int) -> None:
    longest = max(docs, key=len)
    if len(longest) + 1 > block_size:
        raise UsageError(
            f"--block-size {block_size} is smaller than a document: {longest[:40]!r} has {len(longest)} "
            f"characters, and a model predicts each of them and the end, {len(longest) + 1} positions; "
            f"use --block-size {len(longest) + 1} or more, or shorter documents"
        )


def plot_losses(losses: list[float], path: Path, title: str) -> Path:
    """Draw the loss of every step and its running mean over 50 steps into a PNG."""
    from autograd import plots

    plots.require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    steps = list(range(1, len(losses) + 1))
    ax.plot(steps, losses, color="tab:blue", alpha=0.3, linewidth=0.8, label="loss of the step's document")
    window = 50
    if len(losses) >= window:
        means = [statistics.fmean(losses[i - window : i]) for i in range(window, len(losses) + 1)]
        ax.plot(steps[window - 1 :], means, color="tab:blue", label=f"mean of the last {window} steps")
    ax.set_xlabel("step")
    ax.set_ylabel("next-character cross-entropy")
    ax.set_title(title)
    ax.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_atomically(path, buffer.getvalue(), "--plot")
    return path


def _train(
    docs: list[str], args: argparse.Namespace, description: str
) -> tuple[GPT, CharTokenizer, TrainingRun]:
    tokenizer = CharTokenizer.from_documents(docs)
    _check_block_size(docs, args.block_size)
    if args.n_embd % args.n_head:
        raise UsageError(f"--n-embd {args.n_embd} must be a multiple of --n-head {args.n_head}")
    model = GPT(
        tokenizer.vocab_size,
        args.block_size,
        args.n_layer,
        args.n_embd,
        args.n_head,
        norm=args.norm,
        seed=args.seed,
    )
    sequences = [tokenizer.encode(d) for d in docs]
    print(
        f"autograd {description}: {model!r}, {len(model.parameters()):,} parameters; "
        f"{len(docs):,} documents, {len(tokenizer.chars)} characters; {args.steps} steps, "
        f"adam lr {args.lr:g} decaying to 0{'' if args.compile else ', not compiled'}"
    )
    try:
        run = train(
            model,
            sequences,
            steps=args.steps,
            lr=args.lr,
            compile=args.compile,
            seed=args.seed,
            progress="plain" if args.no_progress else True,
            description=description,
        )
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        raise UsageError(f"training failed: {error}; try a smaller --lr") from None
    last = run.losses[-min(100, len(run.losses)) :]
    print(
        f"loss: {run.losses[0]:.4f} at the first step, "
        f"{statistics.fmean(last):.4f} over the last {len(last)}; "
        f"{run.tokens:,} tokens in {run.seconds:.1f} s ({run.tokens_per_second:,.0f} tokens/s)"
    )
    return model, tokenizer, run


def _print_samples(model: GPT, tokenizer: CharTokenizer, n: int, temperature: float, seed: int) -> list[str]:
    samples = [tokenizer.decode(s) for s in generate(model, n, temperature, seed, bos=tokenizer.bos)]
    for s in samples:
        print(s)
    return samples


def run_train(args: argparse.Namespace) -> int:
    """``autograd gpt train``: train a GPT on names or a text file."""
    for option in ("save", "plot"):
        if getattr(args, option) is not None:
            check_writable_target(Path(getattr(args, option)), f"--{option}")
    if args.plot is not None and Path(args.plot).suffix.lower() != ".png":
        raise UsageError(f"--plot: expected a .png file name, got {args.plot!r}")
    docs, data_name = _documents(args.data)
    model, tokenizer, run = _train(docs, args, "gpt train")
    if args.plot is not None:
        try:
            title = f"{model.n_layer}-layer, {model.n_embd}-wide GPT on {data_name}"
            draw("plot", args.plot, lambda: plot_losses(run.losses, Path(args.plot), title))
        except OSError as error:
            raise UsageError(f"--plot: cannot write {args.plot!r}: {error.strerror or error}") from None
    if args.save is not None:
        metadata = {"tokenizer": tokenizer.to_json(), "data": data_name, "steps": args.steps}
        try:
            print(f"model: {model.save(args.save, metadata=metadata)}")
        except OSError as error:
            raise UsageError(f"--save: cannot write {args.save!r}: {error.strerror or error}") from None
    if args.samples:
        print(f"{args.samples} samples (temperature 0.5):")
        _print_samples(model, tokenizer, args.samples, 0.5, args.seed)
    return 0


def run_sample(args: argparse.Namespace) -> int:
    """``autograd gpt sample MODEL``: print documents sampled from a saved GPT."""
    try:
        saved = load_with_metadata(args.model)
    except ModelFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read the model {args.model!r}: {error.strerror or error}") from None
    model = saved.model
    if not isinstance(model, GPT):
        raise UsageError(f"{args.model}: sample needs a saved GPT, got a saved {type(model).__name__}")
    try:
        tokenizer = CharTokenizer.from_json(saved.metadata.get("tokenizer"))
    except ValueError as error:
        raise UsageError(
            f"{args.model}: the metadata has no usable tokenizer ({error}); "
            "save the model with autograd gpt train"
        ) from None
    if tokenizer.vocab_size != model.vocab_size:
        raise UsageError(
            f"{args.model}: the tokenizer has {tokenizer.vocab_size} tokens but the model {model.vocab_size}"
        )
    try:
        _print_samples(model, tokenizer, args.n, args.temperature, args.seed)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        sys.stderr.close()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """``autograd demo gpt``: train microgpt's model on the names, print samples, save it."""
    out = Path(args.out)
    check_output_folder(out)
    docs, _ = _documents("names")
    settings = argparse.Namespace(
        block_size=16,
        n_layer=1,
        n_embd=16,
        n_head=4,
        norm="rmsnorm",
        lr=0.01,
        seed=args.seed,
        steps=args.steps or DEMO_STEPS,
        compile=not args.no_compile,
        no_progress=args.no_progress,
    )
    model, tokenizer, run = _train(docs, settings, "demo gpt")
    print("10 names sampled at temperature 0.5:")
    print(", ".join(tokenizer.decode(s) for s in generate(model, 10, 0.5, args.seed, bos=tokenizer.bos)))
    try:
        png = out / "gpt_loss.png"
        draw("loss plot", png, lambda: plot_losses(run.losses, png, "microgpt's model on first names"))
        metadata = {"tokenizer": tokenizer.to_json(), "data": "names", "steps": settings.steps}
        print(
            f"model: {model.save(out / 'gpt.json', metadata=metadata)} "
            f"(autograd gpt sample {out / 'gpt.json'})"
        )
    except OSError as error:
        raise UsageError(f"--out: cannot write into {str(out)!r}: {error.strerror or error}") from None
    return 0


def add_command(subparsers: Any) -> None:
    """Add the ``gpt`` command (``train`` and ``sample``) to the command line's subparsers."""
    gpt = subparsers.add_parser(
        "gpt",
        help="train a character-level GPT on names or a text file, or sample from one",
        description="A character-level GPT on scalars (microgpt's model): train it, or sample from one.",
    )
    actions = gpt.add_subparsers(dest="gpt_command", metavar="ACTION", required=True)
    tr = actions.add_parser(
        "train",
        help="train a GPT, one document per step",
        description=(
            "Train a GPT to predict each next character of the documents (names, or the lines of "
            "FILE), one document per step, with Adam and a learning rate decaying to 0."
        ),
    )
    tr.add_argument(
        "--data",
        default="names",
        metavar="names|FILE",
        help="first names from Faker (the text extra), or a UTF-8 text file with one document "
        "per line (default: %(default)s)",
    )
    tr.add_argument("--steps", type=positive_int, default=1000, help="training steps (default: %(default)s)")
    tr.add_argument("--n-embd", type=positive_int, default=16, help="width (default: %(default)s)")
    tr.add_argument("--n-layer", type=positive_int, default=1, help="blocks (default: %(default)s)")
    tr.add_argument("--n-head", type=positive_int, default=4, help="attention heads (default: %(default)s)")
    tr.add_argument(
        "--block-size",
        type=positive_int,
        default=16,
        help="positions: at least the longest document's length + 1 (default: %(default)s)",
    )
    tr.add_argument("--norm", choices=NORMS, default="rmsnorm", help="normalisation (default: %(default)s)")
    tr.add_argument(
        "--lr",
        type=number_in(0, math.inf, low_open=True),
        default=0.01,
        help="Adam's starting learning rate (default: %(default)s)",
    )
    tr.add_argument("--seed", type=integer, default=0, help="seed for the weights and the order (default: 0)")
    tr.add_argument("--save", metavar="MODEL.json", help="save the trained model (and its tokenizer) here")
    tr.add_argument("--plot", metavar="FILE.png", help="draw the loss of every step")
    tr.add_argument(
        "--samples", type=_count, default=5, help="documents to sample after training (default: 5)"
    )
    tr.add_argument(
        "--no-progress", action="store_true", help="plain progress lines (every few seconds) instead of a bar"
    )
    tr.add_argument(
        "--no-compile",
        dest="compile",
        action="store_false",
        help="train on the dynamic engine instead of compiled replays (slower, same numbers)",
    )
    tr.set_defaults(run=run_train)
    sa = actions.add_parser(
        "sample",
        help="print documents sampled from a saved GPT",
        description="Print documents sampled from a GPT saved by autograd gpt train, one per line.",
    )
    sa.add_argument("model", metavar="MODEL.json", help="a model file saved by autograd gpt train")
    sa.add_argument("-n", type=positive_int, default=20, help="how many (default: %(default)s)")
    sa.add_argument(
        "--temperature",
        type=number_in(0, math.inf, low_open=True),
        default=0.5,
        help="lower is likelier, higher more varied (default: %(default)s)",
    )
    sa.add_argument("--seed", type=integer, default=0, help="seed for the sampling (default: %(default)s)")
    sa.set_defaults(run=run_sample)
