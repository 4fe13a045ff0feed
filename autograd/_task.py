"""What a model's outputs mean: ``Task``, the losses it knows, and how labels are written.

``autograd.training`` exports everything here; this module holds the task so the training
loop's module stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import losses
from autograd.value import Value

__all__ = ["LOSSES", "COMPILED_LOSSES", "Task", "label_text"]

LOSSES = ("hinge", "bce", "bce-logits", "cross-entropy", "mse")
"""The losses ``Task`` knows: hinge (labels -1/1, one linear output), bce (one sigmoid output,
probability of the second class), bce-logits (one linear output), cross-entropy (one linear
output per class) and mse (regression, one linear output)."""

COMPILED_LOSSES = ("hinge", "mse", "cross-entropy")
"""The losses ``fit(compile=True)`` can replay: the bce losses take a branch on each sample's
value (the clip, the stable form's sign), which a compiled replay cannot follow."""


@dataclass(frozen=True)
class Task:
    """What a model's outputs mean: the loss that trains them and, for classification, the
    classes (the distinct labels, sorted; the outputs refer to them by position).

    Make one with ``Task.for_labels(loss, labels)``; ``Task("mse", ())`` is regression.
    """

    loss: str
    classes: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"Task: loss must be one of {', '.join(LOSSES)}, got {self.loss!r:.80}")
        k = len(self.classes)
        if self.loss == "mse":
            if k:
                raise ValueError(f"Task: mse is regression and takes no classes, got {k}")
        elif self.loss == "cross-entropy":
            if k < 2:
                raise ValueError(f"Task: cross-entropy needs at least 2 classes, got {k}")
        elif k != 2:
            raise ValueError(
                f"Task: {self.loss} is for exactly 2 classes, got {k}: {list(self.classes)!r:.80}"
            )
        if len(set(self.classes)) != k or list(self.classes) != sorted(self.classes):
            raise ValueError(f"Task: classes must be distinct and sorted, got {list(self.classes)!r:.80}")

    @classmethod
    def for_labels(cls, loss: str, labels: Sequence[float]) -> Task:
        """The task of training with ``loss`` on these labels (``"auto"`` picks a loss:
        hinge for 2 classes, cross-entropy for more, mse when a label is not an integer)."""
        values = [float(t) for t in labels]
        if not values:
            raise ValueError("Task: expected at least one label, got none")
        bad = next((t for t in values if not math.isfinite(t)), None)
        if bad is not None:
            raise ValueError(f"Task: labels must be finite numbers, got {bad!r}")
        classes = tuple(sorted(set(values)))
        if loss == "auto":
            if not all(t.is_integer() for t in classes) or len(classes) < 2:
                loss = "mse"
            else:
                loss = "hinge" if len(classes) == 2 else "cross-entropy"
        if loss == "mse":
            return cls("mse")
        if loss in LOSSES and loss != "cross-entropy" and len(classes) != 2:
            raise ValueError(
                f"the {loss} loss is for two classes, but the labels have {len(classes)} distinct values"
                + (
                    f" ({', '.join(label_text(c) for c in classes[:5])}{' ...' if len(classes) > 5 else ''})"
                    if classes
                    else ""
                )
                + "; use the cross-entropy loss for more classes or mse for regression"
            )
        return cls(loss, classes)

    @property
    def is_classification(self) -> bool:
        """True unless the loss is mse."""
        return self.loss != "mse"

    @property
    def n_outputs(self) -> int:
        """How many outputs the model needs: one per class for cross-entropy, else one."""
        return len(self.classes) if self.loss == "cross-entropy" else 1

    @property
    def output_activation(self) -> str:
        """The last layer's activation the loss expects: sigmoid for bce, else linear."""
        return "sigmoid" if self.loss == "bce" else "linear"

    def targets(self, labels: Sequence[float]) -> list[float]:
        """Labels as the loss wants them: -1/1 (hinge), 0/1 (bce), class index, or the number."""
        if not self.is_classification:
            return [float(t) for t in labels]
        index = {c: i for i, c in enumerate(self.classes)}
        out: list[float] = []
        for t in labels:
            i = index.get(float(t))
            if i is None:
                raise ValueError(
                    f"label {label_text(float(t))} is not one of the classes "
                    f"{', '.join(label_text(c) for c in self.classes)}"
                )
            out.append(2.0 * i - 1.0 if self.loss == "hinge" else float(i))
        return out

    def loss_value(self, outs: Sequence[Sequence[Value]], targets: Sequence[float]) -> Value:
        """The loss of a batch of model outputs (``model.forward`` lists) against ``targets``."""
        if self.loss == "cross-entropy":
            return losses.cross_entropy(outs, [int(t) for t in targets])
        first = [o[0] for o in outs]
        if self.loss == "hinge":
            return losses.hinge(first, targets)
        if self.loss == "bce":
            return losses.binary_cross_entropy(first, targets)
        if self.loss == "bce-logits":
            return losses.binary_cross_entropy_with_logits(first, targets)
        return losses.mse(first, targets)

    def decide(self, out: Sequence[float]) -> float:
        """The label a model output stands for (the class, or the number for regression)."""
        if self.loss == "cross-entropy":
            return self.classes[max(range(len(out)), key=out.__getitem__)]
        if self.loss == "mse":
            return out[0]
        threshold = 0.5 if self.loss == "bce" else 0.0
        return self.classes[1] if out[0] > threshold else self.classes[0]

    def to_json(self) -> dict[str, Any]:
        """The task as JSON data, for a model file's metadata."""
        return {"loss": self.loss, "classes": [_json_label(c) for c in self.classes]}

    @classmethod
    def from_json(cls, data: object) -> Task:
        """The task saved by ``to_json``; ValueError when it is malformed."""
        if not isinstance(data, dict) or set(data) != {"loss", "classes"}:
            raise ValueError(f"expected a task with the keys 'loss' and 'classes', got {data!r:.80}")
        classes = data["classes"]
        if not isinstance(classes, list) or not all(
            type(c) in (int, float) and math.isfinite(c) for c in classes
        ):
            raise ValueError(f"the task's classes must be a list of numbers, got {classes!r:.80}")
        return cls(str(data["loss"]), tuple(float(c) for c in classes))


def _json_label(c: float) -> float | int:
    return int(c) if c.is_integer() and abs(c) < 2**53 else c


def label_text(label: float) -> str:
    """A label as it is written in files and messages: ``3`` for 3.0, ``0.5`` for 0.5 (a Task
    holds its classes as floats)."""
    return str(_json_label(label))
