"""Optimisers: update parameters from their ``.grad``. ``SGD`` (momentum, weight decay) and ``Adam``.

The update rules are PyTorch's (``torch.optim.SGD`` with dampening 0, ``torch.optim.Adam``
with L2 weight decay added to the gradient), so results can be compared number for number.

>>> from autograd import Value
>>> from autograd.optim import SGD
>>> w = Value(1.0)
>>> opt = SGD([w], lr=0.1)
>>> loss = w * w
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> w.data                                      # 1 - 0.1 * 2
0.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd.value import Value

__all__ = ["Optimizer", "SGD", "Adam"]


def _hyper(x: object, what: str, *, low: float = 0.0, below_one: bool = False) -> float:
    if type(x) not in (int, float) or not math.isfinite(x) or x < low:  # type: ignore[operator, arg-type]
        raise ValueError(f"{what}: expected a finite number >= {low:g}, got {x!r:.80}")
    if below_one and x >= 1:  # type: ignore[operator]
        raise ValueError(f"{what}: expected a number in [0, 1), got {x!r:.80}")
    return float(x)  # type: ignore[arg-type]


class Optimizer:
    """Base class: holds the parameters and ``lr``; subclasses implement ``step``.

    ``lr`` may be changed between steps (a schedule). ``zero_grad()`` sets every parameter's
    ``.grad`` to 0.0.
    """

    def __init__(self, parameters: Iterable[Value], lr: float) -> None:
        if isinstance(parameters, Value):
            raise TypeError(f"{type(self).__name__}: expected an iterable of Values, got a single Value")
        params = list(parameters)
        if not params:
            raise ValueError(f"{type(self).__name__}: expected at least one parameter, got none")
        seen: set[int] = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__}: parameter {i} must be a Value, got {type(p).__name__}"
                )
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {i} ({p!r:.80}) is listed twice")
            seen.add(id(p))
        self.parameters = params
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate (step size)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _hyper(value, f"{type(self).__name__}: lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.parameters:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError

    def _gradients(self, weight_decay: float) -> list[float]:
        """Each parameter's gradient plus ``weight_decay * data``; ValueError if one is not finite."""
        params = self.parameters
        decay = weight_decay
        grads = [p.grad + decay * p.data for p in params] if decay else [p.grad for p in params]
        if not all(map(math.isfinite, grads)):
            i = next(i for i, g in enumerate(grads) if not math.isfinite(g))
            raise ValueError(
                f"{type(self).__name__}: the gradient of parameter {i} "
                f"({params[i].label or 'unnamed'}) is {grads[i]!r}; no parameter was changed"
            )
        return grads


class SGD(Optimizer):
    """Stochastic gradient descent: ``p -= lr * v`` with ``v = momentum * v + (grad + weight_decay * p)``.

    With ``momentum=0`` (the default) this is micrograd's ``p.data -= lr * p.grad``.
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.01,
        *,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        self.momentum = _hyper(momentum, "SGD: momentum", below_one=True)
        self.weight_decay = _hyper(weight_decay, "SGD: weight_decay")
        self._velocity: list[float] | None = None

    def step(self) -> None:
        """One update; parameters change only if every gradient is finite."""
        grads = self._gradients(self.weight_decay)
        lr = self.lr
        if self.momentum:
            if self._velocity is None:
                self._velocity = grads  # PyTorch: the first step's buffer is the gradient
            else:
                m = self.momentum
                self._velocity = [m * v + g for v, g in zip(self._velocity, grads)]
            grads = self._velocity
        for p, g in zip(self.parameters, grads):
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma and Ba): per-parameter steps from running means of the gradient and its square.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``, and
    ``p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``, with
    ``g = grad + weight_decay * p``.
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.001,
        *,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a tuple of two numbers, got {betas!r:.80}")
        self.betas = (
            _hyper(betas[0], "Adam: betas[0]", below_one=True),
            _hyper(betas[1], "Adam: betas[1]", below_one=True),
        )
        self.eps = _hyper(eps, "Adam: eps")
        self.weight_decay = _hyper(weight_decay, "Adam: weight_decay")
        n = len(self.parameters)
        self._m = [0.0] * n
        self._v = [0.0] * n
        self.steps = 0

    def step(self) -> None:
        """One update; parameters change only if every gradient is finite."""
        grads = self._gradients(self.weight_decay)
        b1, b2 = self.betas
        self.steps += 1
        step_size = self.lr / (1.0 - b1**self.steps)
        root_c2 = math.sqrt(1.0 - b2**self.steps)
        eps, sqrt = self.eps, math.sqrt
        c1, c2 = 1.0 - b1, 1.0 - b2
        self._m = m = [b1 * mi + c1 * g for mi, g in zip(self._m, grads)]
        self._v = v = [b2 * vi + c2 * g * g for vi, g in zip(self._v, grads)]
        for p, mi, vi in zip(self.parameters, m, v):
            p.data -= step_size * (mi / (sqrt(vi) / root_c2 + eps))
