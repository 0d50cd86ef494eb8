"""Fixtures for the Slack tests: one stub server per session, reset for every test."""

from __future__ import annotations

import atexit
from contextlib import ExitStack

from pydantic import SecretStr

from connectors.slack import SlackNotifier, slack_notifier
from leadflow.settings import SlackSettings
from leadflow.store import Store
from tests.stubs.serving import serve
from tests.stubs.slack import CHANNEL, TOKEN, SlackStub

_STUB = SlackStub()
_SERVER = ExitStack()
atexit.register(_SERVER.close)


def fresh_stub() -> SlackStub:
    """The process's stub server (started on first use), reset to a fresh workspace."""
    if not _STUB.url:
        _STUB.url = _SERVER.enter_context(serve(_STUB.app))
    _STUB.reset()
    return _STUB


def make_notifier(stub: SlackStub, store: Store, slept: list[float] | None = None,
                  **changes: object) -> SlackNotifier:  # fmt: skip
    """A SlackNotifier on the stub; waits are recorded in `slept`, never slept."""
    settings = SlackSettings.model_validate(
        {
            "bot_token": SecretStr(TOKEN),
            "base_url": f"{stub.url}/api/",
            "channel": CHANNEL,
            **changes,
        }
    )
    record = slept if slept is not None else []
    return slack_notifier(settings, store, sleep=record.append)
