"""The backtest report: JSON metrics, and one self-contained HTML page with embedded charts."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from leadflow import __version__
from scoring.predictive import charts
from scoring.predictive.backtest import Result, Scored
from scoring.predictive.metrics import threshold_table, to_score

_METRICS = {
    "auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "lift_top_decile": "lift, top 10%",
    "brier": "Brier (lower is better)",
}


def _scorers(result: Result) -> list[tuple[str, Scored]]:
    out = [(kind.value, scored) for kind, scored in result.models.items()]
    if result.rules is not None:
        out.append(("rules", result.rules))
    return out


def _metrics(metrics: dict | None) -> dict | None:
    return None if metrics is None else {k: v.as_dict() for k, v in metrics.items()}


def to_json(result: Result, model_file: str | None = None) -> dict[str, Any]:
    """Everything measured, as plain data (every metric with its bootstrap interval)."""
    y = result.outcome.labels
    primary = result.models[result.primary]
    scores = to_score(primary.cv.probabilities)
    cuts = [b.min for b in result.bands if b.min > 0]
    thresholds = {"model": threshold_table(y, scores, cuts)}
    if result.rules is not None and result.rule_scores is not None:
        thresholds["rules"] = threshold_table(y, result.rule_scores.totals, cuts)
    return {
        "leadflow_version": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "source": result.table.source,
            "sha256": result.table.sha256,
            "delimiter": result.table.delimiter,
            "rows": result.table.n_rows,
            "rows_used": len(y),
            "positives": int(y.sum()),
            "positive_rate": round(float(y.mean()), 4),
            "outcome": {"column": result.outcome.column, "positive": result.outcome.positive},
        },
        "features": {
            "used": result.plan.names,
            "excluded": [{"column": e.column, "reason": e.reason} for e in result.plan.excluded],
            "post_outcome_used": result.plan.leaked,
        },
        "warnings": result.warnings,
        "notes": result.notes,
        "evaluation": {
            "k_fold": "stratified, shuffled; probabilities calibrated on the other folds",
            "time_ordered": result.order_note,
            "confidence_level": result.level,
            "calibration": result.calibrator.method,
        },
        "primary_model": result.primary.value,
        "models": {
            name: {
                "name": scored.name,
                "cross_validated": _metrics(scored.cv_metrics),
                "time_ordered": _metrics(scored.recent_metrics),
            }
            for name, scored in _scorers(result)
        },
        "bands": [{"name": b.name, "min": b.min} for b in result.bands],
        "band_thresholds": thresholds,
        "top_features": [
            {"field": name, "mean_abs_effect": round(value, 4)}
            for name, value in result.feature_importance
        ],
        "examples": [
            {"why": why, "row": row, "score": score, **reasons.as_dict()}
            for why, row, score, reasons in result.examples
        ],
        "model_file": model_file,
    }


def build_charts(result: Result) -> dict[str, bytes]:
    """Every chart of the report, by file stem."""
    y = result.outcome.labels
    primary = result.models[result.primary]
    curves = {s.name: (y, s.cv.probabilities) for _, s in _scorers(result)}
    aucs = {s.name: s.cv_metrics["auc"].value for _, s in _scorers(result)}
    out = {"backtest-roc": charts.roc_chart(curves, aucs, "ROC curve, 5-fold out of sample")}
    recent = {s.name: (s.recent.labels, s.recent.probabilities)
              for _, s in _scorers(result) if s.recent is not None}  # fmt: skip
    if recent:
        recent_aucs = {s.name: s.recent_metrics["auc"].value
                       for _, s in _scorers(result) if s.recent_metrics}  # fmt: skip
        out["backtest-roc-recent"] = charts.roc_chart(
            recent, recent_aucs, "ROC curve, time-ordered (newest 20%)"
        )
    out["backtest-pr"] = charts.pr_chart(curves)
    out["backtest-lift"] = charts.lift_chart(curves)
    models_only = {s.name: (y, s.cv.probabilities) for s in result.models.values()}
    out["backtest-calibration"] = charts.calibration_chart(models_only)
    scores = to_score(primary.cv.probabilities)
    bands = [(b.name, b.min) for b in result.bands]
    out["backtest-distribution"] = charts.distribution_chart(
        y, scores, f"{primary.name}: score by outcome"
    )
    out["backtest-thresholds"] = charts.threshold_chart(
        y, scores, bands, f"{primary.name}: precision / recall / F1 by threshold"
    )
    if result.rule_scores is not None:
        totals = result.rule_scores.totals
        out["backtest-rules-distribution"] = charts.distribution_chart(
            y, totals, "Rules: score by outcome"
        )
        out["backtest-rules-thresholds"] = charts.threshold_chart(
            y, totals, bands, "Rules: precision / recall / F1 by threshold"
        )
    out["backtest-features"] = charts.features_chart(result.feature_importance)
    return out


def to_html(result: Result, data: dict[str, Any], pngs: dict[str, bytes]) -> str:
    """One HTML page holding the metrics, the warnings and every chart (as data URIs)."""
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>leadflow backtest: {e(result.table.source)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Backtest of {e(result.table.source)}</h1>",
        _summary(data),
    ]
    if result.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in result.warnings)
        parts.append(f"<div class='warn'><h2>Warnings</h2><ul>{items}</ul></div>")
    if result.notes:
        parts.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in result.notes) + "</ul>")
    parts.append("<h2>Metrics</h2>" + _metric_table(result))
    parts.append(_threshold_tables(data))
    parts.append("<h2>Charts</h2>")
    for stem, png in pngs.items():
        parts.append(f"<img alt='{e(stem)}' src='{charts.data_uri(png)}'>")
    parts.append("<h2>Why single leads score as they do</h2>" + _examples(result))
    excluded = "".join(
        f"<tr><td>{e(x['column'])}</td><td>{e(x['reason'])}</td></tr>"
        for x in data["features"]["excluded"]
    )
    parts.append(
        "<h2>Columns</h2><p>Features: " + e(", ".join(data["features"]["used"])) + "</p>"
        "<table><tr><th>excluded column</th><th>why</th></tr>" + excluded + "</table>"
    )
    parts.append(f"<p class='foot'>leadflow {e(__version__)}, {e(data['generated_at'])}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary(data: dict[str, Any]) -> str:
    d, ev = data["data"], data["evaluation"]
    e = html.escape
    recent = ev["time_ordered"] or "no time order given (use --time-column or --ordered)"
    return (
        f"<p>{d['rows_used']:,} rows with an outcome ({d['positives']:,} positive, "
        f"{d['positive_rate']:.1%}); outcome <code>{e(d['outcome']['column'])}</code> = "
        f"<code>{e(d['outcome']['positive'])}</code>. Primary model: "
        f"<b>{e(data['primary_model'])}</b>. Intervals: {ev['confidence_level']:.0%} bootstrap. "
        f"Time-ordered: {e(recent)}.</p>"
    )


def _metric_table(result: Result) -> str:
    head = "<tr><th>scorer</th><th>evaluation</th>" + "".join(
        f"<th>{html.escape(label)}</th>" for label in _METRICS.values()
    )
    good = next((b.name for b in result.bands if b.min > 0), None)
    if good:
        head += f"<th>precision at {good}</th><th>recall at {good}</th>"
    rows = [head + "</tr>"]
    for _, scored in _scorers(result):
        for label, metrics in (
            ("5-fold", scored.cv_metrics),
            ("time-ordered", scored.recent_metrics),
        ):
            if metrics is None:
                continue
            keys = list(_METRICS) + ([f"precision_at_{good}", f"recall_at_{good}"] if good else [])
            cells = "".join(
                "<td>n/a</td>"
                if k == "brier" and scored.name == "Rules"
                else f"<td>{metrics[k]}</td>"
                for k in keys
            )
            rows.append(f"<tr><td>{html.escape(scored.name)}</td><td>{label}</td>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _threshold_tables(data: dict[str, Any]) -> str:
    out = []
    for who, rows in data["band_thresholds"].items():
        body = "".join(
            f"<tr><td>&ge; {r['threshold']:g}</td><td>{r['precision']:.3f}</td>"
            f"<td>{r['recall']:.3f}</td><td>{r['f1']:.3f}</td><td>{r['flagged_share']:.1%}</td></tr>"
            for r in rows
        )
        out.append(
            f"<h3>Band thresholds: {html.escape(who)}</h3><table><tr><th>score</th>"
            "<th>precision</th><th>recall</th><th>F1</th><th>leads flagged</th></tr>"
            + body + "</table>"
        )  # fmt: skip
    return "".join(out)


def _examples(result: Result) -> str:
    e = html.escape
    out = []
    for why, row, score, reasons in result.examples:

        def items(rs) -> str:  # type: ignore[no-untyped-def]
            return "".join(f"<li>{e(str(r))}</li>" for r in rs) or "<li>none</li>"

        out.append(
            f"<h3>{e(why)}: data row {row}, score {score}</h3><div class='cols'>"
            f"<div><b>raises the score</b><ol>{items(reasons.up)}</ol></div>"
            f"<div><b>lowers the score</b><ol>{items(reasons.down)}</ol></div></div>"
        )
    return "".join(out)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f3f3f3} img{max-width:100%;display:block;margin:1em 0}
.warn{background:#fff4e5;border-left:4px solid #e67e22;padding:.5em 1em}
.cols{display:flex;gap:2em} .foot{color:#888;font-size:.8em}
"""
