"""Slack's `ok: false` errors (HTTP 200 or 429) mapped to leadflow's errors with the fix."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from connectors.base.retry_after import retry_after_s
from leadflow.errors import ConnectorError, PermanentError, TransientError

NAME = "slack"
TOKEN_SETTING = "LEADFLOW_SLACK__BOT_TOKEN"
_AUTH = {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired"}
_RETRY = {"ratelimited", "rate_limited", "fatal_error", "internal_error", "service_unavailable",
          "request_timeout"}  # fmt: skip
_FIXES = {
    "channel_not_found": "the channel id is wrong or private: set LEADFLOW_SLACK__CHANNEL (or "
    "LEADFLOW_SLACK__REP_CHANNELS) to a channel id the bot can see",
    "not_in_channel": "invite the bot to the channel (/invite @your-app) or add the "
    "chat:write.public scope and reinstall the app",
    "is_archived": "the channel is archived: unarchive it or pick another channel",
    "msg_too_long": "the message is too long for Slack (a leadflow bug: please report it)",
    "invalid_blocks": "Slack refused the message layout (a leadflow bug: please report it)",
    "restricted_action": "a workspace admin restricts posting there; pick another channel",
}


def _field(response: Any, key: str) -> Any:
    try:
        return response.get(key)
    except AttributeError:
        return None


def error_for(exc: SlackApiError, *, operation: str) -> ConnectorError:
    """The leadflow error for a failed Web API call."""
    response = exc.response
    status = getattr(response, "status_code", None) or 200
    code = str(_field(response, "error") or "unknown_error")
    if status == 429 or status >= 500 or code in _RETRY:
        return TransientError(
            f"Slack {code} (HTTP {status}); try again later",
            connector=NAME,
            operation=operation,
            retry_after_s=retry_after_s(getattr(response, "headers", None)),
        )
    if code in _AUTH:
        fix = f"create a new bot token (xoxb-...) and set {TOKEN_SETTING}"
    elif code == "missing_scope":
        needed = _field(response, "needed") or "chat:write"
        fix = f"add the {needed} scope to the Slack app, reinstall it and update {TOKEN_SETTING}"
    else:
        fix = _FIXES.get(code, "see https://api.slack.com/methods/chat.postMessage#errors")
    return PermanentError(f"Slack refused the message: {code}; {fix}", connector=NAME,
                          operation=operation)  # fmt: skip
