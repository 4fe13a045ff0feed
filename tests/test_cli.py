"""Tests for autograd.cli: ``main``, its parser and its handling of every command's usage errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograd import __version__, cli, errors
from autograd.cli import build_parser, main
from autograd.nn import MLP
from tests.support import autograd_cli, write_csv


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


def test_parser_has_every_command_and_usage_error_is_the_librarys():
    """build_parser offers graph, demo, train, predict and gpt; cli.UsageError is autograd.errors'."""
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert list(commands.choices) == ["graph", "demo", "train", "predict", "gpt"]
    assert cli.UsageError is errors.UsageError and cli.UsageError.__module__ == "autograd.cli"
    assert main is cli.main


def test_python_dash_m_autograd_is_main(tmp_path):
    """python -m autograd runs the same main: its --help lists the five commands."""
    result = autograd_cli("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    listed = [line.split()[0] for line in lines if line[:4] == "    " and line[4:5] != " "]
    assert listed == ["graph", "demo", "train", "predict", "gpt"]


def _bad_files(tmp: Path) -> dict[str, Path]:
    bad_csv = tmp / "bad.csv"
    bad_csv.write_text("1,2,0\n3,oops,1\n", encoding="utf-8")
    three = write_csv(tmp / "three.csv", [[0.0, 0.0, 0], [1.0, 0.0, 1], [0.0, 1.0, 2], [1.0, 1.0, 2]])
    model = MLP(2, [2, 1], seed=0).save(
        tmp / "model.json", metadata={"task": {"loss": "hinge", "classes": [0, 1]}}
    )
    (tmp / "garbage.json").write_text('{"format": "autograd-model/1", "model": ', encoding="utf-8")
    wide = write_csv(tmp / "wide.csv", [[1.0, 2.0, 3.0, 4.0]], header=None)
    text = tmp / "data.txt"
    text.write_text("1,2,0\n", encoding="utf-8")
    return {
        "bad": bad_csv,
        "three": three,
        "model": model,
        "garbage": tmp / "garbage.json",
        "wide": wide,
        "text": text,
        "missing": tmp / "missing.csv",
        "nofolder": tmp / "no" / "m.json",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "16,x"], "argument --hidden: expected comma-separated positive layer sizes"),
        (["train", "--lr", "-1"], "argument --lr: expected a number in (0, inf), got '-1'"),
        (["train", "--lr", "nan"], "argument --lr"),
        (["train", "--epochs", "0"], "argument --epochs: expected a positive integer, got '0'"),
        (["train", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["train", "--data", "{missing}"], "cannot read"),
        (["train", "--data", "{bad}"], "line 2, column 2: expected a number, got 'oops'"),
        (["train", "--data", "{text}"], "expected moons, circles, digits or a .csv file"),
        (["train", "--data", "{three}", "--loss", "hinge"], "the hinge loss is for two classes"),
        (["train", "--save", "{nofolder}"], "--save: the folder"),
        (["train", "--plot", "{model}"], "--plot: expected a .png file name"),
        (["predict", "{garbage}", "{bad}"], "not a model file (invalid JSON"),
        (["predict", "{missing}", "{bad}"], "cannot read the model"),
        (["predict", "{model}", "{wide}"], "the model takes 2 features, so expected 2 columns (or 3"),
        (["predict", "{model}", "{bad}"], "line 2, column 2"),
        (["demo", "--steps", "0"], "argument --steps: expected a positive integer"),
        (["demo", "--out", "{model}"], "--out: "),
        (["train", "--loss", "bce", "--compile"], "--compile: supports the hinge, mse and cross-entropy"),
        (["train", "--data", "{three}", "--loss", "bce"], "use --loss cross-entropy for more classes"),
    ],
)
def test_user_mistakes_exit_with_status_2_and_a_clear_message(tmp_path, argv, message):
    """Bad arguments and bad files print `autograd CMD: error: ...` and exit 2, writing nothing."""
    files = _bad_files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    model_bytes = files["model"].read_bytes()
    result = autograd_cli(*[a.format(**{k: str(v) for k, v in files.items()}) for a in argv], cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"autograd {argv[0]}: error: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert files["model"].read_bytes() == model_bytes


@pytest.mark.parametrize(
    ("blocked", "argv", "message"),
    [
        ("sklearn", ["train", "--data", "digits"], "pip install 'scalar-autograd[datasets]'"),
    ],
)
def test_missing_extras_are_named_on_the_command_line(tmp_path, blocked, argv, message):
    """Without scikit-learn the digits data set cannot be had: the command names the extra and
    exits 2 (a missing matplotlib only skips pictures: tests/test_cli_demo.py)."""
    code = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None\n"
        "from autograd.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written
