"""The embedded Prefect server: one long-lived local server that leadflow starts on demand.

Starting a temporary server per process costs 13-23 s (DESIGN.md, Prefect facts); a server that
outlives the command costs ~7 s once, then ~1.7 s per client. Its database and logs live under
`<data_dir>/prefect/`, so the Prefect UI keeps every run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from leadflow.errors import ConfigError, LeadflowError

_START_TIMEOUT_S = 90.0


def server_home(data_dir: Path) -> Path:
    """Where the embedded server keeps its SQLite database, pid file and log."""
    return (data_dir / "prefect").resolve()


def api_url_for(port: int) -> str:
    """The API address of the embedded server on `port`."""
    return f"http://127.0.0.1:{port}/api"


def is_healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    """True when a Prefect API answers its health check at `api_url`."""
    try:
        response = httpx.get(f"{api_url}/health", timeout=timeout_s)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def ensure_server(data_dir: Path, port: int, *, timeout_s: float = _START_TIMEOUT_S) -> str:
    """Return the API URL of the embedded server, starting it in the background when needed."""
    api_url = api_url_for(port)
    if is_healthy(api_url):
        return api_url
    home = server_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": api_url,
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start",
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # outlives this command, by design
        )
    (home / "server.pid").write_text(str(process.pid))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(
                f"the local Prefect server exited with code {process.returncode}; see {log_path} "
                f"(is port {port} taken? set LEADFLOW_PREFECT_PORT)",
                key="LEADFLOW_PREFECT_PORT",
            )
        if is_healthy(api_url):
            return api_url
        time.sleep(0.5)
    raise LeadflowError(f"the local Prefect server did not answer within {timeout_s:.0f} s; "
                        f"see {log_path}")


def stop_server(data_dir: Path) -> bool:
    """Stop the embedded server started by `ensure_server`; False when none was running."""
    pid_file = server_home(data_dir) / "server.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().strip())
    pid_file.unlink()
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True
