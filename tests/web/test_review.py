"""Review decisions: rescore, CRM write-back with the review id as key, audit, agreement."""

from __future__ import annotations

from fastapi.testclient import TestClient

from connectors.base.crm import ObjectType
from leadflow.store.audit import list_audit
from leadflow.store.extractions import latest_extraction
from leadflow.store.leads import get_lead
from tests.web.conftest import login
from tests.web.seed import Seeded


def _lead(seeded: Seeded, lead_id: int):
    with seeded.world.store.session(write=False) as session:
        return get_lead(session, lead_id)


def _crm(seeded: Seeded, lead_id: int) -> dict:
    lead = _lead(seeded, lead_id)
    return seeded.world.crm.get_properties(ObjectType.CONTACT, lead.crm_contact_id,
                                           ["leadflow_score", "leadflow_review_status",
                                            "leadflow_budget_tier"])


def test_the_queue_lists_flagged_first_then_the_audit_sample(client: TestClient) -> None:
    login(client, "rita")
    page = client.get("/review").text
    assert page.index('href="/review/extractions/1"') < page.index('href="/review/extractions/2"')
    assert "ambiguous (budget)" in page and "audit sample" in page
    assert 'extractions/2"' not in client.get("/review?rep=rep-lx").text
    assert "Nothing to review" in client.get("/review?prompt_version=nope").text
    assert "Nothing to review" in client.get("/review?since=2999-01-01").text


def test_an_override_rescores_writes_back_and_audits(client: TestClient, seeded: Seeded) -> None:
    assert _crm(seeded, 1)["leadflow_review_status"] == "pending_review"
    csrf = login(client, "rita")
    page = client.post("/review/extractions/1/criteria/budget/override",
                       data={"value": "150k", "reason": "confirmed by email", "csrf_token": csrf})
    assert "score 95 (Good)" in page.text
    lead = _lead(seeded, 1)
    assert (lead.score_total, lead.band, lead.state) == (95, "Good", "scored")
    crm = _crm(seeded, 1)
    assert (crm["leadflow_score"], crm["leadflow_review_status"]) == (95, "final")
    keys = [c["idempotency_key"] for c in seeded.world.crm.calls_to("update_properties")]
    assert any(key.startswith("review:") for key in keys)
    with seeded.world.store.session(write=False) as session:
        event = list_audit(session, lead_id=1, kind="review_override")[0]
        assert latest_extraction(session, 1).extractor == "reviewer"
    assert (event.actor, event.reason) == ("rita", "confirmed by email")
    # The ambiguous $40,000 was withheld (unknown) until the reviewer decided.
    assert event.before["budget"]["amount"] is None and event.after["score"] == 95


def test_an_ambiguous_criterion_offers_the_candidates_heard_in_the_call(
    client: TestClient, seeded: Seeded
) -> None:
    csrf = login(client, "rita")
    page = client.get("/review/extractions/1").text
    assert 'name="candidate-budget-1"' in page and "40,000 USD" in page
    assert 'name="candidate-authority-1"' not in page  # decided criteria offer none
    picked = client.post("/review/extractions/1/criteria/budget/override",
                         data={"value": "40000 USD", "csrf_token": csrf,
                               "reason": "picked from the candidates heard in the call"})
    assert picked.status_code == 200
    assert 'name="candidate-budget-1"' not in picked.text  # decided now
    lead = _lead(seeded, 1)
    assert (lead.score_total, lead.state) == (65, "scored")  # 0 + 20 + 25 + 20


def test_an_override_needs_a_valid_value_and_a_reason(client: TestClient) -> None:
    csrf = login(client, "rita")
    page = client.post("/review/extractions/1/criteria/authority/override",
                       data={"value": "emperor", "reason": "x", "csrf_token": csrf})
    assert "not allowed" in page.text
    page = client.post("/review/extractions/1/criteria/budget/override",
                       data={"value": "100000", "reason": " ", "csrf_token": csrf})
    assert "needs a reason" in page.text


def test_approving_a_flagged_lead_makes_its_score_final(client: TestClient, seeded: Seeded
                                                        ) -> None:
    csrf = login(client, "rita")
    sent_before = len(seeded.world.notifier.sent)
    client.post("/review/extractions/1/approve", data={"csrf_token": csrf})
    assert _lead(seeded, 1).state == "scored"
    assert _crm(seeded, 1)["leadflow_score"] == 65
    assert _crm(seeded, 1)["leadflow_review_status"] == "final"
    assert "reviewed" in client.get("/review?status=reviewed").text
    # The chain held the rep's message back for review; now it goes, once.
    [(message, _)] = seeded.world.notifier.sent[sent_before:]
    assert message.score == 65 and message.title.endswith("reviewed")
    client.post("/review/extractions/1/approve", data={"csrf_token": csrf})
    assert len(seeded.world.notifier.sent) == sent_before + 1


