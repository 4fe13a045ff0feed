"""The package as a newcomer gets it: build the sdist and the wheel from this source tree,
check them as PyPI would (twine, check-wheel-contents), install the wheel into a fresh
virtual environment (not editable; graphviz comes from the package index) and use it from
a folder where the source tree is not importable: the library, a drawing, the ``autograd``
console script.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

for tool in ("build", "twine", "check_wheel_contents"):  # the dist extra (part of the test extra)
    pytest.importorskip(tool, reason=f"{tool} is not installed: pip install -e '.[dist]'")


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in ``cwd`` without PYTHONPATH, stdout and stderr together."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The sdist, the wheel built from it (as ``python -m build`` does by default, so the sdist
    is proven to hold what the wheel needs) and the build's output. Isolated: setuptools
    comes from the package index, as for anyone who builds the package."""
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel, result.stdout


def test_the_build_prints_no_deprecation_warning(built):
    """Nothing in pyproject.toml is deprecated for setuptools (such as a license table)."""
    lines = [line for line in built[2].splitlines() if re.search("deprecat", line, re.IGNORECASE)]
    assert lines == []


def test_twine_and_check_wheel_contents_pass(built):
    """The metadata PyPI reads renders (strict: warnings fail too); the wheel's files are sound."""
    sdist, wheel, _ = built
    _run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], cwd=ROOT)
    result = _run([sys.executable, "-m", "check_wheel_contents", str(wheel)], cwd=ROOT)
    assert result.stdout.strip().endswith(": OK"), result.stdout


def test_the_wheel_holds_the_package_and_nothing_else(built):
    """Every module of autograd/, py.typed and the viz assets are in the wheel; tests/, bench/
    and any other top-level folder are not; the license is in the metadata."""
    wheel = built[1]
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "autograd").rglob("*.py")}
    assets = {
        p.relative_to(ROOT).as_posix()
        for pattern in ("*.js", "*.css")
        for p in (ROOT / "autograd" / "viz" / "assets").glob(pattern)
    }
    assert len(assets) >= 2  # viewer.js and viewer.css
    assert sources | assets | {"autograd/py.typed"} <= names
    dist_info = f"scalar_autograd-{autograd.__version__}.dist-info"
    assert {name.split("/")[0] for name in names} == {"autograd", dist_info}
    assert f"{dist_info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()


SMOKE = textwrap.dedent(
    """\
    import shutil
    import sys
    from importlib.resources import files
    from pathlib import Path

    import autograd
    from autograd import Value

    assert Path(autograd.__file__).is_relative_to(sys.prefix), autograd.__file__  # the venv's copy
    print("version", autograd.__version__)
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    z = x * y + autograd.exp(x) + 1
    z.backward()
    print("grads", x.grad, y.grad)
    assert files("autograd").joinpath("py.typed").is_file()
    assert files("autograd.viz").joinpath("assets", "viewer.js").is_file()
    if shutil.which("dot"):
        autograd.viz.render(z, "smoke.svg")
        assert "<svg" in Path("smoke.svg").read_text(encoding="utf-8")
        print("svg written")
    else:
        print("no dot: svg skipped")
    """
)


def test_the_wheel_installs_and_works_in_a_fresh_environment(built, tmp_path):
    """pip install the wheel file into a new venv, then from another folder: gradients, a
    drawing (when Graphviz's dot exists), the ``autograd`` script and its exit codes."""
    import math

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(built[1])], cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "smoke.py").write_text(SMOKE, encoding="utf-8")
    lines = _run([str(python), "smoke.py"], cwd=work).stdout.splitlines()
    has_dot = shutil.which("dot") is not None
    assert lines == [
        f"version {autograd.__version__}",
        f"grads {3.0 + math.exp(2.0)} 2.0",
        "svg written" if has_dot else "no dot: svg skipped",
    ]

    script = venv / "bin" / "autograd"
    version = _run([str(script), "--version"], cwd=work).stdout.strip()
    assert version == f"autograd {autograd.__version__}"
    args = [str(script), "graph", "x*y + 1", "--set", "x=2", "y=3"]
    if has_dot:
        args += ["-o", "out.svg"]
    lines = _run(args, cwd=work).stdout.splitlines()
    assert lines[:4] == ["x*y + 1 = 7", "gradients:", "  d/dx = 3", "  d/dy = 2"]
    if has_dot:
        assert lines[4:] == ["wrote out.svg"]
        assert "<svg" in (work / "out.svg").read_text(encoding="utf-8")
    bad = subprocess.run(
        [str(script), "graph", "x.__class__", "--set", "x=1"], cwd=work, capture_output=True, text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "not allowed: attribute access" in bad.stderr, bad.stderr
