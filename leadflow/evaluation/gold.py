"""The gold format: transcripts labelled with the BANT answers an extractor should find.

A gold folder holds one transcript file per case (.txt, .vtt, .srt or Gong .json) and, beside
it, `<name>.gold.json` (a `GoldCase`). Values carry the answer fields without evidence: gold
says what was decided, not which quote an extractor must pick.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Self

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from leadflow.errors import InputError
from scoring.bant import (
    AuthorityAnswer,
    AuthorityLevel,
    BudgetAnswer,
    BudgetKind,
    Criterion,
    NeedAnswer,
    NeedLevel,
    TimelineAnswer,
    TimelineKind,
)
from scoring.extraction import ExtractionContext, FieldStatus
from scoring.transcript import Participant

GOLD_SUFFIX = ".gold.json"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def answer(self) -> BaseModel:
        """The scoring answer this value stands for (no evidence)."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _valid_answer(self) -> Self:
        self.answer()  # the answer model's own rules (e.g. a range needs both ends)
        return self


class GoldBudget(_Value):
    kind: BudgetKind
    amount: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    currency: str | None = None

    def answer(self) -> BudgetAnswer:
        return BudgetAnswer(**self.model_dump())


class GoldAuthority(_Value):
    level: AuthorityLevel
    title: str | None = None

    def answer(self) -> AuthorityAnswer:
        return AuthorityAnswer(**self.model_dump())


class GoldNeed(_Value):
    level: NeedLevel
    stated_needs: list[str] = Field(default_factory=list)

    def answer(self) -> NeedAnswer:
        return NeedAnswer(**self.model_dump())


class GoldTimeline(_Value):
    kind: TimelineKind
    months: Decimal | None = None
    by_date: date | None = None

    def answer(self) -> TimelineAnswer:
        return TimelineAnswer(**self.model_dump())


class _Field(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: FieldStatus
    value: None = None

    @model_validator(mode="after")
    def _absent_has_no_value(self) -> Self:
        if self.status is FieldStatus.ABSENT and self.value is not None:
            raise ValueError("an 'absent' criterion has no value (use null)")
        return self


class GoldBudgetField(_Field):
    value: GoldBudget | None = None


class GoldAuthorityField(_Field):
    value: GoldAuthority | None = None


class GoldNeedField(_Field):
    value: GoldNeed | None = None


class GoldTimelineField(_Field):
    value: GoldTimeline | None = None


class GoldExpected(BaseModel):
    """The expected status and value of each criterion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: GoldBudgetField
    authority: GoldAuthorityField
    need: GoldNeedField
    timeline: GoldTimelineField

    def field(self, criterion: Criterion) -> _Field:
        """The expectation for one criterion."""
        return getattr(self, criterion.value)


class GoldCase(BaseModel):
    """One labelled transcript; `name` is the file stem and is not written into the JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(default="", exclude=True)
    transcript: str = Field(min_length=1, description="file name of the transcript, same folder")
    language: str = Field(default="en", description="ISO 639-1 code of the call's language")
    # `stated_on` is the name gold files used before participants and metadata existed.
    call_date: date | None = Field(
        default=None, validation_alias=AliasChoices("call_date", "stated_on")
    )
    capabilities: list[str] = Field(default_factory=list)
    # Who the chain would know takes part: the lead (prospect) and the rep(s) (vendor).
    participants: list[Participant] = Field(default_factory=list)
    # Text in the transcript that tries to instruct an AI; no evidence may quote it.
    injected_text: list[str] = Field(default_factory=list)
    notes: str | None = None
    expected: GoldExpected

    def context(self) -> ExtractionContext:
        """What the chain would tell the extractor about this call (date, people, product)."""
        return ExtractionContext(call_date=self.call_date, participants=list(self.participants),
                                 product_capabilities=list(self.capabilities))


def load_gold_case(path: Path) -> GoldCase:
    """Read one `<name>.gold.json`; InputError names the file and the field when it is wrong."""
    name = path.name.removesuffix(GOLD_SUFFIX)
    try:
        case = GoldCase.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror}") from None
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']) or '(root)'}: {item['msg']}"
            for item in error.errors()
        ]
        raise InputError(f"{path}: not a valid gold case", errors=problems) from None
    if not (path.parent / case.transcript).is_file():
        raise InputError(f"{path}: transcript file {case.transcript!r} is not in {path.parent}")
    return case.model_copy(update={"name": name})


def load_gold_dir(path: str | Path) -> list[GoldCase]:
    """Every gold case in a folder, sorted by name; InputError when there are none."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of gold cases")
    cases = [load_gold_case(item) for item in sorted(folder.glob(f"*{GOLD_SUFFIX}"))]
    if not cases:
        raise InputError(f"{folder}: no *{GOLD_SUFFIX} files")
    return cases


def write_gold_case(
    directory: str | Path, case: GoldCase, transcript_text: str, file_name: str
) -> Path:
    """Write the transcript as `file_name` and its `<name>.gold.json`; returns the JSON's path.

    The case's name defaults to the transcript's stem; `case.transcript` is set to `file_name`.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    name = case.name or Path(file_name).stem
    (folder / file_name).write_text(transcript_text, encoding="utf-8")
    stored = case.model_copy(update={"transcript": file_name})
    target = folder / f"{name}{GOLD_SUFFIX}"
    target.write_text(stored.model_dump_json(indent=2, exclude_none=False) + "\n", "utf-8")
    return target
