"""Point the Prefect client at the right server for the length of one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.server import ensure_server
from leadflow.settings import Settings


@contextmanager
def prefect_api(settings: Settings) -> Iterator[str]:
    """Use settings.prefect_api_url, or the embedded local server (started when needed)."""
    url = settings.prefect_api_url or ensure_server(settings.data_dir, settings.prefect_port)
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield url


def ui_url(api_url: str) -> str:
    """The Prefect UI address that belongs to an API address."""
    return api_url.removesuffix("/api")
