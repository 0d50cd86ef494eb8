"""The one settings object: environment variables prefixed LEADFLOW_ (nested: `__`), read once."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from leadflow.errors import ConfigError


class ModelPrice(BaseModel):
    """What a model costs, in the settings' currency, per 1,000 tokens."""

    input_per_1k: Decimal = Decimal(0)
    output_per_1k: Decimal = Decimal(0)


class LLMSettings(BaseModel):
    """An OpenAI-compatible endpoint; with no base_url the offline extractor is used."""

    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=4, ge=0)
    max_concurrency: int = Field(default=8, ge=1)
    context_tokens: int = Field(default=100_000, ge=1_000)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    prompt_dir: Path | None = None
    # None: not sent (some reasoning models reject any temperature but their default).
    temperature: float | None = Field(default=0.0, ge=0, le=2)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class RetrySettings(BaseModel):
    """Backoff for transient connector errors; a service's Retry-After wins, up to the cap."""

    max_attempts: int = Field(default=4, ge=1)
    base_delay_s: float = Field(default=1.0, ge=0)
    max_delay_s: float = Field(default=60.0, ge=0)


class IntakeSource(BaseModel):
    """A generic JSON form: dotted paths into its body for the id, the time and each field.

    `fields` maps our field names (email, name, company, title, phone, needs, budget,
    proposed_times, timezone, language) to paths such as `contact.email`.
    """

    response_id: str = "id"
    submitted_at: str | None = "submitted_at"
    fields: dict[str, str] = Field(default_factory=dict)


