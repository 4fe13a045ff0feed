"""Tests for autograd.losses: values and gradients against the seeds' formulas and NumPy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from autograd.compiler import compile
from autograd.losses import (
    EPSILON,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_term,
    hinge,
    hinge_term,
    l2,
    log_softmax,
    log_sum_exp,
    mse,
    softmax,
    squared_error,
)
from autograd.ops import add_n, dot
from tests.support import central_difference


def _values(rows):
    return [[Value(float(v)) for v in row] for row in rows]


def _grads(rows):
    return np.array([[v.grad for v in row] for row in rows])


def _np_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- softmax with loss


@pytest.mark.parametrize("label", [1, [0, 1, 0], [0.0, 1.0, 0.0]])
def test_softmax_with_loss_sends_back_y_minus_t_for_the_seeds_example(label):
    """t = (0, 1, 0) and y = (0.3, 0.2, 0.5) send back (0.3, -0.8, 0.5), as the seeds say."""
    logits = [Value(math.log(p)) for p in (0.3, 0.2, 0.5)]
    assert [s.data for s in softmax(logits)] == pytest.approx([0.3, 0.2, 0.5], rel=1e-12)
    loss = cross_entropy([logits], [label])
    assert loss.data == pytest.approx(-math.log(0.2), rel=1e-12)
    loss.backward()
    assert [z.grad for z in logits] == pytest.approx([0.3, -0.8, 0.5], rel=1e-12)


def test_softmax_with_loss_over_a_batch_is_y_minus_t_over_n():
    """On a batch of N the gradient is (softmax(z) - t) / N and the loss the mean of -log y_t."""
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3.0, size=(4, 5))
    t = np.array([0, 3, 4, 3])
    rows = _values(z)
    loss = cross_entropy(rows, t.tolist())
    y = _np_softmax(z)
    onehot = np.eye(5)[t]
    assert loss.data == pytest.approx(-np.mean(np.log(y[np.arange(4), t])), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(rows), (y - onehot) / 4, rtol=1e-10, atol=1e-15)


def test_cross_entropy_accepts_probability_labels():
    """Soft labels (a probability vector per sample) give gradient (y - t) / N too."""
    z = np.array([[1.0, -2.0, 0.5], [0.0, 0.3, 0.1]])
    t = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    rows = _values(z)
    loss = cross_entropy(rows, t.tolist())
    y = _np_softmax(z)
    assert loss.data == pytest.approx(-np.mean(np.sum(t * np.log(y), axis=1)), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(rows), (y - t) / 2, rtol=1e-10, atol=1e-15)


def test_cross_entropy_with_huge_logits_does_not_overflow():
    """Logits of +-1000 (exp would overflow) give a finite loss and the exact gradient."""
    rows = _values([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]])
    loss = cross_entropy(rows, [2, 1])
    loss.backward()
    expected = (2000.0 + math.log1p(math.exp(-1))) / 2  # -log y_t, sample by sample
    assert loss.data == pytest.approx(expected, rel=1e-12)
    y1 = 1 / (1 + math.exp(-1))
    np.testing.assert_allclose(
        _grads(rows), np.array([[1.0, 0.0, -1.0], [0.0, y1 - 1, 1 - y1]]) / 2, rtol=1e-12, atol=1e-300
    )
    assert all(math.isfinite(s.data) for s in softmax(rows[0]))
    assert [v.data for v in log_softmax(rows[0])] == pytest.approx([0.0, -1000.0, -2000.0])


def test_cross_entropy_matches_finite_differences():
    """Every logit's gradient agrees with a central difference of the float loss."""
    z0 = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1]

    def f(zs):
        rows = [[Value(v) for v in zs[:3]], [Value(v) for v in zs[3:]]]
        return cross_entropy(rows, [2, [0.5, 0.5, 0.0]]).data

    rows = [[Value(v) for v in z0[:3]], [Value(v) for v in z0[3:]]]
    cross_entropy(rows, [2, [0.5, 0.5, 0.0]]).backward()
    grads = [v.grad for row in rows for v in row]
    for i in range(6):
        assert grads[i] == pytest.approx(central_difference(f, z0, i), rel=1e-6, abs=1e-9)


