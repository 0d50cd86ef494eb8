"""Changing the scoring config in force: preview, save (who, when, why, the diff), restore an
earlier version, and rescore every lead under it with the changes written to the CRM.

The web (ops page and API) and `leadflow config apply|restore` call these, so a change made
anywhere is recorded, audited and rescored the same way. Rescoring is pure (no LLM call): a
score is a function of the stored extraction and the config.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from flows.chain import Chain
from leadflow.errors import InputError
from leadflow.rescore import rescore_all
from leadflow.store import Store
from leadflow.store.audit import append_audit, latest_audit
from leadflow.store.scoring_configs import config_history, get_saved, save_config
from scoring.config import ScoringConfig, parse_config
from scoring.config_diff import ConfigDiffLine, diff_configs

CHANGED = "scoring_config_changed"
RESCORED = "config_rescored"


class RescorePreview(BaseModel):
    """What a config would change if it were in force: leads scored, totals and bands moved."""

    leads: int
    changed: int
    band_changed: int


class ConfigChange(BaseModel):
    """A saved change: the new version, the one it replaced, the diff and the preview."""

    saved_id: int
    version: str
    previous_version: str
    diff: list[ConfigDiffLine]
    preview: RescorePreview


class HistoryItem(BaseModel):
    """One saved version and what it changed from the version in force before it."""

    id: int
    version: str
    actor: str
    reason: str | None
    saved_at: str
    changes: list[str]


class RescoreSummary(BaseModel):
    """What rescoring under the config in force did, CRM write-back included."""

    version: str
    leads: int
    changed: int
    band_changed: int
    written: int
    # Leads in the middle of the chain: their own write-back step sends the new score.
    held: int
    invalid: int


def preview(store: Store, config: ScoringConfig) -> RescorePreview:
    """How many leads `config` would rescore and move to another band; nothing is written."""
    report = rescore_all(store, config, write=False)
    return RescorePreview(leads=report.leads, changed=len(report.changed_lead_ids),
                          band_changed=len(report.band_changed_lead_ids))


def save_change(chain: Chain, data: dict[str, Any], *, actor: str, reason: str) -> ConfigChange:
    """Validate `data` (ConfigError names the key) and put it in force; a reason is required.

    Rescoring is a separate call (`rescore_in_force`) so the web can answer first."""
    if not reason.strip():
        raise InputError("a config change needs a reason (what it is for, for the history)")
    config = parse_config(data)
    current = chain.in_force().config
    if config.version == current.version:
        raise InputError(f"nothing to save: version {config.version} is already in force")
    diff = diff_configs(current.model_dump(mode="json"), config.model_dump(mode="json"))
    moved = preview(chain.store, config)
    with chain.store.session() as session:
        row = save_config(session, config.model_dump(mode="json"), version=config.version,
                          actor=actor, reason=reason.strip())
        append_audit(session, kind=CHANGED, actor=actor, reason=reason.strip(),
                     before={"version": current.version}, after={"version": config.version},
                     detail={"saved_id": row.id, "diff": [str(line) for line in diff],
                             "preview": moved.model_dump()})
    return ConfigChange(saved_id=row.id or 0, version=config.version,
                        previous_version=current.version, diff=diff, preview=moved)


def restore(chain: Chain, saved_id: int, *, actor: str, reason: str) -> ConfigChange:
    """Put an earlier saved version back in force (saved again, so the history stays whole)."""
    with chain.store.session(write=False) as session:
        row = get_saved(session, saved_id)
        data = dict(row.config) if row is not None else None
        version = row.version if row is not None else ""
    if data is None:
        raise InputError(f"no saved config {saved_id}; `leadflow config history` lists them")
    return save_change(chain, data, actor=actor,
                       reason=f"restore {version} (#{saved_id}): {reason.strip()}"
                       if reason.strip() else "")


async def rescore_in_force(chain: Chain, *, actor: str, prefect: bool = False) -> RescoreSummary:
    """Run the rescore flow (flows/specs/rescore.yaml) under the config in force: changed
    scores are stored and written to the CRM with each lead's real review status. With
    `prefect`, as a Prefect flow run on the server of the caller's context (await it on the
    loop that server's settings were entered on, as the web's lifespan does); else in a
    worker thread of this process."""
    from flows.spec.actions import builtin_registry
    from flows.spec.engine import SPECS_DIR, compile_spec, run_batch
    from flows.spec.validation import load_spec

    registry = builtin_registry()
    steps = compile_spec(load_spec(SPECS_DIR / "rescore.yaml", registry), registry)
    if prefect:
        from flows.qualification import run_batch_spec

        outputs = await run_batch_spec(steps, chain)
    else:
        outputs = await asyncio.to_thread(run_batch, chain, steps)
    rescored, written = outputs["rescore"], outputs.get("write_back", {})
    summary = RescoreSummary(
        version=rescored["config_hash"], leads=rescored["leads"],
        changed=len(rescored["changed_lead_ids"]),
        band_changed=len(rescored["band_changed_lead_ids"]),
        written=written.get("written", 0), held=written.get("held", 0),
        invalid=len(rescored["invalid_lead_ids"]))
    with chain.store.session() as session:
        append_audit(session, kind=RESCORED, actor=actor, after=summary.model_dump())
    return summary


def config_history_items(store: Store, configured: ScoringConfig,
                         limit: int = 20) -> list[HistoryItem]:
    """Saved versions newest first, each with its diff from the one before it (the first saved
    one against `configured`, the file or default that was in force until then)."""
    with store.session(write=False) as session:
        rows = list(config_history(session, limit + 1))
    items = []
    for row, older in zip(rows[:limit], [*rows[1:], None], strict=False):
        before = parse_config(older.config) if older is not None else configured
        diff = diff_configs(before.model_dump(mode="json"),
                            parse_config(row.config).model_dump(mode="json"))
        items.append(HistoryItem(id=row.id or 0, version=row.version, actor=row.actor,
                                 reason=row.reason, saved_at=f"{row.created_at:%Y-%m-%d %H:%M}",
                                 changes=[str(line) for line in diff] or ["no change"]))
    return items


def last_rescore(store: Store) -> RescoreSummary | None:
    """What the newest rescore after a config change did, for the ops page."""
    with store.session(write=False) as session:
        event = latest_audit(session, RESCORED)
        return RescoreSummary.model_validate(event.after) if event is not None else None
