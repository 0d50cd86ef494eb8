"""The OpenAI-compatible LLM extractor: prompt, strict schema, retries, audit, cache, chunks."""

from connectors.llm.client import build_client
from connectors.llm.extractor import ExtractionRun, LlmExtractor, Usage, transcript_hash
from connectors.llm.schema import BantExtraction, schema_hash, strict_schema

__all__ = [
    "BantExtraction",
    "ExtractionRun",
    "LlmExtractor",
    "Usage",
    "build_client",
    "schema_hash",
    "strict_schema",
    "transcript_hash",
]
