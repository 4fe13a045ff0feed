"""Writing files whole: the one place the package writes to disk (models, pictures, plots).

``write_atomically`` writes to a temporary file beside the target and renames it over the
target, so readers see the old file or the new one, never a part. The temporary file is
named ``.<target name>.<pid>-<random>.autograd-tmp``: if a process is killed between
creating and renaming it (SIGKILL, a power cut), the next save of the same target removes
the ones whose process is gone. A target that exists keeps its permission bits.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_atomically", "temporary_name", "remove_stale"]

_SUFFIX = ".autograd-tmp"


def temporary_name(target: Path) -> Path:
    """A new temporary file name beside ``target``, carrying this process's id."""
    return target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}{_SUFFIX}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or we cannot tell: keep its file
    return True


def remove_stale(target: Path) -> list[Path]:
    """Remove the temporary files that earlier saves of ``target`` left behind (their process
    is gone); returns the paths removed. Files of running processes are left alone."""
    prefix = f".{target.name}."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_SUFFIX)):
            continue
        pid_text = name[len(prefix) : -len(_SUFFIX)].partition("-")[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def write_atomically(target: Path, data: bytes, what: str = "save") -> None:
    """Write ``data`` to a new file beside ``target``, flush it to disk, then rename it over
    ``target``: readers see the old file or the new one, never a part, and a failure leaves
    the old file as it was. An existing target keeps its permission bits (a 0600 file stays
    0600); a new one gets the usual ones (0666 less the umask). ``what`` names the caller in
    the errors for a missing folder and for a target that is a folder."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{what}: the folder {str(folder)!r:.200} does not exist")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        mode = None
    else:
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(f"{what}: {str(target)!r:.200} is a folder; expected a file name")
        mode = stat.S_IMODE(info.st_mode)
    remove_stale(target)
    tmp = temporary_name(target)
    # O_EXCL: never write through an existing file or link; 0o666 lets the umask decide.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        if mode is not None:
            try:
                os.fchmod(fd, mode)  # before any data is in it
            except (AttributeError, NotImplementedError):  # no fchmod (Windows)
                os.chmod(tmp, mode)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
