"""The composition root: builds every connector from the settings, by name.

Each role has a plain dict of implementations (name -> factory). A new implementation (HubSpot,
Google Calendar, Gong, Slack, an LLM extractor) is one more entry; entry points can replace the
dicts when a third party needs to add one. Fakes are never listed here: they are for tests only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from connectors.base import CRM, Calendar, Extractor, Notifier, Transcripts
from connectors.folder_transcripts import FolderTranscripts
from connectors.local_calendar import LocalCalendar, load_reps
from connectors.local_crm import LocalCRM
from connectors.notifiers import ConsoleNotifier, JsonlNotifier
from connectors.offline import OfflineExtractor
from leadflow.errors import ConfigError
from leadflow.settings import Settings
from leadflow.store import Store

BUNDLED_REPS_FILE = Path(__file__).resolve().parents[1] / "examples" / "reps.yaml"

T = TypeVar("T")
Factory = Callable[[Settings, Store], T]


@dataclass(frozen=True)
class Connectors:
    """One implementation of each connector role, as the flows use them."""

    crm: CRM
    calendar: Calendar
    transcripts: Transcripts
    notifier: Notifier
    extractor: Extractor


def reps_file(settings: Settings) -> Path:
    """The reps file: LEADFLOW_REPS_FILE, else the bundled examples/reps.yaml."""
    return settings.reps_file or BUNDLED_REPS_FILE


def transcripts_dir(settings: Settings) -> Path:
    """The transcripts folder: LEADFLOW_TRANSCRIPTS_DIR, else <data_dir>/transcripts."""
    return settings.transcripts_dir or settings.data_dir / "transcripts"


def _offline_extractor(settings: Settings, store: Store) -> Extractor:
    return OfflineExtractor(settings.product_capabilities)


def _auto_extractor(settings: Settings, store: Store) -> Extractor:
    """Offline rules without an LLM endpoint; the "llm" entry once LLM_BASE_URL is set."""
    if settings.llm.base_url is None:
        return _offline_extractor(settings, store)
    llm = EXTRACTORS.get("llm")
    if llm is None:
        raise ConfigError(
            "an LLM endpoint is configured but this build has no LLM extractor yet; "
            "unset it or set LEADFLOW_EXTRACTOR=offline",
            key="LEADFLOW_LLM__BASE_URL",
        )
    return llm(settings, store)


CRMS: dict[str, Factory[CRM]] = {
    "local": lambda settings, store: LocalCRM(store),
}
CALENDARS: dict[str, Factory[Calendar]] = {
    "local": lambda settings, store: LocalCalendar(store, load_reps(reps_file(settings))),
}
TRANSCRIPTS: dict[str, Factory[Transcripts]] = {
    "folder": lambda settings, store: FolderTranscripts(transcripts_dir(settings)),
}
NOTIFIERS: dict[str, Factory[Notifier]] = {
    "console": lambda settings, store: ConsoleNotifier(store),
    "jsonl": lambda settings, store: JsonlNotifier(
        settings.data_dir / "notifications.jsonl", store
    ),
}
EXTRACTORS: dict[str, Factory[Extractor]] = {
    "auto": _auto_extractor,
    "offline": _offline_extractor,
    # "llm": the OpenAI-compatible extractor registers here when it lands.
}


def pick(registry: Mapping[str, Factory[T]], setting: str, name: str) -> Factory[T]:
    """The factory registered under `name`; ConfigError names the setting and allowed names."""
    factory = registry.get(name.strip().lower())
    if factory is None:
        allowed = ", ".join(sorted(registry))
        raise ConfigError(f"unknown value {name!r}; allowed: {allowed}", key=setting)
    return factory


def build_connectors(settings: Settings, store: Store) -> Connectors:
    """Every connector the settings name, built once; an unknown name raises ConfigError."""
    return Connectors(
        crm=pick(CRMS, "LEADFLOW_CRM", settings.crm)(settings, store),
        calendar=pick(CALENDARS, "LEADFLOW_CALENDAR", settings.calendar)(settings, store),
        transcripts=pick(TRANSCRIPTS, "LEADFLOW_TRANSCRIPTS", settings.transcripts)(
            settings, store
        ),
        notifier=pick(NOTIFIERS, "LEADFLOW_NOTIFIER", settings.notifier)(settings, store),
        extractor=pick(EXTRACTORS, "LEADFLOW_EXTRACTOR", settings.extractor)(settings, store),
    )
