"""The review and lead pages in a real Chromium (Debian's package; never `playwright install`).

The app runs under uvicorn in a thread on a free loopback port, on the seeded fakes.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from leadflow.web import create_app
from tests.web.seed import PASSWORD, Seeded, seed, web_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
README_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "img" / "review-page.png"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium "
           "(apt-get install -y chromium; `make test` installs it when it can)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    """The seeded app served on 127.0.0.1 for the whole module."""
    folder = tmp_path_factory.mktemp("browser")
    seeded = seed(folder)
    app = create_app(web_settings(folder), seeded.world.store, seeded.world.chain)
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                             log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", seeded
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


def _csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Chromium reports each thing the Content-Security-Policy refused on the console."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_a_reviewer_overrides_the_budget_and_sees_the_score_and_audit_change(
        server: tuple[str, Seeded], browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    violations = _csp_violations(page)
    _login(page, base, "rita")
    page.goto(f"{base}/review")
    flagged = page.locator("tr.flagged a").first
    assert "#1" in flagged.inner_text()
    flagged.click()
    budget_mark = page.locator("mark.ev-budget")
    assert budget_mark.count() == 1
    assert "$40,000" in budget_mark.inner_text()
    assert page.locator("mark.ev").count() == 4  # each criterion highlighted
    colours = {page.locator(f"mark.ev-{c}").evaluate("e => getComputedStyle(e).backgroundColor")
               for c in ("budget", "authority", "need", "timeline")}
    assert len(colours) == 4 and "rgba(0, 0, 0, 0)" not in colours  # from app.css, not inline
    border = page.locator("#field-budget").evaluate("e => getComputedStyle(e).borderLeftColor")
    assert border == page.locator("mark.ev-budget").evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert budget_mark.locator("a").get_attribute("href") == "#field-budget"
    before = page.locator("#score-total").inner_text()
    page.screenshot(path=str(tmp_path / "review-page-before.png"), full_page=True)
    form = page.locator("#field-budget form.override")
    form.locator("input[name=value]").fill("150000")
    form.locator("input[name=reason]").fill("Lead confirmed $150k on a follow-up email")
    form.locator("button").click()
    page.wait_for_selector("p.msg")
    after = page.locator("#score-total").inner_text()
    assert (before, after) == ("65", "95")
    audit = page.locator("#audit").inner_text()
    assert "review_override" in audit and "rita" in audit and "$150k" in audit
    assert page.locator("#lead-state").inner_text() == "scored"
    page.screenshot(path=str(tmp_path / "review-page.png"), full_page=False)
    README_IMAGE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "review-page.png", README_IMAGE)
    assert violations == []
    context.close()


def test_a_rep_sees_only_their_own_leads(server: tuple[str, Seeded], browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    violations = _csp_violations(page)
    _login(page, base, "lena")
    page.goto(f"{base}/leads")
    shown = sorted(int(row.get_attribute("data-lead")) for row in
                   page.locator("tr[data-lead]").all())
    assert shown == [3, 4]
    response = page.goto(f"{base}/leads/1")
    assert response is not None and response.status == 404
    assert page.goto(f"{base}/review").status == 403
    assert violations == []
    context.close()
