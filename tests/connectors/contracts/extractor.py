"""The Extractor contract: a name, and an Extraction (or ExtractionError) for any transcript."""

from __future__ import annotations

import pytest

from connectors.base import Extractor
from leadflow.errors import ExtractionError
from scoring.extraction import Extraction, ExtractionContext
from scoring.transcript import Segment, Transcript

SALES_CALL = Transcript(
    meeting_id="meeting-1",
    source="contract",
    segments=[
        Segment(speaker="João Çelik", text="What budget do you have in mind?"),
        Segment(speaker="Åsa Öberg", text="About $100,000. I'm the IT manager."),
        Segment(speaker="Åsa Öberg", text="We want to go live within six months."),
    ],
)
CONTEXT = ExtractionContext(product_capabilities=["lead scoring", "crm sync"])


class ExtractorContract:
    """Subclass and override `extractor` (able to answer at least one extraction)."""

    @pytest.fixture
    def extractor(self) -> Extractor:
        raise NotImplementedError("override the `extractor` fixture")

    def test_satisfies_the_protocol(self, extractor: Extractor) -> None:
        assert isinstance(extractor, Extractor)
        assert isinstance(extractor.name, str) and extractor.name

    def test_returns_an_extraction(self, extractor: Extractor) -> None:
        assert isinstance(extractor.extract(SALES_CALL, CONTEXT), Extraction)

    def test_an_empty_call_is_an_extraction_or_an_extraction_error(
        self, extractor: Extractor
    ) -> None:
        empty = Transcript(segments=[Segment(speaker="Åsa Öberg", text="Hello?")])
        try:
            result = extractor.extract(empty, CONTEXT)
        except ExtractionError:
            return
        assert isinstance(result, Extraction)
