"""The writer's lock of a run folder: one process writes a run folder at a time.

The lock is the file `<run>/.lock` with a POSIX record lock (`fcntl.lockf`) on
it, held by the process that writes the folder, from its creation or resume
until it finishes or stops. The kernel drops the lock when the process dies
however it dies, so a lock left by a killed process is stale and the next
writer takes it over; the file names the holder (pid, host, start time,
command) for the message a refused writer prints. POSIX locks belong to the
process, so worker processes forked by the writer do not hold it. (On
Windows, where there is no fcntl, a byte of the file is locked with
msvcrt instead; this path is not exercised by the test suite.)

Within one process a folder's lock is taken once (`acquire` returns the
held lock again): `runs.start` takes it, `runs.run` releases it at the end.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from staffsim.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK = ".lock"
#: Windows: the byte that is locked (beyond the holder's description, which others must read).
_WINDOWS_BYTE = 1 << 20


def _try_lock(fd: int, exclusive: bool = True) -> bool:
    """Lock the open lock file without waiting; False if another process holds it."""
    try:
        if fcntl is not None:
            fcntl.lockf(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN, errno.EDEADLK):
            return False
        raise
    return True

#: The locks this process holds, by the real path of their run folder.
_HELD: dict[str, "RunLock"] = {}


@dataclass
class RunLock:
    """A held lock: the folder, the open lock file, and the holder a stale lock named (if it was stale)."""

    run: Path
    fd: int
    stale: dict[str, Any] | None = None

    def moved(self, run: Path) -> None:
        """The folder was renamed (set up under another name, then moved into place)."""
        _HELD.pop(_key(self.run), None)
        self.run = run
        _HELD[_key(run)] = self

    def release(self) -> None:
        """Remove the lock file and let go (the next writer may start at once)."""
        if _HELD.get(_key(self.run)) is self:
            del _HELD[_key(self.run)]
        if self.fd < 0:
            return
        if fcntl is None:  # pragma: no cover - Windows cannot remove an open file
            os.close(self.fd)
        try:
            os.unlink(self.run / LOCK)
        except OSError:
            pass
        if fcntl is not None:
            os.close(self.fd)
        self.fd = -1


def _key(run: Path) -> str:
    return os.path.realpath(run)


def holder_text(info: dict[str, Any] | None) -> str:
    """'pid 123 on host, started 2025-01-01T10:00:00+01:00 (staffsim sweep ...)' from a lock file's content."""
    if not info:
        return "a process that did not say who it is"
    text = f"pid {info.get('pid', '?')}"
    if info.get("host") and info.get("host") != socket.gethostname():
        text += f" on {info['host']}"
    text += f", started {info.get('started', '?')}"
    if info.get("command"):
        text += f" ({info['command']})"
    return text


def _read(fd: int) -> dict[str, Any] | None:
    """The holder's description written in the lock file (None if there is none)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 65536)
        info = json.loads(raw) if raw.strip() else None
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def held_by(run: Path) -> dict[str, Any] | None:
    """Who holds the lock of `run` now (None when nobody does). Does not take it."""
    if _key(run) in _HELD:
        return _me()
    try:
        fd = os.open(run / LOCK, os.O_RDONLY)
    except OSError:
        return None
    try:
        return None if _try_lock(fd, exclusive=False) else (_read(fd) or {})
    finally:
        os.close(fd)  # (releases the shared lock taken for the test)


def _me() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["staffsim", *sys.argv[1:]]) if sys.argv else ""}


def acquire(run: Path) -> RunLock:
    """Take the lock of `run` (a folder that exists); `InputError` naming the holder if another process has it.

    A lock file whose process is gone is taken over (`RunLock.stale` says whose it was)."""
    held = _HELD.get(_key(run))
    if held is not None:
        return held
    path = run / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OSError(exc.errno, f"cannot create the lock file ({exc.strerror})", str(path)) from None
        try:
            locked = _try_lock(fd)
        except OSError:
            os.close(fd)
            raise
        if not locked:
            info = _read(fd)
            os.close(fd)
            raise InputError(str(run), [f"another staffsim process is writing this run folder: {holder_text(info)}; "
                                        "wait for it to finish, or stop it and resume"])
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder released (and removed) the file between our open and lock: try again
    stale = _read(fd)
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(_me()).encode())
    lock = RunLock(run, fd, stale)
    _HELD[_key(run)] = lock
    return lock


def try_acquire(run: Path) -> RunLock | None:
    """The lock of `run` if nobody holds it, else None (never raises for a held lock)."""
    try:
        return acquire(run)
    except InputError:
        return None
