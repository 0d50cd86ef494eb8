"""Builds a Chain from settings: the store, the connectors (via leadflow.wiring), the config
it starts from (leadflow.config_in_force decides what is in force at each use)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from connectors.base.bundle import Connectors
from connectors.llm.client import build_client
from connectors.llm.structured import OpenAIStructuredLLM
from flows.chain import Chain
from flows.faults import kill_at
from flows.run_slots import RunSlots
from leadflow.config_in_force import configured
from leadflow.redaction import Redactor
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.types import utc_now
from leadflow.wiring import build_connectors
from scoring.predictive.artifact import load_model


def build_chain(
    settings: Settings,
    *,
    store: Store | None = None,
    connectors: Connectors | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Chain:
    """A Chain for these settings; pass a store or connectors to use your own (tests, demo)."""
    redactor = Redactor.from_settings(settings)
    store = store or Store.from_settings(settings, redactor)
    return Chain(
        store=store,
        connectors=connectors or build_connectors(settings, store),
        configured=configured(settings),
        retry=settings.retries,
        default_timezone=settings.form_timezone,
        max_concurrency=settings.max_concurrent_leads,
        clock=clock,
        predictive=load_model(settings.predictive_model) if settings.predictive_model else None,
        llm=_structured_llm(settings, store),
        run_slots=_run_slots(settings),
        redactor=redactor,
        lease=timedelta(seconds=settings.lead_lease_s),
        max_attempts=settings.max_lead_attempts,
        boundary=kill_at(settings.fault_kill_at),
    )


def _run_slots(settings: Settings) -> RunSlots | None:
    """The flow-run cap for the embedded SQLite Prefect server; none for an external server."""
    if settings.prefect_api_url is not None or settings.max_concurrent_flow_runs == 0:
        return None
    folder = (settings.data_dir / "prefect" / "run-slots").resolve()
    return RunSlots(folder, settings.max_concurrent_flow_runs)


def _structured_llm(settings: Settings, store: Store) -> OpenAIStructuredLLM | None:
    """The model behind llm.* steps: the configured endpoint, or none (those steps then fail)."""
    if settings.llm.base_url is None:
        return None
    return OpenAIStructuredLLM(lambda: build_client(settings.llm), settings.llm, store)
