"""What the web app runs on: settings, store, chain, the drainer and the scoring config."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flows.chain import Chain
from leadflow.config_in_force import InForce
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.web.drainer import Drainer
from scoring.config import ScoringConfig


@dataclass
class Services:
    """Built once by create_app and shared by every request (all of it is thread-safe)."""

    settings: Settings
    store: Store
    chain: Chain
    drainer: Drainer | None = None
    cookie_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def in_force(self) -> InForce:
        """The scoring config and capabilities in force, with where each came from."""
        return self.chain.in_force()

    def config(self) -> ScoringConfig:
        """The scoring config in force."""
        return self.chain.in_force().config

    def error_text(self, exc: BaseException) -> str:
        """An outside system's error as shown on a page or in a URL: without secrets (a
        provider's error body may echo the key it was sent)."""
        return self.chain.redactor.secrets(str(exc))
