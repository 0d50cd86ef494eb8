"""The offline extractor (the embedded default) passes the Extractor contract."""

from __future__ import annotations

import pytest

from connectors.base import Extractor
from connectors.offline import OfflineExtractor
from tests.connectors.contracts import ExtractorContract


class TestOfflineExtractor(ExtractorContract):
    @pytest.fixture
    def extractor(self) -> Extractor:
        return OfflineExtractor(["lead scoring", "crm sync"])