def test_reject_manual_and_reject_re_extract(client: TestClient, seeded: Seeded) -> None:
    headers = {"Authorization": f"Bearer {seeded.tokens['rita']}"}
    manual = client.post("/api/reviews", headers=headers, json={
        "extraction_id": 2, "decision": "reject", "then": "manual", "reason": "odd call"})
    assert manual.status_code == 201 and _lead(seeded, 2).state == "needs_review"
    from tests.web.seed import extraction

    seeded.world.extractor.queue(extraction(flagged=False))
    again = client.post("/api/reviews", headers=headers, json={
        "extraction_id": 3, "decision": "reject", "then": "re_extract"})
    assert again.status_code == 201 and "re-extracted as extraction" in again.json()["message"]


def test_api_reviews_and_agreement(client: TestClient, seeded: Seeded) -> None:
    headers = {"Authorization": f"Bearer {seeded.tokens['rita']}"}
    client.post("/api/reviews", headers=headers, json={
        "extraction_id": 1, "decision": "override", "criterion": "budget", "value": "none",
        "reason": "no budget"})
    for criterion in ("authority", "need", "timeline"):
        client.post("/api/reviews", headers=headers, json={
            "extraction_id": 1, "decision": "approve", "criterion": criterion})
    reviews = client.get("/api/reviews?extraction_id=1", headers=headers).json()
    assert [r["decision"] for r in reviews] == ["approve"] * 3 + ["override"]
    detail = client.get("/api/extractions/1", headers=headers).json()
    assert detail["score"]["total"] == 65 and len(detail["reviews"]) == 4
    login(client, "rita")
    page = client.get("/review/agreement").text
    assert "75%" in page  # 3 of 4 accepted
    assert "100%" in page  # recall: every found field the reviewer kept was found
    bad = client.post("/api/reviews", headers=headers, json={
        "extraction_id": 1, "decision": "override", "criterion": "budget"})
    assert bad.status_code == 422


def test_agreement_counts_approve_all_as_one_decision_per_criterion(
    client: TestClient, seeded: Seeded
) -> None:
    from leadflow.web.agreement import agreement

    headers = {"Authorization": f"Bearer {seeded.tokens['rita']}"}

    def decide(extraction_id: int, decision: str, **more: str) -> None:
        response = client.post("/api/reviews", headers=headers, json={
            "extraction_id": extraction_id, "decision": decision, **more})
        assert response.status_code == 201, response.text

    # 1: the ambiguous budget filled in by hand (a miss), then the rest approved with "approve all"
    decide(1, "override", criterion="budget", value="150k", reason="confirmed by email")
    decide(1, "approve")
    # 2: one criterion approved, another corrected (a false positive and a miss)
    decide(2, "approve", criterion="authority")
    decide(2, "override", criterion="need", value="partial", reason="only scoring is in scope")
    # 3: everything approved at once
    decide(3, "approve")
    tallies = agreement(client.app.state.services)
    overall = {name: tally.model_dump() for name, tally in tallies["criterion"].items()}
    assert overall == {
        "budget": {"decided": 2, "accepted": 1, "tp": 1, "fp": 0, "fn": 1},
        "authority": {"decided": 3, "accepted": 3, "tp": 3, "fp": 0, "fn": 0},
        "need": {"decided": 3, "accepted": 2, "tp": 2, "fp": 1, "fn": 1},
        "timeline": {"decided": 2, "accepted": 2, "tp": 2, "fp": 0, "fn": 0},
    }
    [week] = tallies["week"].values()
    assert (week.decided, week.accepted, week.tp, week.fp, week.fn) == (10, 8, 8, 1, 2)
    assert (round(week.precision, 3), week.recall) == (round(8 / 9, 3), 0.8)
    # The override of budget on 1 is not turned into an approval by the later "approve all".
    with seeded.world.store.session(write=False) as session:
        from leadflow.store.reviews import list_reviews

        decisions = [(r.criterion, r.decision) for r in list_reviews(session, 1)]
    assert decisions == [("budget", "override"), ("authority", "approve"), ("need", "approve"),
                         ("timeline", "approve"), (None, "approve")]
