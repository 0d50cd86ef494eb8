"""flows/prefect.yaml: every deployment's entrypoint is a flow that can run without arguments
beyond the deployment's parameters (workers build the chain from settings)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = yaml.safe_load((ROOT / "flows" / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_each_deployment_points_at_a_flow_it_can_call(deployment: dict) -> None:
    path, name = deployment["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    flow = getattr(module, name)
    assert isinstance(flow, Flow)
    given = set(deployment.get("parameters", {}))
    required = {p.name for p in inspect.signature(flow.fn).parameters.values()
                if p.default is inspect.Parameter.empty}
    assert required <= given, f"{deployment['name']} misses {required - given}"
    for value in deployment.get("parameters", {}).values():
        if str(value).endswith(".yaml"):
            assert (ROOT / value).is_file()
