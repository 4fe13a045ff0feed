"""``autograd train``: train an MLP on a built-in data set or a CSV file, report its training
and held-out loss and accuracy, and optionally save it and plot the training.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from autograd.cli.arguments import (
    check_writable_target,
    hidden_sizes,
    integer,
    number_in,
    positive_int,
    sample_count,
)
from autograd.cli.pictures import draw
from autograd.datasets import load_digits, make_circles, make_moons, read_csv, train_test_split
from autograd.errors import DataFileError, MissingDependencyError, UsageError
from autograd.nn import ACTIVATIONS, MLP
from autograd.optim import SGD, Adam, Optimizer
from autograd.training import COMPILED_LOSSES, LOSSES, Task, evaluate, fit, label_text, plot_training

__all__ = ["add_command", "run_train"]


def _load_data(args: argparse.Namespace) -> tuple[list[list[float]], list[float], str]:
    name = args.data
    if name == "moons":
        inputs, y = make_moons(args.samples, noise=args.noise, seed=args.seed)
        return inputs, [float(t) for t in y], name
    if name == "circles":
        inputs, y = make_circles(args.samples, noise=args.noise, seed=args.seed, factor=0.5)
        return inputs, [float(t) for t in y], name
    if name == "digits":
        try:
            inputs, y = load_digits()
        except MissingDependencyError as error:
            raise UsageError(str(error)) from None
        return inputs, [float(t) for t in y], name
    path = Path(name)
    if path.suffix.lower() != ".csv":
        raise UsageError(f"--data: expected moons, circles, digits or a .csv file, got {name!r}")
    try:
        rows = read_csv(path)
    except DataFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"--data: cannot read {name!r}: {error.strerror or error}") from None
    if len(rows[0]) < 2:
        raise UsageError(
            f"{name}: expected feature columns and a last label column, got {len(rows[0])} column"
        )
    if len(rows) < 2:
        raise UsageError(f"{name}: expected at least 2 rows of data, got {len(rows)}")
    return [r[:-1] for r in rows], [r[-1] for r in rows], path.name


def run_train(args: argparse.Namespace) -> int:
    """``autograd train``: train an MLP on a built-in data set or a CSV file."""
    if args.save is not None:
        check_writable_target(Path(args.save), "--save")
    if args.plot is not None:
        check_writable_target(Path(args.plot), "--plot")
        if Path(args.plot).suffix.lower() != ".png":
            raise UsageError(f"--plot: expected a .png file name, got {args.plot!r}")
    inputs, labels, data_name = _load_data(args)
    try:
        task = Task.for_labels(args.loss, labels)
    except ValueError as error:  # the library names losses; here they are --loss values
        message = str(error).replace("use the cross-entropy loss", "use --loss cross-entropy")
        raise UsageError(message) from None
    if args.compile and task.loss not in COMPILED_LOSSES:
        raise UsageError(
            f"--compile: supports the {', '.join(COMPILED_LOSSES[:-1])} and {COMPILED_LOSSES[-1]} losses, "
            f"not {task.loss} "
            "(it takes a branch on each sample's value, which a compiled replay cannot follow)"
        )
    if args.test_fraction > 0:
        if len(inputs) < 4:
            raise UsageError(f"--test-fraction: {len(inputs)} samples are too few to hold some out; use 0")
        x_train, x_test, y_train, y_test = train_test_split(
            inputs, labels, args.test_fraction, seed=args.seed
        )
    else:
        x_train, x_test, y_train, y_test = inputs, [], labels, []
    if task.is_classification and len(set(y_train)) < len(task.classes):
        print("warning: the training part lacks some classes", file=sys.stderr)
    model = MLP(
        len(inputs[0]),
        [*args.hidden, task.n_outputs],
        args.activation,
        output_activation=task.output_activation,
        seed=args.seed,
    )
    lr = args.lr if args.lr is not None else (0.01 if args.optimizer == "adam" else 0.1)
    optimizer: Optimizer
    if args.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=lr, weight_decay=args.weight_decay)
    else:
        optimizer = SGD(model.parameters(), lr=lr, momentum=args.momentum, weight_decay=args.weight_decay)
    classes = f", classes {', '.join(label_text(c) for c in task.classes)}" if task.classes else ""
    print(
        f"autograd train: {model!r} on {data_name} "
        f"({len(x_train)} training samples, {len(x_test)} held out), "
        f"loss {task.loss}{classes}, {args.optimizer} lr {lr:g}"
    )
    try:
        history = fit(
            model,
            x_train,
            y_train,
            task,
            optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            validation=(x_test, y_test) if x_test else None,
            progress="plain" if args.no_progress else True,
            compile=args.compile,
        )
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        raise UsageError(f"training failed: {error}; try a smaller --lr") from None
    loss, accuracy = evaluate(model, x_train, y_train, task)
    print(f"training: loss {loss:.4f}" + ("" if accuracy is None else f", accuracy {100 * accuracy:.1f}%"))
    if x_test:
        test_loss, test_accuracy = evaluate(model, x_test, y_test, task)
        print(
            f"held out: loss {test_loss:.4f}"
            + ("" if test_accuracy is None else f", accuracy {100 * test_accuracy:.1f}%")
        )
    if args.plot is not None:
        trained = (model, x_train, y_train, task)
        boundary = trained if model.nin == 2 and task.is_classification else None
        fitted = None if task.is_classification else trained
        held_out = (x_test, y_test) if x_test else None
        try:
            draw(
                "plot",
                args.plot,
                lambda: plot_training(history, args.plot, boundary=boundary, fit=fitted, validation=held_out),
            )
        except OSError as error:
            raise UsageError(f"--plot: cannot write {args.plot!r}: {error.strerror or error}") from None
    if args.save is not None:
        metadata = {"task": task.to_json(), "data": data_name}
        try:
            print(f"model: {model.save(args.save, metadata=metadata)}")
        except ValueError as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise UsageError(f"--save: cannot write {args.save!r}: {error.strerror or error}") from None
    return 0


def add_command(subparsers: Any) -> None:
    """Add the ``train`` command to the command line's subparsers."""
    train = subparsers.add_parser(
        "train",
        help="train an MLP on moons, circles, digits or a CSV file",
        description=(
            "Train an MLP and report its training and held-out accuracy. A CSV file holds one "
            "sample per row, the label in the last column (a header row is skipped)."
        ),
    )
    train.add_argument(
        "--data",
        default="moons",
        metavar="moons|circles|digits|FILE.csv",
        help="the data set; circles has an inner radius of 0.5 (default: %(default)s)",
    )
    train.add_argument(
        "--samples",
        type=sample_count,
        default=200,
        help="points for moons and circles (default: %(default)s)",
    )
    train.add_argument(
        "--noise",
        type=number_in(0, math.inf),
        default=0.1,
        help="noise for moons and circles (default: %(default)s)",
    )
    train.add_argument(
        "--hidden",
        type=hidden_sizes,
        default=[16, 16],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (default: 16,16)",
    )
    train.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: %(default)s)",
    )
    train.add_argument(
        "--loss",
        choices=("auto", *LOSSES),
        default="auto",
        help="hinge for two classes, cross-entropy for more, mse for numbers (default: auto)",
    )
    train.add_argument(
        "--optimizer", choices=("sgd", "adam"), default="adam", help="the optimiser (default: %(default)s)"
    )
    train.add_argument(
        "--lr",
        type=number_in(0, math.inf, low_open=True),
        default=None,
        help="learning rate (default: 0.01 for adam, 0.1 for sgd)",
    )
    train.add_argument(
        "--momentum", type=number_in(0, 1), default=0.9, help="sgd momentum (default: %(default)s)"
    )
    train.add_argument(
        "--weight-decay",
        type=number_in(0, math.inf),
        default=0.0,
        help="L2 weight decay (default: %(default)s)",
    )
    train.add_argument(
        "--epochs",
        type=positive_int,
        default=50,
        help="passes over the training data (default: %(default)s)",
    )
    train.add_argument(
        "--batch-size",
        type=positive_int,
        default=32,
        help="samples per optimiser step (default: %(default)s)",
    )
    train.add_argument(
        "--test-fraction",
        type=number_in(0, 1),
        default=0.2,
        help="part held out for evaluation, 0 for none (default: %(default)s)",
    )
    train.add_argument(
        "--seed",
        type=integer,
        default=0,
        help="seed for the data, the split, the weights and the shuffling (default: %(default)s)",
    )
    train.add_argument("--save", metavar="MODEL.json", help="save the trained model here")
    train.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw the training and held-out curves, beside the decision boundary (2-D classes) "
        "or the fit (numbers)",
    )
    train.add_argument(
        "--no-progress", action="store_true", help="plain progress lines (every few seconds) instead of a bar"
    )
    train.add_argument(
        "--compile",
        action="store_true",
        help="record one sample's loss once and replay it as generated Python (autograd.compile): "
        f"faster, same numbers; the {', '.join(COMPILED_LOSSES[:-1])} and {COMPILED_LOSSES[-1]} losses",
    )
    train.set_defaults(run=run_train)
