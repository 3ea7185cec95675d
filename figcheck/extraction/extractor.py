"""Turns one document into claims: runs every recognizer, keeps the best reading of each span,
says what each figure counts and links parts to wholes and durations to their anchors."""

from __future__ import annotations

import bisect
from functools import cache

import regex

from figcheck.extraction.anniversaries import find_anniversaries
from figcheck.extraction.counts import find_counts
from figcheck.extraction.dates import event_before, find_date_ranges, find_dates
from figcheck.extraction.durations import find_durations
from figcheck.extraction.exclusions import non_claim_spans
from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.phrases import context_around, head_noun
from figcheck.extraction.text import TextIndex
from figcheck.extraction.triggers import find_triggers
from figcheck.records import Anchor, Claim, CountValue, Document, DurationValue

# Bump when a change to the rules can change what is extracted: cached claims are keyed on it.
EXTRACTOR_VERSION = "2026.11.2"

_CLAUSE_STOP = regex.compile(r"[,;.]\s|$")
_MAX_PART_DISTANCE = 240  # characters between a whole and the cue that refers back to it
# "Of the 300 passengers, 12 ..." / "Of the delegates, twelve ...": a partitive put first.
_FRONTED_PARTITIVE = regex.compile(
    r"(?:^|(?<=[.;:]\s*)|\b)(?i:of|among)\s+(?i:the|these|those|its|their|all\s+the|all)\s+"
    r"(?P<what>[^,;.()]{2,60}?)\s*,\s*(?:(?i:some|about|nearly|almost|only|just|over|more\s+than|at\s+least)\s+)?$"
)


def extract_claims(document: Document) -> list[Claim]:
    """Every quantitative claim in ``document``, in text order."""
    text = document.text
    ctx = ExtractionContext(
        text=text,
        index=TextIndex.build(text),
        lexicon=load_lexicon(),
        published=document.meta.published_date,
    )
    ctx.triggers = find_triggers(text)
    ctx.blocked = sorted([(s.start, s.end) for s in document.furniture] + non_claim_spans(text, ctx.triggers.digits))
    dates = find_dates(ctx)
    ctx.blocked.sort()  # find_dates adds the dates that only name something
    candidates = [
        *dates,
        *find_date_ranges(ctx, dates),
        *find_durations(ctx),
        *find_anniversaries(ctx),
        *find_counts(ctx),
    ]
    mentions = _select(ctx, candidates)
    for mention in mentions:
        _trim(ctx, mention)
        mention.claim_id = Claim.make_id(document.doc_id, mention.kind, mention.start, mention.end)
    for i, mention in enumerate(mentions):
        if mention.kind == "date" and mention.subject is None:
            mention.subject = _date_subject(ctx, mention)
        if mention.context is None:
            own_end = mention.subject_span[1] if mention.subject_span else mention.end
            mention.context = context_around(
                ctx,
                mention.start,
                own_end,
                left_limit=mentions[i - 1].end if i > 0 else 0,
                right_limit=mentions[i + 1].start if i + 1 < len(mentions) else None,
            )
    _link_parts(ctx, mentions)
    _anchor_durations(ctx, mentions)
    return [_to_claim(document.doc_id, ctx, m) for m in mentions if not m.elliptical or m.part_of]


def _select(ctx: ExtractionContext, candidates: list[Mention]) -> list[Mention]:
    """Drops mentions in blocked spans, then keeps, of overlapping mentions, the one of the higher
    kind priority (a date over a count inside it), then the longer one."""
    blocked = ctx.blocked
    starts = [b[0] for b in blocked]
    free = [m for m in candidates if m.end > m.start and not _overlaps_any(starts, blocked, m.start, m.end)]
    free.sort(key=lambda m: (-m.priority, -(m.end - m.start), m.start))
    taken_starts: list[int] = []
    taken: list[Mention] = []
    for m in free:
        i = bisect.bisect_left(taken_starts, m.start)
        if i > 0 and taken[i - 1].end > m.start:
            continue
        if i < len(taken) and taken[i].start < m.end:
            continue
        taken_starts.insert(i, m.start)
        taken.insert(i, m)
    return taken


