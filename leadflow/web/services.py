"""What the web app runs on: settings, store, chain, the drainer and the scoring config."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field

from flows.chain import Chain
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.scoring_configs import saved_config
from leadflow.web.drainer import Drainer
from scoring.config import ScoringConfig, parse_config


@dataclass
class Services:
    """Built once by create_app and shared by every request (all of it is thread-safe)."""

    settings: Settings
    store: Store
    chain: Chain
    drainer: Drainer | None = None
    cookie_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def config(self) -> ScoringConfig:
        """The scoring config in force: the newest one ops saved, else the chain's."""
        with self.store.session(write=False) as session:
            saved = saved_config(session)
        return self.chain.config if saved is None else parse_config(saved)

    def chain_now(self) -> Chain:
        """The chain with the config in force (for review rescoring)."""
        return dataclasses.replace(self.chain, config=self.config())
