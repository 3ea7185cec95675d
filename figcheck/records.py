"""The records that flow through figcheck: documents, claims and findings."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

ClaimKind = Literal["count", "date", "date_range", "duration", "anniversary"]
Qualifier = Literal["exact", "approx", "more_than", "at_least", "less_than", "at_most", "range"]
Calendar = Literal["gregorian", "juche"]


def stable_id(prefix: str, *parts: object) -> str:
    """A short id that depends only on ``parts``: the same input gives the same id on every run."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=8)
    return f"{prefix}-{digest.hexdigest()}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


RecordT = TypeVar("RecordT", bound=Record)


def assemble(model: type[RecordT], fields: dict[str, object]) -> RecordT:
    """A record of ``model`` from ``fields`` (every one of its fields, each already valid),
    without validating them again: what ``model_construct`` does, without its per-field work.
    Only for records valid by construction made in bulk (the extractor's claims, several per
    article); the tests validate what such code produces."""
    record = model.__new__(model)
    object.__setattr__(record, "__dict__", fields)
    object.__setattr__(record, "__pydantic_fields_set__", set(fields))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


def assemble_with_defaults(model: type[RecordT], **fields: object) -> RecordT:
    """``model(**fields)`` without validating ``fields`` (each already valid); the fields not
    given take their defaults. For a value made for most figures (a date's), whose validation
    costs more than the rest of its making. A name that is not a field, or a required field
    left out, is an error as it would be for ``model(**fields)``."""
    defaults, factories, required = _field_defaults(model)
    if not (fields.keys() <= defaults.keys() and required <= fields.keys()):
        unknown = sorted(fields.keys() - defaults.keys())
        missing = sorted(required - fields.keys())
        raise TypeError(f"{model.__name__}: unknown fields {unknown}, missing fields {missing}")
    values = defaults.copy()
    for name in factories:
        values[name] = model.model_fields[name].get_default(call_default_factory=True)
    values.update(fields)
    record = assemble(model, values)
    object.__setattr__(record, "__pydantic_fields_set__", set(fields))
    return record


_DEFAULTS: dict[type, tuple[dict[str, object], tuple[str, ...], frozenset[str]]] = {}


def _field_defaults(model: type[Record]) -> tuple[dict[str, object], tuple[str, ...], frozenset[str]]:
    """A model's fields in order with their defaults (None where required or made by a factory),
    the fields made by a factory, and the required ones."""
    found = _DEFAULTS.get(model)
    if found is None:
        fields = model.model_fields
        defaults = {name: None if f.is_required() else f.get_default() for name, f in fields.items()}
        factories = tuple(name for name, f in fields.items() if f.default_factory is not None)
        required = frozenset(name for name, f in fields.items() if f.is_required())
        found = _DEFAULTS[model] = (defaults, factories, required)
    return found


# --- documents ---------------------------------------------------------------------------


class DocumentMeta(Record):
    """What is known about an article: from its ``.meta.yaml``, or inferred from its text."""

    title: str | None = None
    publisher: str | None = None
    via: str | None = None
    author: str | None = None
    # ISO date, or date and time with an optional UTC offset.
    published: datetime | date | None = None
    url: str | None = None
    language: str | None = "en"
    dateline: str | None = None
    retrieved: datetime | None = None
    content_hash: str | None = None
    # Names of the fields above that were inferred from the text rather than given.
    inferred: list[str] = Field(default_factory=list)

    @field_validator("published", mode="before")
    @classmethod
    def _parse_published(cls, value: object) -> object:
        # A bare ISO date stays a date: a time of midnight would be invented precision.
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    f"not an ISO date or date-time: {value!r} (expected e.g. 2021-10-26 or 2021-10-26T09:18:00+09:00)"
                ) from None
        return value

    @property
    def published_date(self) -> date | None:
        """The local calendar date of publication, whatever precision was given."""
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published


class Span(Record):
    start: int
    end: int