def _overlaps_any(starts: list[int], spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(starts, end - 1)
    # Spans are sorted by start but may nest; look back over the few that could still reach us.
    for j in range(i - 1, max(-1, i - 8), -1):
        if spans[j][1] > start and spans[j][0] < end:
            return True
    return False


def _trim(ctx: ExtractionContext, mention: Mention) -> None:
    text = ctx.text
    while mention.end > mention.start and text[mention.end - 1] in " \t\n,":
        mention.end -= 1


def _date_subject(ctx: ExtractionContext, mention: Mention) -> str | None:
    """ "the founding of the DPRK (September 1948)" dates "founding of the DPRK"."""
    text = ctx.text
    if text[mention.start - 1 : mention.start] == "(":
        return event_before(ctx, mention.start - 1)
    return None


@cache
def _partitive_pattern() -> regex.Pattern:
    return regex.compile(rf"(?i:\b(?:{alternation(load_lexicon().partitive_cues)})\b)")


def _link_parts(ctx: ExtractionContext, mentions: list[Mention]) -> None:
    """ "661,736 volunteers. Of them twelve were honored ... and 226 with ..." makes 12 and 226
    parts of 661,736; "60 members. Nine of them ..." makes 9 a part of 60; "533 DPRK Heroes
    (5 twice Heroes)" makes 5 a part of 533; "Of the 300 passengers, 12 ..." makes 12 a part
    of 300, and "Of the delegates, twelve ..." says what the twelve are."""
    counts = [m for m in mentions if m.kind == "count"]
    if not counts:
        return
    text = ctx.text
    index = ctx.index
    starts = [c.start for c in counts]
    _link_fronted_partitives(ctx, counts, starts)
    for cue in _partitive_cues(text, counts):
        i = bisect.bisect_left(starts, cue.start())
        if i == 0:
            continue
        whole = counts[i - 1]
        if whole.elliptical and not text[whole.end : cue.start()].strip() and i >= 2:
            # "Nine of them": the figure before the cue is the part; the whole comes before it.
            part, whole = whole, counts[i - 2]
            if (
                not whole.elliptical
                and part.start - whole.end <= _MAX_PART_DISTANCE
                and index.sentence_index(part.start) - index.sentence_index(whole.start) <= 1
                and _same_measure(whole, part)
            ):
                _make_part(part, whole, None)
            continue
        if whole.elliptical or cue.start() - whole.end > _MAX_PART_DISTANCE:
            continue
        if index.sentence_index(cue.start()) - index.sentence_index(whole.start) > 1:
            continue
        sentence = index.sentence_at(cue.start())
        previous: Mention | None = None
        for part in counts[i:]:
            if part.start >= sentence.end:
                break
            if not _same_measure(whole, part) or part.value.value > whole.value.value * 1.5 and not part.elliptical:
                break
            _make_part(part, whole, previous)
            previous = part
    for whole, part in zip(counts, counts[1:]):
        if part.part_of or whole.elliptical:
            continue
        between = text[whole.subject_span[1] if whole.subject_span else whole.end : part.start]
        if between.strip() == "(" and head_noun(part.subject) == head_noun(whole.subject) and _same_measure(whole, part):
            _make_part(part, whole, None)


def _partitive_cues(text: str, counts: list[Mention]) -> list[regex.Match]:
    """The partitive cues that can refer back to a count: those within reach after one. Only
    these stretches of the text are searched, not all of it."""
    pattern = _partitive_pattern()
    cues: list[regex.Match] = []
    searched_to = 0
    for count in counts:
        begin = max(count.start, searched_to)
        end = min(len(text), count.end + _MAX_PART_DISTANCE + 20)
        if begin >= end:
            continue
        cues.extend(pattern.finditer(text, begin, end))
        searched_to = end
    return cues


def _link_fronted_partitives(ctx: ExtractionContext, counts: list[Mention], starts: list[int]) -> None:
    text = ctx.text
    for part in counts:
        if not part.elliptical:
            continue
        sentence = ctx.index.sentence_at(part.start)
        lead = _FRONTED_PARTITIVE.search(text, max(sentence.start, part.start - 90), part.start)
        if not lead:
            continue
        lo, hi = lead.span("what")
        i = bisect.bisect_left(starts, lo)
        whole = counts[i] if i < len(counts) and counts[i].end <= hi else None
        if whole is not None and whole is not part and not whole.elliptical:
            _make_part(part, whole, None)
        elif whole is None:
            words = lead.group("what").split()
            part.subject = " ".join(words)
            part.elliptical = False


def _same_measure(whole: Mention, part: Mention) -> bool:
    assert isinstance(whole.value, CountValue) and isinstance(part.value, CountValue)
    return whole.value.unit == part.value.unit


def _make_part(part: Mention, whole: Mention, sibling: Mention | None) -> None:
    part.part_of = whole
    if part.elliptical:
        part.subject = whole.subject
        # "twelve were honored with X and 226 with Y": the second part shares the first's verb.
        if sibling and sibling.context and part.context:
            first_word = part.context.split()[0].lower()
            if first_word in ("with", "as", "by", "in", "for", "from", "to"):
                verb = sibling.context.split()[0]
                part.context = f"{verb} {part.context}"


def _anchor_durations(ctx: ExtractionContext, mentions: list[Mention]) -> None:
    """ "less than five years after liberation ... in August 1945" is measured from that date."""
    dated = [m for m in mentions if m.kind in ("date", "date_range")]
    starts = [d.start for d in dated]
    for mention in mentions:
        if mention.kind != "duration" or not mention.anchor_relation:
            continue
        assert isinstance(mention.value, DurationValue)
        anchor_claim = None
        anchor_text = None
        if mention.anchor_span:
            lo, hi = mention.anchor_span
            hi = min(hi, lo + 160)
            i = bisect.bisect_left(starts, lo)
            if i < len(dated) and dated[i].start < hi:
                anchor_claim = dated[i]
                # "the founding of the DPRK (September 1948)": the event, without its date in
                # brackets; "liberation ... in August 1945": the words with their date.
                bracket = ctx.text.rfind("(", lo, anchor_claim.start)
                cut = bracket if bracket != -1 and not ctx.text[bracket + 1 : anchor_claim.start].strip() else anchor_claim.end
                anchor_text = ctx.text[lo:cut].strip(" (,") or None
            else:
                stop = _CLAUSE_STOP.search(ctx.text[lo:hi])
                anchor_text = ctx.text[lo : lo + (stop.start() if stop else hi - lo)].strip().rstrip(".!?\"”") or None
        mention.value = mention.value.model_copy(
            update={
                "anchor": Anchor(
                    relation=mention.anchor_relation,
                    claim_id=anchor_claim.claim_id if anchor_claim else None,
                    to="publication" if mention.to_publication else None,
                    text=anchor_text,
                )
            }
        )


def _to_claim(doc_id: str, ctx: ExtractionContext, m: Mention) -> Claim:
    sentence = ctx.index.sentence_at(m.start)
    s_start = min(sentence.start, m.start)
    s_end = max(sentence.end, m.end)
    # Validated, not model_construct: pydantic-core validates these few fields faster than
    # model_construct fills them in Python (measured on the KCNA corpus).
    return Claim(
        id=m.claim_id,
        doc_id=doc_id,
        kind=m.kind,
        text=ctx.text[m.start : m.end],
        start=m.start,
        end=m.end,
        sentence=ctx.text[s_start:s_end],
        sentence_start=s_start,
        value=m.value,
        qualifier=m.qualifier,
        subject=m.subject,
        context=m.context,
        confidence=round(m.confidence, 2),
        part_of=m.part_of.claim_id if m.part_of else None,
    )
