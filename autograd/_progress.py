"""Progress of a training loop: tqdm's bar, or plain lines of text, or nothing.

``progress=True`` draws tqdm's bar (the ``demo`` extra) and falls back to plain lines when
tqdm is not installed; ``progress="plain"`` always prints plain lines; ``progress=False``
prints nothing. A plain line names what its number counts (``step 12/200``) and is printed
for the first step, the last step, and otherwise at most once every ``PLAIN_INTERVAL``
seconds (by ``time.monotonic``), so a long run shows a line every few seconds and a short
one two lines, whatever the number of steps.

>>> import io
>>> clock = iter([0.0, 0.5, 2.5, 3.0, 3.1]).__next__
>>> out = io.StringIO()
>>> progress = Progress(5, "plain", "demo", out, clock=clock)
>>> for step in range(1, 6):
...     progress.update(step, f"loss {1 / step:.2f}")
>>> print(out.getvalue(), end="")
demo: step 1/5  loss 1.00
demo: step 3/5  loss 0.33
demo: step 5/5  loss 0.20
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, TextIO

__all__ = ["PLAIN_INTERVAL", "ProgressSetting", "Progress", "check_setting"]

PLAIN_INTERVAL = 2.0
"""Seconds between two plain progress lines (the first and last step are always printed)."""

ProgressSetting = bool | Literal["plain"]

monotonic = time.monotonic  # the plain lines' clock (tests replace it)


def check_setting(progress: object, what: str) -> ProgressSetting:
    """``progress`` if it is True, False or "plain"; a TypeError naming ``what`` otherwise."""
    if progress is True or progress is False or progress == "plain":
        return progress
    raise TypeError(f"{what}: progress must be True, False or 'plain', got {progress!r:.80}")


class Progress:
    """Progress over ``total`` steps: a tqdm bar (``enabled=True`` and tqdm installed), plain
    lines (``"plain"``, or True without tqdm), or nothing (False).

    ``update(step, text, postfix)`` reports that ``step`` steps (1-based) are done: the bar
    advances and shows ``postfix``; a plain line shows ``text`` after the step count.
    """

    def __init__(
        self,
        total: int,
        enabled: ProgressSetting,
        description: str,
        stream: TextIO,
        *,
        clock: Callable[[], float] | None = None,
        interval: float = PLAIN_INTERVAL,
    ) -> None:
        self.total = total
        self.description = description
        self.stream = stream
        self.clock = clock if clock is not None else monotonic
        self.interval = interval
        self.bar: Any = None
        self.plain = enabled == "plain"
        self.last: float | None = None  # when the last plain line was printed
        if enabled is True:
            try:
                from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
            except ImportError:
                self.plain = True
            else:
                self.bar = tqdm(
                    total=total, desc=description, unit="step", file=stream, leave=True, dynamic_ncols=True
                )

    def update(self, step: int, text: str = "", postfix: Mapping[str, str] | None = None) -> None:
        if self.bar is not None:
            if postfix:
                self.bar.set_postfix(dict(postfix), refresh=False)
            self.bar.update(1)
            return
        if not self.plain:
            return
        now = self.clock()
        if step in (1, self.total) or self.last is None or now - self.last >= self.interval:
            self.last = now
            line = f"{self.description}: step {step}/{self.total}"
            print(f"{line}  {text}" if text else line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
