"""Tests for autograd._numbers: operands as floats, and numbers as error messages show them."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest

from autograd import Value, compile, dot, exp
from autograd._numbers import MAX_DIGITS, check_number, digits, shown


def test_digits_counts_without_converting_to_a_string():
    """digits() agrees with len(str(n)) on random ints and at the powers of ten, and works
    past Python's 4,300-digit conversion limit."""
    rng = random.Random(0)
    cases = [0, 1, 9, 10, 99, 100, 10**25 - 1, 10**25, -(10**300)]
    cases += [rng.getrandbits(rng.randint(1, 4000)) for _ in range(300)]
    for n in cases:
        assert digits(n) == len(str(abs(n))), n
    assert digits(10**5000) == 5001
    assert digits(10**100_000 - 1) == 100_000


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (10**400, "an integer of 401 digits"),
        (-(10**5000), "a negative integer of 5001 digits"),
        (10**MAX_DIGITS - 1, "9" * MAX_DIGITS),
        (10**MAX_DIGITS, f"an integer of {MAX_DIGITS + 1} digits"),
        (2.5, "2.5"),
        (True, "True"),
        ("a" * 200, "'" + "a" * 76 + "..."),
        (np.float32(1.5), "np.float32(1.5)"),
    ],
    ids=["400 digits", "-5000 digits", "longest", "one more", "float", "bool", "long str", "numpy"],
)
def test_shown_caps_huge_integers_and_long_reprs(x, text):
    """Huge integers by their digit count, other objects by their repr cut to 80 characters."""
    assert shown(x) == text
    assert len(shown(x)) <= 80


def test_shown_survives_a_broken_repr():
    """An object whose repr raises is shown by its type."""

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert shown(Broken()) == "a Broken object"


@pytest.mark.parametrize(
    "make",
    [
        lambda n: Value(n),
        lambda n: Value(1.0) + n,
        lambda n: n * Value(1.0),
        lambda n: Value(2.0) ** n,
        lambda n: exp(n),
        lambda n: dot([Value(1.0)], [n]),
        lambda n: Value(1.0).backward(n),
        lambda n: compile(lambda x: x * 2)(n),
    ],
    ids=["Value", "add", "mul", "pow", "exp", "dot", "backward", "compile"],
)
@pytest.mark.parametrize("n", [10**400, 10**5000], ids=["400 digits", "5000 digits"])
def test_a_huge_integer_is_an_overflow_error_with_a_short_message(make, n):
    """Value(10**5000) and every operand that goes through check_number raise OverflowError
    saying how many digits the integer has, instead of failing to format the message."""
    with pytest.raises(OverflowError, match=r"an integer of \d+ digits is too large for a float") as info:
        make(n)
    assert len(str(info.value)) < 160


def test_check_number_messages_name_what_was_given():
    """Non-numbers are TypeErrors naming the type and a short repr."""
    assert check_number(np.int64(3), "x") == 3.0
    with pytest.raises(TypeError, match=r"x: expected a real number \(int, float, bool\), got str: '3'"):
        check_number("3", "x")
    with pytest.raises(TypeError, match=r"got a Value .*v\.detach\(\)"):
        check_number(Value(1.0), "x")
    with pytest.raises(TypeError, match=r"got list: \[0, 0, 0") as info:
        check_number([0] * 1000, "x")
    assert len(str(info.value)) < 160


def test_the_int_conversion_limit_is_untouched():
    """Showing a huge integer does not change Python's own limit on int-to-str conversion."""
    before = sys.get_int_max_str_digits()
    shown(10**10_000)
    assert sys.get_int_max_str_digits() == before
