"""Fixtures for the flow tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flows.world import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A fresh store and in-memory fakes behind a chain with a hand-moved clock."""
    return build_world(tmp_path)
