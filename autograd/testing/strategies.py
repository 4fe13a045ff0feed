"""Hypothesis strategies for Values (being written: issue 4). Needs Hypothesis installed."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register a strategy for ``Value`` so ``st.from_type(Value)`` works (Hypothesis entry point)."""
    from hypothesis import strategies as st

    from autograd.value import Value

    st.register_type_strategy(Value, st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).map(Value))
