"""SlackNotifier passes the Notifier contract against the Slack stub."""

from __future__ import annotations

import pytest

from connectors.slack import SlackNotifier
from leadflow.store import Store
from tests.connectors.contracts import NotifierContract
from tests.connectors.contracts.notifier import Deliveries
from tests.connectors.slack_world import fresh_stub, make_notifier
from tests.stubs.slack import SlackStub


class TestSlackNotifier(NotifierContract):
    @pytest.fixture
    def slack(self) -> SlackStub:
        return fresh_stub()

    @pytest.fixture
    def notifier(self, store: Store, slack: SlackStub) -> SlackNotifier:
        return make_notifier(slack, store)

    @pytest.fixture
    def deliveries(self, slack: SlackStub) -> Deliveries:
        return lambda: len(slack.posts)
