"""Plain numbers as the engine takes them: ``check_number`` turns an operand into a float or
raises TypeError saying what was expected and what was received."""

from __future__ import annotations

import numbers

__all__ = ["Number", "check_number"]

Number = int | float


def check_number(x: object, what: str) -> float:
    """Return ``x`` as a float if it is a real number, else raise TypeError naming ``what``.

    Accepted: int, float, bool (as 0 or 1) and any ``numbers.Real`` (NumPy real scalars).
    Rejected: str, None, complex, containers, and Values (use ``v.detach()`` or ``v.data``).
    """
    tp = type(x)
    if tp is float:
        return x  # type: ignore[return-value]
    if tp is int or tp is bool:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{what}: the integer {x} is too large for a float") from None
    if isinstance(x, numbers.Real):
        return float(x)
    if hasattr(tp, "backward") and hasattr(x, "data"):  # a graph node (a Value)
        raise TypeError(
            f"{what}: expected a real number, got a {tp.__name__} ({x!r:.80}); "
            "use v.detach() for a new leaf or v.data for the number"
        )
    raise TypeError(f"{what}: expected a real number (int, float, bool), got {tp.__name__}: {x!r:.80}")
