"""The layers of docs/architecture.md, enforced: every import of ours runs down the order.

A module may import its own layer and the layers below it. The imports that still run the other
way are listed in KNOWN_UPWARD, each with what should take its place; the test fails on any new
one, and on a listed one that is gone (so the list is kept true and can only shrink).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("leadflow", "scoring", "prompts", "connectors", "flows")

# Lowest first. A module belongs to the longest prefix listed; see docs/architecture.md.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("kernel", ("leadflow.errors", "leadflow.__init__")),
    ("scoring", ("scoring",)),
    ("support", ("leadflow.settings", "leadflow.redaction", "leadflow.logs", "leadflow.sandbox",
                 "leadflow.intake", "leadflow.intake_limits", "prompts")),
    ("store", ("leadflow.store", "leadflow.rescore", "leadflow.config_in_force")),
    ("connectors", ("connectors",)),
    ("flows", ("flows",)),
    ("composition", ("leadflow.wiring", "flows.assembly")),
    ("shell", ("leadflow",)),
]
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}

# (importer, imported module) -> what should replace it (issue "A house that shows its plan").
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    # Prefect deployment entry points build their own chain from the settings inside the run.
    ("flows.qualification", "flows.assembly"): "the deployment gets its chain from the root",
    ("flows.reconcile", "flows.assembly"): "the deployment gets its chain from the root",
    ("flows.reconcile", "leadflow.wiring"): "the Forms client comes with the chain",
}
# Only these import Prefect: the flows layer's runtime, not the pipeline or anything below it.
PREFECT_IMPORTERS = {"flows.prefect_session", "flows.qualification", "flows.reconcile"}


def layer_of(module: str) -> str:
    best = max(((prefix, name) for name, prefixes in LAYERS for prefix in prefixes
                if module == prefix or module.startswith(prefix + ".")),
               key=lambda pair: len(pair[0]))
    return best[1]


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name if parts[-1] != "__init__" or len(parts) > 1 else parts[0]] = path
    return found


def imports(path: Path) -> set[str]:
    """Every absolute import of ours in the file, wherever it is (lazy ones included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _ours(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that `name` names (a module, or a name inside one), or None."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def upward_imports() -> set[tuple[str, str]]:
    known = modules()
    found = set()
    for module, path in known.items():
        mine = layer_of(module if module != "leadflow" else "leadflow.__init__")
        for name in imports(path):
            target = _ours(name, known)
            if target is None or target == "leadflow":
                continue
            if RANK[layer_of(target)] > RANK[mine]:
                found.add((module, target))
    return found


def test_imports_run_down_the_layers() -> None:
    found = upward_imports()
    new = sorted(found - KNOWN_UPWARD.keys())
    assert not new, "imports against docs/architecture.md's layers: " + ", ".join(
        f"{a} -> {b}" for a, b in new)
    gone = sorted(KNOWN_UPWARD.keys() - found)
    assert not gone, "fixed, so drop from KNOWN_UPWARD: " + ", ".join(
        f"{a} -> {b}" for a, b in gone)


def test_only_the_flow_runtime_imports_prefect() -> None:
    importers = {module for module, path in modules().items()
                 if any(name == "prefect" or name.startswith("prefect.") for name in imports(path))}
    assert importers == PREFECT_IMPORTERS
