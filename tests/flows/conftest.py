"""Fixtures for the flow tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.events.worker import EventsWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.server import ensure_server, stop_server
from tests.flows.world import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A fresh store and in-memory fakes behind a chain with a hand-moved clock."""
    return build_world(tmp_path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One embedded server for the session, started the way leadflow starts it (~7 s)."""
    data_dir: Path = tmp_path_factory.mktemp("prefect-data")
    url = ensure_server(data_dir, _free_port())
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield url
        # Deliver queued events before the server goes away.
        EventsWorker.drain_all()
    assert stop_server(data_dir)
