"""autograd: a scalar automatic differentiation engine with a dynamic computational graph.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> y.data, x.grad
(15.0, 8.0)
"""

from autograd._mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.compiler import CompiledFunction, TraceMismatchError
from autograd.compiler import compile as compile  # public, not in __all__ (see below)
from autograd.errors import AnomalyError, AutogradError
from autograd.functional import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from autograd.graph import topological_order
from autograd.ops import abs as abs  # public, not in __all__ (see below)
from autograd.ops import (
    add_n,
    atan,
    clamp,
    cos,
    cosh,
    div,
    dot,
    erf,
    exp,
    expm1,
    log,
    log1p,
    maximum,
    minimum,
    reciprocal,
    register,
    relu,
    sigmoid,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
)
from autograd.value import Value

register_op = register

__version__ = "0.1.0"
"""The package's version: the one place it is written (pyproject.toml reads it from here)."""

__all__ = [
    "Value",
    "grad",
    "jvp",
    "vjp",
    "jacobian",
    "hessian",
    "hvp",
    "value_and_grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "topological_order",
    "register_op",
    "exp",
    "log",
    "relu",
    "tanh",
    "sigmoid",
    "reciprocal",
    "div",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "atan",
    "sinh",
    "cosh",
    "log1p",
    "expm1",
    "softplus",
    "erf",
    "maximum",
    "minimum",
    "clamp",
    "dot",
    "add_n",
    # ``compile`` and ``abs`` are left out on purpose: ``from autograd import *`` must not
    # shadow the builtins (``abs(v)`` of a Value is the abs op anyway).
    "CompiledFunction",
    "TraceMismatchError",
    "AutogradError",
    "AnomalyError",
    "__version__",
]
