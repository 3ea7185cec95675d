"""The extractor's example corpora: for each claim kind, expected values with the sentences that
must produce them, and a negative list of sentences that must produce no claim; loaded from the
YAML files beside this module, validated, and checked against ``extract_claims``."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from figcheck.extraction.extractor import extract_claims
from figcheck.records import (
    AnniversaryValue,
    Claim,
    ClaimKind,
    CountValue,
    DateRangeValue,
    DateValue,
    Document,
    DocumentMeta,
    DurationValue,
)

EXAMPLE_FILES = ("counts", "dates", "date_ranges", "durations", "anniversaries", "relative", "negatives")

_VALUE_MODELS: dict[str, type[BaseModel]] = {
    "count": CountValue,
    "date": DateValue,
    "date_range": DateRangeValue,
    "duration": DurationValue,
    "anniversary": AnniversaryValue,
}
# Fields of the claim itself (not of its value) an expectation may name. ``part_of`` is the
# text of the whole's claim (or true/false for "linked to some whole" / "to none");
# ``context_has`` is a phrase the claim's context must contain; ``confidence`` the claim's
# (checks weigh only claims held with enough of it).
_CLAIM_FIELDS = frozenset({"text", "subject", "context_has", "part_of", "confidence"})


class ExampleFileError(Exception):
    """An example file that cannot be read or does not follow the format; names file and entry."""


class Example(BaseModel):
    """One expected claim and the sentences that must each produce it."""

    model_config = ConfigDict(extra="forbid")

    expect: dict[str, Any]
    texts: list[str] = Field(min_length=1)
    # Overrides the file's publication date; null means "date unknown".
    published: date | None = None
    kind: ClaimKind | None = None

    @field_validator("texts")
    @classmethod
    def _no_blank_texts(cls, texts: list[str]) -> list[str]:
        if any(not t.strip() for t in texts):
            raise ValueError("a text is blank")
        return texts


class NegativeExample(BaseModel):
    """Sentences that must produce no claim: at all, of one kind, or over one span of them."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(min_length=1)
    kind: ClaimKind | None = None
    # A piece of each text no claim may touch ("1211" in "Height 1211 and 351").
    span: str | None = None
    why: str | None = None
    published: date | None = None

    @model_validator(mode="after")
    def _span_in_every_text(self) -> NegativeExample:
        if self.span is not None:
            missing = [t for t in self.texts if self.span not in t]
            if missing:
                raise ValueError(f"span {self.span!r} does not occur in {missing[0]!r}")
        return self


class ExampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The reference (publication) date every relative date and anniversary is resolved against.
    published: date
    kind: ClaimKind | None = None
    examples: list[dict[str, Any]] = Field(default_factory=list)
    negatives: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class ExampleCase:
    """One sentence of one entry, ready to run: the unit the parametrised test reports on."""

    id: str
    text: str
    published: date | None
    kind: ClaimKind | None
    expect: dict[str, Any] | None  # None for a negative case
    span: str | None = None

    def check(self) -> list[str]:
        """What is wrong with the extractor's claims for this case (empty when it passes)."""
        claims = extract_claims(self.document())
        if self.expect is None:
            return _check_negative(self, claims)
        return _check_positive(self, claims)

    def document(self) -> Document:
        return Document(doc_id="example", text=self.text, meta=DocumentMeta(published=self.published))


def _example_folder() -> Traversable:
    return resources.files(__package__)


def load_example_file(name: str, source: Traversable | None = None) -> list[ExampleCase]:
    """The cases of ``<name>.yaml`` (from this package unless ``source`` is given)."""
    source = source or _example_folder().joinpath(f"{name}.yaml")
    label = getattr(source, "name", name).removesuffix(".yaml")
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExampleFileError(f"{source}: cannot read: {exc}") from None
    try:
        header = ExampleFile.model_validate(data)
    except ValidationError as exc:
        raise ExampleFileError(f"{source}: {_errors(exc)}") from None
    cases: list[ExampleCase] = []
    for number, raw in enumerate(header.examples, start=1):
        where = f"{source}: examples entry {number}"
        entry = _validated(Example, raw, where)
        kind = entry.kind or header.kind
        if kind is None:
            raise ExampleFileError(f"{where}: no kind (give `kind:` in the entry or at the top of the file)")
        _check_expect_fields(entry.expect, kind, where)
        published = entry.published if "published" in entry.model_fields_set else header.published
        for text in entry.texts:
            cases.append(ExampleCase(f"{label}/{number}/{text}", text, published, kind, entry.expect))
    for number, raw in enumerate(header.negatives, start=1):
        where = f"{source}: negatives entry {number}"
        entry = _validated(NegativeExample, raw, where)
        published = entry.published if "published" in entry.model_fields_set else header.published
        for text in entry.texts:
            cases.append(ExampleCase(f"{label}/not-{number}/{text}", text, published, entry.kind, None, entry.span))
    return cases


