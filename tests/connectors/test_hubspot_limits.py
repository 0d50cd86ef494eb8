"""HubSpotClient's rate limits (10-second and daily) and error bodies, against the stub."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from connectors.base import ObjectType
from connectors.hubspot import HubSpotClient, HubSpotCRM
from leadflow.errors import PermanentError, QuotaExhaustedError, TransientError
from tests.connectors.hubspot_world import fresh_stub, make_client
from tests.stubs.hubspot import HubSpotStub

NOW = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)


@pytest.fixture
def hubspot() -> HubSpotStub:
    return fresh_stub()


def _list(client: HubSpotClient) -> object:
    return client.call("GET", client.objects("contacts"), operation="list")


def test_an_exhausted_10_second_window_is_waited_out_before_the_next_call(
    hubspot: HubSpotStub,
) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the stub's clock moves as the client waits
        slept.append(seconds)
        hubspot.now += seconds

    hubspot.burst_max = 2
    client = make_client(hubspot, sleep=sleep, clock=lambda: NOW)
    for _ in range(3):
        _list(client)
    assert slept == [10.0]
    assert client.limits.remaining == 1 and client.limits.interval_ms == 10_000


def test_a_wait_longer_than_allowed_is_a_transient_error_without_a_call(
    hubspot: HubSpotStub,
) -> None:
    hubspot.burst_max = 1
    client = make_client(hubspot, max_wait_s=0, clock=lambda: NOW)
    _list(client)
    with pytest.raises(TransientError) as caught:
        _list(client)
    assert caught.value.retry_after_s == 10.0
    assert hubspot.calls("GET") == 1


def test_a_ten_secondly_429_is_transient_with_the_window_as_retry_after(
    hubspot: HubSpotStub,
) -> None:
    hubspot.burst_max = 0  # another process used the window up: HubSpot answers 429
    with pytest.raises(TransientError, match="TEN_SECONDLY_ROLLING") as caught:
        _list(make_client(hubspot))
    assert caught.value.retry_after_s == 10.0


def test_retry_after_wins_when_hubspot_sends_it(hubspot: HubSpotStub) -> None:
    hubspot.fail_next(
        429,
        {
            "status": "error",
            "message": "slow down",
            "errorType": "RATE_LIMIT",
            "policyName": "TEN_SECONDLY_ROLLING",
        },
        headers={"Retry-After": "3"},
    )
    with pytest.raises(TransientError) as caught:
        _list(make_client(hubspot))
    assert caught.value.retry_after_s == 3.0


def test_a_daily_429_stops_every_later_call_until_the_reset(hubspot: HubSpotStub) -> None:
    hubspot.daily_limit = hubspot.daily_used = 5
    client = make_client(hubspot, clock=lambda: NOW)
    with pytest.raises(QuotaExhaustedError, match="daily") as caught:
        _list(client)
    assert caught.value.resets_at == datetime(2026, 11, 25, tzinfo=UTC)
    with pytest.raises(QuotaExhaustedError):
        _list(client)
    assert hubspot.calls("GET") == 1  # the second call never left the process


def test_a_used_up_daily_header_stops_before_hubspot_has_to_refuse(hubspot: HubSpotStub) -> None:
    hubspot.daily_limit = hubspot.daily_used + 1
    client = make_client(hubspot, clock=lambda: NOW)
    _list(client)
    assert client.limits.daily_remaining == 0
    with pytest.raises(QuotaExhaustedError):
        _list(client)
    assert hubspot.calls("GET") == 1


def test_the_daily_reset_is_midnight_in_the_account_time_zone() -> None:
    client = HubSpotClient(httpx.Client(), "t", account_timezone="America/New_York",
                           clock=lambda: NOW)  # fmt: skip
    assert client.daily_reset_at() == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


def test_a_quota_error_is_permanent_so_the_lead_waits_for_leadflow_retry() -> None:
    assert issubclass(QuotaExhaustedError, PermanentError)


def test_a_bad_token_names_the_setting_and_never_shows_the_token(hubspot: HubSpotStub) -> None:
    with pytest.raises(PermanentError, match="LEADFLOW_HUBSPOT__ACCESS_TOKEN") as caught:
        _list(make_client(hubspot, token="pat-na1-secret-wrong"))
    assert "secret-wrong" not in str(caught.value)
    assert "INVALID_AUTHENTICATION" in str(caught.value)


def test_no_token_fails_before_any_call(hubspot: HubSpotStub) -> None:
    with pytest.raises(PermanentError, match="no HubSpot token"):
        _list(make_client(hubspot, token=None))
    assert hubspot.requests == []


def test_a_missing_scope_is_named(hubspot: HubSpotStub) -> None:
    hubspot.scopes.discard("crm.objects.contacts.write")
    crm = HubSpotCRM(make_client(hubspot))
    with pytest.raises(PermanentError, match=r"grant the scope\(s\) crm.objects.contacts.write"):
        crm.update_properties(ObjectType.CONTACT, "1", {"x": 1}, idempotency_key="k")


@pytest.mark.parametrize("body", [None, "<html><body>502 Bad Gateway</body></html>"])
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_transient(hubspot: HubSpotStub, status: int, body: str | None) -> None:
    hubspot.fail_next(status, body)
    with pytest.raises(TransientError, match=f"HTTP {status}"):
        _list(make_client(hubspot))


def test_an_unreachable_hubspot_is_transient() -> None:
    client = HubSpotClient(httpx.Client(base_url="http://127.0.0.1:9"), "t")
    with pytest.raises(TransientError, match="unreachable"):
        _list(client)


def test_error_messages_carry_the_correlation_id(hubspot: HubSpotStub) -> None:
    hubspot.fail_next(400, {"status": "error", "message": "bad", "category": "VALIDATION_ERROR",
                            "correlationId": "c-123"})  # fmt: skip
    with pytest.raises(PermanentError, match="correlationId c-123"):
        _list(make_client(hubspot))
