"""Stopping a run cleanly: stop signals in the writing process, and worker processes that never outlive it.

Within `stop_signals()` SIGINT, SIGTERM and SIGHUP raise `Stop` (a
KeyboardInterrupt) in the main thread, so the runner stops where it is, keeps
the parts already written and marks the run folder interrupted. Worker
processes ignore those signals (`worker_init`: the writer decides and kills
them, `kill_workers`) and, on Linux, are killed by the kernel when the writer
dies, however it dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Iterator

#: The signals that stop a run cleanly (the folder is marked interrupted and can be resumed).
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


class Stop(KeyboardInterrupt):
    """A stop signal arrived (SIGTERM, SIGHUP, or SIGINT): stop as Ctrl-C does."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, _frame: Any) -> None:
    raise Stop(signum)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """While inside, SIGINT, SIGTERM and SIGHUP raise `Stop` (main thread only; signals set to be ignored stay so)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {}
    for s in STOP_SIGNALS:
        if signal.getsignal(s) is not signal.SIG_IGN:
            old[s] = signal.signal(s, _raise_stop)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def worker_init(parent: int) -> None:
    """In each worker process: leave stop signals to the writer, and die with it (Linux: PR_SET_PDEATHSIG)."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # the writer died before the line above
        os._exit(1)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes now (their chunks are redone on resume; they hold nothing else)."""
    kill = getattr(pool, "kill_workers", None)  # Python >= 3.14
    if kill is not None:
        kill()
        return
    for p in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            p.kill()