def iter_example_cases() -> Iterator[ExampleCase]:
    """Every case of every bundled example file."""
    for name in EXAMPLE_FILES:
        yield from load_example_file(name)


def _validated(model: type[BaseModel], raw: object, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ExampleFileError(f"{where}: expected a mapping, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ExampleFileError(f"{where} ({_entry_label(raw)}): {_errors(exc)}") from None


def _entry_label(raw: dict[str, Any]) -> str:
    texts = raw.get("texts")
    first = texts[0] if isinstance(texts, list) and texts else None
    return f"first text {first!r}" if isinstance(first, str) else "no texts"


def _errors(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        parts.append(f"field {field}: {error['msg']}")
    return "; ".join(parts)


def _check_expect_fields(expect: dict[str, Any], kind: str, where: str) -> None:
    allowed = (set(_VALUE_MODELS[kind].model_fields) - {"type"}) | _CLAIM_FIELDS
    unknown = sorted(set(expect) - allowed)
    if unknown:
        raise ExampleFileError(
            f"{where}: expect has field {unknown[0]!r}, which a {kind} claim does not have "
            f"(known: {', '.join(sorted(allowed))})"
        )
    anchor = expect.get("anchor")
    if anchor is not None and not (isinstance(anchor, dict) and set(anchor) <= {"relation", "to", "text", "claim", "lasting"}):
        raise ExampleFileError(f"{where}: expect.anchor must be a mapping of relation, to, text, claim, lasting")


# --- checking ----------------------------------------------------------------------------


def _check_positive(case: ExampleCase, claims: list[Claim]) -> list[str]:
    assert case.expect is not None
    of_kind = [c for c in claims if c.kind == case.kind]
    if not of_kind:
        return [f"no {case.kind} claim; found {_describe(claims)}"]
    by_id = {c.id: c for c in claims}
    mismatches = {c.id: _mismatches(case.expect, c, by_id) for c in of_kind}
    if any(not m for m in mismatches.values()):
        return []
    # Report against the claim that came closest, so the message says what to fix.
    best = min(of_kind, key=lambda c: len(mismatches[c.id]))
    return [f"{case.kind} claim {best.text!r} at {best.start}: {m}" for m in mismatches[best.id]] + [
        f"all claims: {_describe(claims)}"
    ]


def _check_negative(case: ExampleCase, claims: list[Claim]) -> list[str]:
    hits = [c for c in claims if case.kind is None or c.kind == case.kind]
    if case.span is not None:
        start = case.text.index(case.span)
        end = start + len(case.span)
        hits = [c for c in hits if c.start < end and start < c.end]
    return [f"unexpected claim: {_describe(hits)}"] if hits else []


def _mismatches(expect: dict[str, Any], claim: Claim, by_id: dict[str, Claim]) -> list[str]:
    out: list[str] = []
    value = claim.value.model_dump()
    for field, wanted in expect.items():
        if field == "text":
            got: Any = claim.text
        elif field == "subject":
            got = claim.subject
        elif field == "confidence":
            got = claim.confidence
        elif field == "context_has":
            if not claim.context or wanted.lower() not in claim.context.lower():
                out.append(f"context {claim.context!r} lacks {wanted!r}")
            continue
        elif field == "part_of":
            whole = by_id.get(claim.part_of) if claim.part_of else None
            got = (whole is not None) if isinstance(wanted, bool) else (whole.text if whole else None)
        elif field == "anchor":
            out.extend(_anchor_mismatches(wanted, claim, by_id))
            continue
        else:
            got = value.get(field)
        if not _same(got, wanted):
            out.append(f"{field} is {got!r}, expected {wanted!r}")
    return out


def _anchor_mismatches(wanted: dict[str, Any] | None, claim: Claim, by_id: dict[str, Claim]) -> list[str]:
    anchor = getattr(claim.value, "anchor", None)
    if wanted is None:
        return [] if anchor is None else [f"anchor is {anchor.model_dump(exclude_none=True)}, expected none"]
    if anchor is None:
        return [f"no anchor, expected {wanted}"]
    out = []
    for key, expected in wanted.items():
        if key == "claim":
            target = by_id.get(anchor.claim_id) if anchor.claim_id else None
            got = target.text if target else None
        else:
            got = getattr(anchor, key)
        if not _same(got, expected):
            out.append(f"anchor.{key} is {got!r}, expected {expected!r}")
    return out


def _same(got: Any, wanted: Any) -> bool:
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool) and isinstance(got, (int, float)):
        return math.isclose(got, wanted, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(wanted, date) and isinstance(got, str):
        return got == wanted.isoformat()
    if isinstance(wanted, int) and not isinstance(wanted, bool) and isinstance(got, str):
        return got == str(wanted)  # a bare year written unquoted in YAML
    return got == wanted


def _describe(claims: list[Claim]) -> str:
    if not claims:
        return "no claims"
    return "; ".join(f"{c.kind} {c.text!r} {c.value.model_dump(exclude_none=True, exclude={'type'})}" for c in claims)
