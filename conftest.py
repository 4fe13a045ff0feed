"""Set-up for the doctests collected outside tests/ (README.md, the pages in docs/ and the
package's docstrings)."""

from __future__ import annotations

import pytest
from _pytest.doctest import DoctestItem

# the API reference's griffe extension is read by mkdocs, not a module with doctests
collect_ignore = ["docs/_griffe_autograd.py"]


@pytest.fixture(autouse=True)
def _doctests_run_in_a_temporary_folder(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> None:
    """Doctests that write files (``viz.render(v, "graph.svg")``) write them in a fresh folder."""
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(tmp_path)
