"""A Forms API response as the section 4.1 submission JSON the Apps Script sender posts.

Answers are keyed by questionId in the API; forms.get gives each question's title and kind,
which become the `title` and Apps Script-style `type` intake maps fields by.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

SOURCE = "google_forms"
_CHOICE = {"RADIO": "MULTIPLE_CHOICE", "CHECKBOX": "CHECKBOX", "DROP_DOWN": "LIST"}


class Question:
    """One question of a form: its title (with the grid row for grid rows) and Apps Script type."""

    def __init__(self, question_id: str, item_id: str, title: str, kind: str) -> None:
        self.question_id, self.item_id, self.title, self.kind = question_id, item_id, title, kind


def questions(form: dict[str, Any]) -> dict[str, Question]:
    """questionId -> Question for every question item (and each grid row) of a form."""
    found: dict[str, Question] = {}
    for item in form.get("items", []):
        title, item_id = str(item.get("title", "")), str(item.get("itemId", ""))
        question = item.get("questionItem", {}).get("question")
        if question:
            found[question["questionId"]] = Question(
                question["questionId"], item_id, title, _kind(question))
        for row in item.get("questionGroupItem", {}).get("questions", []):
            row_title = row.get("rowQuestion", {}).get("title", "")
            found[row["questionId"]] = Question(row["questionId"], item_id,
                                                f"{title} [{row_title}]", "GRID")
    return found


def _kind(question: dict[str, Any]) -> str:
    if "textQuestion" in question:
        return "PARAGRAPH_TEXT" if question["textQuestion"].get("paragraph") else "TEXT"
    if "choiceQuestion" in question:
        return _CHOICE.get(question["choiceQuestion"].get("type", ""), "MULTIPLE_CHOICE")
    if "dateQuestion" in question:
        return "DATETIME" if question["dateQuestion"].get("includeTime") else "DATE"
    for key, kind in (("timeQuestion", "TIME"), ("scaleQuestion", "SCALE"),
                      ("fileUploadQuestion", "FILE_UPLOAD"), ("ratingQuestion", "RATING")):
        if key in question:
            return kind
    return "UNKNOWN"


def submission(form_id: str, response: dict[str, Any], by_id: dict[str, Question]
               ) -> dict[str, Any]:
    """The section 4.1 payload for one response (answers in the form's question order)."""
    order = {question_id: index for index, question_id in enumerate(by_id)}
    answers = []
    for question_id, answer in sorted(response.get("answers", {}).items(),
                                      key=lambda pair: order.get(pair[0], len(order))):
        question = by_id.get(question_id)
        answers.append({
            "item_id": question.item_id if question else question_id,
            "title": question.title if question else question_id,
            "type": question.kind if question else "UNKNOWN",
            "value": _value(answer, question.kind if question else ""),
        })
    return {
        "source": SOURCE,
        "form_id": form_id,
        "response_id": response["responseId"],
        "submitted_at": response.get("lastSubmittedTime") or response.get("createTime"),
        "respondent_email": response.get("respondentEmail"),
        "answers": answers,
    }


def raw_submission(form_id: str, response: dict[str, Any], by_id: dict[str, Question]) -> str:
    """`submission` as the JSON text intake keeps verbatim (stable, so re-runs are identical)."""
    return json.dumps(submission(form_id, response, by_id), ensure_ascii=False, sort_keys=True)


def _value(answer: dict[str, Any], kind: str) -> str | list[str] | None:
    texts = [str(item.get("value", "")) for item in
             answer.get("textAnswers", {}).get("answers", [])]
    files = [str(item.get("fileName", "")) for item in
             answer.get("fileUploadAnswers", {}).get("answers", [])]
    values = texts or files
    if not values:
        return None
    # Apps Script gives checkboxes as a list even with one box ticked; match it.
    return values[0] if len(values) == 1 and kind != "CHECKBOX" else values


def last_submitted(response: dict[str, Any]) -> datetime:
    """When the response was last submitted (the time responses.list filters on)."""
    value = str(response.get("lastSubmittedTime") or response["createTime"])
    # Google may send nanoseconds; Python keeps microseconds.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value))
