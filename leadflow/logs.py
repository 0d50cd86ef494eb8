"""Structured logs: one JSON object per line, with personal data and secrets redacted.

The store keeps personal data; logs leave the store (terminals, log shippers), so emails, phone
numbers, every configured secret and anything shaped like a credential are masked in the
message, the traceback and every extra field. Prefect ships its run loggers' records to its
API (its own database and UI): those records pass through the same redaction.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from leadflow.redaction import Redactor, redact

__all__ = ["OUR_LOGGERS", "PREFECT_RUN_LOGGERS", "JsonFormatter", "RedactingFilter",
           "configure_logging", "redact", "redact_prefect_logs"]

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
OUR_LOGGERS = ("leadflow", "flows", "connectors")
# The loggers whose records Prefect's API handlers send to its server (see prefect's
# logging.yml): run loggers, the extra loggers, workers.
PREFECT_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "prefect.extra",
                       "prefect.workers")


class JsonFormatter(logging.Formatter):
    """`{"at", "level", "logger", "msg", ...extras}` with everything redacted."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        clean = self.redactor.redact
        payload: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": clean(record.getMessage()),
        }
        payload |= {key: self.redactor.redact_in(value) for key, value in vars(record).items()
                    if key not in _STANDARD and not key.startswith("_")}
        if record.exc_info:
            payload["error"] = clean(self.formatException(record.exc_info))
        elif record.exc_text:
            payload["error"] = clean(record.exc_text)
        return json.dumps(payload, ensure_ascii=False, default=str)


class RedactingFilter(logging.Filter):
    """Redacts a record in place before any handler sees it: message, traceback, stack.

    The traceback is formatted here and kept as `exc_text` (which every logging.Formatter
    prints) while `exc_info` is dropped: a handler that renders exceptions itself would
    otherwise print the raw text, causes included (a provider's error echoing a key).
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        clean = self.redactor.redact
        record.msg = clean(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = clean(record.exc_text)
        if record.stack_info:
            record.stack_info = clean(record.stack_info)
        return True


def redact_prefect_logs(redactor: Redactor) -> None:
    """Put the redaction filter on Prefect's run loggers (replacing an earlier one).

    A logger's filters survive Prefect re-running its logging setup, which replaces handlers.
    """
    for name in PREFECT_RUN_LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(old)
        logger.addFilter(RedactingFilter(redactor))


def configure_logging(level: str = "INFO", redactor: Redactor | None = None) -> None:
    """Send our loggers' records to stderr as redacted JSON lines, and redact what Prefect's
    run loggers ship to its API (idempotent; the CLI calls it once per process)."""
    redactor = redactor or Redactor()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(redactor))
    handler.set_name("leadflow-json")
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != "leadflow-json"]
        logger.addHandler(handler)
        logger.setLevel(level.upper())
        logger.propagate = False
    redact_prefect_logs(redactor)
