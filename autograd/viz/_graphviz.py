"""Running Graphviz's ``dot``: a time limit, a larger stack, killed with its caller, one error.

Every picture the package draws goes through :func:`run_dot`. It starts ``dot`` itself
(not through the ``graphviz`` package) so that it can

- give ``dot`` a larger stack: ``dot`` recurses over long chains and crashes with a
  segmentation fault on graphs such as ``x*x*...*x`` (300 factors) under the usual 8 MiB;
- stop it after ``timeout`` seconds (a large or pathological graph can run for minutes);
- have the kernel kill it when the calling thread dies (Linux ``PR_SET_PDEATHSIG``), so a
  killed Python process leaves no ``dot`` running;
- turn every failure (crash, non-zero exit, time limit, unable to start) into
  :class:`GraphvizError`, and a missing program into :class:`GraphvizNotFoundError`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable

from autograd.errors import GraphvizError, GraphvizNotFoundError

__all__ = ["GraphvizError", "DOT_TIMEOUT", "INSTALL_HINT", "run_dot"]

DOT_TIMEOUT = 60.0
"""Seconds ``dot`` may run before it is stopped and :class:`GraphvizError` raised."""

_STACK_BYTES = 1 << 30  # dot's stack: 1 GiB (or the hard limit if lower); it is only reserved

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH; it is needed for SVG, PNG, PDF and HTML "
    "(DOT text works without it). Install Graphviz: `apt-get install graphviz` on Debian or "
    "Ubuntu, `brew install graphviz` on macOS, `conda install graphviz`, or see "
    "https://graphviz.org/download/"
)
"""What a missing ``dot`` program is reported with: where to get Graphviz."""


def _child_setup(parent: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` for dot: a larger stack and death with its parent (POSIX only)."""
    if os.name != "posix":
        return None
    import resource

    prctl = None
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl  # loaded here, not in the child
        except (OSError, AttributeError):
            prctl = None

    def setup() -> None:
        if prctl is not None:
            prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the parent thread dies
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
            want = _STACK_BYTES if hard == resource.RLIM_INFINITY else min(_STACK_BYTES, hard)
            if soft != resource.RLIM_INFINITY and soft < want:
                resource.setrlimit(resource.RLIMIT_STACK, (want, hard))
        except (ValueError, OSError):
            pass

    return setup


def _stderr_excerpt(err: bytes) -> str:
    text = err.decode("utf-8", "replace").strip()
    lines = text.splitlines()[:3]
    excerpt = "; ".join(line[:200] for line in lines)
    return f": {excerpt}" if excerpt else ""


def run_dot(source: str, fmt: str, timeout: float | None = DOT_TIMEOUT) -> bytes:
    """Lay out and draw DOT text with ``dot -T<fmt>``; the picture's bytes.

    Raises GraphvizNotFoundError when ``dot`` is not on PATH, GraphvizError when it cannot be
    started, crashes, exits with an error, or runs longer than ``timeout`` seconds (None: no
    limit). ``dot`` is killed when it times out, when this call is interrupted, and (on
    Linux) when the calling process dies.
    """
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not timeout > 0):
        raise ValueError(f"timeout: expected a positive number of seconds or None, got {timeout!r:.80}")
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    try:
        proc = subprocess.Popen(
            [exe, f"-T{fmt}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_child_setup(os.getpid()),
        )
    except OSError as error:
        raise GraphvizError(f"Graphviz's dot ({exe}) could not be started: {error}") from None
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise GraphvizError(
            f"Graphviz's dot did not finish within {timeout:g} s and was stopped; the graph is too "
            "large or too tangled to lay out in time: draw a part of it (around=node, depth=k), "
            "group and collapse it (group_by='module', collapse=True), or allow more time (timeout=)"
        ) from None
    except BaseException:  # KeyboardInterrupt and the like: never leave dot running
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        code = proc.returncode
        if code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        raise GraphvizError(f"Graphviz's dot {how}{_stderr_excerpt(err)}")
    return out
