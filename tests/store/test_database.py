"""The Store itself: URLs, SQLite pragmas, transactions and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadflow.errors import StoreError
from leadflow.settings import Settings
from leadflow.store import Lead, Store, Submission
from leadflow.store import submissions as subs


def test_from_settings_creates_the_sqlite_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "deep" / "data")
    store = Store.from_settings(settings)
    try:
        assert (tmp_path / "deep" / "data" / "leadflow.db").exists()
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        store.close()


@pytest.mark.parametrize("url", ["not a url", "mysql://localhost/x"])
def test_bad_urls_raise_store_error(url: str) -> None:
    with pytest.raises(StoreError):
        Store(url)


def test_a_session_rolls_back_when_its_block_raises(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        subs.add_submission(session, "web", "1", "{}")
        raise RuntimeError("boom")
    with store.session(write=False) as session:
        assert session.exec(sa.select(Submission)).all() == []


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError), store.session() as session:
        session.add(Lead(submission_id=12345, email="a@b.co"))
        session.flush()


def test_timestamps_come_back_aware_in_utc(store: Store) -> None:
    said = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with store.session() as session:
        row = subs.add_submission(session, "web", "1", "{}")[0]
        row.received_at = said
        session.add(row)
    with store.session(write=False) as session:
        loaded = session.get_one(Submission, row.id)
        assert loaded.received_at == said
        assert loaded.received_at.tzinfo == UTC
        assert loaded.received_at.hour == 7


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), store.session() as session:
        row = subs.add_submission(session, "web", "1", "{}")[0]
        row.received_at = datetime(2026, 3, 1, 9, 30)
        session.add(row)
        session.flush()
