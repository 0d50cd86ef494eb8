"""A Google Forms API v1 stub (CONNECTORS.md sections 4.2 and 10).

forms.get; responses.list with `filter=timestamp > T` / `>= T` (on lastSubmittedTime), pageSize
and a nextPageToken that is refused with another filter; errors in the newer envelope (`status`
rather than `errors[].reason`); 429 RESOURCE_EXHAUSTED injectable.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from tests.stubs.google_oauth import UNAUTHENTICATED, Tokens, google_error, token_router

SCOPES = {
    "https://www.googleapis.com/auth/forms.responses.readonly",
    "https://www.googleapis.com/auth/forms.body.readonly",
    "https://www.googleapis.com/auth/drive",
}
_FILTER = re.compile(r"^timestamp\s*(>=|>)\s*(\S+)$")


@dataclass
class FormsStub:
    """State: forms by id, their responses in arrival order, faults, the request log."""

    tokens: Tokens = field(default_factory=Tokens)
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def app(self) -> FastAPI:
        """The ASGI app: the API under /v1 and the token endpoint."""
        app = FastAPI()
        app.include_router(token_router(self.tokens))
        app.add_api_route("/v1/forms/{form_id}", self._get_form, methods=["GET"])
        app.add_api_route("/v1/forms/{form_id}/responses", self._list, methods=["GET"])
        return app

    def _gate(self, request: Request) -> Response | None:
        self.log.append((request.url.path, dict(request.query_params)))
        who = self.tokens.identity(request)
        if who is None:
            return google_error(401, "", UNAUTHENTICATED, "UNAUTHENTICATED")
        if not who.scopes & SCOPES:
            return google_error(
                403, "", "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
            )
        if self.faults:
            status, state, headers = self.faults.pop(0)
            return google_error(status, "", "injected", state, headers)
        return None

    async def _get_form(self, form_id: str, request: Request) -> Response:
        refused = self._gate(request)
        if refused:
            return refused
        if form_id not in self.forms:
            return google_error(404, "", "Requested entity was not found.", "NOT_FOUND")
        return JSONResponse(self.forms[form_id])

    async def _list(self, form_id: str, request: Request) -> Response:
        refused = self._gate(request)
        if refused:
            return refused
        if form_id not in self.forms:
            return google_error(404, "", "Requested entity was not found.", "NOT_FOUND")
        query = request.query_params
        items = self.responses.get(form_id, [])
        text = query.get("filter", "")
        if text:
            match = _FILTER.match(text)
            if match is None:
                return google_error(400, "", f"Invalid filter: {text}", "INVALID_ARGUMENT")
            since = datetime.fromisoformat(match.group(2))
            strict = match.group(1) == ">"
            items = [r for r in items if (_time(r) > since if strict else _time(r) >= since)]
        size = int(query.get("pageSize") or 5000) or 5000
        offset = 0
        if query.get("pageToken"):
            state = json.loads(base64.b64decode(query["pageToken"]))
            if state["filter"] != text:
                return google_error(
                    400, "", "Page token does not match the request.", "INVALID_ARGUMENT"
                )
            offset = state["offset"]
        page: dict[str, Any] = {}
        if items[offset : offset + size]:
            page["responses"] = items[offset : offset + size]  # Google omits an empty list
        if offset + size < len(items):
            page["nextPageToken"] = base64.b64encode(
                json.dumps({"offset": offset + size, "filter": text}).encode()
            ).decode()
        return JSONResponse(page)


def _time(response: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(response["lastSubmittedTime"])
