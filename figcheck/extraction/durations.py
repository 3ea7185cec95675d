"""Durations: "three-year-long", "the three-year war", "three to four days", "Sixty years has
elapsed since", "more than 50 years ago", "less than five years after", "nearly two years after"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.numbers import VULGAR_FRACTIONS, format_number, number_patterns, parse_number
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
    glued_before: regex.Pattern  # "3" of "3h"
    whole_before: regex.Pattern  # "all ", "a full ", "another "
    vague_before: regex.Pattern  # "a couple of ", "several "
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
        and_a_half=regex.compile(r"\s+(?i:and\s+(?:a\s+)?half)\b(?!-)"),
        single_after=regex.compile(r"\s+(?i:ago|after|later|earlier|before)\b"),
        # "3h", "3day", "3.5years", "more than 24hrs": digits with the unit glued on.
        glued_before=regex.compile(
            rf"(?:(?P<q>{n.qualifier})\s+)?(?<![\p{{L}}\p{{N}}.,/:+@#-])(?P<n1>\d+(?:\.\d+)?)$"
        ),
        # "all day", "a full year", "the whole week", "another month", "half year", "all-day".
        whole_before=regex.compile(
            rf"(?:(?P<q>{n.qualifier})\s+)?(?:\b(?P<det>(?i:an?|the))\s+)?"
            rf"\b(?P<w>(?i:{alternation(lex.whole_unit_words)}))(?:\s+|-)$"
        ),
        # "a couple of days", "a few minutes", "several weeks", "less than a couple of days".
        vague_before=regex.compile(
            rf"(?:(?P<q>{n.qualifier})\s+)?(?:\b(?P<a>(?i:an?))\s+)?"
            rf"\b(?P<v>(?i:{alternation(lex.vague_durations)}))(?:\s+(?i:of))?\s+$"
        ),
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
        lower = u.lower()
        short = lower in ctx.lexicon.short_time_units
        if short and u != lower and lower not in _TITLE_CASE_SHORT_UNITS:
            continue  # "Min", "H": a name or an initial ("Three Yrs Ago" in a headline is a length)
        if short and text[unit.end() : unit.end() + 1] == "." and text[unit.end() + 1 : unit.end() + 2].isalpha():
            continue  # "27 h.p.": horsepower
        window = max(0, pos - _LOOKBACK)
        if text[pos - 1 : pos].isdigit():
            mention = _glued(ctx, pos, unit.end(), u)
            if mention:
                out.append(mention)
            continue
        if not short:
            mention = _whole_unit(ctx, pos, unit.end(), u) if lower in _singular_units() else _vague(ctx, pos, unit.end(), u)
            if mention:
                out.append(mention)
                continue
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
            elif m and suffix and not suffix.group("suffix") and not _noun_after(ctx, unit.end()):
                # "for 30-minutes": a plural unit hyphened to its figure, with no noun after.
                mention = _duration(ctx, m.start(), unit.end(), n1, None, None, u)
                if mention:
                    out.append(mention)
            continue
        if not _number_may_end_before(ctx, pos):
            continue  # "the year", "last year": no figure, so no search back for one
        m = p.number_before.search(text, window, pos)
        if m and short and not _figure_for_short_unit(ctx, m, lower, unit.end()):
            continue
        if m:
            mention = _duration(ctx, m.start(), unit.end(), m.group("n1"), m.group("n2"), m.group("q"), u)
            if mention:
                out.append(mention)
            continue
        if short:
            continue  # "a second", "an hr": no figure written
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
_WORD_AFTER = regex.compile(r"[ \t]+(\p{Ll}+)\b")


def _noun_after(ctx: ExtractionContext, end: int) -> bool:
    """Whether a lower-case word that is not a preposition, conjunction or the like follows."""
    m = _WORD_AFTER.match(ctx.text, end, end + 30)
    return m is not None and m.group(1) not in ctx.lexicon.phrase_stops


def _figure_for_short_unit(ctx: ExtractionContext, m: regex.Match, unit: str, end: int) -> bool:
    """Whether the figure before an abbreviated unit may measure with it: any figure for "hrs"
    or "min"; for "second", only digits with no noun or hyphen after ("3.5 second"): after
    "twenty", or in "3 second-round games", it is an ordinal."""
    if unit != "second":
        return True
    return not m.group("n2") and m.group("n1")[-1].isdigit() and ctx.text[end : end + 1] != "-" and not _noun_after(ctx, end)


def _glued(ctx: ExtractionContext, pos: int, end: int, unit: str) -> Mention | None:
    """ "3h", "24hrs", "3day", "3.5years": a figure in digits with its unit glued on."""
    if unit.lower() == "second" or ctx.text[end : end + 1] in ("-", "/"):
        return None  # "2second" is nothing; "10km/hr" is a speed
    m = duration_patterns().glued_before.search(ctx.text, max(0, pos - 40), pos)
    if m is None:
        return None
    start = m.start("q") if m.group("q") else m.start("n1")
    return _duration(ctx, start, end, m.group("n1"), None, m.group("q"), unit)


_TITLE_CASE_SHORT_UNITS = frozenset("yr yrs hr hrs mins secs".split())
# Words before "half year" that make it a half of a year (a period), not a length: "the first
# half year".
_HALF_OF_PERIOD = frozenset("first second latter former".split())


def _whole_unit(ctx: ExtractionContext, pos: int, end: int, unit: str) -> Mention | None:
    """ "talks went on all day", "a full year", "the whole week", "another month", "all-day",
    "half year": one whole unit (or half of one) without a figure."""
    text = ctx.text
    if text[pos - 1 : pos] not in (" ", "-", "\n", "\t"):
        return None
    begin, stop = word_before(text, pos, " \t\n-")
    word = text[begin:stop].lower()
    amount = ctx.lexicon.whole_unit_words.get(word)
    if amount is None:
        return None
    m = duration_patterns().whole_before.search(text, max(0, pos - 40), pos)
    if m is None:
        return None
    if word == "half":
        if m.group("det") and m.group("det").lower() == "the":
            return None
        if text[max(0, begin - 5) : begin].lower().rstrip().endswith("and"):
            return None  # "one and half year": the figure before reads it
        before = text[max(0, begin - 12) : begin].split()
        if before and before[-1].lower() in _HALF_OF_PERIOD:
            return None  # "the first half year": the first six months of one
        if m.group("det"):
            return None  # "a half hour", "a half-hour drive": read below with their article
    hyphened = text[pos - 1] == "-"
    if word == "all" and ((m.group("det") and not hyphened) or _ALL_OF.match(text, end)):
        return None  # "the all day", "all day's": not a length told
    suffix = duration_patterns().compound_suffix.match(text, end)
    if hyphened and suffix and suffix.group("suffix"):
        end = suffix.end()  # "an all-day-long vigil"
    start = m.start("q") if m.group("q") else m.start("w")
    letter, multiple = ctx.lexicon.time_units[unit.lower()]
    qualifier: Qualifier = ctx.lexicon.qualifier_of(m.group("q")) if m.group("q") else "exact"
    value = DurationValue(timex=_timex(amount * multiple, letter), qualifier=qualifier or "exact")
    mention = Mention("duration", start, end, value, 0.8, qualifier=value.qualifier)
    if hyphened:
        mention.subject = _compound_subject(ctx, end)  # "an all-day strike"
    else:
        _relate(ctx, mention, start, end)
    return mention


_ALL_OF = regex.compile(r"(?i:'s|’s|s\b)")
# Words before a bare "few" or "some" that make them measure time: "for some days", "in few
# hours"; after the unit, "ago" or "later" do ("some years ago").
_VAGUE_CUE_BEFORE = regex.compile(
    r"(?i:\b(?:for|in|within|over|after|during|lasted|lasting|took|takes|spent|waited|past|last|next|coming|first)\s+)$"
)


def _vague(ctx: ExtractionContext, pos: int, end: int, unit: str) -> Mention | None:
    """ "a couple of days", "a few minutes", "several weeks", "for some days", "less than a couple
    of days": a length known only within bounds (``vague_durations`` in the lexicon)."""
    text = ctx.text
    begin, stop = word_before(text, pos, " \t\n")
    word = text[begin:stop].lower()
    if word not in ctx.lexicon.vague_durations and word != "of":
        return None
    p = duration_patterns()
    m = p.vague_before.search(text, max(0, pos - 60), pos)
    if m is None:
        return None
    vague = m.group("v").lower()
    if vague == "couple" and " of " not in f" {text[m.end('v') : pos].lower()} " and not m.group("a"):
        return None  # "couple days": not a form news writes
    if word == "of" and vague != "couple":
        return None  # "a few of days"
    if (vague in ("few", "some") and not m.group("a")) and not (
        _VAGUE_CUE_BEFORE.search(text, max(0, m.start() - 20), m.start()) or p.single_after.match(text, end)
    ):
        return None  # "some days are harder", "few years pass": not a length told
    if vague == "some" and m.group("a"):
        return None
    low, high = ctx.lexicon.vague_durations[vague]
    letter, multiple = ctx.lexicon.time_units[unit.lower()]
    stated = ctx.lexicon.qualifier_of(m.group("q")) if m.group("q") else None
    # "just a few days", "about a couple of weeks": still vague; "less than", "more than" bound it.
    qualifier: Qualifier = stated if stated in ("more_than", "at_least", "less_than", "at_most") else "approx"
    value = DurationValue(
        # "a couple" is two, loosely; "a few", "several" and "some" name no figure.
        timex=_timex(low * multiple if vague == "couple" else None, letter),
        low_timex=_timex(low * multiple, letter),
        high_timex=_timex(high * multiple, letter),
        qualifier=qualifier,
    )
    start = m.start("q") if m.group("q") and stated else m.start("a") if m.group("a") else m.start("v")
    mention = Mention("duration", start, end, value, 0.7, qualifier=qualifier)
    _relate(ctx, mention, start, end)
    # "in a few months after the liberation and the committee was founded in February 1946": the
    # next date of the sentence is as often another clause's; a length this vague is not worth
    # a guess at its event's date (it stays "after", with no date to measure from).
    mention.anchor_span = None
    return mention
