"""A cap on concurrent flow runs across processes, for the embedded SQLite Prefect server.

Several writers (a flow run's task runs, the server ingesting their events) contend for one
SQLite file; past a few concurrent flow runs the server answers "database is locked" (DESIGN.md,
Prefect facts). Each slot is a lock file: `flock` is released by the kernel when a process dies,
so a crashed run never leaks its slot.
"""

from __future__ import annotations

import asyncio
import fcntl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class RunSlots:
    """`count` slots in `folder`; hold one for the length of a flow run."""

    folder: Path
    count: int
    poll_s: float = 0.2

    def try_acquire(self) -> IO[str] | None:
        """A held slot's open lock file, or None when every slot is taken."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for index in range(self.count):
            handle = (self.folder / f"slot-{index}.lock").open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return handle
        return None

    def acquire(self, timeout_s: float | None = None) -> IO[str]:
        """Wait for a free slot (TimeoutError after `timeout_s`)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while (handle := self.try_acquire()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"no free flow-run slot in {self.folder} "
                                   f"after {timeout_s:.0f} s")
            time.sleep(self.poll_s)
        return handle

    @staticmethod
    def release(handle: IO[str]) -> None:
        """Give a slot back."""
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold a slot inside an async flow without blocking its event loop while waiting."""
        handle = await asyncio.to_thread(self.acquire)
        try:
            yield
        finally:
            self.release(handle)
