"""Kill the process at every step boundary; after a restart nothing is lost or done twice.

Each case runs the demo's leads in a forked child that exits at once (as after `kill -9`) at
one boundary: before a step's outside call, or after it but before the step is recorded. A
restarted service then recovers, and the end state must equal an uninterrupted run's: every
lead at the same end with the same score, one contact per person, one deal per contact, one
meeting per lead, one logged meeting per deal, one message per lead, no lease left behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.flows.fault_campaign import (
    KILLED_EXIT_CODE,
    boundaries,
    child_error,
    describe,
    outcome,
    recover,
    run_in_child,
)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("baseline")
    assert run_in_child(folder, None) == 0, child_error(folder)
    recover(folder)  # nothing to do: an uninterrupted run leaves nothing behind
    result = outcome(folder)
    assert len(result["leads"]) == 8 and result["messages"] >= 1, describe(result)
    assert {state for state, _, _ in result["leads"].values()} <= {"scored", "needs_review"}
    return result


@pytest.mark.parametrize("kill_at", boundaries())
def test_a_kill_at_any_step_boundary_loses_nothing_and_doubles_nothing(
    kill_at: str, baseline: dict[str, Any], tmp_path: Path
) -> None:
    code = run_in_child(tmp_path, kill_at)
    assert code == KILLED_EXIT_CODE, f"{kill_at}: exit {code} {child_error(tmp_path)}"
    recover(tmp_path)
    result = outcome(tmp_path)
    assert result == baseline, f"killed at {kill_at}: {describe(result)}"
    assert result["contacts"] == result["deals_per_contact"] == 1
    assert result["meetings_per_lead"] == result["meetings_logged_per_deal"] == 1
    assert result["messages_per_lead"] == 1 and result["delivered"] == result["messages"]
    assert result["leases_left"] == 0
