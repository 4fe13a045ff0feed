"""Loss functions over Values, each the mean over a batch.

``predictions`` is one entry per sample: a Value (one output) or a sequence of Values (one
per output). ``targets`` has the same shape, with numbers. The element-wise losses (``mse``,
``hinge``, ``binary_cross_entropy`` and ``binary_cross_entropy_with_logits``) average over
the outputs of a sample and then over the samples, as the seeds do.
``cross_entropy`` takes one vector of logits per sample and a label per sample: a class
index or a probability vector (one-hot).

The batch losses ``hinge``, ``mse`` and ``cross_entropy`` are the means of per-sample terms
that are public too: ``hinge_term``, ``squared_error`` and ``cross_entropy_term`` (with
``log_sum_exp``). Compiled training records one sample's term and replays it, so a term
also takes its label or target as a Value.

Sums are recorded as single ``dot`` / ``add_n`` nodes, so a loss over a batch adds a few
nodes per sample, not a chain as long as the batch.

>>> from autograd import Value
>>> from autograd.losses import cross_entropy
>>> logits = [Value(2.0), Value(1.0), Value(0.1)]
>>> loss = cross_entropy([logits], [0])
>>> round(loss.data, 6)
0.41703
>>> loss.backward()
>>> [round(z.grad, 6) for z in logits]                  # softmax - one_hot
[-0.340999, 0.242433, 0.098566]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from autograd.ops import add_n, dot, exp, log
from autograd.value import Number, Value

__all__ = [
    "mse",
    "hinge",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "l2",
    "hinge_term",
    "squared_error",
    "log_sum_exp",
    "cross_entropy_term",
    "EPSILON",
]

EPSILON = 1e-7
"""Probabilities are clipped to [EPSILON, 1 - EPSILON] before a log, as the seeds do."""

Prediction = Value | Sequence[Value]
Target = Number | Sequence[Number]


def _is_real(x: object) -> bool:
    """True for int, float and other real numbers (NumPy scalars), False for bool and Values."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _number(x: object, what: str) -> float:
    if not _is_real(x):
        raise TypeError(f"{what}: expected a number, got {type(x).__name__}: {x!r:.80}")
    f = float(x)  # type: ignore[arg-type]
    if not math.isfinite(f):
        raise ValueError(f"{what}: expected a finite number, got {f!r}")
    return f


def _number_or_value(x: object, what: str) -> float | Value:
    """A per-sample term's label or target: a Value as it is, else a finite number."""
    return x if isinstance(x, Value) else _number(x, what)


def _row(x: object, what: str) -> list[Any]:
    """One sample's entry as a list (a single Value or number becomes a list of one)."""
    if isinstance(x, Value) or _is_real(x):
        return [x]
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        raise TypeError(f"{what}: expected a Value, a number or a sequence of them, got {type(x).__name__}")
    return list(x)


def _pairs(
    predictions: Sequence[Prediction], targets: Sequence[Target], name: str
) -> tuple[list[Value], list[float], int]:
    """Flatten predictions and targets sample by sample, checking that the shapes agree.

    Returns the predictions, the targets and the number of outputs per sample.
    """
    if isinstance(predictions, Value):
        raise TypeError(f"{name}: expected one prediction per sample (a list), got a single Value")
    preds = list(predictions)
    tgts = list(targets)
    if not preds:
        raise ValueError(f"{name}: expected at least one sample, got none")
    if len(preds) != len(tgts):
        raise ValueError(f"{name}: got {len(preds)} predictions but {len(tgts)} targets")
    flat_p: list[Value] = []
    flat_t: list[float] = []
    width = -1
    for i, (p, t) in enumerate(zip(preds, tgts)):
        prow = _row(p, f"{name}: predictions[{i}]")
        trow = _row(t, f"{name}: targets[{i}]")
        if len(prow) != len(trow):
            raise ValueError(f"{name}: sample {i} has {len(prow)} predictions but {len(trow)} targets")
        if width == -1:
            width = len(prow)
            if width == 0:
                raise ValueError(f"{name}: sample 0 has no outputs")
        elif len(prow) != width:
            raise ValueError(f"{name}: sample {i} has {len(prow)} outputs, sample 0 has {width}")
        for j, v in enumerate(prow):
            if not isinstance(v, Value):
                raise TypeError(f"{name}: predictions[{i}][{j}] must be a Value, got {type(v).__name__}")
            flat_p.append(v)
        flat_t.extend(_number(x, f"{name}: targets[{i}]") for x in trow)
    return flat_p, flat_t, width


