"""The Block Kit message for a scored lead, inside Slack's documented size limits."""

from __future__ import annotations

from typing import Any

from connectors.base.notifier import LeadNotification

# Slack's limits (CONNECTORS.md 6.1): header 150, section text 3000, field 2000, 10 fields.
HEADER_MAX, SECTION_MAX, FIELD_MAX, FIELDS_MAX, TEXT_MAX = 150, 3000, 2000, 10, 40_000


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fallback_text(notification: LeadNotification) -> str:
    """The top-level `text`: what push notifications and screen readers show."""
    return _cut(f"{notification.title}\n{notification.text}", TEXT_MAX)


def message_blocks(notification: LeadNotification) -> list[dict[str, Any]]:
    """Header, lead and score, one field per tier, the evidence quote, links to lead and review."""
    lead = escape(notification.lead_name or notification.lead_email)
    summary = f"*{lead}* · {escape(notification.lead_email)}"
    if notification.score is not None:
        band = f" ({escape(notification.band)})" if notification.band else ""
        summary += f"\nScore *{notification.score}*/100{band}"
    section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": summary}}
    fields = [
        {"type": "mrkdwn", "text": _cut(f"*{escape(label.title())}*\n{escape(value)}", FIELD_MAX)}
        for label, value in list(notification.fields.items())[:FIELDS_MAX]
    ]
    if fields:
        section["fields"] = fields
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(notification.title,
                                                                        HEADER_MAX)}},
        section,
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": _cut(escape(notification.text), SECTION_MAX)}},
    ]  # fmt: skip
    if notification.quote:
        quote = "\n".join(f"> {line}" for line in escape(notification.quote).splitlines())
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _cut(f"*Evidence*\n{quote}", SECTION_MAX)},
            }
        )
    links = [
        f"<{url}|{label}>"
        for label, url in (("Open lead", notification.link), ("Review", notification.review_link))
        if url
    ]
    if links:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(links)}]}
        )
    return blocks
