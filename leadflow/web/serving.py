"""How `leadflow serve` configures uvicorn.

Uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so any local client (or a proxy
that passes the header through) could name its own address and step around the per-address
login limit. Forwarded headers are believed only from LEADFLOW_WEB__TRUSTED_PROXIES.
"""

from __future__ import annotations

from typing import Any

from leadflow.settings import WebSettings


def trusted_proxies(web: WebSettings) -> list[str]:
    """The configured proxy addresses and networks (empty: believe no forwarded header)."""
    return [part.strip() for part in web.trusted_proxies.split(",") if part.strip()]


def uvicorn_options(web: WebSettings, *, host: str | None = None, port: int | None = None,
                    log_level: str = "info") -> dict[str, Any]:
    """Keyword arguments for uvicorn.Config (besides the app)."""
    proxies = trusted_proxies(web)
    # httptools is named so a missing one fails loudly instead of silently costing intake
    # throughput (h11 is pure Python); "auto" takes uvloop where it exists (not on Windows).
    options: dict[str, Any] = {
        "host": host or web.host, "port": port or web.port, "log_level": log_level,
        "access_log": False, "http": "httptools", "loop": "auto",
        "proxy_headers": bool(proxies),
        # Uvicorn's own Server header says which server and so which exploits to try.
        "server_header": False,
    }
    if proxies:
        options["forwarded_allow_ips"] = proxies
    return options
