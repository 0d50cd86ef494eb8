"""Two writers racing for one idempotency key end with one row; the network guard holds."""

from __future__ import annotations

import socket
import threading

import pytest

from leadflow.store import Store
from leadflow.store import submissions as subs


def test_racing_redeliveries_map_to_one_submission(store: Store) -> None:
    results: list[tuple[int, bool]] = []

    def deliver() -> None:
        with store.session() as session:
            row, created = subs.add_submission(session, "web", "same", "{}")
            results.append((row.id, created))

    with store.session() as session:
        first, _ = subs.add_submission(session, "web", "same", "{}")
        racer = threading.Thread(target=deliver)
        racer.start()
        racer.join(timeout=0.5)  # blocked on our uncommitted row (or SQLite's write lock)
    racer.join(timeout=30)
    assert results == [(first.id, False)]


def test_non_loopback_connections_fail_loudly() -> None:
    with pytest.raises(RuntimeError, match="network connection"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with socket.socket() as sock, pytest.raises(RuntimeError, match="network connection"):
        sock.connect(("example.com", 443))
