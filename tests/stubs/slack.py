"""A local Slack Web API (CONNECTORS.md 6 and 10): chat.postMessage, chat.update, auth.test.

Errors come back as HTTP 200 `{"ok": false, "error": ...}`, rate limits as HTTP 429 with
`Retry-After` and `{"ok": false, "error": "ratelimited"}`, as Slack sends them.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

TOKEN = "xoxb-0000-stub-token"
CHANNEL = "C0123456789"


@dataclass
class Channel:
    """A conversation the stub knows: whether the bot is in it, whether it is archived."""

    name: str
    member: bool = True
    archived: bool = False


class SlackStub:
    """State and the FastAPI app; `reset()` between tests."""

    def __init__(self) -> None:
        self.url = ""  # set by whoever serves the app
        self.reset()
        self.app = FastAPI()
        self.app.add_api_route("/api/{method}", self._dispatch, methods=["GET", "POST"])

    def reset(self) -> None:
        """A workspace with one joined channel (#leads), every scope the notifier needs."""
        self.token = TOKEN
        self.scopes = {"chat:write"}
        self.channels = {CHANNEL: Channel("leads"), "C0000000002": Channel("sales", member=False),
                         "C0000000003": Channel("old", archived=True)}  # fmt: skip
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.posts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.faults: list[tuple[int, dict[str, Any] | str, dict[str, str]]] = []
        self._ts = itertools.count(1)

    def fail_next(
        self,
        error: str = "fatal_error",
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        raw: str | None = None,
    ) -> None:
        """The next call(s) fail with `error` (or the `raw` body); 429s carry Retry-After."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body: dict[str, Any] | str = raw if raw is not None else {"ok": False, "error": error}
        self.faults += [(status, body, headers)] * times

    async def _dispatch(self, request: Request, method: str) -> Response:
        raw = await request.body()
        if request.headers.get("content-type", "").startswith("application/json"):
            args = json.loads(raw or b"{}")
        else:
            args = dict(parse_qsl(raw.decode()))
        args |= dict(request.query_params)
        if self.faults:
            status, body, headers = self.faults.pop(0)
            if isinstance(body, str):
                return Response(body, status_code=status, headers=headers, media_type="text/html")
            return JSONResponse(body, status_code=status, headers=headers)
        auth = request.headers.get("authorization", "")
        if not auth:
            return _fail("not_authed")
        if auth != f"Bearer {self.token}":
            return _fail("invalid_auth")
        handler = {"chat.postMessage": self._post, "chat.update": self._update,
                   "auth.test": self._auth_test}.get(method)  # fmt: skip
        if handler is None:
            return _fail("unknown_method")
        return handler(args)

    def _auth_test(self, args: dict[str, Any]) -> Response:
        return JSONResponse({"ok": True, "url": "https://stub.slack.com/", "team": "Stub Team",
                             "user": "leadflow", "team_id": "T0001", "user_id": "U0001",
                             "bot_id": "B0001"})  # fmt: skip

    def _channel(self, args: dict[str, Any]) -> tuple[str | None, Response | None]:
        wanted = str(args.get("channel", ""))
        by_name = {f"#{c.name}": cid for cid, c in self.channels.items()}
        cid = by_name.get(wanted, wanted)
        channel = self.channels.get(cid)
        if not wanted:
            return None, _fail("channel_not_found")
        if "chat:write" not in self.scopes:
            return None, _fail("missing_scope", needed="chat:write",
                               provided=",".join(sorted(self.scopes)))  # fmt: skip
        if channel is None:
            return None, _fail("channel_not_found")
        if channel.archived:
            return None, _fail("is_archived")
        if not channel.member:
            return None, _fail("not_in_channel")
        return cid, None

    def _checked_content(self, args: dict[str, Any]) -> Response | None:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not args.get("text") and not blocks:
            return _fail("no_text")
        if blocks is not None and (len(blocks) > 50 or any(_too_long(b) for b in blocks)):
            return _fail("invalid_blocks")
        return None

    def _post(self, args: dict[str, Any]) -> Response:
        cid, problem = self._channel(args)
        problem = problem or self._checked_content(args)
        if problem is not None or cid is None:
            return problem or _fail("channel_not_found")
        ts = f"1700000000.{next(self._ts):06d}"
        text = str(args.get("text", ""))[:40_000]  # Slack truncates, it does not refuse
        message = {"type": "message", "subtype": "bot_message", "bot_id": "B0001", "ts": ts,
                   "text": text, "blocks": args.get("blocks")}  # fmt: skip
        self.messages[(cid, ts)] = message
        self.posts.append({"channel": cid, **message})
        return JSONResponse({"ok": True, "channel": cid, "ts": ts, "message": message})

    def _update(self, args: dict[str, Any]) -> Response:
        cid, problem = self._channel(args)
        problem = problem or self._checked_content(args)
        if problem is not None or cid is None:
            return problem or _fail("channel_not_found")
        message = self.messages.get((cid, str(args.get("ts"))))
        if message is None:
            return _fail("message_not_found")
        message |= {"text": args.get("text", ""), "blocks": args.get("blocks")}
        self.updates.append({"channel": cid, **message})
        return JSONResponse({"ok": True, "channel": cid, "ts": message["ts"],
                             "text": message["text"], "message": message})  # fmt: skip


def _fail(error: str, **extra: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error, **extra})


def _too_long(block: dict[str, Any]) -> bool:
    """Slack's per-block limits: header 150, section text 3000, 10 fields of 2000."""
    text = (block.get("text") or {}).get("text", "")
    limit = {"header": 150, "section": 3000}.get(block.get("type", ""), 3000)
    fields = block.get("fields") or []
    return len(text) > limit or len(fields) > 10 or any(len(f["text"]) > 2000 for f in fields)
