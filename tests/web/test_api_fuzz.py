"""Every operation in the OpenAPI schema, fed generated ids, queries and JSON bodies by an
authorised ops user, answers 2xx, 4xx, or 3xx: never a 500 (nor a traceback)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.seed import Seeded

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12)
VALUES = st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=40),
                   st.sampled_from(["1", "0", "-1", "99999999999999999999", "2", "%00", "../"]))


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    return [(method.upper(), path, operation) for path, methods in spec["paths"].items()
            for method, operation in methods.items()]


def _body(operation: dict[str, Any], schema_names: list[str]) -> st.SearchStrategy[Any]:
    if "requestBody" not in operation:
        return st.none()
    # Bodies shaped like the schema (its property names, any values) and anything at all.
    named = st.fixed_dictionaries({}, optional={name: JSON for name in schema_names})
    return st.one_of(named, JSON)


def _schema_names(client: TestClient, operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    ref = schema.get("$ref", "")
    components = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
    return list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))


# One case per operation; the test below keeps the count in step with the schema.
OPERATIONS = 14


@pytest.mark.parametrize("index", range(OPERATIONS))
def test_no_operation_answers_500(client: TestClient, seeded: Seeded, index: int) -> None:
    operations = _operations(client)
    method, path, operation = operations[index]
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
    headers = {"Authorization": f"Bearer {seeded.tokens['olga']}"}

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(values=st.fixed_dictionaries({name: VALUES for name in names}),
           body=_body(operation, _schema_names(client, operation)))
    def check(values: dict[str, Any], body: Any) -> None:
        url = path
        query = {}
        for name, value in values.items():
            if "{" + name + "}" in url:
                url = url.replace("{" + name + "}", quote(str(value), safe="") or "x")
            else:
                query[name] = str(value)
        content = None if body is None else json.dumps(body).encode()
        response = client.request(method, url, params=query, content=content,
                                  headers={**headers, "content-type": "application/json"})
        assert response.status_code < 500, (method, url, query, body, response.text[:300])
        assert "Traceback" not in response.text

    check()


def test_the_fuzz_covers_every_operation(client: TestClient) -> None:
    assert len(_operations(client)) == OPERATIONS  # a new operation: raise OPERATIONS
