"""Scoring actions: BANT score of the latest extraction, nurture routing, batch rescoring."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from connectors.base.crm import ObjectType
from flows.explain import explanation, held_for_review, write_back_properties
from flows.spec.registry import ActionContext, NoParams, Registry
from leadflow.errors import InputError
from leadflow.rescore import rescore_all
from leadflow.store.extractions import latest_extraction, to_extraction
from leadflow.store.leads import get_lead
from leadflow.store.models import Lead
from leadflow.store.scores import add_score, latest_score
from scoring.bant import BantAnswers, Criterion
from scoring.engine import Score, score
from scoring.predictive.lead_record import lead_record


class Route(BaseModel):
    """A follow-up track per criterion; the lead's weakest criterion picks its track."""

    model_config = ConfigDict(extra="forbid")

    tracks: dict[Criterion, str]
    property: str = "leadflow_nurture_track"


class LeadIds(BaseModel):
    """Leads to act on."""

    model_config = ConfigDict(extra="forbid")

    lead_ids: list[int]


def _apply_score(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    scored = Score.model_validate(result["score"])
    add_score(session, lead_id=lead.id or 0, extraction_id=result["extraction_id"],
              config_hash=scored.config_hash, total=scored.total, band=scored.band,
              components=[c.model_dump(mode="json") for c in scored.components],
              missing=list(scored.missing))


def _predictive(ctx: ActionContext, answers: BantAnswers) -> dict[str, Any] | None:
    """The learned model's score of this lead, beside (never instead of) the BANT score."""
    if ctx.chain.predictive is None:
        return None
    form = ctx.outputs.get("intake", {}).get("answers", {})
    [result] = ctx.chain.predictive.score_records([lead_record(answers, form)])
    return result.model_dump(mode="json")


def _summary(scored: Score) -> dict[str, Any]:
    return {"score": scored.model_dump(mode="json"), "total": scored.total, "band": scored.band,
            "explanation": explanation(scored),
            "tiers": {c.criterion.value: c.tier for c in scored.components},
            "missing": [c.value for c in scored.missing]}


def register(registry: Registry) -> None:
    """Add the scoring actions."""

    @registry.action("score.bant", apply=_apply_score)
    def score_bant(ctx: ActionContext, params: NoParams) -> dict[str, Any]:
        """Score the lead's latest extraction with the scoring config (pure; no LLM)."""
        lead_id = ctx.lead.id if ctx.lead else None
        with ctx.chain.store.session(write=False) as session:
            row = latest_extraction(session, lead_id or 0)
        if row is None:
            raise InputError(f"lead {lead_id}: no extraction to score")
        extraction = to_extraction(row)
        scored = score(extraction.answers, ctx.chain.in_force().config)
        return {**_summary(scored), "extraction_id": row.id,
                "needs_review": extraction.needs_review,
                "flags": [f"{flag.kind.value}: {flag.detail}" for flag in extraction.flags],
                "predictive": _predictive(ctx, extraction.answers)}

    @registry.action("score.latest")
    def latest(ctx: ActionContext, params: NoParams) -> dict[str, Any]:
        """The lead's current score (total, band, tier labels, missing criteria)."""
        lead_id = ctx.lead.id if ctx.lead else 0
        with ctx.chain.store.session(write=False) as session:
            row = latest_score(session, lead_id or 0)
        if row is None:
            raise InputError(f"lead {lead_id} has no score yet")
        components = list(row.components)
        return {"total": int(row.total), "band": row.band,
                "tiers": {c["criterion"]: c["tier"] for c in components},
                "missing": list(row.missing), "components": components}

    @registry.action("nurture.route", Route)
    def route(ctx: ActionContext, params: Route) -> dict[str, Any]:
        """Pick the follow-up track of the criterion the lead falls shortest on."""
        components = latest(ctx, NoParams())["components"]
        # Shortest by share of the criterion's points; a missing answer counts as the shortest.
        weakest = min(components, key=lambda c: (not c.get("missing"),
                                                 c["points"] / max(c["max_points"], 1)))
        criterion = Criterion(weakest["criterion"])
        return {"criterion": criterion.value, "track": params.tracks.get(criterion),
                "property": params.property}

    @registry.action("score.rescore_all", batch=True)
    def rescore(ctx: ActionContext, params: NoParams) -> dict[str, Any]:
        """Rescore every stored extraction with the current config; no LLM is called."""
        report = rescore_all(ctx.chain.store, ctx.chain.in_force().config)
        return {**asdict(report), "invalid_lead_ids": list(report.invalid_lead_ids),
                "changed_lead_ids": list(report.changed_lead_ids),
                "band_changed_lead_ids": list(report.band_changed_lead_ids)}

    @registry.action("crm.write_changed_scores", LeadIds, batch=True)
    def write_changed(ctx: ActionContext, params: LeadIds) -> dict[str, Any]:
        """Write the current score of each given lead (e.g. those a rescore changed) to the CRM,
        with the lead's real review status: a lead in review stays "pending review"."""
        written = held = 0
        with ctx.chain.store.session(write=False) as session:
            changed = [get_lead(session, lead_id) for lead_id in params.lead_ids]
            scores = {lead.id: latest_score(session, lead.id or 0) for lead in changed if lead}
        for lead in changed:
            row = scores.get(lead.id) if lead else None
            if lead is None or row is None or not lead.crm_contact_id:
                continue
            needs_review = held_for_review(lead.state)
            if needs_review is None:
                held += 1  # mid-chain: its own write-back step will send the new score
                continue
            scored = Score(components=tuple(row.components), total=int(row.total),
                           band=row.band, missing=tuple(row.missing),
                           config_hash=row.config_hash)
            flags = ["awaiting a reviewer's decision"] if needs_review else []
            ctx.chain.connectors.crm.update_properties(
                ObjectType.CONTACT, lead.crm_contact_id,
                write_back_properties(scored, needs_review=needs_review, flags=flags,
                                      scored_at=ctx.chain.clock()),
                idempotency_key=f"{lead.submission_id}:rescore:{row.config_hash}")
            written += 1
        return {"written": written, "held": held}
