"""autograd.errors: one base for every library exception, each keeping its built-in kind."""

from __future__ import annotations

import importlib

import pytest

import autograd
from autograd import errors

KINDS = {
    "MissingRuleError": NotImplementedError,
    "AnomalyError": RuntimeError,
    "TraceMismatchError": RuntimeError,
    "ExpressionError": ValueError,
    "GraphTooLargeError": ValueError,
    "GraphvizError": RuntimeError,
    "GraphvizNotFoundError": RuntimeError,
    "GradcheckError": AssertionError,
    "ModelFileError": ValueError,
    "DataFileError": ValueError,
    "MissingDependencyError": ImportError,
    "UsageError": Exception,
}


@pytest.mark.parametrize("name", [n for n in errors.__all__ if n != "AutogradError"])
def test_every_error_shares_the_base_and_keeps_its_built_in_kind(name):
    """Each error is an AutogradError and still the built-in exception it was."""
    cls = getattr(errors, name)
    assert issubclass(cls, errors.AutogradError)
    assert issubclass(cls, KINDS[name])


HOMED = [n for n in errors.__all__ if n not in ("AutogradError", "MissingRuleError")]


@pytest.mark.parametrize("name", HOMED)
def test_every_error_is_exported_where_tracebacks_name_it(name):
    """Tracebacks name the module users import an error from, and that module has it."""
    cls = getattr(errors, name)
    assert getattr(importlib.import_module(cls.__module__), name) is cls


def test_the_base_is_exported_by_the_package_and_catches_a_missing_rule():
    """autograd.AutogradError catches the library's own failures, a missing rule among them."""
    assert autograd.AutogradError is errors.AutogradError
    with pytest.raises(autograd.AutogradError, match="no derivative rule is registered for op 'nope'"):
        autograd.ops.get("nope")
