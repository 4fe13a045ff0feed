"""Training loops and the ``demo``, ``train`` and ``predict`` commands (being written: issue 5)."""

from __future__ import annotations

from typing import Any


def add_subcommands(subparsers: Any) -> None:
    """Add the training commands to the ``autograd`` command line's subparsers (none yet)."""
    del subparsers
