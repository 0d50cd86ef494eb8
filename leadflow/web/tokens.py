"""Ops only, JSON: the API tokens (who, what for, created, last used, revoked) and revoking one.

Creating a token stays on the command line (`leadflow users token add`): it is shown once, and
a terminal is a better place for that than an HTTP response.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from leadflow.errors import InputError
from leadflow.web.accounts import list_tokens, revoke_token
from leadflow.web.deps import OPS, ServicesDep, Viewer, api_roles
from leadflow.web.models import TokenOut
from leadflow.web.params import PathId

router = APIRouter(prefix="/api/tokens", tags=["tokens"])
OpsApi = Annotated[Viewer, Depends(api_roles(*OPS))]


@router.get("", response_model=list[TokenOut])
def api_tokens(svc: ServicesDep, viewer: OpsApi, user: str | None = None) -> list[TokenOut]:
    """Every API token (revoked ones too), optionally of one user."""
    try:
        with svc.store.session(write=False) as session:
            return list_tokens(session, user)
    except InputError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.delete("/{token_id}", response_model=TokenOut)
def api_revoke_token(svc: ServicesDep, viewer: OpsApi, token_id: PathId) -> TokenOut:
    """Revoke a token for good; it answers 401 from the next request on. Idempotent."""
    try:
        with svc.store.session() as session:
            return revoke_token(session, token_id, actor=viewer.name)
    except InputError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
