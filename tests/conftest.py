"""Shared test set-up: Hypothesis profiles read from pyproject.toml.

``[tool.autograd.hypothesis]`` in pyproject.toml names the default profile and holds one
table per profile (settings passed to ``hypothesis.settings``; ``deadline = false`` means
no deadline). ``HYPOTHESIS_PROFILE=thorough pytest`` picks another one.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from autograd import ops


def _load_profiles() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["autograd"]["hypothesis"]
    for name, values in config["profiles"].items():
        kwargs: dict[str, Any] = dict(values)
        if kwargs.get("deadline") is False:
            kwargs["deadline"] = None
        settings.register_profile(name, **kwargs)
    return str(config["default-profile"])


_default_profile = _load_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))


@pytest.fixture
def rules_table():
    """The rules table, restored after the test (for tests that register ops)."""
    saved = dict(ops._RULES)
    yield ops._RULES
    ops._RULES.clear()
    ops._RULES.update(saved)
