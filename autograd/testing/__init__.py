"""Tools for checking gradients, shipped for users: gradcheck, and (with Hypothesis) strategies.

* :func:`gradcheck` compares backward's gradients of a function with central finite
  differences; on a mismatch, :class:`GradcheckError` lists each disagreeing input and names
  the first op whose own rule disagrees with a finite difference of its forward.
* :func:`gradgradcheck` does the same for second derivatives (``grad(..., create_graph=True)``).
* :func:`numerical_grad` gives the finite differences themselves.
* :class:`Expression` is a small formula over the rules table that can be built as Values,
  evaluated on floats and printed as Python source; ``autograd.testing.strategies`` (which
  needs Hypothesis) draws random ones.

>>> from autograd.testing import gradcheck
>>> gradcheck(lambda x, y: x * y.exp() + x.relu(), [0.5, -1.0])
True
"""

from autograd.testing.checks import (
    Disagreement,
    GradcheckError,
    Kink,
    RuleDisagreement,
    gradcheck,
    gradgradcheck,
    numerical_grad,
)
from autograd.testing.expression import BUILTIN_DOMAINS, Domain, Expression, Instruction

__all__ = [
    "gradcheck",
    "gradgradcheck",
    "numerical_grad",
    "GradcheckError",
    "Disagreement",
    "RuleDisagreement",
    "Kink",
    "Expression",
    "Instruction",
    "Domain",
    "BUILTIN_DOMAINS",
]
