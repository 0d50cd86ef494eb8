"""Rich renderings of leads shared by the commands."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from leadflow.lead_views import LeadDetail, LeadRow

_CRITERIA = ("budget", "authority", "need", "timeline")


def lead_table(rows: list[LeadRow], title: str = "Leads, best first") -> Table:
    """The ranked lead list: score, band, B/A/N/T tier labels, state, rep and meeting."""
    table = Table(title=title, title_justify="left")
    for heading in ("#", "lead", "company", "score", "band", "budget", "authority", "need",
                    "timeline", "state", "rep", "meeting (UTC)"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(
            str(row.id),
            row.name or row.email,
            row.company or "",
            "" if row.score is None else str(row.score),
            row.band or "",
            *(row.tiers.get(criterion, "") for criterion in _CRITERIA),
            row.state + (f" ({row.reason})" if row.state == "failed" and row.reason else ""),
            row.rep or "",
            row.meeting_start_at.strftime("%b %d %H:%M") if row.meeting_start_at else "",
        )
    return table


def render_detail(console: Console, detail: LeadDetail) -> None:
    """One lead: its score breakdown, evidence per criterion, steps and state changes."""
    row = detail.lead
    console.print(f"[bold]lead {row.id}[/]: {row.name} <{row.email}> {row.company or ''}")
    shown_score = "-" if row.score is None else f"{row.score} {row.band or ''}"
    console.print(f"state: {row.state}" + (f" ({row.reason})" if row.reason else "")
                  + f"   rep: {row.rep or '-'}   score: {shown_score}")
    if detail.components:
        table = Table(title="Score", title_justify="left")
        for heading in ("criterion", "answer", "tier", "points", "reason"):
            table.add_column(heading, overflow="fold")
        for c in detail.components:
            table.add_row(c["criterion"], c.get("answer", ""), c["tier"],
                          f"{c['points']}/{c['max_points']}", c["reason"])
        console.print(table)
    if detail.predictive:
        learned = detail.predictive
        console.print(f"[bold]Predictive score[/] {learned['score']}/100 (probability "
                      f"{learned['probability']:.0%}, model {learned['model_version']}); "
                      f"up: {', '.join(learned['reasons_up'][:3]) or '-'}; "
                      f"down: {', '.join(learned['reasons_down'][:3]) or '-'}", markup=True)
    if detail.extraction:
        console.print(f"[bold]Evidence[/] (extractor {detail.extraction['extractor']}, "
                      f"language {detail.extraction.get('language') or '?'})")
        answers = detail.extraction["answers"]
        for criterion in _CRITERIA:
            for quote in answers.get(criterion, {}).get("evidence", []):
                mark = {True: "verified", False: "NOT FOUND"}.get(quote.get("verified"), "?")
                console.print(f"  {criterion:<9} [{mark}] {quote.get('speaker') or '?'}: "
                              f"\u201c{quote['quote']}\u201d")
        for flag in detail.extraction.get("flags", []):
            console.print(f"  [yellow]flag[/] {flag['kind']}: {flag['detail']}")
    steps = Table(title="Steps", title_justify="left")
    for heading in ("step", "status", "attempts", "error"):
        steps.add_column(heading, overflow="fold")
    for step in detail.steps:
        steps.add_row(step["step"], step["status"], str(step["attempts"]), step.get("error") or "")
    console.print(steps)
    console.print("[bold]History[/]")
    for event in detail.history:
        after = event.get("after") or {}
        console.print(f"  {event['at'][:19]}  {event['kind']:<14} {event.get('step') or '':<13} "
                      f"{after.get('state', '') if isinstance(after, dict) else ''}")
