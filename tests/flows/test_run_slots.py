"""The flow-run cap: never more holders than slots, across threads and processes alike."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.run_slots import RunSlots


def test_every_slot_can_be_held_and_one_more_waits(tmp_path: Path) -> None:
    slots = RunSlots(tmp_path, count=2, poll_s=0.01)
    first, second = slots.acquire(timeout_s=5), slots.acquire(timeout_s=5)
    assert slots.try_acquire() is None
    RunSlots.release(first)
    third = slots.try_acquire()
    assert third is not None
    RunSlots.release(second)
    RunSlots.release(third)


def test_no_more_runs_than_slots_hold_one_at_once(tmp_path: Path) -> None:
    slots = RunSlots(tmp_path, count=2, poll_s=0.01)
    inside = 0
    most = 0
    lock = threading.Lock()

    def run() -> None:
        nonlocal inside, most
        handle = slots.acquire(timeout_s=30)
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        slots.release(handle)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= most <= 2 and inside == 0


def test_a_slot_held_by_another_process_is_not_handed_out(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from flows.run_slots import RunSlots\n"
         f"h = RunSlots(Path({str(tmp_path)!r}), 1).acquire()\n"
         "print('held', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        slots = RunSlots(tmp_path, 1, poll_s=0.01)
        assert slots.try_acquire() is None
        with pytest.raises(TimeoutError):
            slots.acquire(timeout_s=0.1)
    finally:
        holder.kill()  # a dead holder's lock is released by the kernel
        holder.wait()
    handle = RunSlots(tmp_path, 1).acquire(timeout_s=5)
    RunSlots.release(handle)
