"""One answer to "which scoring config and capabilities are in force", with where each came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.assembly import build_chain
from leadflow.config_in_force import config_in_force
from leadflow.errors import ConfigError
from leadflow.settings import load_settings
from leadflow.store import Store
from leadflow.store.scoring_configs import save_config
from scoring.bands import with_band_min
from scoring.config import default_config, parse_config


def _save(store: Store, **changes: object) -> None:
    data = {**default_config().model_dump(mode="json"), **changes}
    with store.session() as session:
        save_config(session, data, version=parse_config(data).version, actor="ops@example.com",
                    reason="test")


def test_the_store_wins_over_the_file_which_wins_over_the_default(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    store = Store.from_settings(settings)
    default = config_in_force(settings, store)
    assert default.config == default_config() and default.config_from.startswith("bundled")
    assert (default.capabilities, default.capabilities_from) == ((), "none set")

    file = tmp_path / "scoring.yaml"
    file.write_text("bands:\n  - {name: Good, min: 60}\n  - {name: Fair, min: 30}\n"
                    "  - {name: Poor, min: 0}\ncapabilities: [lead scoring]\n")
    from_file = config_in_force(load_settings(data_dir=tmp_path, scoring_config=file), store)
    assert from_file.config.bands[0].min == 60 and str(file) in from_file.config_from
    assert from_file.capabilities == ("lead scoring",)

    bands = [b.model_dump() for b in with_band_min(default_config().bands, "Good", 50)]
    _save(store, bands=bands)
    saved = config_in_force(load_settings(data_dir=tmp_path, scoring_config=file), store)
    assert saved.config.bands[0].min == 50 and "ops@example.com" in saved.config_from
    assert saved.saved is not None and saved.saved.reason == "test"


def test_env_capabilities_fill_in_only_when_the_config_lists_none(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, product_capabilities=["crm sync"])
    store = Store.from_settings(settings)
    assert config_in_force(settings, store).capabilities_from == "LEADFLOW_PRODUCT_CAPABILITIES"
    _save(store, capabilities=["lead scoring", "call transcription"])
    in_force = config_in_force(settings, store)
    assert in_force.capabilities == ("lead scoring", "call transcription")
    assert in_force.capabilities_from == "the config in force"


def test_a_running_chain_sees_a_config_saved_after_it_was_built(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    store = Store.from_settings(settings)
    chain = build_chain(settings, store=store)
    assert chain.in_force().config.bands[0].min == 70
    _save(store, bands=[b.model_dump() for b in with_band_min(default_config().bands, "Good", 80)])
    assert chain.in_force().config.bands[0].min == 80


def test_a_broken_config_file_is_one_error_naming_it(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("weights: {budget: 90}\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml"):
        config_in_force(load_settings(data_dir=tmp_path, scoring_config=file),
                        Store.from_settings(load_settings(data_dir=tmp_path)))


def test_capabilities_change_the_version_only_when_set() -> None:
    data = default_config().model_dump(mode="json")
    assert parse_config({**data, "capabilities": []}).version == default_config().version
    assert parse_config({**data, "capabilities": ["x y"]}).version != default_config().version
    with pytest.raises(ConfigError, match="one line"):
        parse_config({**data, "capabilities": ["two\nlines"]})
