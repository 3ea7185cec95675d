"""The sentences of an article as linking reads them: each sentence's claims and clause cuts,
computed once per sentence, so every question about a claim costs a lookup, not a rescan."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from figcheck.records import Claim

# Where a clause ends: punctuation, and the words that open a new clause.
_CUT = re.compile(r"[,;:(\[\"“”—]|\s-\s|\b(?:which|who|whom|whose|when|while|where|whereas)\b")


# How much of a sentence around a figure the questions about it read.
_NEAR_CHARS = 240


@dataclass(frozen=True)
class Clause:
    """The words of a sentence that belong to one figure: the clause leading up to it and the
    one that follows it, each cut at punctuation, other figures' dates and clause openers."""

    lead: str
    trail: str

    @property
    def text(self) -> str:
        return f"{self.lead} {self.trail}".strip()


@dataclass
class Sentence:
    start: int
    text: str
    claims: list[Claim] = field(default_factory=list)
    _cuts: list[tuple[int, int]] | None = None
    _cut_starts: list[int] = field(default_factory=list)
    # Answers about the whole sentence, computed once by whoever asks first.
    memo: dict[str, object] = field(default_factory=dict)

    def cuts(self) -> list[tuple[int, int]]:
        """(start, end) of every cut in the sentence, in order: computed once."""
        if self._cuts is None:
            cuts = [(m.start(), m.end()) for m in _CUT.finditer(self.text)]
            cuts += [(c.start - self.start, c.end - self.start) for c in self.claims if c.kind in ("date", "date_range")]
            self._cuts = sorted(cuts)
            self._cut_starts = [c[0] for c in self._cuts]
        return self._cuts

    def clause(self, claim: Claim) -> Clause:
        at, end = claim.start - self.start, claim.end - self.start
        cuts = self.cuts()
        starts = self._cut_starts
        i = bisect.bisect_left(starts, at)
        # The last cut ending at or before the claim; cuts inside the claim ("June 30, 1950") are its own.
        lead_from = 0
        j = i - 1
        while j >= 0:
            if cuts[j][1] <= at:
                lead_from = cuts[j][1]
                break
            j -= 1
        k = bisect.bisect_left(starts, end)
        trail_from = end
        # Punctuation right after the figure opens its trailing clause (", a day after ..."),
        # it does not close it.
        while k < len(cuts) and not self.text[trail_from : cuts[k][0]].strip():
            trail_from = cuts[k][1]
            k += 1
        trail_to = cuts[k][0] if k < len(cuts) else len(self.text)
        return Clause(self.text[lead_from:at].strip(), self.text[trail_from:trail_to].strip())

    def once(self, key: str, compute):
        """``compute()`` for this sentence, computed the first time only."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def claims_between(self, start: int, end: int) -> list[Claim]:
        """The sentence's claims starting in [start, end), by bisection."""
        starts = self.once("claim_starts", lambda: [c.start for c in self.claims])
        return self.claims[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def before(self, claim: Claim, limit: int = _NEAR_CHARS) -> str:
        """The text just before the claim, at most ``limit`` characters of it (a bounded slice:
        a sentence of thousands of figures is not copied once per figure)."""
        at = claim.start - self.start
        return self.text[max(0, at - limit) : at]

    def after(self, claim: Claim, limit: int = _NEAR_CHARS) -> str:
        at = claim.end - self.start
        return self.text[at : at + limit]


class Sentences:
    """An article's sentences by start offset, each holding its claims in text order."""

    def __init__(self, claims: list[Claim]) -> None:
        self._by_start: dict[int, Sentence] = {}
        grouped: dict[int, list[Claim]] = defaultdict(list)
        for claim in claims:
            grouped[claim.sentence_start].append(claim)
            if claim.sentence_start not in self._by_start:
                self._by_start[claim.sentence_start] = Sentence(claim.sentence_start, claim.sentence)
        for start, members in grouped.items():
            self._by_start[start].claims = sorted(members, key=lambda c: c.start)
        self.starts = sorted(self._by_start)

    def of(self, claim: Claim) -> Sentence:
        found = self._by_start.get(claim.sentence_start)
        if found is None:  # a claim made up outside the article (a probe): its own sentence
            found = Sentence(claim.sentence_start, claim.sentence, [claim])
        return found

    def distance(self, a: Claim, b: Claim) -> int:
        """How many sentences apart two claims are (0: the same sentence)."""
        ia = bisect.bisect_left(self.starts, a.sentence_start)
        ib = bisect.bisect_left(self.starts, b.sentence_start)
        return abs(ia - ib)

    def previous(self, claim: Claim, n: int) -> list[Sentence]:
        """The ``n`` sentences with claims before the claim's, nearest last."""
        i = bisect.bisect_left(self.starts, claim.sentence_start)
        return [self._by_start[s] for s in self.starts[max(0, i - n) : i]]
