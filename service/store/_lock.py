"""One SQLite writer at a time, queued in the kernel rather than in SQLite's busy loop.

SQLite's busy handler sleeps and retries (1, 2, 5, 10 ... 100 ms), so writers that collide wait
far longer than the few hundred microseconds a write takes. Threads of one process queue on a
lock; processes on one database file queue on ``flock`` of a file beside it, which wakes the
next writer the moment the last one is done.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: threads still queue, SQLite waits
    fcntl = None  # type: ignore[assignment]


class WriteLock:
    """A lock held around each write transaction on one SQLite file."""

    def __init__(self, path: str | None) -> None:
        self._threads = threading.Lock()
        self._path = path if fcntl is not None else None
        self._fd = -1
        self._pid = 0

    def _handle(self) -> int:
        """Return this process's own descriptor of the lock file (never one shared by fork)."""
        if self._fd < 0 or self._pid != os.getpid():
            assert self._path is not None
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        """Close this process's descriptor of the lock file."""
        if self._fd >= 0 and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = -1

    def __del__(self) -> None:
        self.close()

    def __enter__(self) -> WriteLock:
        self._threads.acquire()
        if self._path is not None:
            try:
                fcntl.flock(self._handle(), fcntl.LOCK_EX)
            except BaseException:
                self._threads.release()
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if self._path is not None and self._fd >= 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()