class Document(Record):
    """One article: its exact text, its metadata, and where its page furniture is."""

    doc_id: str
    text: str
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    path: str | None = None
    # Character ranges of navigation, footers, comment forms, banners, repeated captions,
    # header lines: numbers inside them are not claims.
    furniture: list[Span] = Field(default_factory=list)


class LoadProblem(Record):
    """A document that could not be loaded, and why, naming the file (and line or field)."""

    path: str
    message: str


# --- claim values ------------------------------------------------------------------------


class CountValue(Record):
    type: Literal["count"] = "count"
    value: float
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier = "exact"
    # A unit when the figure measures rather than counts ("percent", "tons", "km").
    unit: str | None = None
    # Where the counted noun comes from when the figure stands alone as a verb's subject
    # ("1,204 died"): "verb" when the verb can only have people for subject, "context" when it
    # is the subject of the clause or sentence before ("Volunteers poured in. Over 80,000
    # arrived"), "unknown" when nothing tells ("1,500 were sold": of what?). None when the noun
    # is written with the figure. A count whose noun is implied is never taken for the same
    # quantity as another figure.
    noun_source: Literal["verb", "context", "unknown"] | None = None


class Anchor(Record):
    """What a duration is measured from or to, or what a date is counted from."""

    # "same": a date that names the period of its anchor ("that year", "the same day").
    relation: Literal["after", "since", "ago", "before", "until", "same"]
    # The date claim it is measured from ("after liberation ... in August 1945"), if any.
    claim_id: str | None = None
    # "publication" when measured to the article's own date ("ago", "has elapsed since").
    to: Literal["publication"] | str | None = None
    text: str | None = None
    # "for three years since 2008": how long something went on from the anchor (to the time
    # the sentence speaks of), not how much time has elapsed since it ("three years have
    # passed since 2008"). Only an elapsed reading can be checked against the publication date.
    lasting: bool = False


class DateValue(Record):
    type: Literal["date"] = "date"
    # TIMEX3 value: "1950-06-25", "1945-08", "1950", "195" (a decade), "XXXX-10-25",
    # "2009-W47" (an ISO week).
    timex: str
    calendar: Calendar = "gregorian"
    # The year as the text wrote it in its calendar (39 for "Juche 39").
    calendar_year: int | None = None
    # A Gregorian year the text gives beside a Juche year: "Juche 39 (1950)" gives 1950.
    stated_gregorian_year: int | None = None
    # A weekday the text names with the date ("Tuesday, July 26"): 0 = Monday.
    stated_weekday: int | None = None
    # For relative or year-less dates: what they were resolved against, e.g. "published 2021-10-26".
    resolved_from: str | None = None
    relative: bool = False
    # The period the value names: its unit ("day", "week", "month", "quarter", "half", "season",
    # "year", "decade", "century") and its first and last day (ISO dates), when it can be placed
    # on a calendar. TIMEX3 forms a checker may not read ("2016-Q4", "1950-SU", "19") have them.
    granularity: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    # The part of the period the text speaks of (TIMEX3 "mod"): "early 1951" is START, "mid-July"
    # MID, "late 1950" and "the end of 1953" END. The timex and the period stay the whole.
    mod: Literal["START", "MID", "END"] | None = None
    # A date the text gives as an offset from another time: "three days later", "the next day",
    # "a week earlier", "the following month" count from the date the text last mentioned (the
    # anchor's claim_id and text); "in 3 weeks", "two weeks from now" from the time of writing
    # (anchor.to = "publication"). ``offset`` is the TIMEX3 duration between the two ("P3D");
    # the anchor's relation says which way. With no date to count from, the timex stays
    # unresolved ("XXXX-XX-XX") and the anchor has no claim: the date is said, never guessed.
    anchor: Anchor | None = None
    offset: str | None = None


class DateRangeValue(Record):
    type: Literal["date_range"] = "date_range"
    start_timex: str
    end_timex: str
    resolved_from: str | None = None


