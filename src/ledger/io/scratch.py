"""Temporary files: a private folder, names carrying the process id, leftovers of dead runs swept.

A run killed mid-write (power cut, Task Manager, SIGKILL) cannot clean up after itself. Its
temporary files carry residents' names and phone numbers, so they live in a folder only this
user can open (mode 0700), and each name carries the writing process's id: the next run
removes those whose process is gone. Temporary copies of a ledger must sit beside it (an
atomic replace only works within one folder); they are hidden (`.~ledger_<pid>_…`) and swept
the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import tempfile
from pathlib import Path

_PID_NAME = re.compile(r"^(?:\.~ledger_|\.~export_|\.~backup_|\.~eml_|pkg_)(\d+)(?:@([A-Za-z0-9-]*))?_")
# A ledger folder may be shared by several computers: a process id only means something on the
# computer that wrote it, so names carry the computer's name and only its own leftovers are swept.
HOST = re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:24]


def tag(kind: str) -> str:
    """The prefix of a temporary name of this process: `<kind><pid>@<computer>_`."""
    return f"{kind}{os.getpid()}@{HOST}_"


def private_dir() -> Path:
    """`<temp>/ledger-<user id>`, mode 0700, created if needed and checked to be ours."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"ledger-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
        if stat.S_ISLNK(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != uid):
            raise PermissionError(folder)  # someone else's folder or a link: not private
        if stat.S_IMODE(st.st_mode) != 0o700:
            os.chmod(folder, 0o700)
    except OSError:
        return Path(tempfile.mkdtemp(prefix="ledger-"))  # 0700 by construction
    sweep(folder)
    return folder


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":
        # Windows: os.kill would end the process, not probe it; leftovers there are kept (a limit)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (someone else's) or cannot tell: leave it
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files and folders in `folder` left by processes that no longer run."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PID_NAME.match(entry.name)
        if not m or (m.group(2) is not None and m.group(2) != HOST) or _alive(int(m.group(1))):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed
