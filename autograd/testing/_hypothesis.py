"""The Hypothesis entry point: registers strategies for ``Value`` and ``Expression``.

Installed with the package (``[project.entry-points.hypothesis]``), so ``st.from_type(Value)``
works. Hypothesis runs the hook while it is itself being imported, which may be from the
import of ``autograd.testing.strategies``; so this module imports nothing from Hypothesis at
its top, and the hook reaches the strategies through ``st.deferred``.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    """Register :func:`~autograd.testing.strategies.values` for ``Value`` and
    :func:`~autograd.testing.strategies.expressions` for ``Expression``."""
    from hypothesis import strategies as st

    from autograd.testing.expression import Expression
    from autograd.value import Value

    st.register_type_strategy(Value, st.deferred(lambda: _strategies().values()))
    st.register_type_strategy(Expression, st.deferred(lambda: _strategies().expressions()))


def _strategies() -> Any:
    from autograd.testing import strategies

    return strategies
