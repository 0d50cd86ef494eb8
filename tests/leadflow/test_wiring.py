"""The composition root picks implementations by name and explains unknown names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.fakes import ScriptedExtractor
from connectors.folder_transcripts import FolderTranscripts
from connectors.local_calendar import LocalCalendar
from connectors.local_crm import LocalCRM
from connectors.notifiers import ConsoleNotifier, JsonlNotifier
from connectors.offline import OfflineExtractor
from leadflow import wiring
from leadflow.errors import ConfigError
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.wiring import EXTRACTORS, build_connectors


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings that ignore any .env file, with a scratch data dir and a test extractor."""
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "extractor": "scripted"} | overrides
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """One SQLite store: wiring does not depend on the database kind."""
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    yield store
    store.close()


@pytest.fixture(autouse=True)
def scripted_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EXTRACTORS, "scripted", lambda settings, store: ScriptedExtractor())


def test_defaults_are_the_local_implementations(tmp_path: Path, store: Store) -> None:
    built = build_connectors(settings(tmp_path), store)
    assert isinstance(built.crm, LocalCRM)
    assert isinstance(built.calendar, LocalCalendar)
    assert [rep.id for rep in built.calendar.reps()] == ["rep-ana", "rep-joao", "rep-marina"]
    assert isinstance(built.transcripts, FolderTranscripts)
    assert built.transcripts.folder == tmp_path / "data" / "transcripts"
    assert isinstance(built.notifier, ConsoleNotifier)


def test_auto_extractor_is_offline_without_an_llm(tmp_path: Path, store: Store) -> None:
    built = build_connectors(settings(tmp_path, extractor="auto"), store)
    assert isinstance(built.extractor, OfflineExtractor)


def test_auto_extractor_uses_the_llm_entry_when_an_endpoint_is_set(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_llm = settings(tmp_path, extractor="auto", llm={"base_url": "http://127.0.0.1:9/v1"})
    from connectors.llm import LlmExtractor  # the real one, built without any I/O

    assert isinstance(build_connectors(with_llm, store).extractor, LlmExtractor)
    with pytest.raises(ConfigError, match="LEADFLOW_LLM__BASE_URL"):
        build_connectors(settings(tmp_path, extractor="llm"), store)
    llm = ScriptedExtractor(name="llm")
    monkeypatch.setitem(EXTRACTORS, "llm", lambda settings, store: llm)
    assert build_connectors(with_llm, store).extractor is llm


def test_overrides_for_reps_transcripts_and_notifier(tmp_path: Path, store: Store) -> None:
    reps = tmp_path / "reps.yaml"
    reps.write_text("reps:\n  - {id: solo, name: Åsa Öberg, email: asa@x.io}\n", "utf-8")
    built = build_connectors(
        settings(tmp_path, reps_file=reps, transcripts_dir=tmp_path / "calls", notifier="jsonl"),
        store,
    )
    assert [rep.name for rep in built.calendar.reps()] == ["Åsa Öberg"]
    assert isinstance(built.transcripts, FolderTranscripts)
    assert built.transcripts.folder == tmp_path / "calls"
    assert isinstance(built.notifier, JsonlNotifier)
    assert built.notifier.path == tmp_path / "data" / "notifications.jsonl"


@pytest.mark.parametrize(
    ("setting", "key", "allowed"),
    [
        ("crm", "LEADFLOW_CRM", "hubspot, local"),
        ("calendar", "LEADFLOW_CALENDAR", "google, local"),
        ("transcripts", "LEADFLOW_TRANSCRIPTS", "folder, gong"),
        ("notifier", "LEADFLOW_NOTIFIER", "console, jsonl, slack"),
        ("extractor", "LEADFLOW_EXTRACTOR", "auto, llm, offline, scripted"),
    ],
)
def test_unknown_name_names_the_setting_and_the_allowed_names(
    tmp_path: Path, store: Store, setting: str, key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build_connectors(settings(tmp_path, **{setting: "hubspott"}), store)
    assert caught.value.key == key
    assert "'hubspott'" in str(caught.value) and f"allowed: {allowed}" in str(caught.value)


def test_fakes_are_not_selectable_by_name() -> None:
    registries = (wiring.CRMS, wiring.CALENDARS, wiring.TRANSCRIPTS, wiring.NOTIFIERS)
    assert not any("fake" in name or "memory" in name for r in registries for name in r)


def test_a_bad_reps_file_fails_at_start_up(tmp_path: Path, store: Store) -> None:
    with pytest.raises(ConfigError, match="reps"):
        build_connectors(settings(tmp_path, reps_file=tmp_path / "missing.yaml"), store)
