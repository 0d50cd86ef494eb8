"""A reviewer's re-extraction tells the extractor what the chain's own extraction did."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from scoring.transcript import Participant, Side
from tests.web.seed import Seeded, extraction


def test_a_re_extraction_gives_the_call_date_the_lead_and_the_leads_rep(
    client: TestClient, seeded: Seeded
) -> None:
    seeded.world.extractor.queue(extraction(flagged=False))
    response = client.post("/api/reviews", headers={
        "Authorization": f"Bearer {seeded.tokens['rita']}"}, json={
        "extraction_id": 3, "decision": "reject", "then": "re_extract"})
    assert response.status_code == 201, response.text
    context = seeded.world.extractor.calls_to("extract")[-1]["context"]
    assert context.call_date == date(2030, 3, 5)
    assert context.participants == [
        Participant(name="Lead Number2", side=Side.PROSPECT, company="Company 2",
                    email="lead2@example.com"),
        Participant(name="Lena", side=Side.VENDOR, email="lena@example.com"),
    ]
    assert context.lead_id == 3
