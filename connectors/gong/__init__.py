"""Gong: find a meeting's call and its transcript on API v2 (httpx, Basic auth, 3 calls/s)."""

from connectors.gong.api import GongApi
from connectors.gong.limiter import RateLimiter
from connectors.gong.transcripts import GongTranscripts

__all__ = ["GongApi", "GongTranscripts", "RateLimiter"]
