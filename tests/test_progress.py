"""Tests for autograd._progress: tqdm's bar, plain lines throttled on a clock, or nothing; and
the GPT training loop's use of it."""

from __future__ import annotations

import io
import sys

import pytest

from autograd import _progress
from autograd._progress import PLAIN_INTERVAL, Progress, check_setting
from autograd.nn import GPT
from autograd.text import CharTokenizer, train


class Clock:
    """A clock that moves ``tick`` seconds each time it is read."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = -tick, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def _plain_steps(total: int, tick: float, **kwargs) -> list[int]:
    out = io.StringIO()
    progress = Progress(total, "plain", "run", out, clock=Clock(tick), **kwargs)
    for step in range(1, total + 1):
        progress.update(step, "loss 1.0")
    progress.close()
    return [int(line.split()[2].split("/")[0]) for line in out.getvalue().splitlines()]


def test_plain_lines_are_the_first_and_last_step_and_one_per_interval():
    """1,000 steps of 1/128 s: a line at 0 s, 2 s, 4 s, 6 s and the last step, not 1,000 lines
    nor only the end; fast short runs show their first and last step, a single step once."""
    assert PLAIN_INTERVAL == 2.0
    assert _plain_steps(1000, 1 / 128) == [1, 257, 513, 769, 1000]
    assert _plain_steps(50, 0.001) == [1, 50]
    assert _plain_steps(1, 5.0) == [1]
    assert _plain_steps(4, 3.0) == [1, 2, 3, 4]  # slower than the interval: every step
    assert _plain_steps(10, 1.0, interval=5.0) == [1, 6, 10]


def test_plain_line_names_the_count_and_never_a_bar():
    """A plain line is 'DESCRIPTION: step N/TOTAL  TEXT'; the postfix is the bar's only."""
    out = io.StringIO()
    progress = Progress(3, "plain", "demo", out, clock=Clock(0.0))
    progress.update(1, "loss 0.5000", {"loss": "0.5000"})
    progress.update(3)
    assert out.getvalue() == "demo: step 1/3  loss 0.5000\ndemo: step 3/3\n"


def test_true_draws_tqdm_and_falls_back_to_plain_without_it(monkeypatch):
    """True draws a tqdm bar when tqdm is installed, plain lines when it is not; False nothing."""
    pytest.importorskip("tqdm")
    out = io.StringIO()
    bar = Progress(2, True, "unit", out)
    bar.update(1, "loss 1", {"loss": "1"})
    bar.update(2, "loss 1", {"loss": "1"})
    bar.close()
    assert "2/2" in out.getvalue() and "loss=1" in out.getvalue() and "step 1/2" not in out.getvalue()
    monkeypatch.setitem(sys.modules, "tqdm", None)
    out = io.StringIO()
    plain = Progress(2, True, "unit", out, clock=Clock(0.0))
    plain.update(1, "loss 1")
    plain.update(2, "loss 1")
    assert out.getvalue().splitlines() == ["unit: step 1/2  loss 1", "unit: step 2/2  loss 1"]
    out = io.StringIO()
    nothing = Progress(2, False, "unit", out)
    nothing.update(1, "loss 1")
    assert out.getvalue() == ""


@pytest.mark.parametrize("bad", ["bar", 1, None, "PLAIN"])
def test_check_setting_names_what_it_takes(bad):
    """Anything but True, False or "plain" is a TypeError showing what was received."""
    with pytest.raises(TypeError, match=r"train: progress must be True, False or 'plain', got "):
        check_setting(bad, "train")
    assert check_setting("plain", "train") == "plain" and check_setting(False, "x") is False


def test_gpt_training_prints_throttled_plain_steps(monkeypatch):
    """text.train(progress="plain") prints step lines with the loss and tokens per second, throttled."""
    monkeypatch.setattr(_progress, "monotonic", Clock(1.0))
    tok = CharTokenizer.from_documents(["ann", "bob"])
    model = GPT(tok.vocab_size, 4, 1, 8, 2, seed=0)
    out = io.StringIO()
    train(model, [tok.encode("ann"), tok.encode("bob")], steps=7, progress="plain", stream=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[2] for line in lines] == ["1/7", "3/7", "5/7", "7/7"]
    assert all("loss" in line and "tokens/s" in line for line in lines)
