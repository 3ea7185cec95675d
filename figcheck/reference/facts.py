"""The fact model: one curated fact, its value typed like a claim's, how it is cited and compared."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from figcheck.linking.words import words
from figcheck.records import ClaimKind, FactRef, SourceRef
from figcheck.reference.values import (
    _FACT_ID,
    DateSpan,
    _parse_count,
    _parse_date_span,
    _parse_duration,
    _parse_timex_date,
    duration_days,
    timex_bounds,
)

FactKind = Literal["count", "date", "date_range", "duration"]
FACT_KINDS: tuple[FactKind, ...] = ("count", "date", "date_range", "duration")
Rank = Literal["preferred", "normal", "deprecated"]
RANKS: tuple[Rank, ...] = ("preferred", "normal", "deprecated")



# Which kinds of fact a claim of each kind can be checked against. An anniversary is
# checked against the date of the event it counts from.
COMPATIBLE_KINDS: Mapping[ClaimKind, tuple[FactKind, ...]] = {
    "count": ("count",),
    "date": ("date",),
    "date_range": ("date_range",),
    "duration": ("duration",),
    "anniversary": ("date",),
}


# --- the fact model ----------------------------------------------------------------------


class ReferenceFact(BaseModel):
    """One curated fact: what it is about, its value typed like a claim's, and where it is stated."""

    model_config = ConfigDict(extra="forbid")

    # Stable and readable: a finding cites it, so it never changes once published.
    id: str
    subject: str = Field(min_length=1)
    property: str = Field(min_length=1)
    kind: FactKind
    # count: a number; date: "1950", "1950-06" or "1950-06-25" (the form is the precision);
    # date_range: start and end dates; duration: ISO 8601 ("P3Y").
    value: int | float | str | DateSpan
    # Bounds of a count or duration that is only known within a range.
    low: int | float | str | None = None
    high: int | float | str | None = None
    # How far a count may be from `value` and still agree with it.
    tolerance: float | None = Field(default=None, ge=0)
    unit: str | None = None
    # The date the figure describes the world at ("by 1 July 1950").
    as_of: str | None = None
    # Other names of the subject, and words of the property: a claim matches a fact when
    # it names the subject and uses one of the words (see ReferenceTable.match).
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    # preferred: the figure to check against; normal: kept, used when nothing is
    # preferred; deprecated: superseded or disputed, kept on record only.
    rank: Rank = "normal"
    references: list[SourceRef] = Field(min_length=1)
    notes: str | None = None
    added_by: str | None = None
    added_at: date | None = None

    @field_validator("id")
    @classmethod
    def _readable_id(cls, value: str) -> str:
        if not _FACT_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a fact id: use lower-case words and digits joined by hyphens, "
                "e.g. korean-war-armistice-signed"
            )
        return value

    @field_validator("subject", "property")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("value", mode="wrap")
    @classmethod
    def _value_of_kind(cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is None:
            # The kind itself is wrong and is reported; a second error here would be noise.
            return value
        if kind == "count":
            return handler(_parse_count(value))
        if kind == "date":
            return handler(_parse_timex_date(value))
        if kind == "duration":
            return handler(_parse_duration(value))
        try:
            return DateSpan.model_validate(_parse_date_span(value))
        except ValidationError as error:
            raise ValueError(
                "; ".join(f"{_field_path(detail['loc'])}: {_message(detail)}" for detail in error.errors())
            ) from None

    @field_validator("low", "high", mode="wrap")
    @classmethod
    def _bound_of_kind(cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
        if value is None:
            return None
        kind = info.data.get("kind")
        if kind is None:
            return value
        if kind == "count":
            bound: int | float | str = _parse_count(value)
            as_number: float = bound
        elif kind == "duration":
            bound = _parse_duration(value)
            as_number = duration_days(bound)
        else:
            raise ValueError(f"low and high bound only count and duration facts, not a {kind} fact")
        fact_value = info.data.get("value")
        if fact_value is not None:
            value_number = duration_days(fact_value) if kind == "duration" else float(fact_value)
            if info.field_name == "low" and as_number > value_number:
                raise ValueError(f"low ({bound}) is above the value ({fact_value})")
            if info.field_name == "high" and as_number < value_number:
                raise ValueError(f"high ({bound}) is below the value ({fact_value})")
        return handler(bound)

    @field_validator("tolerance")
    @classmethod
    def _tolerance_of_count(cls, value: float | None, info: ValidationInfo) -> float | None:
        kind = info.data.get("kind")
        if value is not None and kind is not None and kind != "count":
            raise ValueError(f"a tolerance applies to count facts only, not to a {kind} fact")
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_date(cls, value: object) -> object:
        return None if value is None else _parse_timex_date(value)

    @field_validator("aliases", "keywords")
    @classmethod
    def _matchable_phrases(cls, phrases: list[str]) -> list[str]:
        for phrase in phrases:
            if not words(phrase):
                raise ValueError(f"{phrase!r} has no word to match claims with")
        return [phrase.strip() for phrase in phrases]

    # A method, not a property: the field `property` hides the builtin in this class body.
    def names(self) -> tuple[str, ...]:
        """Every name the subject goes by: the subject itself, then its aliases."""
        return (self.subject, *self.aliases)


def render_value(fact: ReferenceFact) -> str:
    """A fact's value as a report shows it: "661,736", "1950-06-25", "1950-06-25/1953-07-27", "P3Y"."""
    if fact.kind == "count":
        text = _render_number(fact.value)
        if fact.unit:
            text = f"{text} {fact.unit}"
        if fact.low is not None or fact.high is not None:
            low = _render_number(fact.low) if fact.low is not None else "…"
            high = _render_number(fact.high) if fact.high is not None else "…"
            text = f"{text} ({low}–{high})"
        elif fact.tolerance:
            text = f"{text} (±{_render_number(fact.tolerance)})"
        return text
    if fact.kind == "duration" and (fact.low is not None or fact.high is not None):
        return f"{fact.value} ({fact.low or '…'}–{fact.high or '…'})"
    return str(fact.value)


def _render_number(number: object) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number:,}" if isinstance(number, int) else f"{number:,.6g}"


def fact_ref(fact: ReferenceFact) -> FactRef:
    """The fact as a finding cites it."""
    return FactRef(
        fact_id=fact.id,
        subject=fact.subject,
        property=fact.property,
        value=render_value(fact),
        rank=fact.rank,
        sources=[source.model_copy() for source in fact.references],
    )


def values_agree(first: ReferenceFact, second: ReferenceFact) -> bool:
    """Whether two facts of one kind can both be true: equal within tolerance, bounds or precision."""
    if first.kind != second.kind:
        return False
    if first.kind == "count":
        tolerance = max(first.tolerance or 0.0, second.tolerance or 0.0)
        if abs(float(first.value) - float(second.value)) <= tolerance:
            return True
        return _within(second.value, first.low, first.high) or _within(first.value, second.low, second.high)
    if first.kind == "date":
        return _dates_agree(first.value, second.value)
    if first.kind == "date_range":
        return _dates_agree(first.value.start, second.value.start) and _dates_agree(first.value.end, second.value.end)
    days = (duration_days(first.value), duration_days(second.value))
    if abs(days[0] - days[1]) < 1:
        return True
    return _within(days[1], _days(first.low), _days(first.high)) or _within(
        days[0], _days(second.low), _days(second.high)
    )


def _days(duration: object) -> float | None:
    return None if duration is None else duration_days(str(duration))


def _within(number: object, low: object, high: object) -> bool:
    if low is None and high is None:
        return False
    number = float(number)
    return (low is None or float(low) <= number) and (high is None or number <= float(high))


def _dates_agree(first: str, second: str) -> bool:
    # "1950" and "1950-06-25" agree: one is the other at a coarser precision.
    (first_start, first_end), (second_start, second_end) = timex_bounds(first), timex_bounds(second)
    nested = first_start <= second_start and second_end <= first_end
    return nested or (second_start <= first_start and first_end <= second_end)


def same_property(first: ReferenceFact, second: ReferenceFact) -> bool:
    """Whether two facts state the same property of the same subject (case and spacing aside)."""
    return _folded(first.subject) == _folded(second.subject) and _folded(first.property) == _folded(second.property)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())



def _field_path(loc: Sequence[object]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(entry)"


def _message(detail: Mapping[str, Any]) -> str:
    kind = detail.get("type")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        model = ReferenceFact if len(detail["loc"]) == 1 else SourceRef
        allowed = ", ".join(model.model_fields)
        return f"is not a known field (known: {allowed})"
    message = str(detail.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")

