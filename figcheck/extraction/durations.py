"""Durations: "three-year-long", "the three-year war", "three to four days", "Sixty years has
elapsed since", "more than 50 years ago", "less than five years after", "nearly two years after"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.numbers import format_number, number_patterns, parse_number
from figcheck.extraction.text import figure_may_end_before, word_before, words_after
from figcheck.records import DurationValue, Qualifier


@dataclass(frozen=True)
class DurationPatterns:
    """Matched at a time-unit word ("years", "day"), looking back for the figure before it."""

    unit: regex.Pattern  # at the unit word
    number_before: regex.Pattern  # "more than 50 ", "three to four "
    compound_before: regex.Pattern  # "three-"
    compound_suffix: regex.Pattern  # "-long", "-old"
    single_before: regex.Pattern  # "a ", "nearly a "
    single_after: regex.Pattern  # " ago", " after"
    and_a_half: regex.Pattern  # "a year and a half"
    relation: regex.Pattern  # what follows: "ago", "after", "has elapsed since"


@cache
def duration_patterns() -> DurationPatterns:
    lex = load_lexicon()
    n = number_patterns()
    units = alternation(lex.time_units)
    relations = alternation(lex.duration_relations)
    return DurationPatterns(
        unit=regex.compile(rf"(?i:{units})\b"),
        number_before=regex.compile(
            rf"(?:(?P<q>{n.qualifier})\s+)?(?P<n1>{n.number})(?:\s*(?:-|–|to|or)\s*(?P<n2>{n.range_end}))?\s+$"
        ),
        compound_before=regex.compile(rf"(?P<n1>{n.number})-$"),
        # "three-year-long", "45-year-old", "the 60-year long history".
        compound_suffix=regex.compile(r"[-\s](?P<suffix>long|old)(?![\p{L}-])|(?![\p{L}-])"),
        single_before=regex.compile(
            rf"(?:(?P<cue>(?i:for|within|lasted|lasting|lasts|last|took|takes|take|taking|spent|spend|spends|"
            rf"waited|wait|served|serve|serving|needed|needs|need|in|after))\s+)?"
            rf"(?:(?P<q>{n.qualifier})\s+)?(?:(?P<half>(?i:half))\s+)?\b(?P<a>(?i:an?|one))\s+$"
        ),
        and_a_half=regex.compile(r"\s+(?i:and\s+a\s+half)\b"),
        single_after=regex.compile(r"\s+(?i:ago|after|later|earlier|before)\b"),
        relation=regex.compile(
            rf"\s+(?:(?P<rel>(?i:{relations}))\b"
            r"|(?i:(?:has|have|had)\s+(?:now\s+)?(?:elapsed|passed|gone\s+by)(?:\s+(?P<since>since))?))"
        ),
    )


_LOOKBACK = 80


def find_durations(ctx: ExtractionContext) -> list[Mention]:
    p = duration_patterns()
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        unit = p.unit.match(text, pos)
        if not unit:
            continue
        u = unit.group()
        window = max(0, pos - _LOOKBACK)
        if text[pos - 1 : pos] == "-":
            m = p.compound_before.search(text, window, pos)
            suffix = p.compound_suffix.match(text, unit.end())
            if not m and suffix and u.lower() in _singular_units():
                m = _A_HALF_HYPHEN.search(text, max(0, pos - 12), pos)  # "a half-hour drive"
                n1 = "0.5"
            else:
                n1 = m.group("n1") if m else None
            if m and suffix and u.lower() in _singular_units():
                mention = _duration(ctx, m.start(), suffix.end(), n1, None, None, u, compound=True)
                if mention:
                    if suffix.group("suffix") == "old":
                        mention.context = "age"
                    out.append(mention)
            continue
        if not _number_may_end_before(ctx, pos):
            continue  # "the year", "last year": no figure, so no search back for one
        m = p.number_before.search(text, window, pos)
        if m:
            mention = _duration(ctx, m.start(), unit.end(), m.group("n1"), m.group("n2"), m.group("q"), u)
            if mention:
                out.append(mention)
            continue
        m = (
            p.single_before.search(text, max(0, pos - _SINGLE_LOOKBACK), pos)
            if u.lower() in _singular_units() and _article_before(text, pos)
            else None
        )
        if m is None and u.lower() in _singular_units():
            m_half = _A_HALF.search(text, max(0, pos - 12), pos)  # "a half hour", "for a half day"
            mention = _duration(ctx, m_half.start(), unit.end(), "0.5", None, None, u) if m_half else None
            if mention:
                out.append(mention)
            continue
        if m:
            half = p.and_a_half.match(text, unit.end())
            # "a year ago", "for an hour", "nearly a month", "half a century", "a year and a
            # half"; a bare "a year" ("a year of growth") measures nothing.
            if m.group("cue") or m.group("q") or m.group("half") or half or p.single_after.match(text, unit.end()):
                amount = "1.5" if half else "0.5" if m.group("half") else "one"
                start = m.start("q") if m.group("q") else m.start("half") if m.group("half") else m.start("a")
                mention = _duration(ctx, start, half.end() if half else unit.end(), amount, None, m.group("q"), u)
                if mention:
                    out.append(mention)
    return _joined(ctx, out)


_SINGLE_LOOKBACK = 48  # "lasted for well over half a " and no more
_A_HALF = regex.compile(r"\b(?i:an?)\s+(?i:half)\s+$")
_A_HALF_HYPHEN = regex.compile(r"\b(?i:an?)\s+(?i:half)-$")


def _article_before(text: str, pos: int) -> bool:
    """Whether "a", "an" or "one" is the word right before the unit at ``pos``."""
    begin, end = word_before(text, pos, " \t\n")
    return text[begin:end].lower() in ("a", "an", "one")


_JOINED_UNITS = {
    ("Y", "M"): ("M", 12), ("W", "D"): ("D", 7), ("H", "MIN"): ("MIN", 60), ("MIN", "S"): ("S", 60),
}
_JOINT = regex.compile(r"(?:\s*,)?\s+(?:(?i:and)\s+)?")
_AMOUNT = regex.compile(r"P(?P<clock>T)?(?P<n>\d+(?:\.\d+)?)(?P<unit>[YMWDHS])")


def _amount(timex: str) -> tuple[float, str] | None:
    """ "P3Y" → (3, "Y"), "PT90M" → (90, "MIN"); None for a length not known exactly."""
    m = _AMOUNT.fullmatch(timex)
    if m is None:
        return None
    unit = m.group("unit")
    return float(m.group("n")), ("MIN" if m.group("clock") and unit == "M" else unit)


def _joined(ctx: ExtractionContext, durations: list[Mention]) -> list[Mention]:
    """ "2 years 3 months", "three years and six months", "2 hours 30 minutes": one duration,
    not two."""
    durations.sort(key=lambda d: d.start)
    out: list[Mention] = []
    for mention in durations:
        previous = out[-1] if out else None
        if previous is not None and _JOINT.fullmatch(ctx.text, previous.end, mention.start):
            a, b = previous.value, mention.value
            first, second = _amount(a.timex), _amount(b.timex)
            pair = (first[1], second[1]) if first and second else None
            if pair in _JOINED_UNITS and a.qualifier == "exact" and b.qualifier == "exact" and not previous.anchor_relation:
                unit, per = _JOINED_UNITS[pair]
                total = first[0] * per + second[0]
                mention.start = previous.start
                mention.value = b.model_copy(update={"timex": _timex(total, unit), "qualifier": "exact"})
                mention.subject = mention.subject or previous.subject
                out[-1] = mention
                continue
        out.append(mention)
    return out


_FIGURE_WORDS = frozenset({"a", "an", "half"})


def _number_may_end_before(ctx: ExtractionContext, pos: int) -> bool:
    """Whether the word before the unit at ``pos`` can end a figure: digits, a number word,
    "a", "an", "half"."""
    return figure_may_end_before(ctx.text, pos, ctx.lexicon, _FIGURE_WORDS)


@cache
def _singular_units() -> frozenset[str]:
    return frozenset(u for u in load_lexicon().time_units if not u.endswith("s"))


def _duration(
    ctx: ExtractionContext,
    start: int,
    end: int,
    n1: str,
    n2: str | None,
    qualifier_text: str | None,
    unit: str,
    compound: bool = False,
) -> Mention | None:
    lex = ctx.lexicon
    low = parse_number(n1, lex)
    high = parse_number(n2, lex) if n2 else None
    if not low or (n2 and (high is None or high <= low)):
        return None  # nothing, or "0 years" from a misread figure
    if not compound and n2 is None and n1.lower() == "one" and unit.lower() == "day" and not _counted_day(ctx, start, end):
        return None  # "It happened one day in May": a story's opening, not a length of time
    letter, multiple = lex.time_units[unit.lower()]
    qualifier: Qualifier = "range" if n2 else (lex.qualifier_of(qualifier_text) if qualifier_text else "exact")
    value = DurationValue(
        timex=_timex(low * multiple, letter) if not n2 else _timex(None, letter),
        low_timex=_timex(low * multiple, letter) if n2 else None,
        high_timex=_timex(high * multiple, letter) if n2 else None,
        qualifier=qualifier,
    )
    mention = Mention("duration", start, end, value, 0.9 if not compound else 0.85, qualifier=qualifier)
    if compound:
        mention.subject = _compound_subject(ctx, end)
    else:
        rel = duration_patterns().relation.match(ctx.text, end)
        if rel:
            relation = lex.duration_relations.get((rel.group("rel") or "").lower()) or "since"
            mention.anchor_relation = relation
            mention.to_publication = relation == "ago" or rel.group("rel") is None
            if relation == "since" and rel.group("rel") and _LASTING_BEFORE.search(ctx.text, max(0, start - 30), start):
                # "for three years since 2008": how long it went on, not how long ago 2008 was.
                mention.lasting = True
                mention.to_publication = False
            if relation in ("after", "since", "before", "until") and (rel.group("rel") or rel.group("since")):
                sentence = ctx.index.sentence_at(end)
                mention.anchor_span = (rel.end(), sentence.end)
            if relation in ("after", "before") and rel.group("rel") and rel.group("rel").lower() in ("later", "earlier"):
                mention.anchor_span = None
    return mention


_LASTING_BEFORE = regex.compile(r"(?i:\b(?:for|during|throughout)\s+(?:(?:the|these|those)\s+)?(?:(?:past|last|first)\s+)?)$")
_DAY_SPAN_BEFORE = regex.compile(r"(?i:\b(?:for|in|within|over|after|only|just|the|last|past|first|every)\s+)$")


def _counted_day(ctx: ExtractionContext, start: int, end: int) -> bool:
    """Whether "one day" measures time ("in one day", "one day later") rather than tells when."""
    text = ctx.text
    if _DAY_SPAN_BEFORE.search(text, max(0, start - 10), start):
        return True
    return bool(duration_patterns().single_after.match(text, end))


# Units of a clock, written after the TIMEX "T": minutes are "PT5M", months "P5M".
_CLOCK_LETTERS = {"H": "H", "MIN": "M", "S": "S"}


def _timex(amount: float | None, letter: str) -> str:
    """ "P3Y", "PT90M"; with no amount, the unknown-length form ("PXY", "PTXH")."""
    number = "X" if amount is None else format_number(amount).replace(",", "")
    clock = _CLOCK_LETTERS.get(letter)
    return f"PT{number}{clock}" if clock else f"P{number}{letter}"


def _compound_subject(ctx: ExtractionContext, end: int) -> str | None:
    """"the three-year war" → "war"; "the three-year-long Fatherland Liberation War" → the name."""
    words = words_after(ctx.text, end, min(len(ctx.text), end + 80), 5)
    picked: list[str] = []
    for word in words:
        if word.lower in ctx.lexicon.phrase_stops or word.text[0].isdigit():
            break
        if picked and picked[-1][0].isupper() and word.text[0].islower():
            break  # "the three-year-long Fatherland Liberation War many ...": the name has ended
        picked.append(word.text.rstrip("."))
        if word.text[0].islower() and len(picked) >= 1 and not _adjective_like(word.lower):
            break
    return " ".join(picked) or None


def _adjective_like(word: str) -> bool:
    return word.endswith(("al", "ic", "ive", "ous", "ful", "less", "ary", "ern"))
