"""Logs are JSON lines with personal data and secrets redacted, extras included."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from leadflow.logs import OUR_LOGGERS, configure_logging, redact


@pytest.mark.parametrize(("text", "expected"), [
    ("lead ana.souza@ceuazul.example failed", "lead [email] failed"),
    ("call +55 11 98765-4321 today", "call [phone] today"),
    ("Authorization: Bearer abc.def-123", "Authorization: [secret]"),
    ("key sk-proj-0123456789abcdef leaked", "key [secret] leaked"),
    ("lead 42 scored 80 in 2026", "lead 42 scored 80 in 2026"),
])
def test_redact_masks_personal_data_and_credentials_only(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.fixture
def our_logging() -> Iterator[None]:
    """configure_logging changes process-wide loggers: put them back for the other tests."""
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level,
                    logging.getLogger(name).propagate) for name in OUR_LOGGERS}
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


def test_our_loggers_write_redacted_json_lines(
    capsys: pytest.CaptureFixture[str], our_logging: None
) -> None:
    configure_logging("INFO")
    logging.getLogger("flows.retrying").warning(
        "retrying %s", "dana@northwind.example", extra={"step": "contact", "attempt": 2,
                                                       "lead": {"email": "x@y.example"}})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["msg"] == "retrying [email]"
    assert record["step"] == "contact" and record["attempt"] == 2
    assert record["lead"] == {"email": "[email]"}
    assert record["level"] == "warning" and record["logger"] == "flows.retrying"
