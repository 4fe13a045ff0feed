"""Pictures on the command line: each optional part missing is said the same way.

A command draws what it can and goes on: a picture that needs matplotlib (the ``demo``
extra) or Graphviz's ``dot`` when it is not installed is skipped with one line on stderr,
``skipped PATH: matplotlib is not installed (pip install 'scalar-autograd[demo]')`` or
``skipped PATH: Graphviz's dot is not installed (...)``, and training, the other pictures
and the model file are still made.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from autograd.errors import GraphvizError, GraphvizNotFoundError, MissingDependencyError
from autograd.plots import MATPLOTLIB_MISSING

__all__ = ["GRAPHVIZ_MISSING", "skipped", "draw"]

GRAPHVIZ_MISSING = (
    "Graphviz's dot is not installed (apt-get install graphviz, brew install graphviz, "
    "or https://graphviz.org/download/)"
)


def skipped(path: str | Path, reason: str) -> None:
    """Say on stderr that the picture at ``path`` was not made, and why."""
    print(f"skipped {path}: {reason}", file=sys.stderr, flush=True)


def draw(what: str, path: str | Path, make: Callable[[], Path]) -> Path | None:
    """Make a picture with ``make()`` and print ``WHAT: PATH``; or, when matplotlib or
    Graphviz's dot is missing or dot fails, say it was skipped and return None. Other
    errors (OSError for an unwritable path) are the caller's."""
    try:
        made = make()
    except MissingDependencyError:
        skipped(path, MATPLOTLIB_MISSING)
        return None
    except GraphvizNotFoundError:
        skipped(path, GRAPHVIZ_MISSING)
        return None
    except GraphvizError as error:
        skipped(path, f"Graphviz's dot failed: {error}")
        return None
    except ImportError as error:  # another part missing (the graphviz package, say)
        skipped(path, str(error))
        return None
    print(f"{what}: {made}")
    return made
