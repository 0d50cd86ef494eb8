"""`leadflow extract`, `leadflow eval extraction` and `leadflow llm-calls show`.

`eval_app` is the `eval` sub-app; other modules add their commands to it (e.g. export-gold).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from connectors.base import Extractor
from connectors.offline import OfflineExtractor
from connectors.transcript_formats import parse_transcript
from leadflow.config_in_force import config_in_force
from leadflow.console import row_id_argument, settings_of, stdout
from leadflow.errors import ConfigError, InputError
from leadflow.evaluation.gold import load_gold_dir
from leadflow.evaluation.report_tables import cases_table, criteria_table, overall_lines
from leadflow.evaluation.run import evaluate_case, summarise
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.llm_calls import get_llm_call
from leadflow.wiring import EXTRACTORS, pick
from scoring.bant import Criterion
from scoring.config import load_config
from scoring.extraction import Extraction, ExtractionContext, FieldStatus
from scoring.transcript import Participant, Side
from scoring.verify import apply_verification

eval_app = typer.Typer(name="eval", help="Measure extractors against labelled (gold) data.",
                       no_args_is_help=True)
llm_calls_app = typer.Typer(name="llm-calls", help="The recorded LLM calls (one per attempt).",
                            no_args_is_help=True)

OFFLINE = typer.Option(False, "--offline", help="Use the offline rules, whatever is configured.")
MODEL = typer.Option(None, "--model", metavar="NAME",
                     help="Use the LLM endpoint of LEADFLOW_LLM__BASE_URL with this model.")
JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")


def register(app: typer.Typer) -> None:
    """Add `extract`, the `eval` group (with `extraction`) and `llm-calls show` to the app."""
    app.command("extract")(extract_command)
    app.add_typer(eval_app, name="eval")
    app.add_typer(llm_calls_app, name="llm-calls")


def build_extractor(
    settings: Settings, *, offline: bool, model: str | None, use_cache: bool = True
) -> Extractor:
    """The extractor the options ask for: offline, an LLM model, or the configured one."""
    if offline and model:
        raise InputError("give --offline or --model, not both")
    if offline or (model is None and settings.llm.base_url is None
                   and settings.extractor in ("auto", "offline")):
        return OfflineExtractor(settings.product_capabilities)
    store = Store.from_settings(settings)  # the LLM extractor audits every call there
    if model is None:
        return pick(EXTRACTORS, "LEADFLOW_EXTRACTOR", settings.extractor)(settings, store)
    if settings.llm.base_url is None:
        raise ConfigError("--model needs an endpoint", key="LEADFLOW_LLM__BASE_URL")
    from connectors.llm import LlmExtractor, build_client

    llm = settings.llm.model_copy(update={"model": model})
    return LlmExtractor(lambda: build_client(llm), llm, store, use_cache=use_cache)


def extract_command(
    ctx: typer.Context,
    transcript_file: Path = typer.Argument(..., metavar="TRANSCRIPT",
                                           help="A .txt, .vtt, .srt or Gong .json transcript."),
    offline: bool = OFFLINE,
    model: str | None = MODEL,
    as_json: bool = JSON,
    call_date: datetime | None = typer.Option(
        None, "--call-date", metavar="YYYY-MM-DD", formats=["%Y-%m-%d"],
        help="The day of the call: relative dates resolve against it (default: the file's)."),
    leads: list[str] = typer.Option(
        [], "--lead", metavar="NAME", help="A prospect-side participant (repeatable)."),
    reps: list[str] = typer.Option(
        [], "--rep", metavar="NAME", help="A vendor-side participant, our rep (repeatable)."),
) -> None:
    """Extract BANT answers from one transcript, with evidence and verification marks."""
    settings = settings_of(ctx)
    transcript = parse_transcript(transcript_file)
    extractor = build_extractor(settings, offline=offline, model=model)
    in_force = config_in_force(settings, Store.from_settings(settings))
    context = command_context(in_force.capabilities,
                              call_date=call_date.date() if call_date else None,
                              leads=leads, reps=reps)
    extraction = apply_verification(extractor.extract(transcript, context), transcript)
    console = stdout()
    if as_json:
        console.out(json.dumps(extraction.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    console.print(extraction_table(extraction))
    for flag in extraction.flags:
        console.print(f"[yellow]flag[/] {flag.kind.value}: {flag.detail}")
    console.print(f"language {extraction.language or '?'} · extractor {extraction.extractor}"
                  + (f" · model {extraction.model}" if extraction.model else "")
                  + (f" · prompt {extraction.prompt_version}" if extraction.prompt_version
                     else ""))


def command_context(
    capabilities: Sequence[str], *, call_date: date | None, leads: list[str], reps: list[str]
) -> ExtractionContext:
    """The context `leadflow extract` gives: what the options say, the capabilities in force."""
    if any(not name.strip() for name in [*leads, *reps]):
        raise InputError("--lead and --rep need a person's name, not an empty one")
    participants = [Participant(name=name.strip(), side=Side.PROSPECT) for name in leads]
    participants += [Participant(name=name.strip(), side=Side.VENDOR) for name in reps]
    return ExtractionContext(call_date=call_date, participants=participants,
                             product_capabilities=list(capabilities))


def describe(criterion: Criterion, answer: Any) -> str:
    """The value of one answer in a few words."""
    data = answer.model_dump(exclude={"evidence"}, exclude_none=True, mode="json")
    kind = data.pop("kind", None) or data.pop("level", None)
    extras = ", ".join(f"{k}={', '.join(v) if isinstance(v, list) else v}"
                       for k, v in data.items() if v not in ([], ""))
    return f"{kind}" + (f" ({extras})" if extras else "")


def _evidence_lines(answer: Any) -> str:
    lines = []
    for item in answer.evidence:
        mark = "[green]✓[/]" if item.verified else "[red]✗ not in transcript[/]"
        when = f" @{item.start_ms // 60000}:{item.start_ms // 1000 % 60:02d}" \
            if item.start_ms is not None else ""
        lines.append(f"{mark} “{item.quote}” — {item.speaker or '?'}{when}")
    return "\n".join(lines) or "—"


def extraction_table(extraction: Extraction) -> Table:
    """One row per criterion: status, confidence, value, evidence with verification marks."""
    table = Table(title="BANT extraction", show_lines=True)
    for column in ("criterion", "status", "conf.", "value", "evidence"):
        table.add_column(column)
    for criterion in Criterion:
        field = extraction.fields[criterion]
        answer = getattr(extraction.answers, criterion.value)
        value = describe(criterion, answer)
        if field.status is not FieldStatus.FOUND and field.candidates:
            value += "\nchoices: " + "; ".join(c.label for c in field.candidates)
        table.add_row(criterion.value, field.status.value, f"{field.confidence:.2f}",
                      value, _evidence_lines(answer))
    return table


@eval_app.command("extraction")
def eval_extraction_command(
    ctx: typer.Context,
    gold_dir: Path = typer.Argument(..., metavar="GOLD_DIR",
                                    help="A folder of transcripts and <name>.gold.json files."),
    offline: bool = OFFLINE,
    model: str | None = MODEL,
    as_json: bool = JSON,
    config_file: Path | None = typer.Option(
        None, "--config", metavar="FILE",
        help="Scoring config YAML for tiers and totals. Default: the bundled default "
             "(not LEADFLOW_SCORING_CONFIG), so a gold set means the same everywhere."),
) -> None:
    """Tier and exact accuracy, decided precision, review rate, error of the total, evidence."""
    settings = settings_of(ctx)
    cases = load_gold_dir(gold_dir)
    config = load_config(config_file) if config_file is not None else None
    # No cache: every gold case is really extracted, so time and tokens are real.
    extractor = build_extractor(settings, offline=offline, model=model, use_cache=False)
    results = [evaluate_case(extractor, case, gold_dir) for case in cases]
    report = summarise(results, getattr(extractor, "model", None) or extractor.name, config)
    console = stdout()
    if as_json:
        console.out(json.dumps(report, indent=2, ensure_ascii=False))
        return
    console.print(criteria_table(report))
    for line in overall_lines(report):
        console.print(line, markup=False)
    console.print(cases_table(report))


@llm_calls_app.command("show")
def llm_calls_show_command(
    ctx: typer.Context,
    call_id: int = row_id_argument("The llm_calls row id.", metavar="ID"),
    as_json: bool = JSON,
) -> None:
    """One recorded LLM attempt: prompt, messages, model, raw answer, usage, cost, evidence."""
    store = Store.from_settings(settings_of(ctx))
    with store.session(write=False) as session:
        row = get_llm_call(session, call_id)
    if row is None:
        raise InputError(f"no LLM call {call_id}")
    data = row.model_dump(mode="json")
    console = stdout()
    if as_json:
        console.out(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for key in ("id", "created_at", "lead_id", "status", "error", "prompt_name", "prompt_hash",
                "model_requested", "model_resolved", "request_id", "attempt", "schema_hash",
                "tokens_in", "tokens_out", "cost", "currency", "latency_ms", "parameters"):
        console.print(f"[bold]{key}[/]: {data[key]}")
    for message in data["messages"]:
        console.rule(f"message: {message.get('role')}")
        console.out(str(message.get("content", "")))
    console.rule("raw response")
    console.out(data["raw_response"] or "")
    console.rule("evidence")
    for item in data["evidence"] or []:
        mark = "✓" if item.get("verified") else "✗"
        console.out(f"{mark} {item.get('criterion')}: “{item.get('quote')}”")
