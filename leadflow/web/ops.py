"""Ops only: the scoring config in force, its changes (previewed, saved with a reason, rescored
in the background), its history with diffs, and restoring an earlier version."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from leadflow.config_change import (
    ConfigChange,
    HistoryItem,
    RescorePreview,
    RescoreSummary,
    config_history_items,
    last_rescore,
    preview,
    rescore_in_force,
    restore,
    save_change,
)
from leadflow.config_view import ConfigRow, config_rows
from leadflow.errors import ConfigError, InputError, LeadflowError
from leadflow.store.audit import append_audit
from leadflow.web.deps import OPS, ServicesDep, Viewer, api_roles, form_roles, page_roles
from leadflow.web.params import PathId
from leadflow.web.services import Services
from leadflow.web.templating import render
from scoring.bands import band_ranges, with_band_min
from scoring.config import ScoringConfig, parse_config

router = APIRouter()
log = logging.getLogger("leadflow.web.ops")
OpsPage = Annotated[Viewer, Depends(page_roles(*OPS))]
OpsForm = Annotated[Viewer, Depends(form_roles(*OPS))]
OpsApi = Annotated[Viewer, Depends(api_roles(*OPS))]


class BandOut(BaseModel):
    """A band with its derived maximum."""

    name: str
    min: int
    max: int


class BandChange(BaseModel):
    """Move one band's minimum; the band below it ends one point lower."""

    band: str
    min: int = Field(ge=0, le=100)
    reason: str = Field(min_length=1, description="Why, for the config history.")


class ConfigIn(BaseModel):
    """A whole scoring config (as in the YAML file) and why it changes."""

    config: dict[str, Any]
    reason: str = Field(min_length=1)


class RestoreIn(BaseModel):
    """Why an earlier version goes back in force."""

    reason: str = Field(min_length=1)


class ConfigOut(BaseModel):
    """The config in force, where each part came from, and the newest rescore."""

    version: str
    config: dict[str, Any]
    capabilities: list[str]
    rows: list[ConfigRow]
    last_rescore: RescoreSummary | None


def _bands(config: ScoringConfig) -> list[BandOut]:
    return [BandOut(name=r.name, min=r.min, max=r.max) for r in band_ranges(config.bands)]


def _with_bands(config: ScoringConfig, band: str, new_min: int) -> dict[str, Any]:
    data = config.model_dump(mode="json")
    data["bands"] = [b.model_dump(mode="json") for b in with_band_min(config.bands, band, new_min)]
    return data


def _band_min(text: str) -> int:
    """A band minimum typed into the ops page; anything but a whole number is the page's one-line
    error (not FastAPI's JSON), a number out of range is refused by with_band_min."""
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(f"{text.strip()[:20]!r} is not a whole number; a band's min is a "
                          "score from 0 to 100", key="min") from None


def _with_capabilities(config: ScoringConfig, text: str) -> dict[str, Any]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {**config.model_dump(mode="json"), "capabilities": list(dict.fromkeys(lines))}


async def _rescore(svc: Services, actor: str) -> None:
    """The background half of a change: rescore and write back; failures are audited. On the
    app's loop, so a Prefect flow run goes to the server `leadflow serve` entered."""
    try:
        await rescore_in_force(svc.chain, actor=actor,
                               prefect=svc.settings.web.runner == "prefect")
    except (LeadflowError, OSError) as exc:
        log.warning("rescoring after a config change failed: %s", exc)
        with svc.store.session() as session:
            append_audit(session, kind="config_rescore_failed", actor=actor, reason=str(exc))


def _saved(svc: Services, tasks: BackgroundTasks, change: ConfigChange, actor: str) -> str:
    tasks.add_task(_rescore, svc, actor)
    moved = change.preview
    return (f"saved version {change.version}: {moved.band_changed} of {moved.leads} leads "
            f"change band, {moved.changed} change score; rescoring and writing them to the "
            "CRM now")


def _back(**query: object) -> RedirectResponse:
    shown = {key: value for key, value in query.items() if value not in (None, "")}
    return RedirectResponse("/ops/config" + (f"?{urlencode(shown)}" if shown else ""),
                            status_code=303)


@router.get("/ops/config", response_class=HTMLResponse, include_in_schema=False)
def config_page(request: Request, svc: ServicesDep, viewer: OpsPage, error: str = "",
                msg: str = "", band: str = "", min: str = "") -> Response:
    """The config in force, band and capability changes with a preview, and the history."""
    in_force = svc.in_force()
    moved: RescorePreview | None = None
    if band and min:
        try:
            changed = _with_bands(in_force.config, band, _band_min(min))
            moved = preview(svc.store, parse_config(changed))
        except ConfigError as exc:
            error = str(exc)
    return render(request, "ops_config.html", viewer, bands=_bands(in_force.config),
                  version=in_force.config.version, rows=config_rows(in_force),
                  capabilities="\n".join(in_force.capabilities),
                  history=config_history_items(svc.store, svc.chain.configured.config),
                  last=last_rescore(svc.store), preview=moved, preview_band=band,
                  preview_min=min, error=error, msg=msg)


