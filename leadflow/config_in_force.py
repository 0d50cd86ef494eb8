"""Which scoring config and product capabilities are in force, and where each came from.

One answer for every command, flow, page and API: the newest config ops saved in the store,
else the file LEADFLOW_SCORING_CONFIG names, else the bundled default. Capabilities are part of
the config; when the config in force lists none, LEADFLOW_PRODUCT_CAPABILITIES fills in (an
environment value never overrides what ops saved).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.scoring_configs import latest_saved
from scoring.config import (
    DEFAULT_CONFIG_PATH,
    ScoringConfig,
    default_config,
    load_config,
    parse_config,
)

ENV_CAPABILITIES = "LEADFLOW_PRODUCT_CAPABILITIES"


class Configured(BaseModel):
    """What applies before anyone saves a config: the file or default, and env capabilities."""

    model_config = ConfigDict(frozen=True)

    config: ScoringConfig
    source: str
    capabilities: tuple[str, ...] = ()


class SavedBy(BaseModel):
    """Who saved the config in force, when and why."""

    model_config = ConfigDict(frozen=True)

    id: int
    actor: str
    reason: str | None
    at: datetime


class InForce(BaseModel):
    """The scoring config and capabilities in force, each with where it came from."""

    model_config = ConfigDict(frozen=True)

    config: ScoringConfig
    config_from: str
    capabilities: tuple[str, ...]
    capabilities_from: str
    saved: SavedBy | None = None


def configured(settings: Settings) -> Configured:
    """The configured starting point: LEADFLOW_SCORING_CONFIG's file, else the bundled default
    (a broken file raises ConfigError naming it)."""
    path = settings.scoring_config
    if path is None:
        config, source = default_config(), f"bundled default ({_shown(DEFAULT_CONFIG_PATH)})"
    else:
        config, source = load_config(path), f"file {path} (LEADFLOW_SCORING_CONFIG)"
    return Configured(config=config, source=source,
                      capabilities=tuple(settings.product_capabilities))


def in_force(store: Store, start: Configured) -> InForce:
    """The newest saved config if any, else `start`; capabilities as the module says."""
    with store.session(write=False) as session:
        row = latest_saved(session)
        saved = None if row is None else (dict(row.config), SavedBy(
            id=row.id or 0, actor=row.actor, reason=row.reason, at=row.created_at))
    if saved is None:
        config, config_from, saved_by = start.config, start.source, None
    else:
        config, saved_by = parse_config(saved[0]), saved[1]
        config_from = f"saved in the store by {saved_by.actor} at {saved_by.at:%Y-%m-%d %H:%M} UTC"
    if config.capabilities:
        return InForce(config=config, config_from=config_from, capabilities=config.capabilities,
                       capabilities_from="the config in force", saved=saved_by)
    return InForce(config=config, config_from=config_from, capabilities=start.capabilities,
                   capabilities_from=ENV_CAPABILITIES if start.capabilities else "none set",
                   saved=saved_by)


def config_in_force(settings: Settings, store: Store) -> InForce:
    """The config in force for these settings and this store."""
    return in_force(store, configured(settings))


def _shown(path: Path) -> str:
    # The package path, not this machine's: "scoring/default_config.yaml".
    return "/".join(path.parts[-2:])
