"""Transcript files: plain text, WebVTT, SRT and Gong JSON as meeting tools export them, and
what a broken file says."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from connectors.transcript_formats import detect_format, parse_gong_transcripts, parse_transcript
from leadflow.errors import InputError
from scoring.evidence import Evidence
from scoring.transcript import Participant, Segment, Side, Transcript
from scoring.verify import verify_evidence

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
        (
            "hello there\nAna: hi",
            {},
            r"line 1: expected a speaker label \('Name: text'.*'hello there'",
        ),
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


# Exports as meeting tools write them: one fixture per format, recognised from the content.

FORMATS = FIXTURES / "formats"
PIPEWISE_AE = ("Felix Wagner", "Account Executive", "Pipewise")
JANA = ("Jana Becker", "Head of Sales Operations", "Nordlicht Logistik")


def _people(transcript: Transcript) -> list[tuple[str, str | None, str | None]]:
    return [(s.speaker, s.title, s.company) for s in transcript.segments]


def _verified(transcript: Transcript, quote: str, speaker: str | None = None) -> Evidence:
    evidence = verify_evidence(Evidence(quote=quote, speaker=speaker), transcript)
    assert evidence.verified is True, quote
    assert evidence.start_char is not None and evidence.end_char is not None
    assert transcript.text[evidence.start_char : evidence.end_char] == quote
    return evidence


def test_labels_with_title_and_company_in_brackets() -> None:
    transcript = parse_transcript(FORMATS / "labelled.txt")
    assert transcript.source == "txt" and transcript.metadata is None
    tom = ("Tom Krause", "Sales Analyst", "Nordlicht Logistik")
    mira = ("Mira Hofmann", "Solutions Engineer", None)
    assert _people(transcript) == [PIPEWISE_AE, JANA, tom, PIPEWISE_AE, JANA, tom, mira, JANA]
    # Colons inside a turn ("10:30", "note: ...", a URL, a sentence ending with ':') stay text.
    assert transcript.segments[4].text == (
        "Alles in Tabellen. Der Export läuft jeden Morgen um 10:30 und danach kopiert jemand die "
        "Daten ins CRM. note: the export lives at https://intranet.nordlicht.example/exports "
        "Wir haben drei Probleme: Erstens: niemand pflegt die Daten."
    )
    assert transcript.text.startswith("Felix Wagner (Account Executive, Pipewise): Hallo zusammen,")
    assert "\nMira Hofmann (Solutions Engineer): Das kennen wir." in transcript.text


def test_a_title_in_a_label_is_verifiable_evidence() -> None:
    transcript = parse_transcript(FORMATS / "labelled.txt")
    evidence = _verified(transcript, "Head of Sales Operations", speaker="Jana Becker")
    assert (evidence.segment_index, evidence.speaker) == (1, "Jana Becker")
    # The spans still cover each segment's own text, after its `Name (Title, Company): ` label.
    for (start, end), segment in zip(transcript.segment_spans(), transcript.segments, strict=True):
        assert transcript.text[start:end] == segment.text
    quoted = _verified(transcript, "Budget haben wir etwa 40.000 Euro")
    assert quoted.segment_index == 7


def test_labels_on_their_own_line_with_times() -> None:
    transcript = parse_transcript(FORMATS / "otter_timed.txt")
    assert [(s.speaker, s.title, s.start_ms) for s in transcript.segments] == [
        ("Felix Wagner", "Account Executive", 2_000),
        ("Jana Becker", None, 6_000),
        ("Tom Krause", None, 9_000),
        ("Felix Wagner", "Account Executive", 15_000),
        ("Jana Becker", None, 21_000),
        ("Felix Wagner", "Account Executive", 3_850_000),
        ("Jana Becker", None, 3_858_000),
    ]
    assert transcript.segments[2].text == "Hallo! Note: ich muss um 11:00 los."
    # A paragraph after a blank line continues the turn.
    assert transcript.segments[4].text == (
        "Alles manuell, in Tabellen. Ehrlich gesagt ist das der größte Schmerzpunkt."
    )


def test_labels_on_their_own_line_without_times() -> None:
    transcript = parse_transcript(FORMATS / "labels_untimed.txt")
    assert [(s.speaker, s.title) for s in transcript.segments] == [
        ("Felix Wagner", None),
        ("Jana Becker", "Head of Sales Operations"),
        ("Felix Wagner", None),
        ("Jana Becker", "Head of Sales Operations"),
    ]
    # "Okay" alone on a line starts a paragraph, not a speaker.
    assert transcript.segments[2].text == (
        "Wer entscheidet am Ende über den Kauf? "
        "Okay das wollte ich noch sagen: die Geschäftsführung."
    )


@pytest.mark.parametrize(
    "label",
    [
        "Felix Wagner  0:02",
        "Felix Wagner 00:00:02",
        "[00:00:02] Felix Wagner",
        "Felix Wagner - 00:02",
        "[Felix Wagner] 00:00:02",
    ],
)
def test_own_line_label_styles(label: str) -> None:
    transcript = parse_transcript(f"{label}\nHallo zusammen.\n\nJana Becker  0:05\nHallo!\n")
    assert [(s.speaker, s.text, s.start_ms) for s in transcript.segments] == [
        ("Felix Wagner", "Hallo zusammen.", 2_000),
        ("Jana Becker", "Hallo!", 5_000),
    ]


def test_metadata_header_lines() -> None:
    transcript = parse_transcript(FORMATS / "header.txt")
    metadata = transcript.metadata
    assert metadata is not None
    assert metadata.call_date == date(2026, 2, 10)
    assert metadata.title == "Discovery call - Nordlicht Logistik / Pipewise"
    assert metadata.participants == [
        Participant(name="Felix Wagner", title="Account Executive", company="Pipewise"),
        Participant(
            name="Jana Becker", title="Head of Sales Operations", company="Nordlicht Logistik"
        ),
        # A lone bracket naming a company in the call's title is the company.
        Participant(name="Tom Krause", company="Nordlicht Logistik"),
    ]
    # Participants' titles fill the segments of labels without one.
    assert _people(transcript)[:3] == [
        PIPEWISE_AE,
        JANA,
        ("Tom Krause", None, "Nordlicht Logistik"),
    ]
    assert transcript.text.startswith("Felix Wagner (Account Executive, Pipewise): Hallo")
    assert _verified(transcript, "Head of Sales Operations").segment_index == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-10", date(2026, 2, 10)),
        ("10 Feb 2026", date(2026, 2, 10)),
        ("February 10, 2026", date(2026, 2, 10)),
        ("10.02.2026", date(2026, 2, 10)),
        ("2026-02-10T15:00:00Z", date(2026, 2, 10)),
        ("Tuesday, 10. Februar 2026, 15:00", date(2026, 2, 10)),
    ],
)
def test_call_date_forms(value: str, expected: date) -> None:
    for header in (f"# call_date: {value}", f"Date: {value}", f"Call date: {value}"):
        transcript = parse_transcript(f"{header}\n\nAna: hi\n")
        assert transcript.metadata is not None
        assert transcript.metadata.call_date == expected


def test_header_lines_without_a_blank_line_and_unknown_keys() -> None:
    transcript = parse_transcript(
        "Title: Intro\n"
        "Deal stage: Discovery\n"
        "Attendees: Ana Souza (CFO), Bob Lee (Rep, Pipewise)\n"
        "Ana Souza: Olá.\n"
        "Bob Lee (Account Executive): Hi.\n"
    )
    assert transcript.metadata is not None
    assert transcript.metadata.title == "Intro"
    assert [(p.name, p.title, p.company) for p in transcript.metadata.participants] == [
        ("Ana Souza", "CFO", None),
        ("Bob Lee", "Rep", "Pipewise"),
    ]
    # The label's own title wins over the participants list.
    assert _people(transcript) == [
        ("Ana Souza", "CFO", None),
        ("Bob Lee", "Account Executive", None),
    ]
    assert transcript.text == "Ana Souza (CFO): Olá.\nBob Lee (Account Executive): Hi."


def test_zoom_vtt_with_speaker_prefixes_and_note_metadata() -> None:
    transcript = parse_transcript(FORMATS / "zoom.vtt")
    assert transcript.source == "vtt"
    assert transcript.metadata is not None
    assert (transcript.metadata.call_date, transcript.metadata.title) == (
        date(2026, 2, 10),
        "Pipewise intro",
    )
    assert [(s.speaker, s.title, s.start_ms, s.end_ms) for s in transcript.segments] == [
        ("Felix Wagner", "Account Executive", 2_100, 6_400),
        ("Jana Becker", "Head of Sales Operations", 7_000, 10_900),
        ("Felix Wagner", "Account Executive", 11_200, 15_800),
        ("Jana Becker", "Head of Sales Operations", 16_000, 24_000),
    ]
    assert [s.text for s in transcript.segments[1::2]] == [
        "Ja, alles gut. Note: Tom kommt später.",
        "Alles manuell. Der Export läuft um 10:30 und dann kopieren wir alles ins CRM. "
        "Das kostet uns viel Zeit.",
    ]


def test_teams_vtt_voice_tags_with_titles() -> None:
    transcript = parse_transcript(FORMATS / "teams.vtt")
    assert _people(transcript) == [
        ("Felix Wagner", "Account Executive", None),
        JANA,
        ("Tom Krause", None, None),
    ]
    assert transcript.segments[1].text == (
        "Gern. Ich leite den Vertriebsinnendienst. Wir suchen ein Tool für die Lead-Bewertung."
    )
    evidence = _verified(transcript, "Head of Sales Operations, Nordlicht Logistik")
    assert evidence.segment_index == 1


def test_srt_with_speaker_names() -> None:
    transcript = parse_transcript(FORMATS / "names.srt")
    assert transcript.source == "srt"
    assert _people(transcript) == [
        PIPEWISE_AE,
        ("Jana Becker", None, None),
        PIPEWISE_AE,
        ("Jana Becker", None, None),
    ]
    assert transcript.segments[1].text == "Gern. Wir treffen uns um 10:30 mit dem Vertrieb."


def test_gong_parties_with_titles() -> None:
    transcript = parse_transcript(FORMATS / "gong_titles.json")
    assert [(s.speaker, s.title, s.affiliation) for s in transcript.segments] == [
        ("Felix Wagner", "Account Executive", "internal"),
        ("Jana Becker", "Head of Sales Operations", "external"),
        ("Tom Krause", None, "external"),
    ]
    assert transcript.metadata is not None
    assert [(p.name, p.side, p.email) for p in transcript.metadata.participants] == [
        ("Felix Wagner", Side.VENDOR, "felix@pipewise.example"),
        ("Jana Becker", Side.PROSPECT, "jana.becker@nordlicht.example"),
        ("Tom Krause", Side.PROSPECT, "tom.krause@nordlicht.example"),
    ]
    assert _verified(transcript, "Head of Sales Operations").segment_index == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("labelled.txt", "txt"),
        ("otter_timed.txt", "txt"),
        ("labels_untimed.txt", "txt"),
        ("header.txt", "txt"),
        ("zoom.vtt", "vtt"),
        ("teams.vtt", "vtt"),
        ("names.srt", "srt"),
        ("gong_titles.json", "gong"),
    ],
)
def test_every_format_is_recognised_from_its_content(name: str, expected: str) -> None:
    text = (FORMATS / name).read_text(encoding="utf-8")
    assert detect_format(text) == expected
    assert parse_transcript(text) == parse_transcript(FORMATS / name)


def test_a_txt_file_holding_captions_is_read_as_captions(tmp_path: Path) -> None:
    path = tmp_path / "zoom_export.txt"
    path.write_text((FORMATS / "zoom.vtt").read_text(encoding="utf-8"), encoding="utf-8")
    assert parse_transcript(path).source == "vtt"


def test_transcripts_without_titles_render_as_before() -> None:
    transcript = Transcript(
        segments=[Segment(speaker="Ana", text="Hi."), Segment(speaker="Bob", text="Hello.")]
    )
    assert transcript.text == "Ana: Hi.\nBob: Hello."
    assert transcript.segment_spans() == [(5, 8), (14, 20)]
    # "Sam (Rep): ..." now reads as speaker Sam, title Rep; the text, and its hash, are unchanged.
    labelled = parse_transcript(FIXTURES / "discovery_en.txt")
    assert (labelled.segments[0].speaker, labelled.segments[0].title) == ("Sam", "Rep")
    assert labelled.content_hash() == (
        "9241375a512437f853527ec68b872873c23833757c7568f9c5d683f0e1ba725d"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "# call_date: 2026-02-10\n# title: Intro\n\nParticipants: Ana (CFO)\n\n\nhello there\n",
            r"^line 7: expected a speaker label \('Name: text', 'Name \(Title, Company\): text' "
            r"or a label on its own line\), got 'hello there'$",
        ),
        ("The options are:\nAna: hi", r"^line 1: expected a speaker label .*'The options are:'$"),
        ("Felix Wagner  0:02\n", r"^line 1: expected a speaker label .*'Felix Wagner  0:02'$"),
        ("# call_date: next week\n\nAna: hi", r"^line 1: expected a call date like 2026-02-10"),
        ("Date: 2026-02-10\n\n", "no 'Speaker: text' lines found"),
    ],
)
def test_unreadable_transcripts_name_the_line_and_the_format(content: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_transcript(content)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("content", "turns"),
    [
        ("ana: hi\nbob: hello\nnote: see you", [("ana", "hi"), ("bob", "hello note: see you")]),
        (
            "Speaker 1: hi\nSpeaker 2: Option A: yes",
            [("Speaker 1", "hi"), ("Speaker 2", "Option A: yes")],
        ),
        (
            "Rep: The options are:\nOption A: cheap\nLead: Next steps: a demo.",
            [("Rep", "The options are: Option A: cheap"), ("Lead", "Next steps: a demo.")],
        ),
        (
            "Felix Wagner:\nHallo.\n\nJana Becker:\nHi!",
            [("Felix Wagner", "Hallo."), ("Jana Becker", "Hi!")],
        ),
    ],
)
def test_which_colons_start_a_turn(content: str, turns: list[tuple[str, str]]) -> None:
    assert [(s.speaker, s.text) for s in parse_transcript(content).segments] == turns
