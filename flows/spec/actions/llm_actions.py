"""Generic LLM steps: classify into a configured label, extract a described schema, generate text.

Each renders a prompt folder (system.j2, user.j2) with the step's `input` as variables, calls
the configured StructuredLLM (audited there) and verifies every evidence quote against the
input text, so a label or field never rests on words nobody wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from connectors.base.llm import StructuredLLM
from flows.spec.registry import ActionContext, Registry
from leadflow.errors import InvalidOutputError, PermanentError
from prompts.rendering import RenderedPrompt, render
from scoring.evidence import Evidence
from scoring.transcript import Segment, Transcript
from scoring.verify import verify_evidence


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(description="A prompt folder: a name under prompts/ or a path")
    input: dict[str, Any] = {}


class Classify(_Params):
    labels: list[str] = Field(min_length=2)


class Extract(_Params):
    fields: dict[str, str] = Field(description="Field name -> what it holds", min_length=1)


class Generate(_Params):
    max_words: int = Field(default=200, ge=1)


class _Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quote: str


class ClassifyAnswer(BaseModel):
    """The model's choice, why, and the verbatim quotes it rests on."""

    model_config = ConfigDict(extra="forbid")
    label: str
    reason: str
    evidence: list[_Quote]


class GenerateAnswer(BaseModel):
    """Generated text, for a person to approve before it goes anywhere."""

    model_config = ConfigDict(extra="forbid")
    text: str


def _llm(ctx: ActionContext) -> StructuredLLM:
    if ctx.chain.llm is None:
        raise PermanentError(f"step {ctx.step_name} needs an LLM: set LEADFLOW_LLM__BASE_URL "
                             "(and LEADFLOW_LLM__MODEL)", connector="llm", operation="complete")
    return ctx.chain.llm


def _render(params: _Params, extra: dict[str, Any]) -> RenderedPrompt:
    folder = Path(params.prompt)
    if folder.is_dir():
        return render(folder.name, {"input": params.input, **extra}, prompt_dir=folder.parent)
    return render(params.prompt, {"input": params.input, **extra})


def _verified(quotes: list[str], params: _Params) -> list[dict[str, Any]]:
    source = Transcript(segments=[Segment(speaker=str(key), text=str(value))
                                  for key, value in params.input.items()], source="step input")
    return [verify_evidence(Evidence(quote=quote), source).model_dump(mode="json")
            for quote in quotes if quote.strip()]


def register(registry: Registry) -> None:
    """Add llm.classify, llm.extract and llm.generate."""

    @registry.action("llm.classify", Classify)
    def classify(ctx: ActionContext, params: Classify) -> dict[str, Any]:
        """One label out of a configured list, with a reason and verified evidence."""
        prompt = _render(params, {"labels": params.labels})
        answer = _llm(ctx).complete(prompt.messages, ClassifyAnswer, prompt_name=prompt.name,
                                    prompt_version=prompt.version,
                                    lead_id=ctx.lead.id if ctx.lead else None)
        if answer.label not in params.labels:
            raise InvalidOutputError(f"label {answer.label!r} is not one of {params.labels}",
                                     attempts=[answer.model_dump()])
        evidence = _verified([item.quote for item in answer.evidence], params)
        return {"label": answer.label, "reason": answer.reason, "evidence": evidence,
                "verified": bool(evidence) and all(item["verified"] for item in evidence),
                "prompt_version": prompt.version}

    @registry.action("llm.extract", Extract)
    def extract(ctx: ActionContext, params: Extract) -> dict[str, Any]:
        """Named fields from the input, each with a verbatim quote that is verified."""
        schema = create_model(  # type: ignore[call-overload]
            "ExtractAnswer", __config__=ConfigDict(extra="forbid"),
            **{name: (str | None, Field(description=text)) for name, text in params.fields.items()},
            **{f"{name}_quote": (str | None, None) for name in params.fields})
        prompt = _render(params, {"fields": params.fields})
        answer = _llm(ctx).complete(prompt.messages, schema, prompt_name=prompt.name,
                                    prompt_version=prompt.version,
                                    lead_id=ctx.lead.id if ctx.lead else None)
        values = answer.model_dump()
        result: dict[str, Any] = {"prompt_version": prompt.version, "fields": {}}
        for name in params.fields:
            evidence = _verified([values.get(f"{name}_quote") or ""], params)
            verified = bool(evidence) and evidence[0]["verified"]
            # Invariant 2: a field counts only with evidence found in the input.
            result["fields"][name] = {"value": values[name] if verified else None,
                                      "evidence": evidence, "verified": verified}
        return result

    @registry.action("llm.generate", Generate)
    def generate(ctx: ActionContext, params: Generate) -> dict[str, Any]:
        """Text from a template (e.g. a follow-up email draft a rep approves before sending)."""
        prompt = _render(params, {"max_words": params.max_words})
        answer = _llm(ctx).complete(prompt.messages, GenerateAnswer, prompt_name=prompt.name,
                                    prompt_version=prompt.version,
                                    lead_id=ctx.lead.id if ctx.lead else None)
        words = answer.text.split()
        return {"text": " ".join(words[:params.max_words]), "status": "draft",
                "prompt_version": prompt.version}
