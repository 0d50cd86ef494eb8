"""The one error hierarchy of leadflow.

LeadflowError
 +-- ConfigError            a setting or config file is wrong: names file, key, allowed values
 +-- InputError             a submission, transcript or answers file is malformed (kept)
 +-- ConnectorError         talking to an outside system failed
 |    +-- TransientError    timeouts, 429, 5xx: retried with backoff, honouring retry_after_s
 |    +-- PermanentError    4xx, auth, not found: not retried; the message says what to fix
 |         +-- QuotaExhaustedError   a daily/plan limit: stop calling, leave the lead resumable
 +-- ExtractionError        an LLM or offline extraction could not produce answers
 |    +-- InvalidOutputError     the model's answer failed validation after the re-ask
 +-- StoreError             the store is unreachable or its schema is newer than this code

Callers decide by class: tasks retry only TransientError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


class LeadflowError(Exception):
    """Root of every error leadflow raises on purpose; its text is always one line."""

    def __str__(self) -> str:
        # Messages quote what people typed or sent (a key, a call id, a file name): a line
        # break in one is shown escaped, so the CLI's and the logs' one-line errors stay one.
        return _LINE_BREAKS.sub(lambda found: repr(found.group())[1:-1], super().__str__())


class ConfigError(LeadflowError):
    """A configuration value is invalid; carries where it is and what is allowed."""

    def __init__(self, message: str, *, file: Path | str | None = None, key: str | None = None):
        self.file = str(file) if file is not None else None
        self.key = key
        self.detail = message
        where = ": ".join(part for part in (self.file, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


class InputError(LeadflowError):
    """Input data (a form, a transcript, an answers file) is malformed."""

    def __init__(self, message: str, *, errors: Sequence[str] = ()):
        self.errors = list(errors)
        super().__init__(message)


class ConnectorError(LeadflowError):
    """An outside system failed; `connector` and `operation` say which call."""

    def __init__(self, message: str, *, connector: str = "", operation: str = ""):
        self.connector = connector
        self.operation = operation
        prefix = ".".join(part for part in (connector, operation) if part)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class TransientError(ConnectorError):
    """Worth retrying later: a timeout, a rate limit, a server error."""

    def __init__(
        self,
        message: str,
        *,
        connector: str = "",
        operation: str = "",
        retry_after_s: float | None = None,
    ):
        self.retry_after_s = retry_after_s
        super().__init__(message, connector=connector, operation=operation)


class PermanentError(ConnectorError):
    """Retrying will not help until a person fixes something the message names."""


class QuotaExhaustedError(PermanentError):
    """A daily or plan quota is used up: stop calling until `resets_at` (if known)."""

    def __init__(
        self, message: str, *, connector: str = "", operation: str = "", resets_at: Any = None
    ):
        self.resets_at = resets_at
        super().__init__(message, connector=connector, operation=operation)


class ExtractionError(LeadflowError):
    """Answers could not be extracted from a transcript."""


class InvalidOutputError(ExtractionError):
    """The model's output failed validation twice; `attempts` holds each raw answer and error."""

    def __init__(self, message: str, *, attempts: Sequence[Any] = ()):
        self.attempts = list(attempts)
        super().__init__(message)


class StoreError(LeadflowError):
    """The store cannot be used as configured."""
