"""Structured logs: one JSON object per line, with personal data and secrets redacted.

The store keeps personal data; logs leave the store (terminals, log shippers), so emails, phone
numbers and anything shaped like a credential are masked in the message and in every extra field.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d ().-]{6,}\d(?![\w.])")
_SECRET = re.compile(r"(?i)\b(bearer\s+[\w.~+/=-]+|sk-[\w-]{8,}|xox[abp]-[\w-]+|pat-[\w-]+)")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
OUR_LOGGERS = ("leadflow", "flows", "connectors")


def redact(text: str) -> str:
    """The text with emails, phone numbers and credential-shaped tokens masked."""
    text = _SECRET.sub("[secret]", text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub("[phone]", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value if isinstance(value, int | float | bool | type(None)) else redact(str(value))


class JsonFormatter(logging.Formatter):
    """`{"at", "level", "logger", "msg", ...extras}` with everything redacted."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        payload |= {key: _clean(value) for key, value in vars(record).items()
                    if key not in _STANDARD and not key.startswith("_")}
        if record.exc_info:
            payload["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send our loggers' records to stderr as redacted JSON lines (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.set_name("leadflow-json")
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != "leadflow-json"]
        logger.addHandler(handler)
        logger.setLevel(level.upper())
        logger.propagate = False
