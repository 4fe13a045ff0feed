"""Writing files whole: the one place the package writes to disk (models, pictures, plots)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(target: Path, data: bytes, what: str = "save") -> None:
    """Write ``data`` to a new file beside ``target``, flush it to disk, then rename it over
    ``target``: readers see the old file or the new one, never a part, and a failure leaves
    the old file as it was. ``what`` names the caller in the error for a missing folder."""
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{what}: the folder {str(folder)!r:.200} does not exist")
    tmp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never write through an existing file or link; 0o666 lets the umask decide.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