class DurationValue(Record):
    type: Literal["duration"] = "duration"
    # TIMEX3 duration: "P3Y", "P60Y", "P4D", "P1Y1M21D"; "PXD" style when only bounds are
    # known: a range ("three to four days") or a vague length ("a few days": qualifier
    # "approx", low_timex P2D, high_timex P5D; the bounds of each vague word are the lexicon's).
    timex: str
    low_timex: str | None = None
    high_timex: str | None = None
    qualifier: Qualifier = "exact"
    anchor: Anchor | None = None


class AnniversaryValue(Record):
    type: Literal["anniversary"] = "anniversary"
    ordinal: int
    event: str
    # publication year - ordinal, when the article's date is known.
    implied_event_year: int | None = None
    # A year the anniversary is placed in by the text ("the 60th anniversary in 2013"), if any.
    observed_year: int | None = None


ClaimValue = Annotated[
    CountValue | DateValue | DateRangeValue | DurationValue | AnniversaryValue,
    Field(discriminator="type"),
]


class Claim(Record):
    """One quantitative statement in one article, with its exact place in the file."""

    id: str
    doc_id: str
    kind: ClaimKind
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    value: ClaimValue
    qualifier: Qualifier = "exact"
    # What is counted or dated: "volunteers", "DPRK Heroes", "Fatherland Liberation War".
    subject: str | None = None
    # The predicate or event words around it: "awarded DPRK orders and medals".
    context: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    # The id of the claim for the whole this figure is a part of ("Of them twelve ...").
    part_of: str | None = None

    @staticmethod
    def make_id(doc_id: str, kind: str, start: int, end: int) -> str:
        # stable_id("c", doc_id, kind, start, end), spelled out: it is made for every figure.
        digest = hashlib.blake2b(f"{doc_id}\x1f{kind}\x1f{start}\x1f{end}".encode("utf-8"), digest_size=8)
        return f"c-{digest.hexdigest()}"


# --- findings ----------------------------------------------------------------------------

Verdict = Literal["discrepancy", "consistent", "unverifiable"]
Severity = Literal["error", "warning", "info"]


class ClaimRef(Record):
    claim_id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentence: str | None = None
    # Where the sentence starts in the document, so a report can highlight the figure in it.
    sentence_start: int | None = None

    @classmethod
    def of(cls, claim: Claim) -> ClaimRef:
        return cls(
            claim_id=claim.id,
            doc_id=claim.doc_id,
            start=claim.start,
            end=claim.end,
            text=claim.text,
            sentence=claim.sentence,
            sentence_start=claim.sentence_start,
        )


class SourceRef(Record):
    """Where a reference fact comes from."""

    stated_in: str
    url: str | None = None
    retrieved: date | None = None
    quote: str | None = None


class FactRef(Record):
    """The reference fact a finding was checked against, as the report shows it."""

    fact_id: str
    subject: str
    property: str
    value: str
    rank: Literal["preferred", "normal", "deprecated"]
    sources: list[SourceRef]


class MergedFinding(Record):
    """Another check's finding on the same figure, merged into the one reported for it: one
    discrepancy per wrong figure, with every check's reason kept."""

    id: str
    check: str
    severity: Severity
    message: str


class Finding(Record):
    id: str
    check: str
    verdict: Verdict
    severity: Severity
    message: str
    claims: list[ClaimRef]
    reference: FactRef | None = None
    expected: str | None = None
    observed: str | None = None
    # The findings of other checks on the same figure, merged into this one (``check`` is the
    # check whose finding is the most severe).
    merged: list[MergedFinding] = Field(default_factory=list)

    @staticmethod
    def make_id(check: str, *keys: object) -> str:
        return stable_id("f", check, *keys)


def failure_message(where: str, error: Exception) -> str:
    """The line that reports an article figcheck failed on, with the error, cut to a line."""
    said = " ".join(str(error).split())
    if len(said) > 200:
        said = said[:199] + "…"
    return (f"{where}: not checked: figcheck failed on this article ({type(error).__name__}: {said}); "
            "this is a bug in figcheck, please report it with the article")
