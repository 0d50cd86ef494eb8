"""Gong rate limits and errors: the 3 calls/s limiter, Retry-After on 429, 404 as empty, auth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.gong import RateLimiter
from leadflow.errors import PermanentError, TransientError
from tests.connectors.contracts.transcripts import TURNS, meeting
from tests.connectors.test_gong import FakeClock, gong, publish_call
from tests.stubs.gong import GongStub
from tests.stubs.serving import serve


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def stub(clock: FakeClock) -> GongStub:
    return GongStub(clock=clock)


@pytest.fixture
def base_url(stub: GongStub) -> Iterator[str]:
    with serve(stub.app()) as url:
        yield url


def test_limiter_allows_three_calls_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    for _ in range(7):
        limiter.acquire()
    assert clock.sleeps == [1.0, 1.0]
    assert clock.now == 1002.0


def test_a_burst_never_trips_the_servers_limit(stub: GongStub, base_url: str,
                                               clock: FakeClock) -> None:
    publish_call(stub, meeting(), "asa.oberg@example.com", TURNS)
    transcripts = gong(base_url, clock)
    for _ in range(5):
        assert transcripts.find_transcript(meeting(), "asa.oberg@example.com") is not None
    assert len(stub.log) == 10 and clock.sleeps  # the client waited instead of getting 429s


def test_429_waits_retry_after_then_succeeds(stub: GongStub, base_url: str,
                                             clock: FakeClock) -> None:
    publish_call(stub, meeting(), "asa.oberg@example.com", TURNS)
    stub.faults += [(429, {"Retry-After": "4"}), (429, {"Retry-After": "2"})]
    found = gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com")
    assert found is not None and clock.sleeps[:2] == [4.0, 2.0]


def test_persistent_429_is_transient_with_retry_after(stub: GongStub, base_url: str,
                                                      clock: FakeClock) -> None:
    stub.faults += [(429, {"Retry-After": "30"})] * 3
    with pytest.raises(TransientError) as caught:
        gong(base_url, clock).find_transcript(meeting(), "asa.oberg@example.com")
    assert caught.value.retry_after_s == 30


def test_no_calls_is_a_404_that_means_not_ready(stub: GongStub, base_url: str,
                                                clock: FakeClock) -> None:
    assert gong(base_url, clock).find_transcript(meeting(), "a@example.com") is None
    assert stub.log[0][0] == "/v2/calls/extensive"


def test_bad_keys_are_permanent_without_the_secret(base_url: str, clock: FakeClock) -> None:
    with pytest.raises(PermanentError, match="ACCESS_KEY") as caught:
        gong(base_url, clock, secret="s3cr3t-value").find_transcript(meeting(), "a@example.com")
    assert "s3cr3t-value" not in str(caught.value)


def test_server_errors_are_transient(stub: GongStub, base_url: str, clock: FakeClock) -> None:
    stub.faults.append((500, {}))
    with pytest.raises(TransientError, match="500"):
        gong(base_url, clock).find_transcript(meeting(), "a@example.com")
