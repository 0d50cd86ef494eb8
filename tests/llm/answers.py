"""Model answers for the tests: a valid extraction of CALL, and variations of it."""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.transcript import Segment, Transcript

CALL = Transcript(source="test", segments=[
    Segment(speaker="Rep", text="Thanks for joining. What budget do you have?", start_ms=0,
            end_ms=4000),
    Segment(speaker="Dana Whitfield", text="We have $150,000 set aside and I am the CFO.",
            start_ms=4000, end_ms=9000),
    Segment(speaker="Dana Whitfield", text="We need lead scoring and CRM sync within 2 months.",
            start_ms=9000, end_ms=14000),
])
CAPABILITIES = ["lead scoring", "crm sync"]
CALL_DATE = date(2030, 3, 5)


def quote(text: str, speaker: str = "Dana Whitfield") -> dict[str, Any]:
    """One evidence item as the model writes it."""
    return {"quote": text, "speaker": speaker, "start_ms": None}


def valid_answer(**changes: Any) -> dict[str, Any]:
    """A valid BantExtraction for CALL; `changes` replace whole criteria or the language."""
    answer: dict[str, Any] = {
        "language": "en",
        "budget": {"status": "found", "confidence": 0.9, "kind": "amount", "amount": 150000,
                   "minimum": None, "maximum": None, "currency": "USD",
                   "evidence": [quote("We have $150,000 set aside")]},
        "authority": {"status": "found", "confidence": 0.9, "level": "c_level", "title": "CFO",
                      "evidence": [quote("I am the CFO")]},
        "need": {"status": "found", "confidence": 0.8, "level": "full",
                 "stated_needs": ["lead scoring", "crm sync"],
                 "evidence": [quote("We need lead scoring and CRM sync")]},
        "timeline": {"status": "found", "confidence": 0.8, "kind": "months", "months": 2,
                     "by_date": None, "evidence": [quote("within 2 months")]},
    }
    return answer | changes


def absent(criterion: str) -> dict[str, Any]:
    """An `absent` criterion with its unknown value."""
    values = {
        "budget": {"kind": "unknown", "amount": None, "minimum": None, "maximum": None,
                   "currency": None},
        "authority": {"level": "unknown", "title": None},
        "need": {"level": "unknown", "stated_needs": []},
        "timeline": {"kind": "unknown", "months": None, "by_date": None},
    }[criterion]
    return {"status": "absent", "confidence": 0.0, "evidence": [], **values}
