"""The Slack notifier: slack-sdk's WebClient, Block Kit messages, chat.update on replays."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from connectors.slack.blocks import message_blocks
from connectors.slack.notifier import SlackNotifier
from connectors.slack.retry import WaitingRateLimitHandler
from leadflow.settings import SlackSettings
from leadflow.store import Store


def slack_client(
    settings: SlackSettings, *, sleep: Callable[[float], None] = time.sleep
) -> WebClient:
    """A WebClient for these settings that retries 429s after Retry-After (injectable sleep)."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    return WebClient(token=token, base_url=settings.base_url, timeout=settings.timeout_s,
                     retry_handlers=[ConnectionErrorRetryHandler(),
                                     WaitingRateLimitHandler(settings.rate_limit_retries,
                                                             sleep=sleep)])  # fmt: skip


def slack_notifier(
    settings: SlackSettings, store: Store, *, sleep: Callable[[float], None] = time.sleep
) -> SlackNotifier:
    """The Slack notifier for these settings (no call is made until it is used)."""
    return SlackNotifier(slack_client(settings, sleep=sleep), store, channel=settings.channel,
                         rep_channels=settings.rep_channels)  # fmt: skip


__all__ = ["SlackNotifier", "WaitingRateLimitHandler", "message_blocks", "slack_client",
           "slack_notifier"]  # fmt: skip
