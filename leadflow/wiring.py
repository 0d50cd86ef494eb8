"""The composition root: builds every connector from the settings, by name.

Each role has a plain dict of implementations (name -> factory). A new implementation (HubSpot,
Google Calendar, Gong, Slack, an LLM extractor) is one more entry; entry points can replace the
dicts when a third party needs to add one. Fakes are never listed here: they are for tests only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from connectors.base import CRM, Calendar, Extractor, Notifier, Transcripts
from connectors.base.bundle import Connectors
from connectors.folder_transcripts import FolderTranscripts
from connectors.local_calendar import LocalCalendar, load_reps
from connectors.local_crm import LocalCRM
from connectors.notifiers import ConsoleNotifier, JsonlNotifier
from connectors.offline import OfflineExtractor
from leadflow.errors import ConfigError
from leadflow.settings import Settings
from leadflow.store import Store

log = logging.getLogger("leadflow.wiring")
BUNDLED_REPS_FILE = Path(__file__).resolve().parents[1] / "examples" / "reps.yaml"

T = TypeVar("T")
Factory = Callable[[Settings, Store], T]


def reps_file(settings: Settings) -> Path:
    """The reps file: LEADFLOW_REPS_FILE, else the bundled examples/reps.yaml."""
    return settings.reps_file or BUNDLED_REPS_FILE


def transcripts_dir(settings: Settings) -> Path:
    """The transcripts folder: LEADFLOW_TRANSCRIPTS_DIR, else <data_dir>/transcripts."""
    return settings.transcripts_dir or settings.data_dir / "transcripts"


def _offline_extractor(settings: Settings, store: Store) -> Extractor:
    log.info("extractor: offline (rules; set LEADFLOW_LLM__BASE_URL to use an LLM)")
    return OfflineExtractor(settings.product_capabilities)


def _llm_extractor(settings: Settings, store: Store) -> Extractor:
    """The OpenAI-compatible extractor; imported here so openai loads only when it is used."""
    from connectors.llm import LlmExtractor, build_client

    if settings.llm.base_url is None:
        raise ConfigError("the llm extractor needs an endpoint, e.g. http://localhost:11434/v1",
                          key="LEADFLOW_LLM__BASE_URL")
    host = settings.llm.base_url.split("@")[-1]  # never log credentials inside the URL
    log.info("extractor: llm (model %s at %s)", settings.llm.model, host)
    return LlmExtractor(lambda: build_client(settings.llm), settings.llm, store)


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


def _google_http(settings: Settings, scopes: tuple[str, ...], base_url: str, name: str) -> Any:
    """A GoogleHttp for a service account (the key is read here, so errors show at start-up)."""
    import httpx

    from connectors.google import GoogleHttp, ServiceAccountTokens, load_service_account_info

    google = settings.google
    info = load_service_account_info(google.service_account_file, google.service_account_json)
    http = httpx.Client(timeout=google.timeout_s)
    tokens = ServiceAccountTokens(info, scopes, http, subject=google.subject, connector=name)
    return GoogleHttp(http, tokens, base_url, connector=name, max_retries=google.max_retries)


def _google_calendar(settings: Settings, store: Store) -> Calendar:
    from connectors.google import CALENDAR_SCOPES
    from connectors.google_calendar import GoogleCalendar

    google = settings.google
    api = _google_http(settings, CALENDAR_SCOPES, google.calendar_base_url, "google_calendar")
    return GoogleCalendar(
        api, load_reps(reps_file(settings)), invite_attendees=google.invite_attendees,
        create_meet=google.create_meet, send_updates=google.send_updates,
        impersonate_reps=google.impersonate_reps)


def build_google_forms(settings: Settings) -> Any:
    """The Forms API client the reconciler reads responses with (`GoogleFormsApi`)."""
    from connectors.google import FORMS_SCOPES
    from connectors.google_forms import GoogleFormsApi

    api = _google_http(settings, FORMS_SCOPES, settings.google.forms_base_url, "google_forms")
    return GoogleFormsApi(api)


def _gong_transcripts(settings: Settings, store: Store) -> Transcripts:
    import httpx

    from connectors.gong import GongApi, GongTranscripts
    from connectors.gong.limiter import shared_limiter

    gong = settings.gong
    if gong.access_key is None or gong.access_key_secret is None:
        raise ConfigError("Gong needs an access key and its secret (Admin center > Ecosystem > "
                          "API)", key="LEADFLOW_GONG__ACCESS_KEY")
    api = GongApi(httpx.Client(timeout=gong.timeout_s), base_url=gong.base_url,
                  access_key=gong.access_key, access_key_secret=gong.access_key_secret,
                  limiter=shared_limiter(gong.base_url, gong.requests_per_second))
    return GongTranscripts(api, window=timedelta(minutes=gong.window_minutes))


def _hubspot_crm(settings: Settings, store: Store) -> CRM:
    from connectors.hubspot import hubspot_crm

    if settings.hubspot.access_token is None:
        raise ConfigError("HubSpot needs a service key or private-app token (README: Connect "
                          "your tools)", key="LEADFLOW_HUBSPOT__ACCESS_TOKEN")
    return hubspot_crm(settings.hubspot)


def _slack_notifier(settings: Settings, store: Store) -> Notifier:
    from connectors.slack import slack_notifier

    if settings.slack.bot_token is None:
        raise ConfigError("Slack needs a bot token (xoxb-...; README: Connect your tools)",
                          key="LEADFLOW_SLACK__BOT_TOKEN")
    return slack_notifier(settings.slack, store)


CRMS: dict[str, Factory[CRM]] = {
    "local": lambda settings, store: LocalCRM(store),
    "hubspot": _hubspot_crm,
}
CALENDARS: dict[str, Factory[Calendar]] = {
    "local": lambda settings, store: LocalCalendar(store, load_reps(reps_file(settings))),
    "google": _google_calendar,
}
TRANSCRIPTS: dict[str, Factory[Transcripts]] = {
    "folder": lambda settings, store: FolderTranscripts(transcripts_dir(settings)),
    "gong": _gong_transcripts,
}
NOTIFIERS: dict[str, Factory[Notifier]] = {
    "console": lambda settings, store: ConsoleNotifier(store),
    "jsonl": lambda settings, store: JsonlNotifier(
        settings.data_dir / "notifications.jsonl", store
    ),
    "slack": _slack_notifier,
}
EXTRACTORS: dict[str, Factory[Extractor]] = {
    "auto": _auto_extractor,
    "offline": _offline_extractor,
    "llm": _llm_extractor,
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
