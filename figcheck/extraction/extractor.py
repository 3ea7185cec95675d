"""Turns one document into claims: runs every recognizer, keeps the best reading of each span,
says what each figure counts and links parts to wholes and durations to their anchors."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import regex

from figcheck.extraction.anniversaries import find_anniversaries
from figcheck.extraction.counts import find_counts, imply_nouns
from figcheck.extraction.dates import anchor_offset_dates, event_before, find_date_ranges, find_dates
from figcheck.extraction.durations import find_durations
from figcheck.extraction.exclusions import non_claim_spans
from figcheck.extraction.lexicon import load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention, overlaps_any
from figcheck.extraction.parts import link_parts
from figcheck.extraction.phrases import context_around
from figcheck.extraction.text import TextIndex
from figcheck.extraction.triggers import find_triggers
from figcheck.records import Anchor, Claim, Document, DurationValue, assemble

# Bump when a change to the rules can change what is extracted: cached claims are keyed on it.
EXTRACTOR_VERSION = "2026.12.8"

_CLAUSE_STOP = regex.compile(r"[,;.]\s|$")


def extract_claims(document: Document) -> list[Claim]:
    """Every quantitative claim in ``document``, in text order."""
    text = document.text
    ctx = ExtractionContext(
        text=text,
        index=TextIndex.build(text),
        lexicon=load_lexicon(),
        published=document.meta.published_date,
        triggers=find_triggers(text),
    )
    ctx.blocked = sorted([(s.start, s.end) for s in document.furniture] + non_claim_spans(text, ctx.triggers.digits, ctx.triggers.digit_lengths))
    dates = find_dates(ctx)
    ctx.blocked.sort()  # find_dates adds the dates that only name something
    # Counts rank below every other kind, so the others are chosen first, and the counts
    # recognizer skips the figures they already hold (the numbers of a date are most of them).
    outranking = _select(ctx, [
        *dates,
        *find_date_ranges(ctx, dates),
        *find_durations(ctx),
        *find_anniversaries(ctx),
    ])
    ctx.keep([(m.start, m.end) for m in outranking])
    mentions = _select(ctx, find_counts(ctx), outranking)
    for mention in mentions:
        _trim(ctx, mention)
        mention.claim_id = Claim.make_id(document.doc_id, mention.kind, mention.start, mention.end)
    anchor_offset_dates(ctx, mentions)
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
    link_parts(ctx, mentions)
    imply_nouns(ctx, mentions)
    _anchor_durations(ctx, mentions)
    return [_to_claim(document.doc_id, ctx, m) for m in mentions if not m.elliptical or m.part_of]


def _select(ctx: ExtractionContext, candidates: list[Mention], taken: Sequence[Mention] = ()) -> list[Mention]:
    """Drops mentions in blocked spans, then keeps, of overlapping mentions, the one of the higher
    kind priority (a date over a count inside it), then the longer one. ``taken`` are mentions
    already kept (disjoint, in text order) that outrank every candidate."""
    blocked = ctx.blocked
    starts = [b[0] for b in blocked]
    free = [m for m in candidates if m.end > m.start and not overlaps_any(starts, blocked, m.start, m.end)]
    free.sort(key=lambda m: (-m.priority, -(m.end - m.start), m.start))
    if len(free) + len(taken) < 64:
        return _select_few(free, list(taken))
    # One byte a character says whether a kept mention covers it: linear in the mentions'
    # length, where a sorted list with insertions would be quadratic in their number.
    covered = bytearray(len(ctx.text))
    for m in taken:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    taken = list(taken)
    for m in free:
        if covered.find(1, m.start, m.end) != -1:
            continue
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        taken.append(m)
    taken.sort(key=lambda m: m.start)
    return taken


def _select_few(free: list[Mention], taken: list[Mention]) -> list[Mention]:
    """``_select`` for an article's few mentions: a sorted list is cheaper than a byte map."""
    taken_starts = [m.start for m in taken]
    for m in free:
        i = bisect.bisect_left(taken_starts, m.start)
        if i > 0 and taken[i - 1].end > m.start:
            continue
        if i < len(taken) and taken[i].start < m.end:
            continue
        taken_starts.insert(i, m.start)
        taken.insert(i, m)
    return taken


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
                    lasting=mention.lasting,
                )
            }
        )


_ROUNDED: dict[float, float] = {}


def _rounded(confidence: float) -> float:
    """``round(confidence, 2)``, remembered: confidences take a few values, and rounding to
    digits writes the number out and reads it back."""
    if type(confidence) is not float:
        return round(confidence, 2)  # an int stays one (1 and 1.0 are one key)
    found = _ROUNDED.get(confidence)
    if found is None:
        found = round(confidence, 2)
        if confidence > 0 and len(_ROUNDED) < 1000:
            _ROUNDED[confidence] = found  # (0.0 and -0.0 are one key too)
    return found


def _to_claim(doc_id: str, ctx: ExtractionContext, m: Mention) -> Claim:
    sentence = ctx.index.sentence_at(m.start)
    s_start = min(sentence.start, m.start)
    s_end = max(sentence.end, m.end)
    # Assembled, not validated: every field is valid by construction (the value is a validated
    # record; the property tests validate every claim they extract), and validation cost more
    # than a third of the making of a claim.
    return assemble(Claim, {
        "id": m.claim_id,
        "doc_id": doc_id,
        "kind": m.kind,
        "text": ctx.text[m.start : m.end],
        "start": m.start,
        "end": m.end,
        "sentence": ctx.text[s_start:s_end],
        "sentence_start": s_start,
        "value": m.value,
        "qualifier": m.qualifier,
        "subject": m.subject,
        "context": m.context,
        "confidence": _rounded(m.confidence),
        "part_of": m.part_of.claim_id if m.part_of else None,
    })