class WebSettings(BaseModel):
    """`leadflow serve`: the intake webhook, the review and lead pages, the JSON API."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Several secrets so a sender's key can rotate; any one of them signs a valid request.
    intake_secrets: list[SecretStr] = Field(default_factory=list)
    signature_tolerance_s: int = Field(default=300, ge=1)
    # Signs session cookies; unset: a random one per process (everyone logs in again on restart).
    session_secret: SecretStr | None = None
    session_max_age_s: int = Field(default=12 * 3600, ge=60)
    cookie_secure: bool = False
    # Sources with a field mapping, taken at /intake/NAME besides google_forms (the Google
    # Forms shape); any other source is a 404.
    sources: dict[str, IntakeSource] = Field(default_factory=dict)
    # Largest request body in bytes, refused with 413 before it is read: intake's, and every
    # other route's (forms, the JSON API).
    intake_max_bytes: int = Field(default=1_048_576, ge=1_024)
    request_max_bytes: int = Field(default=262_144, ge=1_024)
    audit_sample_percent: int = Field(default=10, ge=0, le=100)
    low_confidence: float = Field(default=0.6, ge=0, le=1)
    # "prefect" runs received leads through the qualify-leads flow; "plain" without Prefect.
    runner: str = Field(default="prefect", pattern="^(prefect|plain)$")
    drain: bool = True
    drain_interval_s: float = Field(default=2.0, gt=0)
    drain_batch: int = Field(default=200, ge=1, le=1000)
    # Failed logins at one account (from any address) within the window answer 429...
    login_max_failures: int = Field(default=5, ge=1)
    login_window_s: int = Field(default=900, ge=1)
    # ...and so do failed logins from one address (at any accounts: password spraying).
    login_address_max_failures: int = Field(default=20, ge=1)
    login_address_window_s: int = Field(default=900, ge=1)
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or networks,
    # "*" for any). Empty: none; the client address is the connection's, whatever headers say.
    trusted_proxies: str = ""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            if item != "*":
                ip_network(item, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("sources")
    @classmethod
    def _source_names(cls, sources: dict[str, IntakeSource]) -> dict[str, IntakeSource]:
        # A name is a URL path part, part of the signed string (so no "."), and a column value.
        for name in sources:
            if not (0 < len(name) <= 100 and name.isascii()
                    and all(char.isalnum() or char in "_-" for char in name)):
                raise ValueError(f"source name {name!r}: use letters, digits, '_' and '-' "
                                 "(at most 100)")
        return sources


class HubSpotSettings(BaseModel):
    """The HubSpot CRM (LEADFLOW_CRM=hubspot): a service key or private-app token."""

    access_token: SecretStr | None = None
    base_url: str = "https://api.hubapi.com"
    # A date version (2026-03, 2026-09) or "v3" for the legacy /crm/v3 paths.
    api_version: str = Field(default="2026-03", pattern=r"^(v3|\d{4}-\d{2})$")
    timeout_s: float = Field(default=30.0, gt=0)
    # The daily API limit resets at midnight in the account's time zone.
    account_timezone: str = "UTC"
    pipeline: str = "default"
    deal_stage: str = "appointmentscheduled"
    # Longest wait for the 10-second window inside one call before raising TransientError.
    max_wait_s: float = Field(default=10.0, ge=0)


class SlackSettings(BaseModel):
    """The Slack notifier (LEADFLOW_NOTIFIER=slack): a bot token and where messages go."""

    bot_token: SecretStr | None = None
    base_url: str = "https://slack.com/api/"
    # Channel (or user) id for every lead; rep_channels overrides it per rep email or id.
    channel: str | None = None
    rep_channels: dict[str, str] = Field(default_factory=dict)
    timeout_s: int = Field(default=30, ge=1)
    rate_limit_retries: int = Field(default=2, ge=0)


class GoogleSettings(BaseModel):
    """Google Calendar (LEADFLOW_CALENDAR=google) and the Forms reconciler: a service account."""

    # The key as a file path, or its JSON text as a secret (never both needed).
    service_account_file: Path | None = None
    service_account_json: SecretStr | None = None
    # Domain-wide delegation: act as this user for every call, or as each rep on their calendar.
    subject: str | None = None
    impersonate_reps: bool = False
    invite_attendees: bool = True
    create_meet: bool = True
    send_updates: str = Field(default="all", pattern=r"^(all|externalOnly|none)$")
    calendar_base_url: str = "https://www.googleapis.com/calendar/v3/"
    forms_base_url: str = "https://forms.googleapis.com/v1/"
    # Forms the reconciler reads (`leadflow forms reconcile`).
    form_ids: list[str] = Field(default_factory=list)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=3, ge=0)


class GongSettings(BaseModel):
    """Gong transcripts (LEADFLOW_TRANSCRIPTS=gong): an API access key and its secret."""

    base_url: str = "https://api.gong.io"
    access_key: SecretStr | None = None
    access_key_secret: SecretStr | None = None
    # Gong allows 3 calls/s per company; lower it when other tools share the key.
    requests_per_second: float = Field(default=3.0, gt=0)
    # Calls that started this long before the meeting or after its end still match.
    window_minutes: int = Field(default=120, ge=0)
    timeout_s: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """Everything leadflow reads from its environment. Build it once and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="LEADFLOW_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Path(".leadflow")
    database_url: str | None = None
    scoring_config: Path | None = None
    # A model file from `leadflow backtest`: its score is shown beside the BANT score.
    predictive_model: Path | None = None
    log_level: str = "INFO"

    # Connectors, chosen by name; the local ones are the embedded default.
    crm: str = "local"
    calendar: str = "local"
    transcripts: str = "folder"
    notifier: str = "console"
    extractor: str = "auto"
    reps_file: Path | None = None
    transcripts_dir: Path | None = None
    product_capabilities: list[str] = Field(default_factory=list)

    # Prefect: with no api url, leadflow starts (and reuses) its own local server.
    prefect_api_url: str | None = None
    prefect_port: int = 4200

    llm: LLMSettings = Field(default_factory=LLMSettings)
    retries: RetrySettings = Field(default_factory=RetrySettings)
    # Leads processed at once inside one batch flow run (SQLite-backed servers want few).
    max_concurrent_leads: int = Field(default=4, ge=1)
    # A process running a lead holds its lease this long (renewed between steps); a lead whose
    # process died is resumed by another once the lease lapses.
    lead_lease_s: int = Field(default=180, ge=5)
    # Runs of one lead that end with its process dying or an unexpected error before the lead
    # is marked failed, so a poison lead never blocks the others.
    max_lead_attempts: int = Field(default=3, ge=1)
    # Testing only: "STEP:before" or "STEP:after" kills the process at that step boundary (before
    # its outside call, or after it but before the step is recorded), for the fault campaign.
    fault_kill_at: str | None = Field(default=None, pattern=r"^[a-z0-9_.-]+:(before|after)$")
    # Flow runs at once across processes on the embedded SQLite Prefect server (0: no cap).
    max_concurrent_flow_runs: int = Field(default=2, ge=0)
    form_timezone: str = "UTC"
    hubspot: HubSpotSettings = Field(default_factory=HubSpotSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    gong: GongSettings = Field(default_factory=GongSettings)

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'leadflow.db').resolve()}"

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain data, every secret shown as '**********'."""
        data = self.model_dump(mode="json")
        data["database_url"] = _mask_url_password(self.effective_database_url)
        return data


def _mask_url_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:**********@{host}"


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once; a bad value raises ConfigError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = "LEADFLOW_" + "__".join(str(part).upper() for part in first["loc"])
        raise ConfigError(first["msg"], key=key) from exc
    except SettingsError as exc:
        # A list or nested value is parsed as JSON before validation, and fails as this.
        raise _not_json(exc) from exc


_FIELD = re.compile(r'field "(?P<field>\w+)"')


def _not_json(exc: SettingsError) -> ConfigError:
    """pydantic-settings' error for a value that is not JSON, naming the variable (never the
    value: it may be a secret)."""
    match = _FIELD.search(str(exc))
    key = _json_variable(match.group("field")) if match else None
    why = " ".join(str(exc.__cause__ or exc).split())
    return ConfigError(f"not valid JSON ({why}); lists and mappings are written as JSON, e.g. "
                       '["a", "b"] or {"k": "v"}', key=key)


def _json_variable(field: str) -> str:
    """The LEADFLOW_ variable of `field` (or under it, with `__`) whose JSON does not parse:
    the one that looks like JSON, else the only one that fails, else the field's own name."""
    name = f"LEADFLOW_{field.upper()}"
    failing = []
    for variable, value in os.environ.items():
        if variable.upper() == name or variable.upper().startswith(name + "__"):
            try:
                json.loads(value)
            except ValueError:
                failing.append((variable, value))
    bracketed = [variable for variable, value in failing if value.lstrip()[:1] in ("[", "{")]
    if bracketed:
        return bracketed[0]
    return failing[0][0] if len(failing) == 1 else name
