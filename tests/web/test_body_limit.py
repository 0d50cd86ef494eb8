"""Request body limits: 413 before the body is read (declared) or as it streams (chunked)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from leadflow.store.models import DeadLetter, Submission
from leadflow.web import create_app
from leadflow.web.signing import signature_header
from tests.flows.world import World, build_world, submission
from tests.stubs.serving import serve
from tests.web.seed import SECRET, web_settings

MB = 1_048_576


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path)


def app_of(world: World, tmp_path: Path, **web: object) -> FastAPI:
    return create_app(web_settings(tmp_path, drain=False, **web), world.store, world.chain)


@pytest.fixture
def client(world: World, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(app_of(world, tmp_path), base_url="http://127.0.0.1") as test_client:
        yield test_client


def stored(world: World) -> int:
    with world.store.session(write=False) as session:
        return sum(session.exec(select(func.count()).select_from(table)).one()
                   for table in (Submission, DeadLetter))


def signed(raw: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json",
            "X-Leadflow-Signature": signature_header(SECRET, int(time.time()), raw,
                                                     source="google_forms")}


def padded(index: int, size: int) -> bytes:
    """A valid signed-able lead of about `size` bytes (an extra field carries the padding)."""
    body = json.loads(submission(index))
    body["padding"] = ""
    body["padding"] = "p" * (size - len(json.dumps(body)))
    return json.dumps(body).encode()


def test_a_signed_lead_of_20_mb_is_refused_and_not_stored(
        client: TestClient, world: World) -> None:
    raw = padded(1, 20 * MB)
    response = client.post("/intake/google_forms", content=raw, headers=signed(raw))
    assert response.status_code == 413
    assert response.json() == {"detail": f"request body over the {MB}-byte limit"}
    assert "\n" not in response.text and stored(world) == 0


def test_a_lead_just_under_the_limit_is_stored(client: TestClient, world: World) -> None:
    raw = padded(2, MB - 100)
    assert len(raw) <= MB
    response = client.post("/intake/google_forms", content=raw, headers=signed(raw))
    assert response.status_code == 202, response.text[:200]
    assert stored(world) == 1


def test_the_intake_limit_is_configurable(world: World, tmp_path: Path) -> None:
    with TestClient(app_of(world, tmp_path, intake_max_bytes=4_096)) as client:
        small, large = submission(3).encode(), padded(4, 5_000)
        assert client.post("/intake/google_forms", content=small,
                           headers=signed(small)).status_code == 202
        assert client.post("/intake/google_forms", content=large,
                           headers=signed(large)).status_code == 413
    assert stored(world) == 1


def test_other_routes_have_a_smaller_limit(client: TestClient) -> None:
    form = {"username": "u" * 300_000, "password": "x", "csrf_token": "y"}
    assert client.post("/login", data=form).status_code == 413
    assert client.post("/api/reviews", content=b"{" + b" " * 300_000 + b"}",
                       headers={"Content-Type": "application/json"}).status_code == 413


class Upload:
    """An ASGI client sending a body in chunks; counts the chunks the app asked for."""

    def __init__(self, chunks: int, chunk_size: int) -> None:
        self.chunks, self.chunk_size, self.pulled = chunks, chunk_size, 0
        self.status: int | None = None
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        self.pulled += 1
        more = self.pulled < self.chunks
        return {"type": "http.request", "body": b" " * self.chunk_size, "more_body": more}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def run(self, app: FastAPI, path: str, headers: dict[str, str]) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80),
                 "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
        asyncio.run(app(scope, self.receive, self.send))


def test_a_declared_length_over_the_limit_is_refused_without_reading(
        world: World, tmp_path: Path) -> None:
    upload = Upload(chunks=100, chunk_size=MB)
    upload.run(app_of(world, tmp_path), "/intake/google_forms", {
        "content-length": str(100 * MB), **signed(b"")})
    assert upload.status == 413 and upload.pulled == 0
    assert json.loads(upload.body)["detail"].startswith("request body over")
    assert stored(world) == 0


def test_a_chunked_body_is_refused_once_its_count_passes_the_limit(
        world: World, tmp_path: Path) -> None:
    upload = Upload(chunks=100, chunk_size=MB // 4)
    upload.run(app_of(world, tmp_path), "/intake/google_forms", signed(b""))
    assert upload.status == 413
    assert upload.pulled == 5  # 1.25 MB: the first chunk past 1 MB, not the other 95
    assert stored(world) == 0


def test_a_real_server_answers_413_before_the_body_is_sent(world: World, tmp_path: Path) -> None:
    with serve(app_of(world, tmp_path)) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(
                b"POST /intake/google_forms HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\n"
                + f"X-Leadflow-Signature: {signed(b'')['X-Leadflow-Signature']}\r\n".encode()
                + f"Content-Length: {100 * MB}\r\n\r\n".encode())
            answer = connection.recv(4096)  # no body sent: an answer now means it was not read
    assert answer.startswith(b"HTTP/1.1 413")
    assert stored(world) == 0


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/intake/x1", signed(b""), 404),                       # an unknown source
    ("/intake/google_forms", {}, 401),                      # unsigned
    ("/intake/google_forms", {"X-Leadflow-Signature": "t=1,v2=" + "a" * 64}, 401),  # stale
], ids=["unknown source", "unsigned", "stale"])
def test_a_request_refused_on_its_path_or_headers_is_not_read(
        world: World, tmp_path: Path, path: str, headers: dict[str, str], status: int) -> None:
    upload = Upload(chunks=100, chunk_size=MB)
    upload.run(app_of(world, tmp_path), path, headers)
    assert upload.status == status and upload.pulled == 0
