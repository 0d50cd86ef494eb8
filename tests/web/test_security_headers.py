"""Security headers on every response; pages with nothing inline for the CSP to refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leadflow.web import create_app
from leadflow.web.security_headers import CONTENT_SECURITY_POLICY
from tests.web.conftest import login
from tests.web.seed import Seeded, web_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "leadflow" / "web" / "templates"
# What a policy without 'unsafe-inline' refuses: inline scripts, handlers, style attributes.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
                    re.IGNORECASE)
EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def test_the_policy_allows_nothing_inline_nor_foreign() -> None:
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["default-src"] == "'self'" and policy["form-action"] == "'self'"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/login", 200),
    ("GET", "/leads", 303),
    ("GET", "/api/leads", 401),
    ("GET", "/static/app.css", 200),
    ("GET", "/static/app.js", 200),
    ("GET", "/no/such/page", 404),
    ("GET", "/openapi.json", 200),
    ("POST", "/intake/google_forms", 401),
])
def test_every_response_carries_the_security_headers(
        client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path, follow_redirects=False, content=b"{}")
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name)
    assert "strict-transport-security" not in response.headers  # plain HTTP here


def test_an_unhandled_error_answers_500_with_the_headers_too(
        seeded: Seeded, tmp_path: Path) -> None:
    app = create_app(web_settings(tmp_path, drain=False), seeded.world.store, seeded.world.chain)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


def test_swagger_and_redoc_are_off_the_schema_stays(client: TestClient) -> None:
    # Both pull scripts from a CDN onto our origin; any OpenAPI viewer reads /openapi.json.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert "/api/leads" in client.get("/openapi.json").json()["paths"]


def test_hsts_is_sent_when_cookies_are_https_only(seeded: Seeded, tmp_path: Path) -> None:
    app = create_app(web_settings(tmp_path, cookie_secure=True, drain=False),
                     seeded.world.store, seeded.world.chain)
    response = TestClient(app).get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_handler(template: Path) -> None:
    assert not INLINE.findall(template.read_text(encoding="utf-8")), template.name


def test_rendered_pages_have_nothing_inline(client: TestClient) -> None:
    login(client, "olga")
    for path in ("/review", "/review/extractions/1", "/review/agreement", "/leads", "/leads/1",
                 "/ops/config", "/no/such/page"):
        html = client.get(path, headers={"accept": "text/html"}).text
        assert not INLINE.findall(html), path
    page = client.get("/review/extractions/1").text
    assert 'class="ev ev-budget"' in page and 'class="field field-budget"' in page
