"""What recognizers produce: candidate mentions of figures, before they become claims."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date

from figcheck.extraction.lexicon import Lexicon
from figcheck.extraction.text import TextIndex
from figcheck.extraction.triggers import Triggers
from figcheck.records import ClaimKind, ClaimValue, Qualifier

# When two mentions overlap, the one of higher priority wins (then the longer one).
PRIORITY = {"date_range": 50, "anniversary": 45, "date": 40, "duration": 30, "count": 10}


@dataclass(slots=True)
class Mention:
    kind: ClaimKind
    start: int
    end: int
    value: ClaimValue
    confidence: float
    qualifier: Qualifier = "exact"
    subject: str | None = None
    context: str | None = None
    # Linking hints filled by recognizers and resolved into claim ids by the extractor.
    anchor_relation: str | None = None
    anchor_span: tuple[int, int] | None = None
    to_publication: bool = False
    lasting: bool = False
    elliptical: bool = False
    # A count inside a compound modifier ("a three-story house"): it is never a part or a whole.
    compound: bool = False
    subject_span: tuple[int, int] | None = None
    part_of: Mention | None = None
    claim_id: str | None = None
    # Dates only: the pieces as written (figcheck.extraction.dates.DateParts).
    parts: object | None = None

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]


@dataclass
class ExtractionContext:
    """Everything a recognizer needs about one document."""

    text: str
    index: TextIndex
    lexicon: Lexicon
    published: date | None
    triggers: Triggers = field(default_factory=Triggers)
    # Character ranges where nothing is a claim (page furniture, phone numbers, times of day).
    blocked: list[tuple[int, int]] = field(default_factory=list)
    # The spans of the mentions already kept that outrank every count (dates, ranges,
    # durations, anniversaries), sorted and disjoint: a count touching one of them loses to it.
    kept: list[tuple[int, int]] = field(default_factory=list)
    _kept_starts: list[int] = field(default_factory=list)

    def keep(self, spans: list[tuple[int, int]]) -> None:
        self.kept = spans
        self._kept_starts = [start for start, _ in spans]

    def outranked(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a kept mention of a kind that outranks a count."""
        i = bisect.bisect_right(self._kept_starts, end - 1) - 1
        return i >= 0 and self.kept[i][1] > start


def overlaps_any(starts: list[int], spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted by start, ``starts`` their starts)."""
    i = bisect.bisect_right(starts, end - 1)
    # Spans are sorted by start but may nest; look back over the few that could still reach us.
    for j in range(i - 1, max(-1, i - 8), -1):
        if spans[j][1] > start and spans[j][0] < end:
            return True
    return False
