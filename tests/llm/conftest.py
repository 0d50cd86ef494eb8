"""Fixtures: one fake OpenAI server per session, reset per test, and an extractor on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openai import OpenAI

from connectors.llm import LlmExtractor, build_client
from leadflow.settings import LLMSettings, ModelPrice
from leadflow.store import Store
from tests.llm.fake_openai_server import FakeOpenAI

API_KEY = "sk-test-not-a-real-key"


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake_openai(_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The running fake server with an empty script."""
    _server.reset()
    yield _server
    _server.reset()


def llm_settings(server: FakeOpenAI, **changes: Any) -> LLMSettings:
    """Settings pointing at the fake server, with a price for its resolved model."""
    values: dict[str, Any] = {
        "base_url": server.base_url, "model": "test-model", "api_key": API_KEY,
        "timeout_s": 5.0, "max_retries": 3,
        "prices": {"test-model-2030-01-01": ModelPrice(input_per_1k="0.15",
                                                        output_per_1k="0.60")},
    }
    return LLMSettings(**(values | changes))


class Sleeps(list[float]):
    """A sleep function that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    """The delays the extractor asked to sleep, in order."""
    return Sleeps()


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Store]:
    """One SQLite store (the LLM code does not depend on the database kind)."""
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    yield store
    store.close()


@pytest.fixture
def make_extractor(fake_openai: FakeOpenAI, sqlite_store: Store, sleeps: Sleeps):
    """Build an LlmExtractor on the fake server: `make_extractor(**settings_changes)`."""
    def make(*, use_cache: bool = True, **changes: Any) -> LlmExtractor:
        settings = llm_settings(fake_openai, **changes)
        client: OpenAI = build_client(settings)
        return LlmExtractor(client, settings, sqlite_store, use_cache=use_cache, sleep=sleeps)

    return make
