"""The notebooks in notebooks/: committed with their outputs, and each one runs top to bottom.

Each notebook is executed by a real Jupyter kernel (nbclient, with ipykernel's kernel for
this very interpreter, so the package under test is the one imported), in a fresh
temporary folder, so nothing it might write lands in the repository. Any error in any cell
fails the test. Run as a script, this file executes the notebooks the same way and writes
them back with their outputs (``make notebooks``)::

    .venv/bin/python tests/test_notebooks.py [notebooks/NAME.ipynb ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
MAX_BYTES = 1_000_000  # a committed notebook, outputs included
CELL_TIMEOUT = 600  # seconds per cell: a hang fails the test instead of stalling CI


def execute(path: Path, cwd: Path) -> Any:
    """Run the notebook at ``path`` top to bottom in a fresh kernel working in ``cwd``;
    returns the executed notebook (raises ``nbclient.exceptions.CellExecutionError`` on
    the first cell that fails)."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # No kernel directories: "python3" is then ipykernel's own spec for sys.executable,
    # never a python3 kernel some other installation left in ~/.local/share/jupyter.
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        record_timing=False,  # no timestamps in the committed files
        coalesce_streams=True,  # one output per stream; progress bars keep their last state
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def _code_cells(nb: Any) -> list[Any]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_there_are_notebooks() -> None:
    """The course's seven notebooks are there, numbered in reading order."""
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_", "07_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_its_outputs(path: Path) -> None:
    """Every code cell was run once, in order, from a fresh kernel, without an error, and the
    file stays small enough to read on a code host."""
    nbformat = pytest.importorskip("nbformat")
    assert path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    cells = _code_cells(nb)
    assert cells, f"{path.name} has no code cell"
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: execution counts {counts}"
    errors = [out for cell in cells for out in cell.outputs if out.output_type == "error"]
    assert not errors, f"{path.name} was saved with an error: {errors[0].ename}: {errors[0].evalue}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    """The notebook runs top to bottom in a fresh Jupyter kernel without an error (its
    asserts check every number its text claims), and writes nothing beside itself."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    before = sorted(NOTEBOOKS_DIR.iterdir())
    nb = execute(path, tmp_path)
    assert all(cell.execution_count is not None for cell in _code_cells(nb))
    assert sorted(NOTEBOOKS_DIR.iterdir()) == before


def main(argv: list[str]) -> int:
    """Execute the given notebooks (default: all) and save them with their outputs."""
    import nbformat

    paths = [Path(a).resolve() for a in argv] or NOTEBOOKS
    for path in paths:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as cwd:
            nb = execute(path, Path(cwd))
        nbformat.write(nb, path)
        print(f"{path.name}: ran in {time.perf_counter() - start:.1f} s, {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
