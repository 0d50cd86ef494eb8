"""The `eval extraction` report for people: per-criterion table, overall lines, per-case table.

Each function takes the report `summarise` returns (the same dict `--json` prints).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from scoring.extraction import FieldStatus

_AMBIGUOUS = FieldStatus.AMBIGUOUS.value


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def criteria_table(report: dict[str, Any]) -> Table:
    """Per criterion, then all pooled: tier and exact accuracy, decided precision, found P/R."""
    table = Table(title=f"extraction vs gold ({report['extractor']})")
    columns = ("criterion", "tier acc.", "exact acc.", "decided precision", "decided n",
               "precision (found)", "recall (found)", "found / expected")
    for column in columns:
        table.add_column(column, justify="left" if column == "criterion" else "right")
    rows = [*report["criteria"].items(), ("all", report["overall"])]
    for index, (name, row) in enumerate(rows):
        table.add_row(name, _pct(row["tier_accuracy"]), _pct(row["accuracy"]),
                      _pct(row["decided_precision"]), str(row["decided"]),
                      _pct(row["precision"]), _pct(row["recall"]),
                      f"{row['found']} / {row['expected_found']}",
                      end_section=index == len(rows) - 2)
    return table


def overall_lines(report: dict[str, Any]) -> list[str]:
    """The run's overall measures, one per line."""
    overall, per = report["overall"], report["per_transcript"]
    count, extracted = report["cases"], report["cases"] - report["errors"]
    config = report["config"]
    face_value = ", ".join(config["face_value_currencies"])
    lines = [
        ("decided precision", f"{_pct(overall['decided_precision'])} of {overall['decided']} "
                              f"decided criteria in the right tier"),
        ("review rate", f"{_pct(report['review_rate'])} ({report['reviewed']} of {extracted} "
                        f"extractions flagged)"),
        ("MAE of the total", "-" if report["total_mae"] is None
         else f"{report['total_mae']:.1f} points"),
        ("evidence verified", _pct(report["evidence_verified_rate"])),
        ("language accuracy", _pct(report["language_accuracy"])),
        ("injected values used", f"{report['injected_used']} of {report['injected_cases']} "
                                 f"cases with injected text"),
        ("seconds per call", f"{per['seconds']:.4f} s · {per['tokens_in']:g} tokens in, "
                             f"{per['tokens_out']:g} out, cost {per['cost'] or '-'}"),
        ("cases", f"{count} ({report['errors']} errors) · scoring config {config['version']}"
                  + (f" · {face_value} at face value" if face_value else "")),
    ]
    width = max(len(label) for label, _ in lines)
    return [f"{label.ljust(width)}  {value}" for label, value in lines]


def _cell(row: dict[str, Any]) -> str:
    expected = "?" if row["expected"] == _AMBIGUOUS else row["expected_tier"]
    found = "?" if row["found"] == _AMBIGUOUS else row["found_tier"]
    if row["tier_correct"]:
        return f"{expected}\n→ {found}"
    return f"{expected}\n[red]→ ✗ {found}[/]"


def cases_table(report: dict[str, Any]) -> Table:
    """One row per case: expected and found tier of each criterion, both totals, review."""
    table = Table(title="tiers per case",
                  caption="each criterion: expected tier, → found tier; ✗ wrong tier; "
                          "? ambiguous: unknown (the last tier) until a reviewer decides")
    criteria = list(report["criteria"])
    for column in ("case", "lang.", *criteria, "total", "review"):
        table.add_column(column, justify="right" if column == "total" else "left")
    for case in report["results"]:
        error_total = case["expected_total"] - case["found_total"]
        total = f"{case['expected_total']}\n→ {case['found_total']}"
        if error_total:
            total = f"{case['expected_total']}\n[red]→ {case['found_total']}[/]"
        review = "error" if case["error"] else "yes" if case["needs_review"] else "no"
        table.add_row(case["name"], case["language"],
                      *(_cell(case["criteria"][name]) for name in criteria), total, review)
    return table
