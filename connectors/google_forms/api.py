"""Google Forms API v1 reads for the reconciler: forms.get and responses.list (section 4.2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from connectors.google.http import GoogleHttp

NAME = "google_forms"


class GoogleFormsApi:
    """A form's questions and its responses submitted after a watermark, page by page."""

    def __init__(self, api: GoogleHttp, *, page_size: int = 500) -> None:
        self.api = api
        self.page_size = page_size

    def get_form(self, form_id: str) -> dict[str, Any]:
        """The form resource (items with titles and question ids)."""
        return self.api.call("GET", f"forms/{quote(form_id, safe='')}", operation="get_form")

    def list_responses(self, form_id: str, after: datetime | None = None
                       ) -> Iterator[dict[str, Any]]:
        """Every response last submitted strictly after `after` (all when None)."""
        params: dict[str, Any] = {"pageSize": self.page_size}
        if after is not None:
            params["filter"] = f"timestamp > {rfc3339(after)}"
        path = f"forms/{quote(form_id, safe='')}/responses"
        while True:
            page = self.api.call("GET", path, operation="list_responses", params=params)
            yield from page.get("responses", [])
            token = page.get("nextPageToken")
            if not token:
                return
            # The same filter with the token: Google rejects a token used with another filter.
            params = params | {"pageToken": token}


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in Zulu time with microseconds, the form responses.list filters accept."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
