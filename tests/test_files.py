"""autograd._files: whole-file writes that keep the target's mode and clean up after a killed save."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd._files import remove_stale, temporary_name, write_atomically

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saving_over_a_private_file_keeps_it_private(tmp_path):
    """Saving over a 0600 file leaves it 0600 (was 0644), and a new file follows the umask."""
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        write_atomically(fresh, b"x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    finally:
        os.umask(old_umask)


def test_a_folder_as_target_is_a_clear_error(tmp_path):
    """A target that is a folder is refused before anything is written."""
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError, match=r"render: '.*out' is a folder; expected a file name"):
        write_atomically(tmp_path / "out", b"x", "render")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(FileNotFoundError, match=r"save: the folder .* does not exist"):
        write_atomically(tmp_path / "nope" / "m.json", b"x")


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_next_save_removes_stale_temporary_files(tmp_path):
    """Temporary files of dead processes are removed by the next save of the same file only."""
    target = tmp_path / "m.json"
    stale = tmp_path / f".m.json.{dead_pid()}-abcdef012345.autograd-tmp"
    stale.write_bytes(b"half")
    live = tmp_path / f".m.json.{os.getpid()}-0123456789ab.autograd-tmp"  # a save in progress here
    live.write_bytes(b"busy")
    other = tmp_path / f".other.json.{dead_pid()}-abcdef012345.autograd-tmp"
    other.write_bytes(b"not ours")
    write_atomically(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, "m.json"])
    assert remove_stale(tmp_path / "other.json") == [other]
    assert temporary_name(target).name.startswith(f".m.json.{os.getpid()}-")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_during_save_then_save_again(tmp_path):
    """A save killed with SIGKILL before its rename leaves a temporary file; the next save removes it."""
    target = tmp_path / "m.json"
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "import autograd._files as f\n"
        "real = os.replace\n"
        "def stuck(a, b):\n"
        "    print('written', flush=True); time.sleep(60)\n"
        "os.replace = stuck\n"
        "f.write_atomically(Path(sys.argv[1]), b'x' * 1000)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None and child.stdout.readline() == "written\n"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].endswith(".autograd-tmp")  # what SIGKILL leaves
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    write_atomically(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
