"""Every command builds its chain with the scoring config in force (ops' saved one wins)."""

from __future__ import annotations

from pathlib import Path

from flows.assembly import scoring_config
from leadflow.settings import load_settings
from leadflow.store import ScoringConfigRow, Store
from scoring.bands import with_band_min
from scoring.config import default_config


def test_a_config_ops_saved_in_the_store_is_in_force(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    store = Store.from_settings(settings)
    assert scoring_config(settings, store) == default_config()
    data = default_config().model_dump(mode="json")
    data["bands"] = [b.model_dump() for b in with_band_min(default_config().bands, "Good", 50)]
    with store.session() as session:
        session.add(ScoringConfigRow(config=data, version="v2", actor="ops@example.com"))
    in_force = scoring_config(settings, store)
    assert [(band.name, band.min) for band in in_force.bands] == [
        ("Good", 50), ("Fair", 40), ("Poor", 0)]
