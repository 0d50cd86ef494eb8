"""Ops only: the scoring config's band minimums (validated; saved in the store and audited)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from leadflow.errors import ConfigError
from leadflow.store.audit import append_audit
from leadflow.store.scoring_configs import ScoringConfigRow
from leadflow.web.deps import OPS, ServicesDep, Viewer, api_roles, form_roles, page_roles
from leadflow.web.services import Services
from leadflow.web.templating import render
from scoring.bands import band_ranges, with_band_min
from scoring.config import ScoringConfig, parse_config

router = APIRouter()


class BandOut(BaseModel):
    """A band with its derived maximum."""

    name: str
    min: int
    max: int


class BandChange(BaseModel):
    """Move one band's minimum; the band below it ends one point lower."""

    band: str
    min: int = Field(ge=0, le=100)
    reason: str | None = None


def _bands(config: ScoringConfig) -> list[BandOut]:
    return [BandOut(name=r.name, min=r.min, max=r.max) for r in band_ranges(config.bands)]


def change_band(svc: Services, change: BandChange, actor: str) -> ScoringConfig:
    """Validate and save the new config (ConfigError names what is wrong)."""
    current = svc.config()
    bands = with_band_min(current.bands, change.band, change.min)
    data = current.model_dump(mode="json")
    data["bands"] = [band.model_dump(mode="json") for band in bands]
    updated = parse_config(data)
    with svc.store.session() as session:
        session.add(ScoringConfigRow(config=data, version=updated.version, actor=actor,
                                     reason=change.reason))
        append_audit(session, kind="scoring_config_changed", actor=actor, reason=change.reason,
                     before={"version": current.version,
                             "bands": [b.model_dump() for b in _bands(current)]},
                     after={"version": updated.version,
                            "bands": [b.model_dump() for b in _bands(updated)]})
    return updated


@router.get("/ops/config", response_class=HTMLResponse, include_in_schema=False)
def config_page(request: Request, svc: ServicesDep,
                viewer: Annotated[Viewer, Depends(page_roles(*OPS))], error: str = "",
                msg: str = "") -> Response:
    """The bands in force, and a form to move one band's minimum."""
    config = svc.config()
    return render(request, "ops_config.html", viewer, bands=_bands(config),
                  version=config.version, error=error, msg=msg)


@router.post("/ops/config/bands", include_in_schema=False)
def config_form(svc: ServicesDep, viewer: Annotated[Viewer, Depends(form_roles(*OPS))],
                band: Annotated[str, Form()], min: Annotated[int, Form()],
                reason: Annotated[str, Form()] = "") -> Response:
    """Form post of a band change."""
    try:
        updated = change_band(svc, BandChange(band=band, min=min, reason=reason or None),
                              viewer.name)
    except ConfigError as exc:
        return RedirectResponse(f"/ops/config?error={quote(str(exc))}", status_code=303)
    return RedirectResponse(f"/ops/config?msg=saved+version+{updated.version}", status_code=303)


@router.get("/api/config/bands", tags=["ops"], response_model=list[BandOut])
def api_bands(svc: ServicesDep, viewer: Annotated[Viewer, Depends(api_roles(*OPS))]
              ) -> list[BandOut]:
    """Ops: the score bands in force."""
    return _bands(svc.config())


@router.put("/api/config/bands", tags=["ops"], response_model=list[BandOut],
            responses={422: {"description": "the change would empty a band or leave a gap"}})
def api_change_band(change: BandChange, svc: ServicesDep,
                    viewer: Annotated[Viewer, Depends(api_roles(*OPS))]) -> list[BandOut]:
    """Ops: move one band's minimum (validated with scoring.bands.with_band_min)."""
    from fastapi import HTTPException

    try:
        return _bands(change_band(svc, change, viewer.name))
    except ConfigError as exc:
        raise HTTPException(422, str(exc)) from None