def squared_error(prediction: Value, target: Number | Value) -> Value:
    """One output's squared error, (prediction - target)^2; ``mse`` is the mean of these.

    ``target`` is a finite number, or a Value (compiled training passes each sample's
    target as an argument of the replay).

    >>> p = Value(3.0)
    >>> loss = squared_error(p, 1.0)
    >>> loss.backward()
    >>> loss.data, p.grad
    (4.0, 4.0)
    """
    if not isinstance(prediction, Value):
        raise TypeError(f"squared_error: prediction: expected a Value, got {type(prediction).__name__}")
    if type(target) is not float or not math.isfinite(target):  # the batch's case: no checks
        target = _number_or_value(target, "squared_error: target")
    d = prediction - target
    return d * d


def mse(predictions: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """Mean squared error: the mean of (prediction - target)^2 over every output."""
    ps, ts, _ = _pairs(predictions, targets, "mse")
    out: Value = add_n([squared_error(p, t) for p, t in zip(ps, ts)]) * (1.0 / len(ps))
    return out


def hinge_term(score: Value, label: Number | Value) -> Value:
    """One sample's max-margin loss, relu(1 - label * score) with label -1 or 1; ``hinge`` is
    the mean of these.

    ``label`` is -1 or 1, or a Value (compiled training passes each sample's label as an
    argument of the replay; a Value's number is not checked).

    >>> s = Value(0.25)
    >>> loss = hinge_term(s, 1)
    >>> loss.backward()
    >>> loss.data, s.grad
    (0.75, -1.0)
    """
    if not isinstance(score, Value):
        raise TypeError(f"hinge_term: score: expected a Value, got {type(score).__name__}")
    if not (type(label) is float and (label == 1.0 or label == -1.0)) and not isinstance(label, Value):
        t = _number(label, "hinge_term: label")  # never reached from hinge(): it passes floats -1 and 1
        if t not in (-1.0, 1.0):
            raise ValueError(f"hinge_term: the label must be -1 or 1, got {t!r}")
        label = t
    return (score * -label + 1.0).relu()


def hinge(scores: Sequence[Prediction], labels: Sequence[Target]) -> Value:
    """The max-margin loss of micrograd's demo: mean of relu(1 - label * score), labels -1 or 1."""
    ps, ts, _ = _pairs(scores, labels, "hinge")
    for i, t in enumerate(ts):
        if t not in (-1.0, 1.0):
            raise ValueError(f"hinge: labels must be -1 or 1, got {t!r} at position {i}")
    margins = [hinge_term(p, t) for p, t in zip(ps, ts)]
    out: Value = add_n(margins) * (1.0 / len(margins))
    return out


def _check_probability_targets(ts: list[float], name: str) -> None:
    for i, t in enumerate(ts):
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{name}: targets must be in [0, 1], got {t!r} at position {i}")


def binary_cross_entropy(probabilities: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """Binary cross-entropy of probabilities (sigmoid outputs) against targets in [0, 1].

    The mean of -(t log p + (1 - t) log(1 - p)). Each p is first clipped to
    [1e-7, 1 - 1e-7], as the seeds do, so the loss stays finite at p = 0 or 1. As in the
    seeds' backward formula, the clip moves the value but passes the gradient through:
    d loss / d p = -(t / p - (1 - t) / (1 - p)) / count, with p the clipped value.
    """
    ps, ts, _ = _pairs(probabilities, targets, "binary_cross_entropy")
    _check_probability_targets(ts, "binary_cross_entropy")
    logs: list[Value] = []
    weights: list[float] = []
    lo, hi = EPSILON, 1.0 - EPSILON
    for p, t in zip(ps, ts):
        x = p.data
        if not lo <= x <= hi:  # clip the value, keep the edge to p (gradient passes through)
            if math.isnan(x):
                raise ValueError("binary_cross_entropy: a probability is nan")
            p = p + ((lo if x < lo else hi) - x)
        if t != 0.0:
            logs.append(log(p))
            weights.append(-t)
        if t != 1.0:
            logs.append(log(1.0 - p))
            weights.append(t - 1.0)
    out: Value = dot(logs, weights) * (1.0 / len(ps))
    return out


def binary_cross_entropy_with_logits(logits: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """Binary cross-entropy of sigmoid(logit) against targets in [0, 1], computed stably.

    Per output it is softplus(z) - t z, written as z (1 - t) + log(1 + e^-z) for z >= 0 and
    log(1 + e^z) - t z for z < 0, so no exponential ever overflows; the gradient is
    sigmoid(z) - t. Prefer it to ``binary_cross_entropy(sigmoid(z))``, which saturates.
    """
    zs, ts, _ = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    _check_probability_targets(ts, "binary_cross_entropy_with_logits")
    terms: list[Value] = []
    for z, t in zip(zs, ts):
        if z.data >= 0:
            terms.append(z * (1.0 - t) + log(exp(-z) + 1.0))
        else:
            terms.append(log(exp(z) + 1.0) - z * t)
    out: Value = add_n(terms) * (1.0 / len(terms))
    return out


def _logits_row(z: object, what: str) -> list[Value]:
    if isinstance(z, (Value, str, bytes)) or not isinstance(z, Iterable):
        raise TypeError(f"{what}: expected a sequence of Values (one per class), got {type(z).__name__}")
    row = list(z)
    if not row:
        raise ValueError(f"{what}: expected at least one logit, got none")
    for j, v in enumerate(row):
        if not isinstance(v, Value):
            raise TypeError(f"{what}[{j}]: expected a Value, got {type(v).__name__}")
    return row


def log_sum_exp(logits: Sequence[Value]) -> Value:
    """log(sum(exp(z))) for one vector of logits, computed as m + log(sum(exp(z - m))) with
    m the largest z, so no exponential overflows.

    m is a constant (a float), which changes the value of no derivative: the gradient is
    softmax(z) whatever m is. A compiled replay keeps the traced sample's m: any constant
    gives the same value and gradient up to rounding, and one that makes exp overflow for
    another sample makes the replay record that sample again.

    >>> round(log_sum_exp([Value(1000.0), Value(1000.0)]).data, 6)
    1000.693147
    """
    row = _logits_row(logits, "log_sum_exp")
    m = max(v.data for v in row)
    out: Value = log(add_n([exp(v - m) for v in row])) + m
    return out


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log(softmax(z)) for one vector of logits: z - log(sum(exp(z))), stable for large z."""
    row = _logits_row(logits, "log_softmax")
    lse = log_sum_exp(row)
    return [v - lse for v in row]


def softmax(logits: Sequence[Value]) -> list[Value]:
    """exp(z) / sum(exp(z)) for one vector of logits, stable for large z (the largest is
    subtracted first)."""
    row = _logits_row(logits, "softmax")
    m = max(v.data for v in row)
    es = [exp(v - m) for v in row]
    inv = add_n(es).reciprocal()
    return [e * inv for e in es]


def _label_weights(label: object, k: int, what: str) -> list[tuple[int, float]]:
    """A class index or a probability vector, as (class, weight) pairs with weight != 0."""
    if _is_real(label):
        x = float(label)  # type: ignore[arg-type]
        if not x.is_integer():
            raise TypeError(f"{what}: a class index must be an integer, got {label!r:.80}")
        if not 0 <= x < k:
            raise ValueError(f"{what}: class index must be in 0..{k - 1}, got {label!r:.80}")
        return [(int(x), 1.0)]
    row = _row(label, what)
    if len(row) != k:
        raise ValueError(f"{what}: expected a class index or {k} probabilities, got {len(row)} values")
    probs = [_number(x, what) for x in row]
    if min(probs) < 0 or abs(sum(probs) - 1.0) > 1e-6:
        raise ValueError(f"{what}: the probabilities must be >= 0 and sum to 1, got {row!r:.80}")
    return [(j, p) for j, p in enumerate(probs) if p != 0.0]


def cross_entropy_term(logits: Sequence[Value], label: object) -> Value:
    """One sample's softmax cross-entropy, log(sum(exp(z))) - sum(t z); ``cross_entropy`` is
    the mean of these.

    ``label`` is a class index, a probability vector of numbers (one-hot, say), or a vector
    of Values, one weight per class (compiled training passes each sample's one-hot vector
    as arguments of the replay, so that the class can change; Values are not checked). A
    class index, or a vector with one non-zero weight, gives log-sum-exp(z) - z[class];
    numbers give log-sum-exp(z) - t . z over the non-zero weights; Values, over all of them.

    >>> z = [Value(0.0), Value(0.0)]
    >>> cross_entropy_term(z, 1).data == cross_entropy_term(z, [0, 1]).data == math.log(2)
    True
    """
    row = _logits_row(logits, "cross_entropy_term: logits")
    if isinstance(label, Iterable) and not isinstance(label, (Value, str, bytes)):
        label = list(label)
        if any(isinstance(w, Value) for w in label):  # weights the replay sets: no checks on them
            if len(label) != len(row):
                raise ValueError(
                    f"cross_entropy_term: expected {len(row)} weights (one per logit), got {len(label)}"
                )
            out: Value = log_sum_exp(row) - dot(row, label)
            return out
    pairs = _label_weights(label, len(row), "cross_entropy_term: label")
    lse = log_sum_exp(row)
    if len(pairs) == 1:  # a class index or one-hot: lse - z_t
        return lse - row[pairs[0][0]]
    # a distribution: sum(t) lse - t . z, with sum(t) = 1
    result: Value = lse - dot([row[j] for j, _ in pairs], [w for _, w in pairs])
    return result


def cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[object]) -> Value:
    """Softmax followed by cross-entropy (the seeds' Softmax-with-Loss), mean over the batch.

    ``logits`` holds one vector of raw scores per sample; ``labels`` one class index (an int)
    or one probability vector (e.g. one-hot) per sample. Per sample the loss is
    log(sum(exp(z))) - sum(t z) (``cross_entropy_term``), computed with log-sum-exp so large
    logits never overflow; its gradient is (softmax(z) - t) / N.
    """
    if isinstance(logits, Value):
        raise TypeError("cross_entropy: expected one vector of logits per sample, got a single Value")
    rows = list(logits)
    targets = list(labels)
    if not rows:
        raise ValueError("cross_entropy: expected at least one sample, got none")
    if len(rows) != len(targets):
        raise ValueError(f"cross_entropy: got {len(rows)} logit vectors but {len(targets)} labels")
    terms: list[Value] = []
    width = -1
    for i, (z, t) in enumerate(zip(rows, targets)):
        row = _logits_row(z, f"cross_entropy: logits[{i}]")
        if width == -1:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"cross_entropy: sample {i} has {len(row)} logits, sample 0 has {width}")
        label = t if _is_real(t) else _row(t, f"cross_entropy: labels[{i}]")  # read once
        _label_weights(label, width, f"cross_entropy: labels[{i}]")  # errors name the sample
        terms.append(cross_entropy_term(row, label))
    out: Value = add_n(terms) * (1.0 / len(terms))
    return out


def l2(parameters: Iterable[Value]) -> Value:
    """The sum of squares of ``parameters`` (one ``dot`` node): micrograd's demo adds
    ``1e-4 * l2(model.parameters())`` to its loss."""
    ps = list(parameters)
    if not ps:
        raise ValueError("l2: expected at least one parameter, got none")
    out: Value = dot(ps, ps)
    return out