_A_HALF = regex.compile(r"\b(?i:an?)\s+(?i:half)\s+$")
_A_HALF_HYPHEN = regex.compile(r"\b(?i:an?)\s+(?i:half)-$")


def _article_before(text: str, pos: int) -> bool:
    """Whether "a", "an" or "one" is the word right before the unit at ``pos``."""
    begin, end = word_before(text, pos, " \t\n")
    return text[begin:end].lower() in ("a", "an", "one")


# Units of a duration in TIMEX order, and the exact conversions of one into the next smaller.
_UNIT_ORDER = ("Y", "M", "W", "D", "H", "MIN", "S")
_EXACT_INTO = {("Y", "M"): 12, ("W", "D"): 7, ("D", "H"): 24, ("H", "MIN"): 60, ("MIN", "S"): 60}
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
    """ "2 years 3 months", "three years and six months", "2 hours 30 minutes", "1 year 1 month
    21 days": one duration, not two or three. Each part is exact and of its own unit; a later
    part may carry the anchor ("1 year 1 month 21 days ago"), an earlier one may not."""
    durations.sort(key=lambda d: d.start)
    out: list[Mention] = []
    chain: list[tuple[float, str]] = []  # the parts of out[-1] when it is a joined duration
    for mention in durations:
        previous = out[-1] if out else None
        part = _amount(mention.value.timex) if mention.value.qualifier == "exact" else None
        if previous is not None and part and _JOINT.fullmatch(ctx.text, previous.end, mention.start):
            parts = chain or ([_amount(previous.value.timex)] if previous.value.qualifier == "exact" else [None])
            units = [u for _, u in parts if u] if None not in parts else []
            if units and part[1] not in units and not previous.anchor_relation and _ordered_joint(ctx, previous, mention, [*units, part[1]]):
                chain = [*parts, part]
                mention.start = previous.start
                mention.value = mention.value.model_copy(update={"timex": _sum_timex(chain), "qualifier": "exact"})
                mention.subject = mention.subject or previous.subject
                out[-1] = mention
                continue
        chain = []
        out.append(mention)
    return out


