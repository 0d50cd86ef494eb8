"""Jinja2 templates (autoescaped) and the helpers pages share, e.g. evidence highlighting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from leadflow.web.deps import Viewer

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# In Criterion order. Each has its colour in static/app.css (.ev-NAME, .field-NAME): pages
# carry no style attribute, so the Content-Security-Policy can refuse inline styles.
CRITERIA_NAMES = ("budget", "authority", "need", "timeline")


def highlight(text: str, spans: list[tuple[int, int, str, int]]) -> Markup:
    """The transcript as HTML with each evidence span in a <mark> of its criterion's colour.

    `spans` are (start, end, criterion, quote index); overlapping spans keep the first.
    Everything outside the marks is escaped: transcripts are untrusted text.
    """
    parts: list[str] = []
    position = 0
    for start, end, criterion, index in sorted(spans):
        if start < position or end > len(text) or start >= end:
            continue
        parts.append(str(escape(text[position:start])))
        parts.append(f'<mark class="ev ev-{criterion}" id="ev-{criterion}-{index}" '
                     f'data-criterion="{criterion}"><a href="#field-{criterion}">'
                     f"{escape(text[start:end])}</a></mark>")
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


def render(request: Request, name: str, viewer: Viewer | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """A page with the viewer and their CSRF token in its context."""
    csrf = viewer.web_session.csrf_token if viewer and viewer.web_session else ""
    return TEMPLATES.TemplateResponse(
        request, name,
        {"viewer": viewer, "csrf": csrf, "criteria_names": CRITERIA_NAMES, **context},
        status_code=status_code)
