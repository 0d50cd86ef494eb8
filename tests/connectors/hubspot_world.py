"""Fixtures for the HubSpot tests: one stub server per session, reset for every test."""

from __future__ import annotations

import atexit
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from decimal import Decimal

import httpx

from connectors.hubspot import HubSpotClient, HubSpotCRM, provision
from tests.stubs.hubspot import TOKEN, HubSpotStub
from tests.stubs.serving import serve

_STUB = HubSpotStub()
_SERVER = ExitStack()
atexit.register(_SERVER.close)
# HubSpot's type for each Python type the CRM contract writes.
HUBSPOT_TYPES = {str: ("string", "text"), int: ("number", "number"),
                 Decimal: ("number", "number"), bool: ("bool", "booleancheckbox"),
                 datetime: ("datetime", "date")}  # fmt: skip


def fresh_stub() -> HubSpotStub:
    """The process's stub server (started on first use), reset to a fresh portal; see `.url`."""
    if not _STUB.url:
        _STUB.url = _SERVER.enter_context(serve(_STUB.app))
    _STUB.reset()
    return _STUB


def make_client(
    stub: HubSpotStub,
    *,
    token: str | None = TOKEN,
    api_version: str = "2026-03",
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], datetime] | None = None,
    max_wait_s: float = 10.0,
) -> HubSpotClient:
    """A client on the stub; sleeping fails the test unless a `sleep` is injected."""

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the client tried to sleep {seconds} s")

    extra = {"clock": clock} if clock else {}
    http = httpx.Client(base_url=stub.url, timeout=10)
    return HubSpotClient(http, token, api_version=api_version, max_wait_s=max_wait_s,
                         sleep=sleep or no_sleep, **extra)  # fmt: skip


def declare(stub: HubSpotStub, object_type: str, name: str, python_type: type) -> None:
    """Create a property in the stub portal as an admin would (the CRM suite writes ad-hoc ones)."""
    type_, field = HUBSPOT_TYPES[python_type]
    stub.definitions[object_type][name] = {"name": name, "label": name, "type": type_,
                                           "fieldType": field, "groupName": "default",
                                           "hasUniqueValue": False, "options": []}  # fmt: skip


def provisioned_crm(stub: HubSpotStub, **client_options: object) -> HubSpotCRM:
    """A HubSpotCRM on the stub after `leadflow hubspot provision`."""
    client = make_client(stub, **client_options)  # type: ignore[arg-type]
    provision(client)
    return HubSpotCRM(client)
