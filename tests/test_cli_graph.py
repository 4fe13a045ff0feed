"""Tests for autograd.cli.graph: ``autograd graph`` through a real subprocess (``python -m autograd``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_parse import HOSTILE

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m autograd ARGS`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "autograd", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_dot
def test_apples_one_command(tmp_path):
    """The seeds' apple example: prints 220 and the gradients 2.2, 110, 200 and writes the SVG."""
    args = ["apple*num*tax", "--set", "apple=100", "num=2", "tax=1.1", "-o", "apple.svg"]
    result = run("graph", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "apple*num*tax = 220",
        "gradients:",
        "  d/dapple = 2.2",
        "  d/dnum   = 110",
        "  d/dtax   = 200",
        "wrote apple.svg",
    ]
    svg = ET.parse(tmp_path / "apple.svg").getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"apple", "num", "tax", "data 220", "grad 2.2"} <= set(texts)


@needs_dot
def test_graph_options(tmp_path):
    """--local-grads, --rankdir, --digits and repeated --set reach the output."""
    result = run(
        "graph", "x*y + exp(x)", "--set", "x=0.5", "--set", "y=-3", "--local-grads", "--rankdir", "TB",
        "--digits", "17", "-o", "g.dot", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"x*y + exp(x) = {0.5 * -3 + 1.6487212707001282:.17g}"
    assert lines[2] == "  d/dx = -1.3512787292998718"
    source = (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert "rankdir=TB" in source and "[label=-3]" in source


def test_without_output_no_file(tmp_path):
    """Without -o the command prints and writes nothing."""
    result = run("graph", "relu(x) * 2", "--set", "x=-1", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[:3] == ["relu(x) * 2 = 0", "gradients:", "  d/dx = 0"]
    assert list(tmp_path.iterdir()) == []


def test_unused_variable_warns(tmp_path):
    """A --set variable the expression does not use gets a warning on stderr."""
    result = run("graph", "x + 1", "--set", "x=1", "z=2", cwd=tmp_path)
    assert result.returncode == 0 and "warning: not in the expression: z" in result.stderr


@pytest.mark.parametrize(("text", "message"), HOSTILE[::3])
def test_hostile_expressions_refused_without_side_effects(tmp_path, text, message):
    """Hostile expressions exit with status 2, a clear message, and no file written."""
    if "\n" in text:
        pytest.skip("a newline cannot be passed as an argv string on every platform")
    result = run("graph", text, "--set", "x=1", "y=2", "-o", "out.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("autograd graph: error: ") and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_code_injection_does_not_run(tmp_path):
    """An expression that would create a file if executed creates nothing."""
    target = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(target)!r}).touch()"
    result = run("graph", payload, "-o", "out.svg", cwd=tmp_path)
    assert result.returncode == 2 and not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x * y", "--set", "x=1"], "no value given for 'y'"),
        (["x", "--set", "x"], "--set: expected NAME=NUMBER, got 'x'"),
        (["x", "--set", "x=abc"], "--set x: expected a number, got 'abc'"),
        (["x", "--set", "x=nan"], "expected a finite number"),
        (["x", "--set", "x=1", "x=2"], "x is given twice"),
        (["x", "--set", "x=1", "-o", "graph.jpg"], "expected a file name ending in one of .svg"),
        (["x", "--set", "x=1", "-o", "missing/graph.svg"], "does not exist"),
        (["x", "--set", "x=1", "--digits", "0"], "--digits: expected 1 to 17"),
        (["x", "--set", "x=1", "--max-nodes", "0"], "--max-nodes: expected a positive number"),
        (["x", "--set", "x=1", "--import", "os;rm"], "--import: expected a module name"),
        (["x", "--set", "x=1", "--import", "no_such_module_here"], "No module named 'no_such_module_here'"),
        (["1/x", "--set", "x=0", "-o", "g.svg"], "cannot compute this part"),
    ],
)
def test_bad_arguments(tmp_path, args, message):
    """Bad arguments exit with status 2 and say what was expected, writing nothing."""
    result = run("graph", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_graph_too_large(tmp_path):
    """A graph over --max-nodes is refused with its size and the option to pass; no file."""
    expr = "+".join(["x*x"] * 20)
    result = run("graph", expr, "--set", "x=1", "--max-nodes", "10", "-o", "g.dot", cwd=tmp_path)
    assert result.returncode == 2
    assert "has 40 Value nodes, more than max_nodes=10; pass --max-nodes 40" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_dot_binary(tmp_path):
    """Without Graphviz's dot, SVG output fails with exit status 1 and install instructions."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", "x*2", "--set", "x=1", "-o", "g.svg"],
        cwd=tmp_path, env={**os.environ, "PATH": str(empty)}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1 and "apt-get install graphviz" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_import_registers_user_ops(tmp_path):
    """--import loads a module whose register_op calls make new functions available."""
    (tmp_path / "myops.py").write_text(
        "import math\nfrom autograd import register_op\n"
        "register_op('my_sin', math.sin, lambda out, x: (math.cos(x),), replace=True)\n",
        encoding="utf-8",
    )
    result = run("graph", "my_sin(x) * x", "--set", "x=0.5", "--import", "myops", cwd=tmp_path,
                 env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    import math

    assert result.stdout.splitlines()[2] == f"  d/dx = {math.cos(0.5) * 0.5 + math.sin(0.5):.12g}"


def test_an_import_that_raises_is_a_usage_error(tmp_path):
    """A module given to --import that raises while it loads is reported, not a traceback."""
    (tmp_path / "badops.py").write_text(
        "from autograd import register_op\nregister_op('exp', abs, lambda out, x: (1.0,))\n", encoding="utf-8"
    )
    result = run("graph", "x", "--set", "x=1", "--import", "badops", cwd=tmp_path,
                 env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2
    assert "--import badops: ValueError: register: 'exp' is a built-in primitive" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ issues 15 and 18 (9, 11)
@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["-x*2", "--set", "x=1"], "-x*2 = -2"),
        (["--set", "x=1", "-x*2"], "-x*2 = -2"),
        (["-2*x", "--set", "x=3"], "-2*x = -6"),
        (["-(x+1)", "--set", "x=1", "--digits", "3"], "-(x+1) = -2"),
        (["--set", "x=1", "--", "-x"], "-x = -1"),
    ],
)
def test_expression_starting_with_minus(tmp_path, args, first):
    """An expression starting with '-' is read as EXPR wherever it stands, without '--'."""
    result = run("graph", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == first


def test_output_naming_a_folder_is_refused_before_printing(tmp_path):
    """-o naming an existing folder is a usage error before anything is printed, no traceback."""
    (tmp_path / "out.svg").mkdir()
    result = run("graph", "x*2", "--set", "x=1", "-o", "out.svg", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "-o: 'out.svg' is a folder; expected a file name" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_prints_the_paths(tmp_path):
    """--explain x prints each path from x with its local derivatives and product, summing to d/dx."""
    result = run("graph", "x*y + x", "--set", "x=2", "y=3", "--explain", "x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[4:] == [
        "d(x*y + x)/dx = 4 (as backward computes it), the sum over 2 paths from x to x*y + x:",
        "  #  path                 local derivatives  product",
        "  1  x -> mul -> x*y + x  3 * 1              3",
        "  2  x -> x*y + x         1                  1",
    ]
    bad = run("graph", "x", "--set", "x=1", "--explain", "z", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--explain: 'z' is not a variable of the expression (variables: x)" in bad.stderr
    many = run("graph", "(x+x)" + "*(x+x)" * 9, "--set", "x=1", "--explain", "x", "--max-paths", "10",
               cwd=tmp_path)
    assert many.returncode == 2
    assert "20 paths lead from x to result, more than max_paths=10; pass --max-paths 20 to" in many.stderr


@needs_dot
def test_html_output_is_the_step_page(tmp_path):
    """-o g.html writes the self-contained step-through page."""
    result = run("graph", "x*y + x", "--set", "x=2", "y=3", "-o", "g.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "window.autogradViewer" in page and "<svg" in page


@pytest.mark.skipif(os.name != "posix", reason="fake dot is a shell script")
def test_a_crashing_dot_is_exit_status_1_without_traceback(tmp_path):
    """dot dying of a signal is reported in one line with exit status 1, no file written."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").write_text("#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n", encoding="utf-8")
    (bin_dir / "dot").chmod(0o755)
    result = run("graph", "x*2", "--set", "x=1", "-o", "g.svg", cwd=tmp_path,
                 env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 1
    assert "autograd graph: error: Graphviz's dot was killed by SIGSEGV" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_bad_timeout_and_max_paths(tmp_path):
    """--timeout and --max-paths must be positive."""
    for args, message in ((["--timeout", "0"], "--timeout: expected a positive number"),
                          (["--max-paths", "0"], "--max-paths: expected a positive number")):
        result = run("graph", "x", "--set", "x=1", *args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr


# ------------------------------------------------------------------ --import: the current folder, .py paths
CUBE_OPS = (
    "from autograd import register_op\n"
    "register_op({name!r}, lambda x: x**3, lambda out, x: (3 * x * x,), replace=True)\n"
)


@pytest.fixture
def user_modules(rules_table, monkeypatch):
    """A sys.path without the current folder (as the installed ``autograd`` script has it) and,
    after the test, the rules table restored and the modules the test imported forgotten."""
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", os.getcwd())])
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def graph_in_process(*args: str) -> int:
    """Run ``autograd graph ARGS`` in this process (so sys.path is the test's)."""
    from autograd.cli import main

    return main(["graph", *args])


def test_import_finds_a_module_in_the_current_folder(tmp_path, monkeypatch, capsys, user_modules):
    """--import NAME looks in the current folder first, as python -m does, even when it is not
    on sys.path; sys.path is as before afterwards."""
    (tmp_path / "cwd_ops.py").write_text(CUBE_OPS.format(name="cwd_cube"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path_before = list(sys.path)
    status = graph_in_process("cwd_cube(x) + x", "--set", "x=2", "--import", "cwd_ops")
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines() == ["cwd_cube(x) + x = 10", "gradients:", "  d/dx = 13"]
    assert sys.path == path_before


@pytest.mark.parametrize("spelling", ["./file_ops.py", "file_ops.py", "{tmp}/file_ops.py"])
def test_import_a_py_file_by_its_path(tmp_path, monkeypatch, capsys, user_modules, spelling):
    """--import accepts a path to a .py file, relative or absolute."""
    (tmp_path / "file_ops.py").write_text(CUBE_OPS.format(name="file_cube"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status = graph_in_process("file_cube(x)", "--set", "x=3", "--import", spelling.format(tmp=tmp_path))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines()[2] == "  d/dx = 27"


def test_import_a_py_file_in_another_folder_that_imports_its_neighbour(
    tmp_path, monkeypatch, capsys, user_modules
):
    """A file in a sub-folder is loaded from there, and can import the modules beside it."""
    lib = tmp_path / "lib" / "more"
    lib.mkdir(parents=True)
    (lib / "helper_for_ops.py").write_text("def cube(x):\n    return x**3\n", encoding="utf-8")
    (lib / "nested_ops.py").write_text(
        "from autograd import register_op\nfrom helper_for_ops import cube\n"
        "register_op('nested_cube', cube, lambda out, x: (3 * x * x,), replace=True)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    status = graph_in_process("nested_cube(x) * 2", "--set", "x=1", "--import", "lib/more/nested_ops.py")
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines() == ["nested_cube(x) * 2 = 2", "gradients:", "  d/dx = 6"]
    assert str(lib) not in sys.path


@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("./missing_ops.py", "--import: the file './missing_ops.py' does not exist"),
        ("lib/ops.txt", "--import: expected a path to a .py file, got 'lib/ops.txt'"),
        ("lib/ops", "--import: expected a path to a .py file, got 'lib/ops'"),
        ("folder.py", "--import: 'folder.py' is a folder; expected a .py file"),
        ("./json.py", "--import ./json.py: a module named 'json' is already imported; rename the file"),
        ("./broken_ops.py", "--import ./broken_ops.py: ZeroDivisionError: division by zero"),
        ("./syntax_ops.py", "--import ./syntax_ops.py: SyntaxError: "),
        ("os;rm", "--import: expected a module name like package.module or a path to a .py file"),
    ],
)
def test_import_errors_say_what_was_expected(tmp_path, monkeypatch, capsys, user_modules, spelling, message):
    """A path that is not an existing .py file, or a file that fails, is a usage error (status 2)."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "ops.txt").write_text("", encoding="utf-8")
    (tmp_path / "folder.py").mkdir()
    (tmp_path / "json.py").write_text("", encoding="utf-8")
    (tmp_path / "broken_ops.py").write_text("1 / 0\n", encoding="utf-8")
    (tmp_path / "syntax_ops.py").write_text("def (:\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status = graph_in_process("x", "--set", "x=1", "--import", spelling)
    err = capsys.readouterr().err
    assert status == 2 and message in err, err
    assert "broken_ops" not in sys.modules and "syntax_ops" not in sys.modules


def test_the_installed_script_imports_from_the_current_folder(tmp_path):
    """The ``autograd`` console script (whose sys.path[0] is its bin folder, not the current
    folder) finds a module of the current folder, with no PYTHONPATH."""
    script = Path(sys.executable).with_name("autograd")
    if not script.exists():
        pytest.skip(f"the autograd script is not installed beside {sys.executable}")
    (tmp_path / "script_ops.py").write_text(CUBE_OPS.format(name="script_cube"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(script), "graph", "script_cube(x)", "--set", "x=2", "--import", "script_ops"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["script_cube(x) = 8", "gradients:", "  d/dx = 12"]
