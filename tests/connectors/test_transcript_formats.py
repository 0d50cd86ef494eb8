"""Transcript files: plain text, WebVTT, SRT and Gong JSON, and what a broken file says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.transcript_formats import detect_format, parse_gong_transcripts, parse_transcript
from leadflow.errors import InputError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transcripts"


def test_plain_text_turns_continuations_and_blank_lines() -> None:
    transcript = parse_transcript(
        "[00:01:05] Ana Souza: Olá, tudo bem?\n"
        "Bob: Our budget is about $120k\n"
        "   for this year, at 10:30 or so.\n"
        "\n"
        "Ana Souza: Ótimo: ação, ñ, ä, ç.\n"
    )
    assert transcript.source == "txt"
    assert [(s.speaker, s.text) for s in transcript.segments] == [
        ("Ana Souza", "Olá, tudo bem?"),
        ("Bob", "Our budget is about $120k for this year, at 10:30 or so."),
        ("Ana Souza", "Ótimo: ação, ñ, ä, ç."),
    ]
    assert transcript.segments[0].start_ms == 65_000


def test_plain_text_file_keeps_utf8(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text("\ufeffLucía Peña: Soy gerente de compras en Logística Ñandú.\n", "utf-8")
    transcript = parse_transcript(path)
    assert transcript.segments[0].speaker == "Lucía Peña"
    assert transcript.segments[0].text == "Soy gerente de compras en Logística Ñandú."
    assert parse_transcript(str(path)) == transcript  # a path given as a string


def test_vtt_voice_tags_speaker_prefixes_and_merged_cues() -> None:
    transcript = parse_transcript(
        "WEBVTT - a call\n\n"
        "NOTE exported by the meeting tool\n\n"
        "intro\n00:00:01.000 --> 00:00:04.500\n<v Ana>Hello there, how are</v>\n\n"
        "00:04.500 --> 00:00:06.000 align:start\n<v.loud Ana>you doing?\n<v Bob>Fine &amp; you?\n\n"
        "01:00:07.250 --> 01:00:08.000\nBob: We need <i>reporting</i>.\n"
    )
    assert transcript.source == "vtt"
    assert [(s.speaker, s.text, s.start_ms, s.end_ms) for s in transcript.segments] == [
        ("Ana", "Hello there, how are you doing?", 1_000, 6_000),
        ("Bob", "Fine & you? We need reporting.", 4_500, 3_608_000),
    ]


def test_srt_numbered_cues_and_continuations() -> None:
    transcript = parse_transcript(
        "1\n00:00:01,000 --> 00:00:04,000\nAna: Hi, we are looking at\n\n"
        "2\n00:00:04,000 --> 00:00:05,500\nthe reporting module.\n\n"
        "3\n00:00:06,000 --> 00:00:07,000\nBob: Great.\n",
        format="srt",
    )
    assert [(s.speaker, s.text, s.start_ms, s.end_ms) for s in transcript.segments] == [
        ("Ana", "Hi, we are looking at the reporting module.", 1_000, 5_500),
        ("Bob", "Great.", 6_000, 7_000),
    ]


def test_gong_monologues_with_parties() -> None:
    transcript = parse_transcript(FIXTURES / "gong_call.json")
    assert transcript.source == "gong"
    assert transcript.meeting_id == "7782342274025937895"
    first, second = transcript.segments[:2]
    assert (first.speaker, first.affiliation, first.start_ms, first.end_ms) == (
        "Alex Rep",
        "internal",
        1_000,
        8_000,
    )
    assert first.text.startswith("Hi Priya, thanks for making the time. Our enterprise plan")
    assert (second.speaker, second.affiliation) == ("Priya Raman", "external")


def test_gong_without_parties_names_speakers_in_order() -> None:
    answer = {
        "callTranscripts": [
            {
                "callId": 42,
                "transcript": [
                    {"speakerId": "9", "sentences": [{"start": 0, "end": 5, "text": "Hi."}]},
                    {"speakerId": "7", "sentences": [{"start": 6, "end": 9, "text": "Hello."}]},
                    {"speakerId": "9", "sentences": [{"start": 10, "end": 12, "text": " "}]},
                ],
            }
        ]
    }
    (transcript,) = parse_gong_transcripts(answer)
    assert [s.speaker for s in transcript.segments] == ["Speaker 1", "Speaker 2"]
    assert transcript.meeting_id == "42"
    named = parse_gong_transcripts(
        answer, parties=[{"speakerId": "7", "name": "Lia", "affiliation": "External"}]
    )[0]
    assert [(s.speaker, s.affiliation) for s in named.segments] == [
        ("Speaker 1", None),
        ("Lia", "external"),
    ]


def test_gong_answer_with_several_calls() -> None:
    call = {"transcript": [{"speakerId": "1", "sentences": [{"start": 0, "end": 1, "text": "x"}]}]}
    text = json.dumps({"callTranscripts": [{**call, "callId": "1"}, {**call, "callId": "2"}]})
    assert [t.meeting_id for t in parse_gong_transcripts(text)] == ["1", "2"]
    with pytest.raises(InputError, match="holds 2 calls"):
        parse_transcript(text)


def test_format_from_content_extension_or_argument() -> None:
    assert detect_format("\ufeffWEBVTT\n") == "vtt"
    assert detect_format('{"callTranscripts": []}') == "gong"
    assert detect_format("1\n00:00:01,000 --> 00:00:02,000\nhi\n") == "srt"
    assert detect_format("[00:01] Ana: hi") == "txt"
    for name in ("discovery_en.txt", "discovery_pt.vtt", "discovery_es.srt", "gong_call.json"):
        assert parse_transcript(FIXTURES / name).segments


@pytest.mark.parametrize(
    ("content", "kwargs", "message"),
    [
        ("hello there\nAna: hi", {}, r"line 1: expected 'Speaker: text'.*'hello there'"),
        ("\n\n   \n", {}, "no 'Speaker: text' lines"),
        ("Ana: hi", {"format": "vtt"}, r"line 1: expected the 'WEBVTT' header, got 'Ana: hi'"),
        ("WEBVTT\n\n00:01 --> 00:02\nhi", {}, r"line 3: expected cue timing"),
        ("WEBVTT\n\nan id\njust text\n", {}, r"line 4: expected a cue timing line.*'just text'"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nhi", {}, "line 3: cue ends before it starts"),
        ("1\n00:00:01 --> x\nhi", {"format": "srt"}, r"line 2: expected cue timing"),
        ('{"callTranscripts": [', {}, r"line 1, column 22: invalid JSON"),
        ('{"calls": []}', {}, r"not a Gong transcript: callTranscripts: Field required"),
        ("Ana: hi", {"format": "docx"}, "unknown transcript format 'docx'"),
    ],
)
def test_broken_text_says_where_and_what(content: str, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_transcript(content, **kwargs)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "broken_timing.vtt",
            r"broken_timing.vtt: line 8: expected a cue timing line.*'00:00:05.000 -> 00:00:06",
        ),
        ("broken_missing_timing.srt", r"line 6: expected a cue number then a timing line"),
        (
            "broken_gong.json",
            r"callTranscripts\[0\]\.transcript\[0\]\.sentences\[0\]\.end: Field required",
        ),
    ],
)
def test_broken_files_name_the_file_and_line(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_transcript(FIXTURES / name)
    assert name in str(raised.value)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Ana: orçamento".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        parse_transcript(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        parse_transcript(tmp_path / "missing.vtt")