def test_softmax_and_log_softmax_match_numpy():
    """softmax sums to 1 and matches NumPy; log_softmax is its log."""
    z = np.array([0.5, -1.0, 3.0, 0.0])
    ys = softmax([Value(v) for v in z])
    np.testing.assert_allclose([y.data for y in ys], _np_softmax(z[None])[0], rtol=1e-14)
    assert sum(y.data for y in ys) == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose(
        [v.data for v in log_softmax([Value(v) for v in z])], np.log(_np_softmax(z[None])[0]), rtol=1e-13
    )


@pytest.mark.parametrize(
    ("logits", "labels", "error", "match"),
    [
        ([[Value(1.0), Value(2.0)]], [2], ValueError, r"class index must be in 0..1, got 2"),
        ([[Value(1.0), Value(2.0)]], [-1], ValueError, "got -1"),
        ([[Value(1.0), Value(2.0)]], [0.5], TypeError, "must be an integer, got 0.5"),
        ([[Value(1.0), Value(2.0)]], [[1.0, 0.0, 0.0]], ValueError, "2 probabilities, got 3"),
        ([[Value(1.0), Value(2.0)]], [[0.7, 0.7]], ValueError, "sum to 1"),
        ([[Value(1.0), Value(2.0)]], [[1.5, -0.5]], ValueError, ">= 0"),
        ([[Value(1.0), Value(2.0)]], [0, 1], ValueError, "1 logit vectors but 2 labels"),
        (
            [[Value(1.0)], [Value(1.0), Value(2.0)]],
            [0, 0],
            ValueError,
            "sample 1 has 2 logits, sample 0 has 1",
        ),
        ([], [], ValueError, "at least one sample"),
        ([Value(1.0)], [0], TypeError, "sequence of Values"),
        ([[1.0, 2.0]], [0], TypeError, r"logits\[0\]\[0\]: expected a Value, got float"),
        ([[Value(1.0), Value(2.0)]], ["0"], TypeError, "got str"),
    ],
)
def test_cross_entropy_refuses_bad_labels_and_shapes(logits, labels, error, match):
    """Labels out of range, wrong lengths, non-distributions and ragged batches are refused."""
    with pytest.raises(error, match=match):
        cross_entropy(logits, labels)


# ----------------------------------------------------------------------------- binary cross-entropy


def test_binary_cross_entropy_matches_the_seeds_formula():
    """Loss -mean(t log p + (1-t) log(1-p)); gradient -(t/p - (1-t)/(1-p)) / J / N (the seeds' backward)."""
    p = np.array([[0.9, 0.2], [0.4, 0.6], [0.05, 0.99]])
    t = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    n, j = p.shape
    rows = _values(p)
    loss = binary_cross_entropy(rows, t.tolist())
    expected = np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
    assert loss.data == pytest.approx(expected, rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(rows), -(t / p - (1 - t) / (1 - p)) / j / n, rtol=1e-12)


def test_binary_cross_entropy_clips_probabilities_as_the_seeds_do():
    """p = 0 and p = 1 are clipped to [1e-7, 1 - 1e-7]: a finite loss, and the seeds' gradient at the clip."""
    p = np.array([0.0, 1.0, 1.0, 0.0])
    t = np.array([1.0, 0.0, 1.0, 0.0])
    values = [Value(float(v)) for v in p]
    loss = binary_cross_entropy(values, t.tolist())
    clipped = np.clip(p, EPSILON, 1 - EPSILON)
    expected = np.mean(-(t * np.log(clipped) + (1 - t) * np.log(1 - clipped)))
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(expected, rel=1e-9)
    loss.backward()
    np.testing.assert_allclose(
        [v.grad for v in values], -(t / clipped - (1 - t) / (1 - clipped)) / 4, rtol=1e-9
    )


