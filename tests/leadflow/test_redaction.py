"""Redaction by value (every configured secret) and by shape; addresses are not phones."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from leadflow.logs import PREFECT_RUN_LOGGERS, JsonFormatter, RedactingFilter, redact_prefect_logs
from leadflow.redaction import Redactor, redact
from leadflow.settings import (
    GongSettings,
    GoogleSettings,
    HubSpotSettings,
    LLMSettings,
    Settings,
    SlackSettings,
    WebSettings,
)

# Shaped like nothing the patterns know: only redaction by value catches these.
LLM_KEY = "Zq9vLlmKey0042"
PRIVATE_KEY = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n"
               "-----END PRIVATE KEY-----\n")


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url="postgresql://leadflow:Pg-Pass-31337@db.internal/leadflow",
        llm=LLMSettings(api_key=SecretStr(LLM_KEY)),
        hubspot=HubSpotSettings(access_token=SecretStr("hs-token-abcdef123")),
        slack=SlackSettings(bot_token=SecretStr("slack-token-0987")),
        gong=GongSettings(access_key=SecretStr("GONGACCESS77"),
                          access_key_secret=SecretStr("gong-secret-55aa")),
        google=GoogleSettings(service_account_json=SecretStr(json.dumps(
            {"type": "service_account", "private_key_id": "f00dfeedbeef1234",
             "private_key": PRIVATE_KEY, "client_email": "bot@proj.iam.example"}))),
        web=WebSettings(intake_secrets=[SecretStr("intake-secret-aaa"), SecretStr("short")],
                        session_secret=SecretStr("session-secret-bbb")),
    )


@pytest.mark.parametrize("address", [
    "192.168.10.254", "10.0.0.1", "127.0.0.1:8000", "203.0.113.7", "::ffff:198.51.100.23",
    "2001:db8:85a3:0:0:8a2e:370:7334", "fe80::1ff:fe23:4567:890a", "::1"])
def test_ip_addresses_are_not_phone_numbers(address: str) -> None:
    assert redact(f"login failed from {address}") == f"login failed from {address}"


@pytest.mark.parametrize("phone", [
    "+55 11 98765-4321", "(212) 555-0142", "555.123.4567", "+1.555.123.4567", "+351912345678",
    "020 7946 0958"])
def test_phone_numbers_are_still_redacted(phone: str) -> None:
    assert redact(f"call {phone} today") == "call [phone] today"


def test_every_secret_in_the_settings_is_redacted_by_value(tmp_path: Path) -> None:
    redactor = Redactor.from_settings(_settings(tmp_path))
    gong_basic = base64.b64encode(b"GONGACCESS77:gong-secret-55aa").decode()
    leaked = [LLM_KEY, "hs-token-abcdef123", "slack-token-0987", "GONGACCESS77",
              "gong-secret-55aa", gong_basic, "intake-secret-aaa", "session-secret-bbb",
              "Pg-Pass-31337", "f00dfeedbeef1234", "MIIEvQIBADANBgkqhkiG9w0BAQEF",
              json.dumps(PRIVATE_KEY)[1:-1]]
    text = "provider said: " + " | ".join(leaked)
    masked = redactor.secrets(text)
    assert not [secret for secret in leaked if secret in masked], masked
    assert masked.startswith("provider said: [secret]")
    # Under the minimum length: not a secret worth masking ordinary text for.
    assert redactor.secrets("a short reply") == "a short reply"
    assert redact(text) == text  # the patterns alone miss every one


def test_a_key_file_is_read_for_its_private_key(tmp_path: Path) -> None:
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({"private_key": PRIVATE_KEY, "private_key_id": "0123abcd89"}))
    settings = Settings(data_dir=tmp_path, google=GoogleSettings(service_account_file=key_file))
    masked = Redactor.from_settings(settings).secrets(f"bad key {PRIVATE_KEY} id 0123abcd89")
    assert "MIIEvQ" not in masked and "0123abcd89" not in masked


def test_the_store_form_keeps_personal_data_the_log_form_does_not(tmp_path: Path) -> None:
    redactor = Redactor.from_settings(_settings(tmp_path))
    text = f"ana@example.com +55 11 98765-4321 key={LLM_KEY} Bearer abcdefgh123"
    assert redactor.secrets(text) == "ana@example.com +55 11 98765-4321 key=[secret] [secret]"
    assert redactor.redact(text) == "[email] [phone] key=[secret] [secret]"
    assert redactor.secrets_in({"a": [text], "n": 3}) == {"a": [redactor.secrets(text)], "n": 3}


@pytest.fixture
def prefect_loggers() -> Iterator[None]:
    """redact_prefect_logs changes process-wide loggers: put their filters back afterwards."""
    saved = {name: logging.getLogger(name).filters[:] for name in PREFECT_RUN_LOGGERS}
    yield
    for name, filters in saved.items():
        logging.getLogger(name).filters = filters


def _raise_with_cause(secret: str) -> None:
    try:
        raise RuntimeError(f"provider body: invalid key {secret} for ana@example.com")
    except RuntimeError as exc:
        raise ValueError("step failed") from exc


def test_prefect_run_logs_lose_secrets_even_in_a_tracebacks_cause(
        tmp_path: Path, prefect_loggers: None) -> None:
    redact_prefect_logs(Redactor.from_settings(_settings(tmp_path)))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # stands in for Prefect's API handler
    logger = logging.getLogger("prefect.task_runs")
    logger.addHandler(handler)
    try:
        try:
            _raise_with_cause(LLM_KEY)
        except ValueError:
            logger.error("Task run failed with exception: %s (%s)", "key", LLM_KEY,
                         exc_info=True, extra={"send_to_api": False})  # no run to send to
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "provider body: invalid key [secret] for [email]" in output  # the cause is there
    assert LLM_KEY not in output and "ana@example.com" not in output
    assert "Task run failed with exception: key ([secret])" in output


def test_installing_the_prefect_filter_twice_keeps_one(
        tmp_path: Path, prefect_loggers: None) -> None:
    redact_prefect_logs(Redactor())
    redact_prefect_logs(Redactor())
    for name in PREFECT_RUN_LOGGERS:
        ours = [f for f in logging.getLogger(name).filters if isinstance(f, RedactingFilter)]
        assert len(ours) == 1


def test_json_logs_redact_configured_secrets_in_message_extras_and_traceback(
        tmp_path: Path) -> None:
    formatter = JsonFormatter(Redactor.from_settings(_settings(tmp_path)))
    try:
        _raise_with_cause("session-secret-bbb")
    except ValueError:
        import sys

        record = logging.LogRecord("leadflow.web", logging.ERROR, __file__, 1,
                                   "hubspot said %s", ("hs-token-abcdef123",), sys.exc_info())
    record.body = {"echo": f"key {LLM_KEY}"}
    line = formatter.format(record)
    payload = json.loads(line)
    assert payload["msg"] == "hubspot said [secret]"
    assert payload["body"] == {"echo": "key [secret]"}
    assert "invalid key [secret] for [email]" in payload["error"]
    for secret in ("hs-token-abcdef123", LLM_KEY, "session-secret-bbb"):
        assert secret not in line


@pytest.mark.parametrize("text", ["SK-Innovation-Group", "pat-foods-incorporated",
                                  "the bearer of bad news", "XOXB-IS-NOT-SLACK"])
def test_ordinary_words_are_not_credentials(text: str) -> None:
    assert redact(text) == text
