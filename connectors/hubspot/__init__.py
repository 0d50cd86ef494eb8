"""The HubSpot CRM connector: httpx + our own pydantic models on HubSpot's date-versioned API."""

from __future__ import annotations

import httpx

from connectors.hubspot.client import HubSpotClient, RateLimits
from connectors.hubspot.crm import HubSpotCRM
from connectors.hubspot.errors import HubSpotConflict, HubSpotForbidden, HubSpotNotFound
from connectors.hubspot.provision import ProvisionReport, provision
from leadflow.settings import HubSpotSettings


def hubspot_client(settings: HubSpotSettings, http: httpx.Client | None = None) -> HubSpotClient:
    """A client for these settings; `http` (e.g. on a MockTransport) replaces the real one."""
    http = http or httpx.Client(base_url=settings.base_url, timeout=settings.timeout_s)
    return HubSpotClient(http, settings.access_token, api_version=settings.api_version,
                         account_timezone=settings.account_timezone,
                         max_wait_s=settings.max_wait_s)  # fmt: skip


def hubspot_crm(settings: HubSpotSettings, http: httpx.Client | None = None) -> HubSpotCRM:
    """The HubSpot CRM for these settings (no call is made until it is used)."""
    return HubSpotCRM(hubspot_client(settings, http), pipeline=settings.pipeline,
                      deal_stage=settings.deal_stage)  # fmt: skip


__all__ = [
    "HubSpotCRM",
    "HubSpotClient",
    "HubSpotConflict",
    "HubSpotForbidden",
    "HubSpotNotFound",
    "ProvisionReport",
    "RateLimits",
    "hubspot_client",
    "hubspot_crm",
    "provision",
]
