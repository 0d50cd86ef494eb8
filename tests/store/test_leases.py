"""Lead leases on both backends: one holder at a time, lapsed leases taken again and counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.store import Store
from leadflow.store.leases import (
    expired_leases,
    get_lease,
    note_lease_error,
    release_lease,
    renew_lease,
    take_lease,
)
from tests.store.test_leads import make_lead

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
TTL = timedelta(minutes=3)


def test_a_lease_has_one_holder_until_it_lapses(store: Store) -> None:
    lead_id = make_lead(store).id
    with store.session() as session:
        assert take_lease(session, lead_id, owner="a", now=NOW, ttl=TTL) == 1
        assert take_lease(session, lead_id, owner="b", now=NOW, ttl=TTL) is None
        assert take_lease(session, lead_id, owner="a", now=NOW, ttl=TTL) is None
        renew_lease(session, lead_id, owner="a", now=NOW + timedelta(minutes=2), ttl=TTL)
        assert take_lease(session, lead_id, owner="b", now=NOW + timedelta(minutes=4),
                          ttl=TTL) is None  # renewed until 12:05
        assert expired_leases(session, NOW + timedelta(minutes=4)) == []
        later = NOW + timedelta(minutes=6)
        assert [lease.lead_id for lease in expired_leases(session, later)] == [lead_id]
        assert take_lease(session, lead_id, owner="b", now=later, ttl=TTL) == 2
        lease = get_lease(session, lead_id)
        assert lease is not None and lease.owner == "b"


def test_an_error_lets_the_lease_lapse_at_once_and_release_forgets_it(store: Store) -> None:
    lead_id = make_lead(store).id
    with store.session() as session:
        take_lease(session, lead_id, owner="a", now=NOW, ttl=TTL)
        note_lease_error(session, lead_id, owner="a", error="boom " * 1000, now=NOW)
        [lease] = expired_leases(session, NOW)
        assert lease.last_error is not None and len(lease.last_error) == 2000
        assert take_lease(session, lead_id, owner="a", now=NOW, ttl=TTL) == 2
        release_lease(session, lead_id, owner="b")  # not b's to release
        assert get_lease(session, lead_id) is not None
        release_lease(session, lead_id, owner="a")
        assert get_lease(session, lead_id) is None
        assert take_lease(session, lead_id, owner="c", now=NOW, ttl=TTL) == 1
