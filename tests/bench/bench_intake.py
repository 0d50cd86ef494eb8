"""Signed intake under load: `leadflow serve` in a subprocess, a client process posting signed
submissions over loopback for 30 s at 50 concurrent keep-alive connections.

The server runs with its drainer off so the numbers are the webhook's own (verify, store
verbatim, answer); the chain's throughput is bench_chain's. Every accepted submission id is
then looked up in the store: none may be lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SECONDS = 30.0
CONNECTIONS = 50
SECRET = "bench-secret"
SERVER = ("import typer; from leadflow.commands import web_cmd; app = typer.Typer(); "
          "web_cmd.register(app); app(['serve', '--port', '{port}'])")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _body(worker: int, index: int) -> bytes:
    return json.dumps({
        "source": "google_forms", "form_id": "bench", "response_id": f"w{worker}-{index}",
        "submitted_at": "2030-03-04T12:00:00Z",
        "answers": [{"title": "Work email", "value": f"w{worker}.{index}@example.com"},
                    {"title": "Name", "value": f"Bench Lead {index}"},
                    {"title": "Preferred meeting time", "value": "2030-03-05T15:00:00+00:00"}],
    }).encode()


class _Connection:
    """One keep-alive HTTP/1.1 connection: a request, then its whole response, then the next.

    A deliberately thin client: it shares the server's 2 cores, and httpx spent ~1.5 ms of CPU
    per request (its pool rescans every connection per request), more than the server spent.
    Still a real client: TCP over loopback, full requests, every response read and parsed.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, signature: str) -> tuple[int, bytes]:
        """(status, body) of one POST; reconnects when the server closed the connection."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"X-Leadflow-Signature: {signature}\r\n\r\n").encode()
        self.writer.write(head + body)
        status = int((await self.reader.readline()).split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise ConnectionError("chunked responses are not supported by this client")
        payload = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _client(url: str, seconds: float, connections: int) -> dict[str, Any]:
    from urllib.parse import urlsplit

    from leadflow.web.signing import signature_header

    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
    latencies: list[float] = []
    accepted: list[int] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def worker(number: int) -> None:
        nonlocal errors
        connection = _Connection(host, port)
        index = 0
        while time.monotonic() < deadline:
            body = _body(number, index)
            index += 1
            signature = signature_header(SECRET, int(time.time()), body,
                                         source=path.rstrip("/").rsplit("/", 1)[-1])
            started = time.perf_counter()
            try:
                async with asyncio.timeout(10):
                    status, payload = await connection.post(path, body, signature)
            except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError):
                errors += 1
                connection.close()
                continue
            latencies.append(time.perf_counter() - started)
            if status == 202:
                accepted.append(json.loads(payload)["submission_id"])
            else:
                errors += 1
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(number) for number in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"accepted": accepted, "errors": errors, "elapsed": elapsed,
            "p50": latencies[len(latencies) // 2] if latencies else None,
            "p99": latencies[int(len(latencies) * 0.99)] if latencies else None}


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("leadflow serve exited before it was ready")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("leadflow serve did not start")


def run(seconds: float = SECONDS, connections: int = CONNECTIONS) -> list[dict[str, Any]]:
    """Post signed submissions for `seconds`; accepted/s, p50, p99, lost."""
    from sqlmodel import col, func, select

    from leadflow.store import Store, Submission

    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        env = {**os.environ, "LEADFLOW_DATA_DIR": folder, "LEADFLOW_WEB__DRAIN": "false",
               "LEADFLOW_WEB__INTAKE_SECRETS": json.dumps([SECRET]),
               "LEADFLOW_WEB__SESSION_SECRET": "bench", "LEADFLOW_LOG_LEVEL": "WARNING"}
        env.pop("LEADFLOW_DATABASE_URL", None)
        server = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], env=env,
                                  cwd=Path(__file__).resolve().parents[2])
        try:
            _wait_ready(port, server)
            client = subprocess.run(
                [sys.executable, "-m", "tests.bench.bench_intake", f"http://127.0.0.1:{port}"
                 "/intake/google_forms", str(seconds), str(connections)],
                capture_output=True, check=True, timeout=seconds + 60,
                cwd=Path(__file__).resolve().parents[2])
        finally:
            server.terminate()
            server.wait(timeout=20)
        report = json.loads(client.stdout)
        accepted = set(report["accepted"])
        store = Store(f"sqlite:///{Path(folder) / 'leadflow.db'}")
        with store.session(write=False) as session:
            stored = session.exec(select(func.count()).select_from(Submission)
                                  .where(col(Submission.id).in_(accepted))).one()
        store.close()
    rate = len(accepted) / report["elapsed"]
    p50, p99 = report["p50"] * 1000, report["p99"] * 1000
    return [
        {"name": "intake accepted/s (50 conns)", "value": round(rate, 1), "unit": "req/s",
         "target": ">= 300", "ok": rate >= 300},
        {"name": "intake p50 latency", "value": round(p50, 1), "unit": "ms", "target": None,
         "ok": True},
        {"name": "intake p99 latency", "value": round(p99, 1), "unit": "ms", "target": "< 100",
         "ok": p99 < 100},
        {"name": "intake lost submissions", "value": len(accepted) - stored, "unit": "",
         "target": "0", "ok": stored == len(accepted) and report["errors"] == 0},
    ]


if __name__ == "__main__":
    target, duration, width = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(_client(target, duration, width))))