def test_binary_cross_entropy_accepts_single_values_per_sample():
    """A sample may be a single Value (one output) with a number as its target."""
    p = [Value(0.8), Value(0.3)]
    loss = binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2, rel=1e-12)


@pytest.mark.parametrize("z0", [-3.0, -0.5, 0.0, 0.7, 4.0])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_bce_with_logits_equals_bce_of_the_sigmoid(z0, t):
    """For moderate logits the stable form equals bce(sigmoid(z)); its gradient is sigmoid(z) - t."""
    z = Value(z0)
    loss = binary_cross_entropy_with_logits([z], [t])
    s = 1 / (1 + math.exp(-z0))
    assert loss.data == pytest.approx(-(t * math.log(s) + (1 - t) * math.log(1 - s)), rel=1e-12)
    loss.backward()
    assert z.grad == pytest.approx(s - t, rel=1e-12, abs=1e-15)


def test_bce_with_logits_is_stable_for_huge_logits():
    """Logits of +-1000: loss 0 when right and 1000 when wrong, gradients +-1/N, never inf or nan."""
    zs = [Value(1000.0), Value(-1000.0), Value(1000.0), Value(-1000.0)]
    loss = binary_cross_entropy_with_logits(zs, [1, 0, 0, 1])
    assert loss.data == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    loss.backward()
    assert [z.grad for z in zs] == [0.0, 0.0, 0.25, -0.25]


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits])
def test_binary_losses_refuse_targets_outside_0_1(loss):
    """Targets must lie in [0, 1]."""
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\], got 2.0 at position 1"):
        loss([Value(0.5), Value(0.5)], [1, 2])


# ----------------------------------------------------------------------------- hinge, mse, l2


def test_hinge_is_micrograds_max_margin_loss():
    """mean(relu(1 - y * score)): value and gradients -y/N where the margin is violated, else 0."""
    scores = [Value(2.0), Value(0.5), Value(-0.2), Value(-3.0)]
    labels = [1, 1, 1, -1]
    loss = hinge(scores, labels)
    assert loss.data == pytest.approx((0 + 0.5 + 1.2 + 0) / 4, rel=1e-12)
    loss.backward()
    assert [s.grad for s in scores] == [0.0, -0.25, -0.25, 0.0]


def test_hinge_refuses_labels_other_than_plus_minus_one():
    """0/1 labels are a common mistake: hinge says it wants -1 or 1."""
    with pytest.raises(ValueError, match=r"labels must be -1 or 1, got 0\.0 at position 0"):
        hinge([Value(1.0)], [0])


def test_mse_value_and_gradient():
    """mean((p - t)^2) over every output, gradient 2 (p - t) / count."""
    rows = _values([[1.0, 2.0], [3.0, -1.0]])
    t = [[0.5, 2.0], [1.0, 0.0]]
    loss = mse(rows, t)
    assert loss.data == pytest.approx((0.25 + 0 + 4 + 1) / 4, rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(rows), 2 * (np.array([[1, 2], [3, -1]]) - np.array(t)) / 4)


@pytest.mark.parametrize(
    ("predictions", "targets", "error", "match"),
    [
        ([Value(1.0)], [1.0, 2.0], ValueError, "1 predictions but 2 targets"),
        ([[Value(1.0), Value(2.0)]], [[1.0]], ValueError, "sample 0 has 2 predictions but 1 targets"),
        ([[Value(1.0)], [Value(1.0), Value(2.0)]], [[1.0], [1.0, 2.0]], ValueError, "sample 1 has 2 outputs"),
        ([], [], ValueError, "at least one sample"),
        (Value(1.0), [1.0], TypeError, "got a single Value"),
        ([1.0], [1.0], TypeError, r"predictions\[0\]\[0\] must be a Value, got float"),
        ([Value(1.0)], [math.nan], ValueError, "finite"),
        (
            [Value(1.0)],
            ["1"],
            TypeError,
            r"targets\[0\]: expected a Value, a number or a sequence of them, got str",
        ),
    ],
)
def test_elementwise_losses_refuse_mismatched_shapes(predictions, targets, error, match):
    """Predictions and targets must have the same shape, with Values and finite numbers."""
    with pytest.raises(error, match=match):
        mse(predictions, targets)


