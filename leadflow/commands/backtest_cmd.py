"""`leadflow backtest` and `leadflow calibrate`: learn from a history of leads and outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from leadflow.commands.score_cmd import resolve_config
from leadflow.console import settings_of, stderr, stdout
from leadflow.errors import InputError
from scoring.predictive.mapping import Mapping, check_columns, load_mapping
from scoring.predictive.table import Table, load_table

if TYPE_CHECKING:
    from scoring.predictive.models import ModelKind


def register(app: typer.Typer) -> None:
    """Add the `backtest` and `calibrate` commands to the app."""
    app.command("backtest")(backtest_command)
    app.command("calibrate")(calibrate_command)


_HISTORY = typer.Argument(..., metavar="HISTORY.csv", help="Past leads with their outcome "
                          "(any CSV; `;` or `,` is sniffed).", show_default=False)  # fmt: skip
_OUTCOME = typer.Option(None, "--outcome", metavar="COLUMN", help="The outcome column "
                        "(or `outcome:` in the mapping).")  # fmt: skip
_POSITIVE = typer.Option(None, "--positive", metavar="VALUE", help="The positive outcome value "
                         "(default: yes/true/1/won/... when present).")  # fmt: skip
_NEGATIVE = typer.Option(None, "--negative", metavar="VALUE", help="A negative outcome "
                         "value (repeatable); when given, rows with other values are left "
                         "out.")  # fmt: skip
_MAPPING = typer.Option(None, "--mapping", metavar="MAPPING.yaml", help="Rename, drop, "
                        "post-outcome and rule columns (see examples/backtest/).")  # fmt: skip
_CONFIG = typer.Option(None, "--config", "-c", metavar="FILE", help="Scoring config for "
                       "the rules. Default: LEADFLOW_SCORING_CONFIG, else the bundled "
                       "default.")  # fmt: skip


def _read(history: Path, mapping_file: Path | None) -> tuple[Mapping, Table]:
    mapping = load_mapping(mapping_file)
    table = load_table(
        history,
        missing_values=mapping.missing_values,
        column_missing_values=mapping.column_missing_values,
        rename=mapping.rename,
    )
    check_columns(mapping, list(table.columns), mapping_file)
    return mapping, table


def backtest_command(
    ctx: typer.Context,
    history: Path = _HISTORY,
    outcome: str | None = _OUTCOME,
    positive: str | None = _POSITIVE,
    negative: list[str] | None = _NEGATIVE,
    time_column: str | None = typer.Option(
        None,
        "--time-column",
        metavar="COLUMN",
        help="Dates (or numbers) that order the rows: also test on the newest 20%.",
    ),
    ordered: bool = typer.Option(
        False, "--ordered", help="The file's rows are oldest first: also test on the last 20%."
    ),
    mapping_file: Path | None = _MAPPING,
    config_file: Path | None = _CONFIG,
    include_post_outcome: bool = typer.Option(
        False,
        "--include-post-outcome",
        help="Use post-outcome columns as features anyway (reported as leakage).",
    ),
    models: str = typer.Option("lr,hgb,nb", "--models", help="Models to evaluate: lr, hgb, nb."),
    model: str = typer.Option(
        "auto", "--model", help="The model to save: lr, hgb, nb, or auto (lr under 3,000 rows)."
    ),
    folds: int = typer.Option(5, "--folds", min=2, max=20, help="Cross-validation folds."),
    bootstrap: int = typer.Option(200, "--bootstrap", min=0, max=100_000,
                                  help="Bootstrap resamples."),
    calibration: str = typer.Option("sigmoid", "--calibration", help="sigmoid or isotonic."),
    explain_rows: list[int] | None = typer.Option(
        None, "--explain", metavar="ROW", help="Also explain this data row (1 = first; repeatable)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        metavar="DIR",
        help="Where backtest.json and backtest.html go. Default: DATA_DIR/backtests/<file name>.",
    ),
    model_out: Path | None = typer.Option(
        None,
        "--model-out",
        metavar="FILE",
        help="Where the trained model goes. Default: DATA_DIR/models/<file name>-<model>.joblib.",
    ),
    no_save: bool = typer.Option(False, "--no-save", help="Do not save the trained model."),
    charts_dir: Path | None = typer.Option(
        None, "--charts", metavar="DIR", help="Also write every chart as a PNG file here."
    ),
) -> None:
    """Backtest learned models and the current rules against past outcomes; write a report."""
    from scoring.predictive.artifact import SavedModel, make_meta, save_model
    from scoring.predictive.backtest import Options, run_backtest
    from scoring.predictive.explain import typical_row
    from scoring.predictive.features import design_matrix
    from scoring.predictive.report import build_charts, to_html, to_json

    kinds = tuple(_kind(name) for name in models.split(",") if name.strip())
    primary = None if model == "auto" else _kind(model)
    if primary is not None and primary not in kinds:
        kinds = (*kinds, primary)
    if calibration not in ("sigmoid", "isotonic"):
        raise InputError(f"--calibration {calibration!r}: use sigmoid or isotonic")
    settings = settings_of(ctx)
    with _progress() as bar:
        task = bar.add_task("reading", total=None)
        mapping, table = _read(history, mapping_file)
        outcome_column = outcome or mapping.outcome
        if not outcome_column:
            raise InputError("--outcome COLUMN is required (or `outcome:` in the mapping file)")
        time = time_column or mapping.time_column
        options = Options(
            outcome=outcome_column,
            positive=positive or mapping.positive,
            negative=tuple(negative or mapping.negative),
            time_column=time,
            rows_in_time_order=ordered or (mapping.rows_in_time_order and time is None),
            include_post_outcome=include_post_outcome,
            models=kinds,
            primary=primary,
            folds=folds,
            n_boot=bootstrap,
            calibration=calibration,
            explain_rows=tuple(explain_rows or ()),
        )
        ordered_runs = 1 if options.time_column or options.rows_in_time_order else 0
        steps = len(kinds) * (folds + ordered_runs) + 1 + (1 if mapping.rules else 0) + 1
        bar.update(task, description="training", total=steps, completed=0)

        def advance(message: str) -> None:
            bar.update(task, advance=1, description=message)

        config = resolve_config(ctx, config_file) if mapping.rules else None
        result = run_backtest(table, mapping, options, config, progress=advance)
        bar.update(task, description="writing the report")
        stem = history.stem
        model_path = None
        if not no_save:
            model_path = (
                model_out or settings.data_dir / "models" / f"{stem}-{result.primary}.joblib"
            )
            x = design_matrix(table, result.plan, result.outcome.rows)
            meta = make_meta(
                kind=result.primary.value, data_sha256=table.sha256, source=table.source,
                rows=len(result.outcome.labels), positives=result.outcome.n_positive,
                outcome=result.outcome.column, positive=result.outcome.positive, plan=result.plan,
                metrics={k: v.as_dict()
                         for k, v in result.models[result.primary].cv_metrics.items()},
                calibration=result.calibrator.method,
            )  # fmt: skip
            typical = typical_row(x, len(result.plan.numeric))
            saved = SavedModel(meta, result.final_model, result.calibrator, result.plan, typical)
            save_model(model_path, saved)
        data = to_json(result, str(model_path) if model_path else None)
        if model_path:
            data["model_version"] = saved.version
        pngs = build_charts(result)
        out_dir = out or settings.data_dir / "backtests" / stem
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "backtest.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        (out_dir / "backtest.html").write_text(to_html(result, data, pngs), "utf-8")
        if charts_dir is not None:
            charts_dir.mkdir(parents=True, exist_ok=True)
            for name, png in pngs.items():
                (charts_dir / f"{name}.png").write_bytes(png)
        bar.update(task, completed=steps, description="done")
    _print_summary(data, out_dir, model_path)


def _kind(name: str) -> ModelKind:
    # scikit-learn loads here, not when `leadflow --help` imports this module (~0.8 s).
    from scoring.predictive.models import ModelKind

    try:
        return ModelKind(name.strip().lower())
    except ValueError:
        raise InputError(f"unknown model {name!r}: use lr, hgb or nb") from None


def _progress() -> Progress:
    console = stderr()
    # Off without a terminal: rich would leave a blank line on stderr before an error.
    return Progress(
        TextColumn("[bold]{task.description:<24}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal,
    )  # fmt: skip


def _print_summary(data: dict, out_dir: Path, model_path: Path | None) -> None:
    console = stdout()
    d = data["data"]
    console.print(
        f"{d['rows_used']:,} rows, {d['positives']:,} positive ({d['positive_rate']:.1%}); "
        f"outcome {d['outcome']['column']} = {d['outcome']['positive']}"
    )
    level = data["evaluation"]["confidence_level"]
    table = RichTable(title=f"Out of sample, with {level:.0%} bootstrap intervals")
    for column in ("scorer", "split", "AUC", "PR AUC", "lift top 10%"):
        table.add_column(column, no_wrap=True)
    for key, entry in data["models"].items():
        marker = "*" if key == data["primary_model"] else ""
        for label, metrics in (("k-fold", entry["cross_validated"]),
                               ("newest 20%", entry["time_ordered"])):  # fmt: skip
            if metrics:
                lift = metrics["lift_top_decile"]["value"]
                cells = [_ci(metrics["auc"]), _ci(metrics["pr_auc"]), f"{lift:.2f}"]
                table.add_row(key + marker, label, *cells)
    console.print(table)
    console.print(f"* saved model ({data['primary_model']})")
    for warning in data["warnings"]:
        console.print(f"[bold yellow]warning:[/] {warning}")
    for note in data["notes"]:
        console.print(f"note: {note}")
    excluded = [f"{x['column']} ({x['reason']})" for x in data["features"]["excluded"]]
    console.print("excluded columns: " + "; ".join(excluded))
    console.print(f"report: {out_dir / 'backtest.html'} and backtest.json")
    if model_path:
        console.print(f"model: {model_path} (version {data.get('model_version')})")


def _ci(metric: dict) -> str:
    if metric["value"] is None:
        return "n/a"
    return f"{metric['value']:.3f} ({metric['low']:.3f}-{metric['high']:.3f})"


def calibrate_command(
    ctx: typer.Context,
    history: Path = _HISTORY,
    outcome: str | None = _OUTCOME,
    positive: str | None = _POSITIVE,
    negative: list[str] | None = _NEGATIVE,
    mapping_file: Path | None = _MAPPING,
    config_file: Path | None = _CONFIG,
    write: Path | None = typer.Option(
        None,
        "--write",
        metavar="FILE",
        help="Write the suggested scoring config (BANT) or mapping (signals) here.",
    ),
    folds: int = typer.Option(5, "--folds", min=2, max=20, help="Cross-validation folds."),
    bootstrap: int = typer.Option(200, "--bootstrap", min=0, max=100_000,
                                  help="Bootstrap resamples."),
) -> None:
    """Fit the rule points to past outcomes; show current versus suggested (writes only with
    --write)."""
    from scoring.predictive.outcome import read_outcome
    from scoring.predictive.rule_fit import fit_rules
    from scoring.predictive.rules import rule_scores

    mapping, table = _read(history, mapping_file)
    if mapping.rules is None or not (mapping.rules.bant or mapping.rules.signals):
        raise InputError("calibrate needs `rules:` in the mapping file (bant columns or signals)")
    outcome_column = outcome or mapping.outcome
    if not outcome_column:
        raise InputError("--outcome COLUMN is required (or `outcome:` in the mapping file)")
    labels = read_outcome(table, outcome_column, positive or mapping.positive,
                          list(negative or mapping.negative))  # fmt: skip
    config = resolve_config(ctx, config_file)
    scores = rule_scores(table, labels.rows, mapping.rules, config)
    y = labels.labels.astype(int)
    fit = fit_rules(
        y, scores.totals, config=config, tier_index=scores.tier_index,
        hits=scores.signal_hits, signals=mapping.rules.signals or None, folds=folds,
        n_boot=bootstrap,
    )  # fmt: skip
    console = stdout()
    console.print(f"{len(y):,} rows, {int(y.sum()):,} positive; suggested rules judged out of "
                  f"sample ({folds}-fold)")  # fmt: skip
    console.print(_points_table(fit, config, mapping))
    p_key, r_key = f"precision_at_{fit.good_name}", f"recall_at_{fit.good_name}"
    lines = [
        ("AUC", "auc", "auc"),
        (f"precision at {fit.good_name} (score >= {fit.good_min})", p_key,
         "precision_at_threshold"),
        (f"recall at {fit.good_name}", r_key, None),
    ]  # fmt: skip
    for label, key, change in lines:
        text = f"{label}: current {fit.current[key]} -> suggested {fit.suggested[key]}"
        if change:
            text += f", change {_signed(fit.change[change])}"
        console.print(text)
    for note in fit.notes:
        console.print(f"note: {note}")
    if write is None:
        console.print("nothing written (pass --write FILE to save the suggestion)")
        return
    import yaml

    if fit.config is not None:
        data = _plain(fit.config.model_dump(mode="python"))
        header = (
            f"# Suggested by `leadflow calibrate {history.name}` from config {config.version}\n"
        )
    else:
        data = _plain(mapping.model_dump(mode="python", exclude_defaults=True))
        data["rules"]["signals"] = [
            _plain(s.model_dump(exclude_none=True)) for s in fit.signals or []
        ]
        header = f"# Mapping with signal points suggested by `leadflow calibrate {history.name}`\n"
    write.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    console.print(f"wrote {write}")


def _points_table(fit, config, mapping) -> RichTable:  # type: ignore[no-untyped-def]
    table = RichTable(title="Points: current -> suggested")
    for column in ("rule", "tier", "current", "suggested"):
        table.add_column(column, no_wrap=True)
    if fit.config is not None:
        for criterion in ("budget", "authority", "need", "timeline"):
            old = getattr(config.tiers, criterion)
            new = getattr(fit.config.tiers, criterion)
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                table.add_row(
                    criterion if index == 0 else "", a.label, str(a.points), str(b.points)
                )
    else:
        for old, new in zip(mapping.rules.signals, fit.signals, strict=True):
            table.add_row(old.label, "", f"{old.points:g}", f"{new.points:g}")
    return table


def _signed(estimate) -> str:  # type: ignore[no-untyped-def]
    return f"{estimate.value:+.3f} [{estimate.low:+.3f}, {estimate.high:+.3f}]"


def _plain(value):  # type: ignore[no-untyped-def]
    """YAML-friendly data: Decimals as int/float, enums as their values, tuples as lists."""
    from decimal import Decimal
    from enum import Enum

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
