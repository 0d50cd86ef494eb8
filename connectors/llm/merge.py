"""Merging per-chunk answers into one: keep all evidence, let explicit beat vague.

Per criterion: a `found` answer beats `ambiguous` and `absent` ones whatever their order (a
later explicit statement beats an earlier vague one); two `found` answers with different
values make the criterion ambiguous (keeping the later value); Need accumulates instead,
since a long call states needs in several places: the stated needs are joined and the best
match level wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from connectors.llm.schema import BantExtraction, NeedOut, _Criterion
from scoring.bant import Criterion, NeedLevel
from scoring.compare import answer_key

_NEED_RANK = [NeedLevel.UNKNOWN, NeedLevel.LOW, NeedLevel.PARTIAL, NeedLevel.FULL]


def _evidence(answers: Sequence[_Criterion]) -> list:
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for answer in answers:
        for quote in answer.evidence:
            key = (" ".join(quote.quote.casefold().split()), quote.speaker)
            if key not in seen:
                seen.add(key)
                kept.append(quote)
    return kept


def _merge_need(answers: Sequence[NeedOut]) -> NeedOut:
    stated = [a for a in answers if a.status != "absent"]
    if not stated:
        return answers[-1]
    best = max(stated, key=lambda a: (a.status == "found", _NEED_RANK.index(a.level)))
    needs = list(dict.fromkeys(need for a in stated for need in a.stated_needs))
    return best.model_copy(update={"stated_needs": needs, "evidence": _evidence(stated)})


def merge_criterion(criterion: Criterion, answers: Sequence[_Criterion]) -> _Criterion:
    """One criterion's answer from its per-chunk answers (in transcript order)."""
    if criterion is Criterion.NEED:
        return _merge_need(answers)  # type: ignore[arg-type]
    evidence = _evidence(answers)
    found = [a for a in answers if a.status == "found"]
    if found:
        values = {answer_key(criterion, a.answer()) for a in found}
        chosen = found[-1]
        if len(values) > 1:
            confidence = min(a.confidence for a in found)
            return chosen.model_copy(
                update={"status": "ambiguous", "confidence": confidence, "evidence": evidence})
        return chosen.model_copy(update={"evidence": evidence})
    ambiguous = [a for a in answers if a.status == "ambiguous"]
    chosen = ambiguous[-1] if ambiguous else answers[-1]
    return chosen.model_copy(update={"evidence": evidence})


def merge_answers(answers: Sequence[BantExtraction]) -> BantExtraction:
    """The answers of every chunk merged into one; the commonest language wins."""
    if len(answers) == 1:
        return answers[0]
    languages = Counter(a.language for a in answers if a.language)
    merged = {
        criterion.value: merge_criterion(criterion, [a.criterion(criterion) for a in answers])
        for criterion in Criterion
    }
    language = languages.most_common(1)[0][0] if languages else None
    return BantExtraction.model_construct(language=language, **merged)