def test_l2_is_the_sum_of_squares_in_one_node():
    """l2(ps) = sum(p^2), one dot node, gradient 2p."""
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    total = l2(ps)
    assert total.data == 5.25 and total.op == "dot"
    total.backward()
    assert [p.grad for p in ps] == [2.0, -4.0, 1.0]
    with pytest.raises(ValueError, match="at least one parameter"):
        l2([])


def test_losses_record_few_nodes_per_sample():
    """A batch loss is a handful of nodes per sample joined by one add_n, not a chain over the batch."""
    scores = [Value(float(i % 3) - 1) for i in range(100)]
    loss = hinge(scores, [1] * 100)
    assert loss.parents[0].op == "add_n" and len(loss.parents[0].parents) == 100


# ----------------------------------------------------------------------------- per-sample terms


def _mean_of(terms):
    return add_n(terms) * (1.0 / len(terms))


@pytest.mark.parametrize(
    ("batch", "term", "labels"),
    [
        (hinge, hinge_term, [1, -1, -1, 1]),
        (mse, squared_error, [0.5, -2.0, 3.25, 0.0]),
        (cross_entropy, cross_entropy_term, [2, 0, [0.25, 0.5, 0.25], [0.0, 1.0, 0.0]]),
    ],
)
def test_batch_losses_are_the_means_of_their_per_sample_terms(batch, term, labels):
    """hinge, mse and cross_entropy equal the mean of hinge_term, squared_error and
    cross_entropy_term, value and gradients bit for bit, on the same graph shape."""
    data = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.4], [-2.2, 0.7, 0.9], [0.05, 0.0, -3.0]]
    if batch is cross_entropy:
        rows_a, rows_b = _values(data), _values(data)
        preds_a, preds_b = rows_a, rows_b
    else:
        rows_a, rows_b = _values([r[:1] for r in data]), _values([r[:1] for r in data])
        preds_a, preds_b = [r[0] for r in rows_a], [r[0] for r in rows_b]
    got = batch(preds_a, labels)
    want = _mean_of([term(p, t) for p, t in zip(preds_b, labels)])
    assert got.data == want.data
    assert [n.op for n in got.parents[0].parents] == [n.op for n in want.parents[0].parents]
    got.backward()
    want.backward()
    assert (_grads(rows_a) == _grads(rows_b)).all()


def test_mse_has_the_values_and_gradients_of_one_dot_over_the_residuals():
    """mse, a mean of squared_error terms, gives bit for bit the numbers of dot(d, d) / n, d = p - t."""
    xs = [0.1, -2.5, 3.75, 1e-3, 7.0]
    ts = [1.0, 0.25, -1.5, 0.0, 6.5]
    ps, qs = [Value(x) for x in xs], [Value(x) for x in xs]
    got = mse(ps, ts)
    diffs = [q - t for q, t in zip(qs, ts)]
    want = dot(diffs, diffs) * (1.0 / len(diffs))
    assert got.data == want.data
    got.backward()
    want.backward()
    assert [p.grad for p in ps] == [q.grad for q in qs]


