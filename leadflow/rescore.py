"""Rescore every lead from its latest stored extraction under a scoring config: no LLM involved.

Batches of leads (keyset by id), one transaction each: read the latest extraction's answers,
score them with one compiled Scorer, bulk-insert a score row only where the total, band, config
or extraction changed, and bulk-update those leads' ranking fields.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError

from leadflow.store import ExtractionRow, Lead, Store
from leadflow.store.audit import append_audit
from leadflow.store.types import UTCDateTime, utc_now
from scoring.bant import BantAnswers
from scoring.config import ScoringConfig
from scoring.engine import Component, compile_scorer

BATCH_SIZE = 5_000


@dataclass(frozen=True)
class RescoreReport:
    """What a rescore did: leads seen, scores written, leads unchanged, and how long it took."""

    config_hash: str
    leads: int
    rescored: int
    unchanged: int
    seconds: float
    # Leads whose stored answers no longer validate: left as they were, for someone to look at.
    invalid_lead_ids: tuple[int, ...] = ()
    # Leads whose total or band changed: what a CRM write-back has to update.
    changed_lead_ids: tuple[int, ...] = ()
    # Of those, the leads whose band changed: what ops see before and after saving a config.
    band_changed_lead_ids: tuple[int, ...] = ()


def rescore_all(
    store: Store,
    config: ScoringConfig,
    *,
    batch_size: int = BATCH_SIZE,
    actor: str = "system",
    write: bool = True,
) -> RescoreReport:
    """Rescore every lead that has an extraction; only changed scores are written.

    With `write=False` nothing is stored or audited: the report previews what a config would
    change."""
    started = time.perf_counter()
    scorer = compile_scorer(config)
    config_hash = scorer.config_hash
    leads = rescored = 0
    invalid: list[int] = []
    changed: list[int] = []
    band_changed: list[int] = []
    encoded = _ComponentJSON()
    after = 0
    while True:
        with store.session() as session:
            connection = session.connection()
            rows = connection.execute(_batch_query(batch_size), {"after": after}).all()
            if not rows:
                break
            after = rows[-1][0]
            leads += len(rows)
            # Bulk rows skip per-row type processing: the timestamp is converted once here.
            now = _stored_timestamp(connection.dialect)
            new_scores: list[tuple[object, ...]] = []
            lead_updates: list[tuple[object, ...]] = []
            validate = BantAnswers.model_validate_json
            for lead_id, total, band, old_hash, old_extraction, extraction_id, answers in rows:
                try:
                    result = scorer.score(validate(answers))
                except ValidationError:
                    invalid.append(lead_id)
                    continue
                if (
                    old_hash == config_hash
                    and old_extraction == extraction_id
                    and total is not None
                    and total == result.total
                    and band == result.band
                ):
                    continue
                if total is None or total != result.total or band != result.band:
                    changed.append(lead_id)
                if band != result.band:
                    band_changed.append(lead_id)
                if not write:
                    rescored += 1
                    continue
                components = encoded.components(result.components)
                missing = encoded.missing(result.missing)
                new_scores.append(
                    (
                        lead_id,
                        extraction_id,
                        config_hash,
                        result.total,
                        result.band,
                        components,
                        missing,
                        now,
                    )
                )
                lead_updates.append(
                    (result.total, result.band, extraction_id, config_hash, now, now, lead_id)
                )
            if new_scores:
                insert_score, update_lead = _bulk_sql(connection.dialect)
                connection.exec_driver_sql(insert_score, new_scores)
                connection.exec_driver_sql(update_lead, lead_updates)
                rescored += len(new_scores)
    if not write:
        return RescoreReport(config_hash, leads, rescored, leads - rescored - len(invalid),
                             round(time.perf_counter() - started, 3), tuple(invalid),
                             tuple(changed), tuple(band_changed))
    with store.session() as session:
        append_audit(
            session,
            kind="rescored",
            actor=actor,
            detail={
                "config_hash": config_hash,
                "leads": leads,
                "rescored": rescored,
                "invalid_lead_ids": invalid,
            },
        )
    return RescoreReport(
        config_hash,
        leads,
        rescored,
        leads - rescored - len(invalid),
        round(time.perf_counter() - started, 3),
        tuple(invalid),
        tuple(changed),
        tuple(band_changed),
    )


class _ComponentJSON:
    """JSON text of score components, each distinct component encoded once."""

    def __init__(self) -> None:
        # Keyed by id() with the object kept alive beside its text, so an id is never reused.
        self._parts: dict[int, tuple[Component, str]] = {}
        self._missing: dict[tuple[str, ...], str] = {}

    def components(self, components: tuple[Component, ...]) -> str:
        parts = []
        for component in components:
            known = self._parts.get(id(component))
            if known is None:
                if len(self._parts) > 50_000:
                    self._parts.clear()
                known = self._parts[id(component)] = (component, component.model_dump_json())
            parts.append(known[1])
        return "[" + ",".join(parts) + "]"

    def missing(self, missing: tuple[str, ...]) -> str:
        text = self._missing.get(missing)
        if text is None:
            text = self._missing[missing] = json.dumps([str(item) for item in missing])
        return text


def _stored_timestamp(dialect: sa.Dialect) -> object:
    process = UTCDateTime().bind_processor(dialect)
    now = utc_now()
    return process(now) if process else now


def _bulk_sql(dialect: sa.Dialect) -> tuple[str, str]:
    # Driver-level executemany: SQLAlchemy's per-row parameter handling cost more than the
    # writes themselves. Values arrive converted (JSON text, stored timestamp).
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    insert_score = (
        "INSERT INTO scores (lead_id, extraction_id, config_hash, total, band, components,"
        f" missing, created_at) VALUES ({', '.join([mark] * 8)})"
    )
    update_lead = (
        f"UPDATE leads SET score_total = {mark}, band = {mark}, score_extraction_id = {mark},"
        f" score_config_hash = {mark}, scored_at = {mark}, updated_at = {mark} WHERE id = {mark}"
    )
    return insert_score, update_lead


def _batch_query(limit: int) -> sa.Select:
    lead = Lead.__table__.c
    extraction = ExtractionRow.__table__.c
    newer = ExtractionRow.__table__.alias("newer")
    latest = (
        sa.select(sa.func.max(newer.c.id))
        .where(newer.c.lead_id == lead.id)
        .correlate(Lead.__table__)
        .scalar_subquery()
    )
    return (
        sa.select(
            lead.id,
            lead.score_total,
            lead.band,
            lead.score_config_hash,
            lead.score_extraction_id,
            extraction.id,
            sa.cast(extraction.answers, sa.Text),
        )
        .join_from(Lead.__table__, ExtractionRow.__table__, extraction.id == latest)
        .where(lead.id > sa.bindparam("after"))
        .order_by(lead.id)
        .limit(limit)
    )
