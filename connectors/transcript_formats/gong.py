"""Gong transcripts: the `POST /v2/calls/transcript` answer (CONNECTORS.md section 5.2).

Each `transcript[]` item is a monologue (one speaker's run of sentences, times in ms from the
call start) and becomes one segment. `speakerId` joins to `parties[].speakerId` from
`/v2/calls/extensive` for the speaker's name, title and affiliation; without parties speakers
are named "Speaker 1", "Speaker 2"... in order of first appearance. The parties who spoke are
the transcript's metadata participants (Internal: our side, External: the prospect's).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.transcript_formats.labels import clean
from leadflow.errors import InputError
from scoring import safe_json
from scoring.transcript import Participant, Segment, Side, Transcript, TranscriptMetadata


class _Model(BaseModel):
    # Gong may add fields without warning (CONNECTORS.md 5.4).
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class GongSentence(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class GongMonologue(_Model):
    speaker_id: str | None = Field(default=None, alias="speakerId")
    topic: str | None = None
    sentences: list[GongSentence]


class GongParty(_Model):
    speaker_id: str | None = Field(default=None, alias="speakerId")
    name: str | None = None
    email_address: str | None = Field(default=None, alias="emailAddress")
    affiliation: str | None = None
    title: str | None = None


class GongCallTranscript(_Model):
    call_id: str = Field(alias="callId")
    transcript: list[GongMonologue]
    parties: list[GongParty] = Field(default_factory=list)


class GongTranscriptResponse(_Model):
    call_transcripts: list[GongCallTranscript] = Field(alias="callTranscripts")
    parties: list[GongParty] = Field(default_factory=list)


_AFFILIATIONS = {"internal": "internal", "external": "external"}
_SIDES = {"internal": Side.VENDOR, "external": Side.PROSPECT}


def _location(error: Mapping[str, Any]) -> str:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _validate(data: Any) -> GongTranscriptResponse:
    if isinstance(data, dict) and "callTranscripts" not in data and "transcript" in data:
        data = {"callTranscripts": [data]}  # one call's transcript on its own
    try:
        return GongTranscriptResponse.model_validate(data)
    except ValidationError as error:
        problems = [f"{_location(item)}: {item['msg']}" for item in error.errors()]
        raise InputError(
            f"not a Gong transcript: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            errors=problems,
        ) from None


def _speakers(
    monologues: list[GongMonologue], parties: Iterable[GongParty]
) -> dict[str | None, tuple[Segment, GongParty | None]]:
    """speakerId -> (a segment template with name, title and affiliation; the party)."""
    known = {party.speaker_id: party for party in parties if party.speaker_id}
    speakers: dict[str | None, tuple[Segment, GongParty | None]] = {}
    for monologue in monologues:
        if monologue.speaker_id in speakers:
            continue
        party = known.get(monologue.speaker_id)
        name = (party and (party.name or party.email_address)) or f"Speaker {len(speakers) + 1}"
        affiliation = _AFFILIATIONS.get(((party and party.affiliation) or "").lower())
        title = clean((party and party.title) or "") or None
        template = Segment(speaker=clean(name), text="", affiliation=affiliation, title=title)
        speakers[monologue.speaker_id] = (template, party)
    return speakers


def _metadata(speakers: Iterable[tuple[Segment, GongParty | None]]) -> TranscriptMetadata | None:
    people = [
        Participant(
            name=segment.speaker,
            title=segment.title,
            email=party.email_address,
            side=_SIDES.get(segment.affiliation or ""),
        )
        for segment, party in speakers
        if party is not None
    ]
    return TranscriptMetadata(participants=people) if people else None


def _transcript(call: GongCallTranscript, parties: list[GongParty]) -> Transcript:
    speakers = _speakers(call.transcript, [*call.parties, *parties])
    segments = []
    for monologue in call.transcript:
        sentences = [sentence for sentence in monologue.sentences if sentence.text.strip()]
        if not sentences:
            continue
        template, _ = speakers[monologue.speaker_id]
        segments.append(
            template.model_copy(
                update={
                    "text": clean(" ".join(sentence.text for sentence in sentences)),
                    "start_ms": sentences[0].start,
                    "end_ms": max(sentence.end for sentence in sentences),
                }
            )
        )
    if not segments:
        raise InputError(f"Gong call {call.call_id}: the transcript has no sentences")
    return Transcript(
        meeting_id=call.call_id,
        source="gong",
        segments=segments,
        metadata=_metadata(speakers.values()),
    )


def parse_gong_transcripts(
    data: str | Mapping[str, Any], *, parties: Iterable[Mapping[str, Any]] = ()
) -> list[Transcript]:
    """One Transcript per call in a Gong transcript answer (JSON text or parsed)."""
    if isinstance(data, str):
        try:
            data = safe_json.loads(data)
        except json.JSONDecodeError as error:
            raise InputError(
                f"line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"
            ) from None
    response = _validate(data)
    extra = [GongParty.model_validate(party) for party in parties]
    return [_transcript(call, [*response.parties, *extra]) for call in response.call_transcripts]
