"""The Forms reconciler's client and mapping against the Forms stub; the Apps Script signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.google import FORMS_SCOPES
from connectors.google_forms import GoogleFormsApi, submission
from connectors.google_forms.mapping import questions
from leadflow.errors import PermanentError, TransientError
from leadflow.intake import parse_submission
from leadflow.web.signing import SignatureError, verify
from tests.connectors.google_world import Sleeps, service_account_http
from tests.stubs.google_forms import FormsStub
from tests.stubs.serving import serve

SENDER = Path(__file__).parents[2] / "integrations" / "google_forms" / "leadflow_sender.gs"
FORM_ID = "1FAIpQLSfTestForm"
FORM = {"formId": FORM_ID, "info": {"title": "Talk to sales"}, "items": [
    {"itemId": "0a1b", "title": "Work email",
     "questionItem": {"question": {"questionId": "11aa", "textQuestion": {}}}},
    {"itemId": "0a1c", "title": "Name",
     "questionItem": {"question": {"questionId": "22bb", "textQuestion": {}}}},
    {"itemId": "0a1d", "title": "Preferred meeting time",
     "questionItem": {"question": {"questionId": "33cc",
                                   "dateQuestion": {"includeTime": True}}}},
    {"itemId": "0a1e", "title": "Interests",
     "questionItem": {"question": {"questionId": "44dd",
                                   "choiceQuestion": {"type": "CHECKBOX"}}}},
]}  # fmt: skip


def response(response_id: str, at: str, email: str = "jane@acme.example") -> dict[str, object]:
    """A responses.list item as the Forms API sends it."""
    def text(*values: str) -> dict[str, object]:
        return {"textAnswers": {"answers": [{"value": v} for v in values]}}

    return {"responseId": response_id, "createTime": at, "lastSubmittedTime": at,
            "answers": {"22bb": {"questionId": "22bb", **text("Jane Doe")},
                        "11aa": {"questionId": "11aa", **text(email)},
                        "33cc": {"questionId": "33cc", **text("2030-01-07 10:00")},
                        "44dd": {"questionId": "44dd", **text("CRM")}}}


@pytest.fixture
def stub() -> FormsStub:
    stub = FormsStub()
    stub.forms[FORM_ID] = FORM
    return stub


@pytest.fixture
def base_url(stub: FormsStub) -> Iterator[str]:
    with serve(stub.app()) as url:
        yield url


def forms(stub: FormsStub, base_url: str, page_size: int = 2, sleeps: Sleeps | None = None
          ) -> GoogleFormsApi:
    api = service_account_http(stub.tokens, f"{base_url}", FORMS_SCOPES,
                               connector="google_forms", sleep=sleeps)
    api.base_url = f"{base_url}/v1/"
    return GoogleFormsApi(api, page_size=page_size)


def test_a_response_maps_to_the_intake_shape() -> None:
    payload = submission(FORM_ID, response("2_AB", "2030-01-01T12:00:00.123456789Z"),
                         questions(FORM))
    assert payload["answers"] == [
        {"item_id": "0a1b", "title": "Work email", "type": "TEXT", "value": "jane@acme.example"},
        {"item_id": "0a1c", "title": "Name", "type": "TEXT", "value": "Jane Doe"},
        {"item_id": "0a1d", "title": "Preferred meeting time", "type": "DATETIME",
         "value": "2030-01-07 10:00"},
        {"item_id": "0a1e", "title": "Interests", "type": "CHECKBOX", "value": ["CRM"]},
    ]  # fmt: skip
    lead = parse_submission(json.dumps(payload))
    assert (lead.response_id, lead.email, lead.source) == ("2_AB", "jane@acme.example",
                                                          "google_forms")
    assert lead.proposed_times == [datetime(2030, 1, 7, 10, tzinfo=UTC)]


def test_lists_responses_after_a_watermark_page_by_page(stub: FormsStub, base_url: str) -> None:
    stub.responses[FORM_ID] = [response(f"r{i}", f"2030-01-01T12:00:0{i}Z") for i in range(5)]
    client = forms(stub, base_url)
    after = datetime(2030, 1, 1, 12, 0, 1, tzinfo=UTC)
    assert [r["responseId"] for r in client.list_responses(FORM_ID, after)] == ["r2", "r3", "r4"]
    lists = [query for path, query in stub.log if path.endswith("/responses")]
    assert lists[0] == {"pageSize": "2", "filter": "timestamp > 2030-01-01T12:00:01.000000Z"}
    assert lists[1]["filter"] == lists[0]["filter"] and "pageToken" in lists[1]


def test_errors_use_the_newer_envelope(stub: FormsStub, base_url: str) -> None:
    sleeps = Sleeps()
    client = forms(stub, base_url, sleeps=sleeps)
    with pytest.raises(PermanentError, match="NOT_FOUND"):
        client.get_form("missing")
    stub.faults += [(429, "RESOURCE_EXHAUSTED", {})] * 4
    with pytest.raises(TransientError, match="429"):
        client.get_form(FORM_ID)
    assert len(sleeps) == 3


def _js_hex(digest: bytes) -> str:
    """The sender's conversion: Apps Script bytes are signed (-128..127)."""
    signed = [b - 256 if b > 127 else b for b in digest]
    return "".join(("0" + format(b & 0xFF, "x"))[-2:] for b in signed)