@router.post("/ops/config/bands", include_in_schema=False)
def config_form(svc: ServicesDep, viewer: OpsForm, tasks: BackgroundTasks,
                band: Annotated[str, Form()], min: Annotated[str, Form()],
                reason: Annotated[str, Form()] = "",
                action: Annotated[str, Form()] = "save") -> Response:
    """Preview or save a band change (the form's two buttons)."""
    if action == "preview":
        return _back(band=band, min=min)
    try:
        data = _with_bands(svc.config(), band, _band_min(min))
        change = save_change(svc.chain, data, actor=viewer.name, reason=reason)
    except (ConfigError, InputError) as exc:
        return _back(error=str(exc), band=band, min=min)
    return _back(msg=_saved(svc, tasks, change, viewer.name))


@router.post("/ops/config/capabilities", include_in_schema=False)
def capabilities_form(svc: ServicesDep, viewer: OpsForm, tasks: BackgroundTasks,
                      capabilities: Annotated[str, Form()] = "",
                      reason: Annotated[str, Form()] = "") -> Response:
    """Save the product's capabilities (one per line)."""
    try:
        data = _with_capabilities(svc.config(), capabilities)
        change = save_change(svc.chain, data, actor=viewer.name, reason=reason)
    except (ConfigError, InputError) as exc:
        return _back(error=str(exc))
    return _back(msg=_saved(svc, tasks, change, viewer.name))


@router.post("/ops/config/history/{saved_id}/restore", include_in_schema=False)
def restore_form(saved_id: PathId, svc: ServicesDep, viewer: OpsForm, tasks: BackgroundTasks,
                 reason: Annotated[str, Form()] = "") -> Response:
    """Put an earlier version back in force."""
    try:
        change = restore(svc.chain, saved_id, actor=viewer.name, reason=reason)
    except (ConfigError, InputError) as exc:
        return _back(error=str(exc))
    return _back(msg=_saved(svc, tasks, change, viewer.name))


def _api(call: Any) -> Any:
    try:
        return call()
    except (ConfigError, InputError) as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/api/config", tags=["ops"], response_model=ConfigOut)
def api_config(svc: ServicesDep, viewer: OpsApi) -> ConfigOut:
    """Ops: the scoring config in force, where each part came from, and the newest rescore."""
    in_force = svc.in_force()
    return ConfigOut(version=in_force.config.version,
                     config=in_force.config.model_dump(mode="json"),
                     capabilities=list(in_force.capabilities), rows=config_rows(in_force),
                     last_rescore=last_rescore(svc.store))


@router.put("/api/config", tags=["ops"], response_model=ConfigChange,
            responses={422: {"description": "invalid config, no reason, or nothing changes"}})
def api_put_config(body: ConfigIn, svc: ServicesDep, viewer: OpsApi,
                   tasks: BackgroundTasks) -> ConfigChange:
    """Ops: put a whole config in force; leads are rescored and written back in the background."""
    change = _api(lambda: save_change(svc.chain, body.config, actor=viewer.name,
                                      reason=body.reason))
    tasks.add_task(_rescore, svc, viewer.name)
    return change


@router.post("/api/config/preview", tags=["ops"], response_model=RescorePreview,
             responses={422: {"description": "invalid config"}})
def api_preview(body: dict[str, Any], svc: ServicesDep, viewer: OpsApi) -> RescorePreview:
    """Ops: how many leads a config would move to another band (nothing is saved)."""
    return _api(lambda: preview(svc.store, parse_config(body)))


@router.get("/api/config/history", tags=["ops"], response_model=list[HistoryItem])
def api_history(svc: ServicesDep, viewer: OpsApi) -> list[HistoryItem]:
    """Ops: saved versions, newest first, each with what it changed."""
    return config_history_items(svc.store, svc.chain.configured.config)


@router.post("/api/config/history/{saved_id}/restore", tags=["ops"],
             response_model=ConfigChange, responses={422: {"description": "unknown id"}})
def api_restore(saved_id: PathId, body: RestoreIn, svc: ServicesDep, viewer: OpsApi,
                tasks: BackgroundTasks) -> ConfigChange:
    """Ops: put an earlier version back in force, then rescore in the background."""
    change = _api(lambda: restore(svc.chain, saved_id, actor=viewer.name, reason=body.reason))
    tasks.add_task(_rescore, svc, viewer.name)
    return change


@router.get("/api/config/bands", tags=["ops"], response_model=list[BandOut])
def api_bands(svc: ServicesDep, viewer: OpsApi) -> list[BandOut]:
    """Ops: the score bands in force."""
    return _bands(svc.config())


@router.put("/api/config/bands", tags=["ops"], response_model=list[BandOut],
            responses={422: {"description": "the change would empty a band or leave a gap"}})
def api_change_band(change: BandChange, svc: ServicesDep, viewer: OpsApi,
                    tasks: BackgroundTasks) -> list[BandOut]:
    """Ops: move one band's minimum; leads are rescored and written back in the background."""
    _api(lambda: save_change(svc.chain, _with_bands(svc.config(), change.band, change.min),
                             actor=viewer.name, reason=change.reason))
    tasks.add_task(_rescore, svc, viewer.name)
    return _bands(svc.config())
