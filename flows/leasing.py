"""A chain's view of lead leases: take, renew, release, note an interruption, give up.

The store's lease table (leadflow/store/leases.py) with this process as owner and the chain's
clock; flows/runner.py calls these around every lead's run.
"""

from __future__ import annotations

from flows.chain import Chain
from leadflow.store.audit import append_audit
from leadflow.store.leads import get_lead, set_lead_state
from leadflow.store.leases import (
    drop_lease,
    expired_leases,
    get_lease,
    note_lease_error,
    release_lease,
    renew_lease,
    take_lease,
)
from leadflow.store.models import LeadState


def take_lease_of(chain: Chain, lead_id: int) -> int | None:
    """Take the lead's lease for this process: the attempt number, or None if another holds it."""
    with chain.store.session() as session:
        return take_lease(session, lead_id, owner=chain.owner, now=chain.clock(),
                          ttl=chain.lease)


def renew_lease_of(chain: Chain, lead_id: int) -> None:
    """Keep holding the lead between steps of a long run."""
    with chain.store.session() as session:
        renew_lease(session, lead_id, owner=chain.owner, now=chain.clock(), ttl=chain.lease)


def release_lease_of(chain: Chain, lead_id: int) -> None:
    """The lead stopped cleanly (finished, waiting, failed): nothing to resume."""
    with chain.store.session() as session:
        release_lease(session, lead_id, owner=chain.owner)


def interrupted(chain: Chain, lead_id: int, reason: str) -> None:
    """An unexpected error broke the run: keep why; the lease lapses for a resumer to retry."""
    with chain.store.session() as session:
        note_lease_error(session, lead_id, owner=chain.owner, error=reason, now=chain.clock())


def give_up(chain: Chain, lead_id: int, attempts: int) -> str:
    """Mark a lead that broke every run `failed`, with the last reason; returns that reason."""
    with chain.store.session() as session:
        lease = get_lease(session, lead_id)
        lease_error = lease.last_error if lease is not None else None
        reason = (f"given up after {attempts} interrupted runs"
                  + (f"; last: {lease_error}" if lease_error else " (the process died each time)"))
        lead = get_lead(session, lead_id)
        if lead is not None:
            set_lead_state(session, lead_id, LeadState.FAILED, step=lead.failed_step or "resume",
                           reason=reason)
        append_audit(session, kind="lead_given_up", lead_id=lead_id, reason=reason)
        drop_lease(session, lead_id)
    return reason


def stuck_lead_ids(chain: Chain, limit: int = 1000) -> list[int]:
    """Leads whose run was cut off (their process died, or an error broke it): to resume."""
    with chain.store.session(write=False) as session:
        return [lease.lead_id for lease in expired_leases(session, chain.clock(), limit)]
