"""Linking's example corpora: sentences with the link, time frame or verdict each must give,
loaded from the YAML files beside this module, validated, and checked against ``ArticleLinks``
and the checkers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

EXAMPLE_FILES = ("facts", "time_frame", "quantity", "readings")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FrameExpectation(_Strict):
    kind: str
    years: list[int] | None = None


class Expectation(_Strict):
    facts: list[str] | None = None
    # For a duration counted "since <event>": the dated facts its event phrase names.
    event_facts: list[str] | None = None
    offset_days: float | None = None
    frame: FrameExpectation | None = None
    # {with: <text of the other claim>, same: true | false}
    same_quantity: dict[str, Any] | None = None
    # The text of the whole a part belongs to; null for none; absent: not asked.
    whole: str | None = "__unset__"
    check: str | None = None
    verdict: Literal["consistent", "discrepancy", "unverifiable", "none"] | None = None
    severity: Literal["error", "warning", "info"] | None = None
    discrepancies: int | None = None


class LinkingExample(_Strict):
    text: str
    claim: str
    expect: Expectation
    published: date | None = None
    note: str = ""


@dataclass(frozen=True)
class LinkingCase:
    id: str
    text: str
    claim: str
    published: date | None
    expect: Expectation


def iter_linking_cases() -> Iterator[LinkingCase]:
    folder = resources.files("figcheck.linking.examples")
    for name in EXAMPLE_FILES:
        source = folder.joinpath(f"{name}.yaml")
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        default = data.get("published")
        for i, raw in enumerate(data.get("examples") or []):
            try:
                example = LinkingExample.model_validate(raw)
            except ValidationError as exc:
                raise ValueError(f"figcheck/linking/examples/{name}.yaml, example {i + 1}: {exc}") from None
            published = example.published if "published" in raw else default
            yield LinkingCase(f"{name}-{i + 1}", example.text, example.claim, published, example.expect)
