"""`leadflow score ANSWERS.json`: the explained BANT score of one answer set, or a ranked list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from pydantic import TypeAdapter, ValidationError
from rich.table import Table
from rich.text import Text

from leadflow.console import settings_of, stdout
from leadflow.errors import InputError
from scoring import safe_json
from scoring.bant import BantAnswers
from scoring.config import ScoringConfig, load_config
from scoring.engine import Score, compile_scorer

_MANY = TypeAdapter(list[BantAnswers])


def register(app: typer.Typer) -> None:
    """Add the `score` command to the app."""
    app.command("score")(score_command)


def score_command(
    ctx: typer.Context,
    answers_file: Path = typer.Argument(
        ...,
        metavar="ANSWERS.json",
        help="A BantAnswers JSON object (budget, authority, need, timeline, stated_on), "
        "or a JSON list of them.",
        show_default=False,
    ),
    config_file: Path | None = typer.Option(
        None,
        "--config",
        "-c",
        metavar="FILE",
        help="Scoring config YAML. Default: the config in force (`leadflow config show`).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the Score as JSON (a list, in input order, for a list)."
    ),
) -> None:
    """Score BANT answers: a table of points per criterion with reasons, the total and band."""
    config = resolve_config(ctx, config_file)
    answers, many = read_answers(answers_file)
    scores = compile_scorer(config).score_many(answers)
    console = stdout()
    if as_json:
        payload: Any = [item.model_dump(mode="json") for item in scores]
        console.out(json.dumps(payload if many else payload[0], indent=2))
    elif many:
        console.print(_ranking(scores, answers_file))
    else:
        console.print(_explanation(scores[0], answers[0]))
        _print_total(scores[0])


def resolve_config(ctx: typer.Context, config_file: Path | None) -> ScoringConfig:
    """--config, else the config in force (saved in the store, else the configured file, else
    the bundled default): what the chain would score with."""
    if config_file is not None:
        return load_config(config_file)
    from leadflow.config_in_force import config_in_force
    from leadflow.store import Store

    settings = settings_of(ctx)
    return config_in_force(settings, Store.from_settings(settings)).config


def read_answers(path: Path) -> tuple[list[BantAnswers], bool]:
    """The answer sets in `path`, and whether the file held a list; InputError when malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read as UTF-8 text ({exc.__class__.__name__})") from None
    try:
        data = safe_json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    many = isinstance(data, list)
    if many and not data:
        raise InputError(f"{path}: the list is empty; expected at least one answer set")
    try:
        answers = _MANY.validate_python(data) if many else [BantAnswers.model_validate(data)]
    except ValidationError as exc:
        raise InputError(f"{path}: {_first_error(exc)}", errors=_all_errors(exc)) from None
    return answers, many


def _first_error(exc: ValidationError) -> str:
    lines = _all_errors(exc)
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return lines[0] + more


def _all_errors(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{loc.lstrip('.') or 'answers'}: {message}")
    return lines


def _explanation(result: Score, answers: BantAnswers) -> Table:
    table = Table(title=f"BANT score (config {result.config_hash})")
    table.add_column("criterion")
    table.add_column("answer")
    table.add_column("tier")
    table.add_column("points", justify="right")
    table.add_column("reason", overflow="fold")
    titles = {"authority": answers.authority.title}
    for part in result.components:
        answer = part.answer
        if titles.get(part.criterion.value):
            answer += f" ({titles[part.criterion.value]})"
        style = "yellow" if part.missing else ""
        table.add_row(
            Text(part.criterion.value, style=style),
            Text(answer, style=style),
            Text(part.tier),
            f"{part.points}/{part.max_points}",
            Text(part.reason),
        )
    return table


def _print_total(result: Score) -> None:
    console = stdout()
    console.print(
        Text.assemble(("Total: ", "bold"), f"{result.total}/100", " band ", (result.band, "bold"))
    )
    if result.missing:
        names = ", ".join(criterion.value for criterion in result.missing)
        console.print(Text(f"Missing (scored as their lowest tier): {names}", style="yellow"))


def _ranking(scores: list[Score], path: Path) -> Table:
    table = Table(title=f"{len(scores)} answer sets from {path.name}, best first")
    for column in ("rank", "#", "total", "band", "B", "A", "N", "T", "missing"):
        table.add_column(column, justify="left" if column in ("band", "missing") else "right")
    ranked = sorted(enumerate(scores, start=1), key=lambda pair: -pair[1].total)
    for rank, (index, result) in enumerate(ranked, start=1):
        table.add_row(
            str(rank),
            str(index),
            str(result.total),
            Text(result.band),
            *(str(part.points) for part in result.components),
            ", ".join(criterion.value for criterion in result.missing),
        )
    return table
