"""Tests for autograd.cli: ``main``, its parser and its handling of every command's usage errors."""

from __future__ import annotations

import pytest

from autograd import __version__
from autograd.cli import main


def test_version_and_help(capsys):
    """--version prints the version; graph --help shows the examples."""
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"autograd {__version__}"
    with pytest.raises(SystemExit):
        main(["graph", "--help"])
    assert 'autograd graph "apple*num*tax"' in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    """Running without a command exits with status 2 (argparse's usage error)."""
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2 and "COMMAND" in capsys.readouterr().err
