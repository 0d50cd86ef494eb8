"""FolderTranscripts passes the Transcripts contract and finds files by index or by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.base import Meeting
from connectors.folder_transcripts import FolderTranscripts
from leadflow.errors import ConfigError, InputError
from tests.connectors.contracts import TranscriptsContract
from tests.connectors.contracts.transcripts import Publish, meeting


def write_txt(path: Path, turns: list[tuple[str, str]]) -> None:
    path.write_text("".join(f"{speaker}: {text}\n" for speaker, text in turns), encoding="utf-8")


class TestFolderTranscripts(TranscriptsContract):
    @pytest.fixture
    def transcripts(self, tmp_path: Path) -> FolderTranscripts:
        return FolderTranscripts(tmp_path / "transcripts")

    @pytest.fixture
    def publish(self, transcripts: FolderTranscripts) -> Publish:
        def write(meeting: Meeting, lead_email: str, turns: list[tuple[str, str]]) -> None:
            transcripts.folder.mkdir(exist_ok=True)
            write_txt(transcripts.folder / f"{lead_email}.txt", turns)

        return write


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_finds_a_file_named_after_the_lead_in_any_format(folder: Path) -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Souza>Temos orçamento.\n"
    (folder / "Ana.Souza@Example.com.vtt").write_text(vtt, encoding="utf-8")
    found = FolderTranscripts(folder).find_transcript(meeting(), "ana.souza@example.com")
    assert found is not None and found.source == "vtt" and found.meeting_id == "meeting-1"
    assert found.segments[0].speaker == "Ana Souza"


def test_prefers_the_meetings_own_file_then_the_latest(folder: Path) -> None:
    for name in ("2030-01-01--ana@x.com.txt", "2030-02-01--ana@x.com.txt"):
        write_txt(folder / name, [("Ana", name)])
    transcripts = FolderTranscripts(folder)
    latest = transcripts.find_transcript(meeting("m1", "ana@x.com"), "ana@x.com")
    assert latest is not None and latest.segments[0].text == "2030-02-01--ana@x.com.txt"
    write_txt(folder / "1--ana@x.com.txt", [("Ana", "own")])  # sorts first
    own = transcripts.find_transcript(meeting("1", "ana@x.com"), "ana@x.com")
    assert own is not None and own.segments[0].text == "own"


def test_index_maps_a_meeting_id_or_an_email_to_a_file(folder: Path) -> None:
    write_txt(folder / "call-a.txt", [("Åsa Öberg", "by meeting")])
    write_txt(folder / "call-b.txt", [("María Ñúñez", "by email")])
    (folder / "index.yaml").write_text(
        "meeting-1: call-a.txt\n' Nunez@Example.com': call-b.txt\nmeeting-3: later.txt\n",
        encoding="utf-8",
    )
    transcripts = FolderTranscripts(folder)
    by_id = transcripts.find_transcript(meeting("meeting-1"), "asa@example.com")
    by_email = transcripts.find_transcript(meeting("meeting-2"), "nunez@example.com")
    assert by_id is not None and by_id.segments[0].text == "by meeting"
    assert by_email is not None and by_email.segments[0].speaker == "María Ñúñez"
    assert transcripts.find_transcript(meeting("meeting-3"), "x@example.com") is None


def test_gong_json_is_read(folder: Path) -> None:
    answer = {
        "requestId": "r1",
        "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
        "callTranscripts": [
            {"callId": "7782", "transcript": [
                {"speakerId": "s1", "topic": None,
                 "sentences": [{"start": 1000, "end": 2000, "text": "We need it by Q3."}]}
            ]}
        ],
    }  # fmt: skip
    (folder / "ana@x.com.json").write_text(json.dumps(answer), encoding="utf-8")
    found = FolderTranscripts(folder).find_transcript(meeting(), "ana@x.com")
    assert found is not None and found.segments[0].text == "We need it by Q3."


def test_missing_folder_or_empty_file_is_not_ready(folder: Path) -> None:
    assert FolderTranscripts(folder / "absent").find_transcript(meeting(), "a@x.com") is None
    (folder / "a@x.com.txt").touch()
    assert FolderTranscripts(folder).find_transcript(meeting(), "a@x.com") is None


def test_unparseable_file_is_an_input_error_naming_it(folder: Path) -> None:
    (folder / "a@x.com.srt").write_text("1\nnot a time --> line\nhello\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a@x\.com\.srt"):
        FolderTranscripts(folder).find_transcript(meeting(), "a@x.com")


def test_bad_index_is_a_config_error_and_cannot_escape_the_folder(folder: Path) -> None:
    index = folder / "index.yaml"
    index.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"index\.yaml"):
        FolderTranscripts(folder).find_transcript(meeting(), "a@x.com")
    index.write_text("meeting-1: ../../etc/passwd\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside the folder"):
        FolderTranscripts(folder).find_transcript(meeting(), "a@x.com")
