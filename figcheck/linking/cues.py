"""The cue words linking reads (cues.yaml), loaded and validated once, as compiled patterns."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, field_validator


class TimeFrameCues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forthcoming: list[str]
    present: list[str]
    purpose: list[str]
    ceremony: list[str]
    narrated: list[str]
    last_year: list[str]
    next_year: list[str]
    now: list[str]


class Cues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measure_words: list[str]
    referring_back: list[str]
    time_frame: TimeFrameCues
    forward_before_date: list[str]
    activity_duration: list[str]
    phrase_boundaries: list[str]

    @field_validator("measure_words", "referring_back", "forward_before_date", "activity_duration", "phrase_boundaries")
    @classmethod
    def _lower_case(cls, value: list[str]) -> list[str]:
        bad = [w for w in value if w != w.lower() or not w.strip()]
        if bad:
            raise ValueError(f"cue words must be lower case and not blank: {bad}")
        return value


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``phrases`` on word boundaries, longest first."""
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE)


@functools.cache
def load_cues() -> Cues:
    source = resources.files("figcheck.linking").joinpath("cues.yaml")
    try:
        return Cues.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise ValueError(f"figcheck/linking/cues.yaml: {exc}") from None


@functools.cache
def pattern(name: str) -> re.Pattern[str]:
    """The compiled pattern of one cue list, by its name in cues.yaml ("time_frame.forthcoming")."""
    node: object = load_cues()
    for part in name.split("."):
        node = getattr(node, part)
    assert isinstance(node, list)
    return phrase_pattern(node)
