"""The one settings object: environment variables prefixed LEADFLOW_ (nested: `__`), read once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class RetrySettings(BaseModel):
    """Backoff for transient connector errors; a service's Retry-After wins, up to the cap."""

    max_attempts: int = Field(default=4, ge=1)
    base_delay_s: float = Field(default=1.0, ge=0)
    max_delay_s: float = Field(default=60.0, ge=0)


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
    form_timezone: str = "UTC"

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
