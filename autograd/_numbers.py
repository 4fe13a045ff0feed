"""Plain numbers as the engine takes them: ``check_number`` turns an operand into a float or
raises TypeError saying what was expected and what was received; ``shown`` is how a user's
number (or any other object) appears in an error message: a huge integer by its number of
digits, anything else by its repr, cut to a readable length.

>>> shown(-10**400), shown(2**64), shown("x" * 100, 10)
('a negative integer of 401 digits', '18446744073709551616', "'xxxxxx...")
"""

from __future__ import annotations

import numbers

__all__ = ["Number", "check_number", "shown", "digits", "MAX_DIGITS"]

Number = int | float

MAX_DIGITS = 25
"""Integers with more digits than this appear in messages as "an integer of N digits"."""

_LOG10_2 = 0.30102999566398120


def digits(n: int) -> int:
    """The number of decimal digits of ``abs(n)``, without converting it to a string (Python
    refuses to convert integers of more than 4,300 digits)."""
    n = -n if n < 0 else n
    d = max(1, int((n.bit_length() - 1) * _LOG10_2))  # a lower bound, off by at most one
    while 10**d <= n:
        d += 1
    while d > 1 and 10 ** (d - 1) > n:
        d -= 1
    return d


def shown(x: object, limit: int = 80) -> str:
    """``x`` as an error message shows it: an int of more than MAX_DIGITS digits as
    "an integer of N digits", anything else as its repr, cut to ``limit`` characters."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 3 * MAX_DIGITS:
        n = digits(x)
        if n > MAX_DIGITS:
            return f"{'a negative' if x < 0 else 'an'} integer of {n} digits"
    try:
        text = repr(x)
    except Exception:  # a broken __repr__, or an int subclass past the conversion limit
        return f"a {type(x).__name__} object"
    return text if len(text) <= limit else text[: max(limit - 3, 1)] + "..."


def check_number(x: object, what: str) -> float:
    """Return ``x`` as a float if it is a real number, else raise TypeError naming ``what``.

    Accepted: int, float, bool (as 0 or 1) and any ``numbers.Real`` (NumPy real scalars).
    Rejected: str, None, complex, containers, and Values (use ``v.detach()`` or ``v.data``).
    An int beyond the floats' range (about 1.8e308) raises OverflowError.
    """
    tp = type(x)
    if tp is float:
        return x  # type: ignore[return-value]
    if tp is int or tp is bool:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(
                f"{what}: {shown(x)} is too large for a float (the largest is about 1.8e308)"
            ) from None
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:  # an int subclass, or a Real whose __float__ overflows
            raise OverflowError(f"{what}: {shown(x)} is too large for a float") from None
    if hasattr(tp, "backward") and hasattr(x, "data"):  # a graph node (a Value)
        raise TypeError(
            f"{what}: expected a real number, got a {tp.__name__} ({shown(x)}); "
            "use v.detach() for a new leaf or v.data for the number"
        )
    raise TypeError(f"{what}: expected a real number (int, float, bool), got {tp.__name__}: {shown(x)}")
