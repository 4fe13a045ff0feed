"""Tests for autograd.optim: SGD and Adam against PyTorch's update rules, and their checks."""

from __future__ import annotations

import math

import pytest

from autograd import Value
from autograd.optim import SGD, Adam, Optimizer

GRADIENT_SEQUENCE = [[0.5, -1.0, 2.0], [0.1, 0.3, -0.7], [-0.4, 0.0, 1.5], [1.2, -0.2, 0.05]]
START = [1.0, -2.0, 0.5]


def _run(make, grads=GRADIENT_SEQUENCE, start=START) -> list[list[float]]:
    """Apply ``make(params)``'s step once per gradient vector; the data after each step."""
    params = [Value(x) for x in start]
    opt = make(params)
    history = []
    for g in grads:
        opt.zero_grad()
        for p, gi in zip(params, g):
            p.grad = gi
        opt.step()
        history.append([p.data for p in params])
    return history


def _torch_run(make, grads=GRADIENT_SEQUENCE, start=START) -> list[list[float]]:
    torch = pytest.importorskip("torch")
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt = make(params)
    history = []
    for g in grads:
        opt.zero_grad()
        for p, gi in zip(params, g):
            p.grad = torch.tensor(gi, dtype=torch.float64)
        opt.step()
        history.append([float(p.detach()) for p in params])
    return history


def test_plain_sgd_is_micrograds_update():
    """SGD without momentum is p -= lr * grad, exactly."""
    assert _run(lambda ps: SGD(ps, lr=0.1), grads=[[0.5, -1.0, 2.0]]) == [
        [1.0 - 0.1 * 0.5, -2.0 - 0.1 * -1.0, 0.5 - 0.1 * 2.0]
    ]


@pytest.mark.parametrize(("momentum", "weight_decay"), [(0.0, 0.0), (0.9, 0.0), (0.0, 0.01), (0.5, 0.1)])
def test_sgd_matches_pytorch(momentum, weight_decay):
    """SGD with momentum and weight decay follows torch.optim.SGD step for step."""
    torch = pytest.importorskip("torch")
    ours = _run(lambda ps: SGD(ps, lr=0.05, momentum=momentum, weight_decay=weight_decay))
    theirs = _torch_run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=momentum, weight_decay=weight_decay))
    for a, b in zip(ours, theirs):
        assert a == pytest.approx(b, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize(("betas", "weight_decay"), [((0.9, 0.999), 0.0), ((0.8, 0.99), 0.05)])
def test_adam_matches_pytorch(betas, weight_decay):
    """Adam follows torch.optim.Adam step for step (to rounding)."""
    torch = pytest.importorskip("torch")
    ours = _run(lambda ps: Adam(ps, lr=0.01, betas=betas, weight_decay=weight_decay))
    theirs = _torch_run(lambda ps: torch.optim.Adam(ps, lr=0.01, betas=betas, weight_decay=weight_decay))
    for a, b in zip(ours, theirs):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-14)


def test_adam_first_step_moves_each_parameter_by_lr():
    """Adam's first step is lr * sign(grad) (bias correction makes m/sqrt(v) = +-1), independent of scale."""
    after = _run(lambda ps: Adam(ps, lr=0.1, eps=0.0), grads=[[1e-6, -300.0, 2.0]])[0]
    assert after == pytest.approx([1.0 - 0.1, -2.0 + 0.1, 0.5 - 0.1], rel=1e-12)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_optimisers_minimise_a_quadratic(make):
    """Both optimisers bring (x - 3)^2 + (y + 1)^2 close to its minimum."""
    x, y = Value(0.0), Value(0.0)
    opt = make([x, y])
    for _ in range(300):
        loss = (x - 3) ** 2 + (y + 1) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert (x.data, y.data) == pytest.approx((3.0, -1.0), abs=1e-3)


def test_zero_grad_and_learning_rate_schedule():
    """zero_grad clears every grad; lr can be changed between steps and is checked."""
    p = Value(1.0)
    opt = SGD([p], lr=1.0)
    p.grad = 2.0
    opt.zero_grad()
    assert p.grad == 0.0
    opt.lr = 0.25
    p.grad = 2.0
    opt.step()
    assert p.data == 0.5
    with pytest.raises(ValueError, match="lr: expected a finite number >= 0, got -1"):
        opt.lr = -1


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), lambda ps: Adam(ps)])
@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_non_finite_gradient_raises_and_changes_nothing(make, bad):
    """A nan or inf gradient raises, naming the parameter; no parameter and no optimiser state changes."""
    params = [Value(1.0, label="a"), Value(2.0, label="b")]
    opt = make(params)
    params[0].grad, params[1].grad = 0.5, bad
    with pytest.raises(
        ValueError, match=r"gradient of parameter 1 \(b\) is (inf|nan); no parameter was changed"
    ):
        opt.step()
    assert [p.data for p in params] == [1.0, 2.0]
    params[1].grad = 0.5
    opt.step()  # the next good step is the first one: same result as a fresh optimiser
    fresh = [Value(1.0), Value(2.0)]
    other = make(fresh)
    for p in fresh:
        p.grad = 0.5
    other.step()
    assert [p.data for p in params] == [p.data for p in fresh]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: SGD([], lr=0.1), ValueError, "at least one parameter"),
        (lambda: SGD(Value(1.0)), TypeError, "single Value"),
        (lambda: SGD([Value(1.0), 2.0]), TypeError, "parameter 1 must be a Value, got float"),
        (lambda: SGD([v := Value(1.0), v]), ValueError, "listed twice"),
        (lambda: SGD([Value(1.0)], lr="0.1"), ValueError, "lr: expected a finite number"),
        (lambda: SGD([Value(1.0)], momentum=1.0), ValueError, r"momentum: expected a number in \[0, 1\)"),
        (lambda: SGD([Value(1.0)], weight_decay=-0.1), ValueError, "weight_decay"),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), TypeError, "betas must be a tuple of two numbers"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
        (lambda: Adam([Value(1.0)], eps=math.nan), ValueError, "eps"),
    ],
)
def test_bad_arguments_are_refused(make, error, match):
    """Empty or repeated parameters and out-of-range hyperparameters raise clear errors."""
    with pytest.raises(error, match=match):
        make()


def test_base_optimizer_step_is_abstract():
    """Optimizer itself has no update rule."""
    with pytest.raises(NotImplementedError):
        Optimizer([Value(1.0)], lr=0.1).step()