def _ordered_joint(ctx: ExtractionContext, previous: Mention, mention: Mention, units: list[str]) -> bool:
    """A comma or "and" joins parts from the largest unit down ("3 years, 5 months"); parts side
    by side may come in any order ("2 days 1 month"), as some writers put them."""
    if ctx.text[previous.end : mention.start].strip() == "":
        return True
    ranks = [_UNIT_ORDER.index(u) for u in units]
    return ranks == sorted(ranks)


def _sum_timex(parts: list[tuple[float, str]]) -> str:
    """The TIMEX of parts added up: in the smallest unit when each converts into it exactly
    ("P27M", "PT150M"), else the parts as written, in TIMEX order ("P1Y1M21D")."""
    units = sorted({u for _, u in parts}, key=_UNIT_ORDER.index)
    smallest = units[-1]
    total = 0.0
    for amount, unit in parts:
        factor = _factor(unit, smallest)
        if factor is None:
            break
        total += amount * factor
    else:
        return _timex(total, smallest)
    by_unit = {u: 0.0 for u in units}
    for amount, unit in parts:
        by_unit[unit] += amount
    date_part = "".join(f"{_plain(by_unit[u])}{u}" for u in units if u in ("Y", "M", "W", "D"))
    clock_part = "".join(f"{_plain(by_unit[u])}{_CLOCK_LETTERS[u]}" for u in units if u in _CLOCK_LETTERS)
    return f"P{date_part}" + (f"T{clock_part}" if clock_part else "")


def _factor(unit: str, into: str) -> float | None:
    """How many ``into`` one ``unit`` is, when that is exact (a month is no fixed number of days)."""
    factor = 1.0
    while unit != into:
        step = next(((pair[1], f) for pair, f in _EXACT_INTO.items() if pair[0] == unit), None)
        if step is None:
            return None
        unit, factor = step[0], factor * step[1]
    return factor


def _plain(amount: float) -> str:
    return format_number(amount).replace(",", "")


_FIGURE_WORDS = frozenset({"a", "an", "half"})


def _number_may_end_before(ctx: ExtractionContext, pos: int) -> bool:
    """Whether the word before the unit at ``pos`` can end a figure: digits, a number word,
    "a", "an", "half", a fraction character ("2½ years")."""
    if figure_may_end_before(ctx.text, pos, ctx.lexicon, _FIGURE_WORDS):
        return True
    begin, end = word_before(ctx.text, pos)
    return 0 < begin == end < pos and ctx.text[end - 1] in VULGAR_FRACTIONS


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
        _relate(ctx, mention, start, end)
    return mention


def _relate(ctx: ExtractionContext, mention: Mention, start: int, end: int) -> None:
    """What a duration is measured from, by the words after it: "ago", "after", "since", "has
    elapsed since"."""
    lex = ctx.lexicon
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
