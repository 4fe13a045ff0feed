"""``autograd predict MODEL.json FILE.csv``: print a saved model's prediction for each row of
a CSV file (and, when the rows end with a label, the accuracy on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from autograd.datasets import read_csv
from autograd.errors import DataFileError, ModelFileError, UsageError
from autograd.nn import MLP, load_with_metadata
from autograd.training import Task, label_text, outputs, predict

__all__ = ["add_command", "run_predict"]


def _format_prediction(x: float) -> str:
    return label_text(x) if x.is_integer() else repr(x)


def run_predict(args: argparse.Namespace) -> int:
    """``autograd predict``: print the saved model's prediction for each row of a CSV file."""
    try:
        model, metadata = load_with_metadata(args.model)
    except ModelFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read the model {args.model!r}: {error.strerror or error}") from None
    if not isinstance(model, MLP):
        raise UsageError(f"{args.model}: predict needs a saved MLP, got a saved {type(model).__name__}")
    task: Task | None = None
    if "task" in metadata:
        try:
            task = Task.from_json(metadata["task"])
            if task.n_outputs != model.nouts[-1]:
                raise ValueError(f"the task needs {task.n_outputs} outputs, the model has {model.nouts[-1]}")
        except ValueError as error:
            raise UsageError(f"{args.model}: bad task metadata: {error}") from None
    try:
        rows = read_csv(args.csv)
    except DataFileError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read {args.csv!r}: {error.strerror or error}") from None
    width = len(rows[0])
    if width not in (model.nin, model.nin + 1):
        raise UsageError(
            f"{args.csv}: the model takes {model.nin} features, so expected {model.nin} columns "
            f"(or {model.nin + 1} with a label last), got {width}"
        )
    inputs = [r[: model.nin] for r in rows]
    if task is None:  # no task saved: print the raw outputs
        lines = [",".join(repr(v) for v in out) for out in outputs(model, inputs)]
    else:
        predictions = predict(model, inputs, task)
        lines = [_format_prediction(p) for p in predictions]
    try:
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if task is None:
        return 0
    if width == model.nin + 1 and task.is_classification:
        hits = sum(p == r[-1] for p, r in zip(predictions, rows))
        print(f"accuracy {100 * hits / len(rows):.1f}% ({hits} of {len(rows)})", file=sys.stderr)
    return 0


def add_command(subparsers: Any) -> None:
    """Add the ``predict`` command to the command line's subparsers."""
    pred = subparsers.add_parser(
        "predict",
        help="print a saved model's predictions for the rows of a CSV file",
        description=(
            "Print one prediction per row. The CSV holds the features, optionally followed by the "
            "label, in which case the accuracy is printed to stderr."
        ),
    )
    pred.add_argument("model", help="a model file written by train --save or demo")
    pred.add_argument("csv", help="a CSV file of features")
    pred.set_defaults(run=run_predict)
