"""The OpenAI client for an OpenAI-compatible endpoint, and what its errors mean for leadflow.

The SDK's own retries are off (max_retries=0): our loop retries, so every attempt is audited.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import httpx2
import openai
from openai import OpenAI

from connectors.base.retry_after import retry_after_s
from leadflow.errors import (
    ConnectorError,
    PermanentError,
    QuotaExhaustedError,
    TransientError,
)
from leadflow.settings import LLMSettings

CONNECTOR = "llm"
OPERATION = "extract"


def build_client(settings: LLMSettings) -> OpenAI:
    """An OpenAI client for `settings.base_url`; no I/O happens until the first call."""
    # Local servers (vLLM, Ollama, llama.cpp) want some key; any string does.
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    # Keep a connection per concurrent call alive (the default keeps 20, so 32 calls at once
    # would reconnect), and send small request bodies at once (TCP_NODELAY: without it a
    # body written after its headers can wait ~40 ms for a delayed ACK).
    transport = httpx2.HTTPTransport(
        limits=httpx2.Limits(max_connections=max(100, 2 * settings.max_concurrency),
                             max_keepalive_connections=settings.max_concurrency),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
    return OpenAI(base_url=settings.base_url, api_key=key, timeout=settings.timeout_s,
                  max_retries=0, http_client=openai.DefaultHttpx2Client(transport=transport))


def _permanent(message: str) -> PermanentError:
    return PermanentError(message, connector=CONNECTOR, operation=OPERATION)


def classify(exc: openai.OpenAIError, settings: LLMSettings) -> ConnectorError:
    """Our error for an SDK error: TransientError to retry, PermanentError saying what to fix."""
    where = f"{settings.base_url} (model {settings.model})"
    if isinstance(exc, openai.APITimeoutError):
        return TransientError(f"no answer within {settings.timeout_s} s from {where}",
                              connector=CONNECTOR, operation=OPERATION)
    if isinstance(exc, openai.APIConnectionError):
        return TransientError(f"cannot connect to {where}: {exc}", connector=CONNECTOR,
                              operation=OPERATION)
    if not isinstance(exc, openai.APIStatusError):
        return _permanent(f"{type(exc).__name__}: {exc}")
    status, code = exc.status_code, getattr(exc, "code", None)
    detail = _server_message(exc)
    if status == 429 and code == "insufficient_quota":
        return QuotaExhaustedError(
            f"the account behind LEADFLOW_LLM__API_KEY has no quota left ({detail}); add "
            "credit or use another key", connector=CONNECTOR, operation=OPERATION)
    if status in (408, 409, 429) or status >= 500:
        wait = retry_after_s(exc.response.headers)
        return TransientError(f"HTTP {status} from {where}: {detail}", connector=CONNECTOR,
                              operation=OPERATION, retry_after_s=wait)
    if status in (401, 403):
        return _permanent(f"HTTP {status} from {where}: {detail}; check LEADFLOW_LLM__API_KEY")
    if status == 404:
        return _permanent(f"HTTP 404 from {where}: {detail}; check LEADFLOW_LLM__MODEL and "
                          "LEADFLOW_LLM__BASE_URL (it usually ends in /v1)")
    return _permanent(f"HTTP {status} from {where}: {detail}; the server rejected the request "
                      "(does this model support json_schema structured outputs?)")


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
    return str(exc.message)[:300]


def finish_error(reason: str, settings: LLMSettings) -> PermanentError:
    """The error for a completion that stopped for `reason` (length, content_filter, refusal)."""
    if reason == "length":
        return _permanent("the answer was cut off at the output token limit (finish_reason "
                          "length); raise the server's max output tokens or lower "
                          "LEADFLOW_LLM__CONTEXT_TOKENS so chunks are smaller")
    if reason == "content_filter":
        return _permanent("the provider's content filter stopped the answer; review the "
                          "transcript or use another model")
    return _permanent(f"the model refused to answer: {reason[:200]}; review the transcript "
                      f"or use another model than {settings.model}")


class LazyClient:
    """An OpenAI client, or a factory for one called on first use (no I/O at construction)."""

    def __init__(self, client: OpenAI | Callable[[], OpenAI]) -> None:
        self._client = client
        self._lock = threading.Lock()

    def get(self) -> OpenAI:
        """The client, built once."""
        with self._lock:
            if not isinstance(self._client, OpenAI):
                self._client = self._client()
            return self._client
