"""Backtest on the full Bank Marketing file (41,188 rows): load, 5-fold train of three models,
time-ordered split, report. Targets: under 30 s wall time and under 1 GB peak memory.

The backtest runs as `leadflow backtest` in a child process (its progress bars show on this
terminal); its peak memory comes from os.wait4 on that child alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / ".." / "shared" / "data" / "bank_marketing" / "bank-additional-full.csv"
MAPPING = REPO / "examples" / "backtest" / "bank-marketing.yaml"
TARGET_S = 30.0
TARGET_MB = 1024.0
TARGET_AUC = 79.0  # AUC in percent: the runner prints one decimal

# Registers the commands when leadflow.cli does not (yet), then runs the real entry point.
_CHILD = """
import sys
from leadflow import cli
from leadflow.commands import backtest_cmd
if not any(c.name == "backtest" for c in cli.app.registered_commands):
    backtest_cmd.register(cli.app)
sys.argv = ["leadflow", *sys.argv[1:]]
cli.main()
"""


def run() -> list[dict[str, Any]]:
    """Time one full backtest; report wall time, peak memory and the AUCs it measured."""
    if not BANK.exists():
        return [{"name": "backtest bank marketing", "value": None, "unit": "s",
                 "target": TARGET_S, "ok": False, "error": f"missing {BANK}"}]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            sys.executable, "-c", _CHILD, "backtest", str(BANK), "--mapping", str(MAPPING),
            "--out", tmp, "--model-out", str(Path(tmp) / "model.joblib"),
        ]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, text=True)
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if child.returncode != 0:
            raise RuntimeError(f"backtest exited {child.returncode}: {output[-2000:]}")
        report = json.loads((Path(tmp) / "backtest.json").read_text())
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    models = report["models"]
    hgb_auc = models["hgb"]["cross_validated"]["auc"]
    results = [
        {"name": "backtest wall time, 41,188 rows",
         "value": round(elapsed, 1), "unit": "s", "target": TARGET_S, "ok": elapsed < TARGET_S},
        {"name": "backtest peak memory", "value": round(peak_mb), "unit": "MB",
         "target": TARGET_MB, "ok": peak_mb < TARGET_MB},
        {"name": "bank 5-fold AUC, hgb", "value": _pct(hgb_auc["value"]), "unit": "% AUC",
         "target": TARGET_AUC, "ok": _pct(hgb_auc["value"]) >= TARGET_AUC},
    ]  # fmt: skip
    for key in ("lr", "nb"):
        auc = models[key]["cross_validated"]["auc"]["value"]
        results.append({"name": f"bank 5-fold AUC, {key}", "value": _pct(auc), "unit": "% AUC",
                        "target": None, "ok": True})  # fmt: skip
    for key in ("lr", "hgb", "nb", "rules"):
        recent = models[key]["time_ordered"]
        results.append({"name": f"bank time-ordered AUC, {key}",
                        "value": _pct(recent["auc"]["value"]) if recent else None,
                        "unit": "% AUC",
                        "target": None, "ok": recent is not None})  # fmt: skip
    return results


def _pct(value: float) -> float:
    return round(100 * value, 1)
