"""A local OpenAI-compatible server that plays scripted answers and records every request.

    server = FakeOpenAI().start()          # uvicorn in a thread on a free 127.0.0.1 port
    server.queue(Reply.answer({...}), Reply.error(429, headers={"retry-after-ms": "10"}))
    OpenAI(base_url=server.base_url, ...)  # then look at server.requests

When the script is empty, `responder` (if set) answers; else the server returns a 500 saying so.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.llm.chunking import estimate_tokens


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a completion (content, refusal, finish reason) or an HTTP error."""

    status: int = 200
    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def answer(cls, data: dict[str, Any], *, delay_s: float = 0.0) -> Reply:
        """A completion whose content is `data` as JSON."""
        return cls(content=json.dumps(data), delay_s=delay_s)

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop") -> Reply:
        """A completion with this raw content (e.g. invalid JSON)."""
        return cls(content=content, finish_reason=finish_reason)

    @classmethod
    def refused(cls, message: str) -> Reply:
        """A structured-output refusal."""
        return cls(refusal=message)

    @classmethod
    def failure(
        cls, status: int, message: str = "scripted error", *, code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """An HTTP error with OpenAI's error envelope."""
        kind = "insufficient_quota" if code == "insufficient_quota" else "server_error"
        return cls(status=status, headers=headers or {},
                   error={"message": message, "type": kind, "param": None, "code": code})


class FakeOpenAI:
    """The scripted server; `requests` holds every JSON body received, `headers` their headers."""

    def __init__(self, resolved_suffix: str = "-2030-01-01") -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.responder: Callable[[dict[str, Any]], Reply] | None = None
        self.resolved_suffix = resolved_suffix
        self._count = 0
        self._lock = threading.Lock()
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._complete)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """The URL to give the OpenAI client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with `replies`, in order."""
        self.script.extend(replies)

    def reset(self) -> None:
        """Forget the script, the responder and the recorded requests."""
        self.script.clear()
        self.requests.clear()
        self.headers.clear()
        self.responder = None
        self._count = 0

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            self._count += 1
            number = self._count
            if self.script:
                reply = self.script.popleft()
            elif self.responder is not None:
                reply = self.responder(body)
            else:
                reply = Reply.failure(500, "fake server: no scripted reply left")
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        headers = {"x-request-id": f"req-{number}", **reply.headers}
        if reply.error is not None:
            return JSONResponse({"error": reply.error}, status_code=reply.status, headers=headers)
        return JSONResponse(self._completion(body, reply, number), headers=headers)

    def _completion(self, body: dict[str, Any], reply: Reply, number: int) -> dict[str, Any]:
        prompt = "".join(str(message.get("content", "")) for message in body["messages"])
        answer = reply.content or reply.refusal or ""
        return {
            "id": f"chatcmpl-{number}", "object": "chat.completion", "created": 1_900_000_000,
            "model": body["model"] + self.resolved_suffix,
            "choices": [{
                "index": 0, "finish_reason": reply.finish_reason,
                "message": {"role": "assistant", "content": reply.content,
                            "refusal": reply.refusal},
            }],
            "usage": {"prompt_tokens": estimate_tokens(prompt),
                      "completion_tokens": estimate_tokens(answer),
                      "total_tokens": estimate_tokens(prompt) + estimate_tokens(answer)},
        }

    def start(self) -> FakeOpenAI:
        """Serve on a free loopback port in a daemon thread; returns once it accepts requests."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit it: headers and body go out at once, no delayed-ACK stall.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1, backlog=2048)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)


def main() -> None:
    """`python -m tests.llm.fake_openai_server DELAY_S`: answer every request with a valid
    extraction after DELAY_S seconds; prints the port, serves until killed (used by the bench,
    so the server's CPU does not share the client's interpreter lock)."""
    import sys

    from tests.llm.answers import valid_answer

    delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    server = FakeOpenAI()
    server.responder = lambda body: Reply.answer(valid_answer(), delay_s=delay)
    server.start()
    print(server.port, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
