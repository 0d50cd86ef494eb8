"""SlackNotifier: the Block Kit message, chat.update on replays, Slack's errors and rate limits."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.health import CheckStatus
from connectors.slack import SlackNotifier, message_blocks
from leadflow import wiring
from leadflow.errors import PermanentError, TransientError
from leadflow.settings import Settings
from leadflow.store import Store
from tests.connectors.contracts.notifier import notification
from tests.connectors.slack_world import fresh_stub, make_notifier
from tests.stubs.slack import CHANNEL, TOKEN, SlackStub

FULL = {"quote": "We have $100k <approved> for Q1", "link": "https://leads.example/l/1",
        "review_link": "https://leads.example/review/1",
        "fields": {"budget": "$100,000+", "authority": "Manager", "need": "Full match",
                   "timeline": "Within 6 months"}}  # fmt: skip


@pytest.fixture
def slack() -> SlackStub:
    return fresh_stub()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """One SQLite store: these cases are about Slack; the contract runs on both databases."""
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    yield store
    store.close()


def test_the_message_shows_score_band_tiers_quote_and_links(
    slack: SlackStub, sqlite_store: Store
) -> None:
    make_notifier(slack, sqlite_store).notify(notification(**FULL), idempotency_key="k")
    (post,) = slack.posts
    assert post["channel"] == CHANNEL and post["text"].startswith("New lead: Åsa Öberg")
    blocks = post["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "New lead: Åsa Öberg — score 80"},
    }
    assert "Score *80*/100 (Good)" in blocks[1]["text"]["text"]
    assert [f["text"] for f in blocks[1]["fields"]] == [
        "*Budget*\n$100,000+", "*Authority*\nManager", "*Need*\nFull match",
        "*Timeline*\nWithin 6 months"]  # fmt: skip
    assert "> We have $100k &lt;approved&gt; for Q1" in blocks[3]["text"]["text"]
    assert blocks[4]["elements"][0]["text"] == (
        "<https://leads.example/l/1|Open lead> · <https://leads.example/review/1|Review>"
    )


def test_long_texts_are_cut_to_slack_s_limits() -> None:
    long = notification(text="x" * 5000, title="t" * 150, quote="q" * 2000,
                        fields={"Need": "n" * 3000})  # fmt: skip
    blocks = message_blocks(long)
    assert len(blocks[2]["text"]["text"]) == 3000 and len(blocks[1]["fields"][0]["text"]) == 2000


def test_a_changed_replay_edits_the_message_instead_of_posting(
    slack: SlackStub, sqlite_store: Store
) -> None:
    notifier = make_notifier(slack, sqlite_store)
    first = notifier.notify(notification(), idempotency_key="k")
    notifier.notify(notification(), idempotency_key="k")
    again = notifier.notify(notification(score=90), idempotency_key="k")
    assert again == first and first.id == f"{CHANNEL}/{slack.posts[0]['ts']}"
    assert len(slack.posts) == 1 and len(slack.updates) == 1
    assert "Score *90*/100" in slack.updates[0]["blocks"][1]["text"]["text"]


def test_each_rep_gets_their_own_channel(slack: SlackStub, sqlite_store: Store) -> None:
    notifier = make_notifier(slack, sqlite_store, rep_channels={"Rep-C": "#sales"})
    slack.channels["C0000000002"].member = True
    notifier.notify(notification(), idempotency_key="k")
    assert slack.posts[0]["channel"] == "C0000000002"


@pytest.mark.parametrize(("error", "fix"), [
    ("channel_not_found", "LEADFLOW_SLACK__CHANNEL"),
    ("not_in_channel", "/invite"),
    ("is_archived", "unarchive"),
    ("invalid_auth", "LEADFLOW_SLACK__BOT_TOKEN"),
    ("token_revoked", "new bot token"),
])  # fmt: skip
def test_ok_false_errors_are_permanent_with_the_fix(
    slack: SlackStub, sqlite_store: Store, error: str, fix: str
) -> None:
    channel = {"not_in_channel": "C0000000002", "is_archived": "C0000000003",
               "channel_not_found": "C9999999999"}.get(error, CHANNEL)  # fmt: skip
    if error in {"invalid_auth", "token_revoked"}:
        slack.fail_next(error)
    with pytest.raises(PermanentError, match=error) as caught:
        make_notifier(slack, sqlite_store, channel=channel).notify(
            notification(), idempotency_key="k"
        )
    assert fix in str(caught.value)
    assert slack.posts == []


def test_a_missing_scope_names_the_scope(slack: SlackStub, sqlite_store: Store) -> None:
    slack.scopes.clear()
    with pytest.raises(PermanentError, match="add the chat:write scope"):
        make_notifier(slack, sqlite_store).notify(notification(), idempotency_key="k")


def test_429_is_retried_after_retry_after_by_the_sdk_handler(
    slack: SlackStub, sqlite_store: Store
) -> None:
    slept: list[float] = []
    slack.fail_next("ratelimited", status=429, retry_after=1)
    make_notifier(slack, sqlite_store, slept).notify(notification(), idempotency_key="k")
    assert slept == [1.0] and len(slack.posts) == 1


def test_429_beyond_the_retries_is_transient_with_retry_after(
    slack: SlackStub, sqlite_store: Store
) -> None:
    slack.fail_next("ratelimited", status=429, retry_after=7, times=3)
    with pytest.raises(TransientError, match="ratelimited") as caught:
        make_notifier(slack, sqlite_store, []).notify(notification(), idempotency_key="k")
    assert caught.value.retry_after_s == 7.0


@pytest.mark.parametrize(("error", "status", "raw"), [
    ("fatal_error", 200, None), ("internal_error", 500, None),
    ("", 503, "<html>Service Unavailable</html>"),
])  # fmt: skip
def test_server_side_failures_are_transient_and_nothing_is_recorded(
    slack: SlackStub, sqlite_store: Store, error: str, status: int, raw: str | None
) -> None:
    notifier = make_notifier(slack, sqlite_store, rate_limit_retries=0)
    slack.fail_next(error, status=status, raw=raw)
    with pytest.raises(TransientError):
        notifier.notify(notification(), idempotency_key="k")
    notifier.notify(notification(), idempotency_key="k")  # the retry posts once
    assert len(slack.posts) == 1


def test_no_channel_for_a_rep_is_a_permanent_error(slack: SlackStub, sqlite_store: Store) -> None:
    with pytest.raises(PermanentError, match="LEADFLOW_SLACK__REP_CHANNELS"):
        make_notifier(slack, sqlite_store, channel=None).notify(notification(), idempotency_key="k")


def test_the_token_never_reaches_logs_or_errors(
    slack: SlackStub, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fail_next("invalid_auth")
    with pytest.raises(PermanentError) as caught:
        make_notifier(slack, sqlite_store).notify(notification(), idempotency_key="k")
    assert TOKEN not in str(caught.value) and TOKEN not in caplog.text


def test_doctor(slack: SlackStub, sqlite_store: Store) -> None:
    checks = make_notifier(slack, sqlite_store).doctor()
    assert [(c.check, c.status) for c in checks] == [
        ("credentials present", CheckStatus.OK), ("endpoint reachable", CheckStatus.OK),
        ("channel configured", CheckStatus.OK)]  # fmt: skip
    slack.fail_next("invalid_auth")
    assert make_notifier(slack, sqlite_store).doctor()[-1].status == CheckStatus.FAIL


def test_wiring_builds_it_from_settings(sqlite_store: Store) -> None:
    settings = Settings(_env_file=None, notifier="slack",  # type: ignore[call-arg]
                        slack={"bot_token": "xoxb-1", "channel": CHANNEL})
    notifier = wiring.NOTIFIERS["slack"](settings, sqlite_store)
    assert isinstance(notifier, SlackNotifier) and notifier.channel_for("rep@x.com") == CHANNEL