_NODE_UTILITIES = """
var Utilities = {Charset: {UTF_8: 'utf8'}, computeHmacSha256Signature: function (m, k) {
  var digest = require('crypto').createHmac('sha256', k).update(m, 'utf8').digest();
  return Array.from(digest).map(function (b) { return b > 127 ? b - 256 : b; });
}};
var body = require('fs').readFileSync(0, 'utf8');
process.stdout.write(signatureHeader(body, 'whsec-test', 1900000000, sourceOf(process.argv[2])));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="runs the Apps Script on node")
@pytest.mark.parametrize("url", ["https://leads.example/intake/google_forms",
                                 "https://leads.example/intake/google_forms/?from=form"])
def test_the_apps_script_run_signs_what_the_web_intake_verifies(url: str, tmp_path: Path) -> None:
    from pydantic import SecretStr

    program = tmp_path / "sender.js"
    program.write_text(SENDER.read_text(encoding="utf-8") + _NODE_UTILITIES, encoding="utf-8")
    body = json.dumps({"answers": [{"title": "Name", "value": "Åsa Ñúñez"}]},
                      ensure_ascii=False)
    header = subprocess.run(["node", str(program), url], input=body, capture_output=True,
                            text=True, encoding="utf-8", check=True, timeout=30).stdout
    secrets = [SecretStr("whsec-test")]
    assert verify(header, body.encode(), secrets, source="google_forms", now=1_900_000_000,
                  tolerance_s=300) == 1_900_000_000
    with pytest.raises(SignatureError):
        verify(header, body.encode(), secrets, source="website", now=1_900_000_000,
               tolerance_s=300)


def test_the_apps_script_signature_is_what_the_web_intake_verifies() -> None:
    body = json.dumps(submission(FORM_ID, response("2_AB", "2030-01-01T12:00:00Z"),
                                 questions(FORM))).encode()
    secret, stamp = "whsec-test", 1_900_000_000
    source = "google_forms"  # sourceOf('https://host/intake/google_forms')
    digest = hmac.new(secret.encode(), f"{stamp}.{source}.".encode() + body,
                      hashlib.sha256).digest()
    header = f"t={stamp},v2={_js_hex(digest)}"  # what signatureHeader() builds
    from pydantic import SecretStr

    assert verify(header, body, [SecretStr(secret)], source=source, now=stamp + 10,
                  tolerance_s=300) == stamp
    script = SENDER.read_text(encoding="utf-8")
    assert "'t=' + t + ',v2=' + hmacHex(t + '.' + source + '.' + body, secret)" in script
    assert "signatureHeader(body, secret, Math.floor(Date.now() / 1000), sourceOf(url))" in script
    assert "return url.split('?')[0].replace(/\\/+$/, '').split('/').pop();" in script
    assert "(b & 0xff).toString(16)" in script and "'X-Leadflow-Signature'" in script
    for field in ("source", "form_id", "response_id", "submitted_at", "respondent_email",
                  "answers", "item_id", "title", "type", "value"):
        assert f"{field}:" in script
