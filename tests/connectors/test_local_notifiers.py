"""ConsoleNotifier and JsonlNotifier pass the Notifier contract; their output is readable."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from connectors.notifiers import ConsoleNotifier, JsonlNotifier
from leadflow.store import Store
from leadflow.store import notifications as outbox
from tests.connectors.contracts import NotifierContract
from tests.connectors.contracts.notifier import Deliveries, notification


class CountingConsole(Console):
    """A console that writes to memory and counts print calls (one per delivery)."""

    def __init__(self) -> None:
        super().__init__(file=io.StringIO(), width=100, color_system=None)
        self.prints = 0

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.prints += 1
        super().print(*objects, **kwargs)

    @property
    def output(self) -> str:
        assert isinstance(self.file, io.StringIO)
        return self.file.getvalue()


class TestConsoleNotifier(NotifierContract):
    @pytest.fixture
    def console(self) -> CountingConsole:
        return CountingConsole()

    @pytest.fixture
    def notifier(self, store: Store, console: CountingConsole) -> ConsoleNotifier:
        return ConsoleNotifier(store, console)

    @pytest.fixture
    def deliveries(self, console: CountingConsole) -> Deliveries:
        return lambda: console.prints


class TestJsonlNotifier(NotifierContract):
    @pytest.fixture
    def notifier(self, store: Store, tmp_path: Path) -> JsonlNotifier:
        return JsonlNotifier(tmp_path / "out" / "notifications.jsonl", store)

    @pytest.fixture
    def deliveries(self, notifier: JsonlNotifier) -> Deliveries:
        return lambda: len(notifier.path.read_text(encoding="utf-8").splitlines())


def test_console_shows_the_lead_score_and_fields(store: Store) -> None:
    console = CountingConsole()
    ConsoleNotifier(store, console).notify(notification(link="https://crm/1"), idempotency_key="k")
    for expected in ("New lead: Åsa Öberg — score 80", "Score 80/100 (Good)", "$100,000",
                     "≤ 6 months", "https://crm/1", "to rep-c"):  # fmt: skip
        assert expected in console.output


def test_jsonl_lines_are_utf8_json_with_the_receipt(store: Store, tmp_path: Path) -> None:
    notifier = JsonlNotifier(tmp_path / "n.jsonl", store)
    receipt = notifier.notify(notification(), idempotency_key="lead-1:notify")
    (line,) = notifier.path.read_text(encoding="utf-8").splitlines()
    assert "Åsa Öberg" in line
    data = json.loads(line)
    assert data["id"] == receipt.id and data["idempotency_key"] == "lead-1:notify"
    assert data["notification"]["fields"] == {"Budget": "$100,000", "Timeline": "≤ 6 months"}


def test_sends_are_recorded_in_the_store(store: Store) -> None:
    ConsoleNotifier(store, CountingConsole()).notify(notification(), idempotency_key="k")
    with store.session(write=False) as session:
        (row,) = outbox.list_notifications(session, rep_id="rep-c")
    assert (row.channel, row.idempotency_key, row.body["score"]) == ("console", "k", 80)


def test_a_failed_write_is_not_recorded_so_a_retry_sends(store: Store, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        JsonlNotifier(blocked / "n.jsonl", store).notify(notification(), idempotency_key="k")
    retry = JsonlNotifier(tmp_path / "n.jsonl", store)
    retry.notify(notification(), idempotency_key="k")
    assert len(retry.path.read_text(encoding="utf-8").splitlines()) == 1
