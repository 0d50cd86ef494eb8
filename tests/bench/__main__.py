"""`python -m tests.bench [NAME ...]`: run every bench_*.py (or those matching NAME), report, save.

Results go to a rich table and to bench-results/bench.json; the exit code is 1 if any missed
its target, so CI can gate on it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import tests.bench

RESULT_KEYS = ("name", "value", "unit", "target", "ok")


def discover(names: list[str]) -> list[str]:
    """Module names of tests/bench/bench_*.py, kept if any of `names` is in the name."""
    found = sorted(
        info.name
        for info in pkgutil.iter_modules(tests.bench.__path__)
        if info.name.startswith("bench_")
    )
    return [name for name in found if not names or any(wanted in name for wanted in names)]


def run_module(module_name: str) -> list[dict[str, Any]]:
    """Import and run one bench module; a crash becomes one failed result, not a lost run."""
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"tests.bench.{module_name}")
        results = [dict(result) for result in module.run()]
    except Exception as exc:  # a broken benchmark must not hide the others' numbers
        traceback.print_exc()
        results = [
            {
                "name": "crashed",
                "value": None,
                "unit": "",
                "target": None,
                "ok": False,
                "error": f"{exc.__class__.__name__}: {exc}",
            }
        ]
    for result in results:
        missing = [key for key in RESULT_KEYS if key not in result]
        if missing:
            result.update({"ok": False, "error": f"result lacks {', '.join(missing)}"})
        result["module"] = module_name
        result.setdefault("seconds", round(time.perf_counter() - started, 2))
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON; 1 if any missed its target."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help="run only modules whose name contains one of these"
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="results folder")
    args = parser.parse_args(argv)

    modules = discover(args.names)
    if not modules:
        print(f"no benchmark matches {' '.join(args.names)}", file=sys.stderr)
        return 2
    results = [result for module in modules for result in run_module(module)]

    table = Table(title="leadflow benchmarks")
    for column in ("module", "name", "value", "unit", "target", "ok"):
        table.add_column(column, justify="right" if column in ("value", "target") else "left")
    for result in results:
        table.add_row(
            result["module"].removeprefix("bench_"),
            str(result.get("name")),
            _fmt(result.get("value")),
            str(result.get("unit", "")),
            _fmt(result.get("target")),
            "[green]ok[/]" if result.get("ok") else f"[red]MISS[/] {result.get('error', '')}",
        )
    Console().print(table)

    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
        "ok": all(result.get("ok") for result in results),
    }
    (args.out / "bench.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0 if report["ok"] else 1


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


if __name__ == "__main__":
    sys.exit(main())