def test_per_sample_terms_by_hand():
    """Each term's value and gradient for one sample: relu(1 - t s), (p - t)^2, lse(z) - z_t."""
    s = Value(0.25)
    loss = hinge_term(s, -1)
    loss.backward()
    assert (loss.data, s.grad) == (1.25, 1.0)
    assert hinge_term(Value(2.0), 1).data == 0.0
    p = Value(-1.0)
    loss = squared_error(p, 2)
    loss.backward()
    assert (loss.data, p.grad) == (9.0, -6.0)
    z = [Value(math.log(p)) for p in (0.3, 0.2, 0.5)]
    loss = cross_entropy_term(z, 1)
    loss.backward()
    assert loss.data == pytest.approx(-math.log(0.2), rel=1e-12)
    assert [round(v.grad, 12) for v in z] == [0.3, -0.8, 0.5]


def test_log_sum_exp_is_stable_and_its_gradient_is_softmax():
    """log(sum(exp(z))) for huge logits stays finite, and its gradient is softmax(z)."""
    z = [Value(1000.0), Value(999.0), Value(-1000.0)]
    out = log_sum_exp(z)
    assert out.data == pytest.approx(1000.0 + math.log(1.0 + math.exp(-1.0)), rel=1e-15)
    out.backward()
    np.testing.assert_allclose([v.grad for v in z], _np_softmax(np.array([[1000.0, 999.0, -1000.0]]))[0])


def test_per_sample_terms_take_value_labels_and_a_compiled_replay_changes_them():
    """A label or target given as a Value (as compiled training passes it) gives the number's loss,
    and a compiled term replayed with another label gives that label's loss."""
    z = [0.4, -1.1, 2.3]
    step = compile(lambda s, t: hinge_term(s, t))
    assert step.forward(0.5, -1.0) == hinge_term(Value(0.5), -1).data == 1.5
    assert step.forward(0.5, 1.0) == hinge_term(Value(0.5), 1).data
    step = compile(lambda p, t: squared_error(p, t))
    assert step.forward(0.5, 3.0) == squared_error(Value(0.5), 3.0).data == 6.25
    step = compile(lambda logits, one_hot: cross_entropy_term(logits, one_hot))
    for k in range(3):
        one_hot = [1.0 if j == k else 0.0 for j in range(3)]
        want = cross_entropy_term([Value(v) for v in z], k).data
        assert step.forward(z, one_hot) == pytest.approx(want, rel=1e-12)
        assert cross_entropy_term([Value(v) for v in z], [Value(w) for w in one_hot]).data == pytest.approx(
            want, rel=1e-12
        )
    assert step.traces == 1


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: hinge_term(Value(1.0), 0), ValueError, "hinge_term: the label must be -1 or 1, got 0.0"),
        (lambda: hinge_term(1.0, 1), TypeError, "hinge_term: score: expected a Value, got float"),
        (lambda: hinge_term(Value(1.0), True), TypeError, "hinge_term: label: expected a number, got bool"),
        (lambda: squared_error(Value(1.0), math.inf), ValueError, "squared_error: target: expected a finite"),
        (lambda: squared_error(Value(1.0), "1"), TypeError, "squared_error: target: expected a number"),
        (lambda: squared_error(2.0, 1.0), TypeError, "squared_error: prediction: expected a Value"),
        (lambda: log_sum_exp([]), ValueError, "log_sum_exp: expected at least one logit"),
        (lambda: cross_entropy_term(Value(1.0), 0), TypeError, "expected a sequence of Values"),
        (lambda: cross_entropy_term([Value(1.0)], 1), ValueError, r"class index must be in 0\.\.0, got 1"),
        (
            lambda: cross_entropy_term([Value(1.0), Value(2.0)], [0.5, 0.25]),
            ValueError,
            "probabilities must be >= 0 and sum to 1",
        ),
        (
            lambda: cross_entropy_term([Value(1.0), Value(2.0)], [Value(1.0)]),
            ValueError,
            r"expected 2 weights \(one per logit\), got 1",
        ),
    ],
)
def test_per_sample_terms_refuse_bad_arguments(call, error, match):
    """The terms check their arguments as the batch losses do and name themselves in the message."""
    with pytest.raises(error, match=match):
        call()
