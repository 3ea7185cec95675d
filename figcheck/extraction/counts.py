"""Counts and measures: "661,736 volunteers", "twelve were honored", "more than 80,000 young and
working people", "three to four", "1.2 million tons", "45 percent", "three-nation tour",
"30 000-strong U.S. forces"."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.numbers import VULGAR_FRACTIONS, bounds, number_patterns, parse_number
from figcheck.extraction.phrases import is_noun_end, subject_after
from figcheck.extraction.text import Word, search_back, words_after, words_before
from figcheck.records import CountValue, Qualifier

# Nouns after "N-" that do not make a count of things ("two-thirds", "three-fold").
_NOT_COUNTED_COMPOUNDS = frozenset("thirds third half halves quarter quarters fold odd way sided time times".split())
_DETERMINERS = frozenset("such these those the this that its their his her our a an".split())
# Words that join the parts of one noun phrase ("young and working people").
_COORDINATORS = frozenset(("and", "or"))
# Words a phrase cut short may end with: "total of" (the victims).
_DANGLING = _COORDINATORS | {"of"}


@dataclass(frozen=True)
class CountPatterns:
    number: regex.Pattern
    qualifier_before: regex.Pattern
    range_after: regex.Pattern
    percent_after: regex.Pattern
    compound: regex.Pattern
    number_of: regex.Pattern
    total_verb_before: regex.Pattern
    total_after: regex.Pattern
    ratio_after: regex.Pattern
    vague: regex.Pattern


@cache
def count_patterns() -> CountPatterns:
    lex = load_lexicon()
    n = number_patterns()
    return CountPatterns(
        number=regex.compile(n.number),
        qualifier_before=regex.compile(
            rf"(?:(?P<between>(?i:between|from))\s+)?(?P<q>{n.qualifier})\s+(?P<cur>US\$|\$|€|£|¥)?$"
            rf"|(?P<between2>(?i:between|from))\s+(?P<cur2>US\$|\$|€|£|¥)?$|(?P<cur3>US\$|\$|€|£|¥)$"
        ),
        range_after=regex.compile(rf"\s*(?P<sep>-|–|to|or|and)\s*(?:US\$|\$|€|£|¥)?(?P<n2>{n.range_end})"),
        # "45 percent", "100 percentage" (not "percentage points", a unit of its own), "percents".
        percent_after=regex.compile(r"\s*%|\s+(?i:percents?|per\s+cents?|pct|percentage(?!\s+points?\b))\b"),
        compound=regex.compile(rf"(?P<n1>{n.number})-(?P<noun>\p{{Ll}}+)(?![\p{{L}}-])"),
        number_of=regex.compile(
            r"(?i:\b(?:the\s+)?(?:total\s+)?number\s+of\s+)(?P<what>[\p{L}'’\- ]{2,60}?)"
            r"\s+(?:(?:has|have|had)\s+)?(?:already\s+|now\s+)?(?:been\s+)?"
            rf"(?:(?:{alternation(lex.number_of_verbs['state'])})"
            rf"|(?:{alternation(lex.number_of_verbs['change'])})\s+to)\b"
        ),
        total_verb_before=regex.compile(rf"(?i:\b(?:{alternation(lex.total_verbs)}))\s+(?:some\s+|about\s+)?$"),
        ratio_after=regex.compile(rf"\s+(?i:in|out\s+of)\s+(?P<n2>{n.range_end})(?!\s*(?:%|(?i:percent|per\s+cent)))"),
        vague=regex.compile(
            rf"(?i:(?:(?P<outer>tens|hundreds|thousands)\s+of\s+)?(?P<unit>{alternation(lex.vague_amounts)})\s+of)\s+"
        ),
        # "21 including 12 students", "530 000 in all": a total whose noun is elsewhere.
        total_after=regex.compile(
            # Possessive runs of space: "\s*,?\s+" would try every split of a long run in two.
            rf"\s+(?i:{alternation(lex.partitive_cues['listing'])})\b|(?:\s*+,\s++|\s++)(?i:{alternation(lex.total_markers)})\b"
        ),
    )


_CLOCK_UNITS = frozenset("minute minutes second seconds".split())
# "2,000-plus workers", "a hundred-odd people": somewhat more than the figure.
_MORE_THAN_SUFFIXES = frozenset(("plus", "odd"))
_OF_AFTER = regex.compile(r"\s+(?i:of)\b")
# Nouns after a figure with a glued "m" that make it millions ("1.2m people"); otherwise
# only a currency sign does ("£1.2m"): in sports and building news "m" is metres.
_MILLIONS_OF = frozenset("people residents users viewers voters visitors tourists passengers customers subscribers".split())
_GLUED_M = regex.compile(r"\d(?i:m|b)$")
_CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


def _held_by_an_outranking_mention(ctx: ExtractionContext, pos: int) -> bool:
    """Whether the character at ``pos`` is inside a date, range, duration or anniversary already
    kept: a count starting there would overlap it and lose to it (``extractor._select``), so
    nothing is read there."""
    return ctx.outranked(pos, pos + 1)


def find_counts(ctx: ExtractionContext) -> list[Mention]:
    p = count_patterns()
    lex = ctx.lexicon
    text = ctx.text
    out: list[Mention] = []
    last_end = -1
    positions = ctx.triggers.numbers()
    if not text.isascii():
        alone = [m.start() for m in _VULGAR_ALONE.finditer(text)]
        if alone:
            positions = sorted(positions + alone)  # "½ teaspoon": no digit to start it
    i = 0
    while i < len(positions):
        pos = positions[i]
        i += 1
        if pos < last_end:
            continue  # inside "three hundred and fifty", already read
        if _held_by_an_outranking_mention(ctx, pos):
            continue  # the day or year of a date, the number of a duration: not read again
        if text[pos] in "hdtmbHDTMB" and _may_be_vague_before(text, pos):
            vague = _vague_scaled(ctx, pos)
            if vague:
                # "a few hundred", "several thousand": an amount known only roughly.
                out.append(vague)
                last_end = vague.end
                continue
        m = p.number.match(text, pos)
        if not m:
            found = _glued_measure(ctx, pos) if text[pos].isdigit() else _a_fraction(ctx, pos)
            if found is None and text[pos].isdigit():
                found = _slash_fraction(ctx, pos) or _leading_point(ctx, pos)
            if found:
                out.append(found)
                last_end = found.end
            continue
        last_end = m.end()
        compound = p.compound.match(text, pos) if text[m.end() : m.end() + 1] == "-" else None
        strength_end = None
        # "seventy-one" is one number, not seventy "one"s.
        more_than = False
        if compound and not lex.is_number_word(compound.group("noun")):
            more_than = compound.group("noun") in _MORE_THAN_SUFFIXES
            if compound.group("noun") not in lex.strength_words and not more_than:
                out.extend(_compound_count(ctx, compound))
                continue
            # "30 000-strong U.S. forces" counts the forces, "2,000-plus workers" the workers.
            strength_end = compound.end()
        raw = m.group()
        if (" and " in raw.lower() and not raw[0].isdigit() and parse_number(raw, lex) is None
                and not _fraction_tail(ctx, raw, None, m.end())):
            # "five and six percent": two figures; read the first, the second at its own place.
            shorter = p.number.match(text, pos, m.start() + raw.lower().index(" and "))
            if shorter is None:
                continue
            second = _NEXT_FIGURE.search(text, shorter.end(), m.end())
            if second:
                bisect.insort(positions, second.start(), lo=i)  # "six percent" is read there
            m, raw = shorter, shorter.group()
            last_end = m.end()
        ratio = p.ratio_after.match(text, m.end()) if text[m.end() : m.end() + 5].lower().startswith((" in ", " out ")) else None
        found = _ratio(ctx, m.start(), parse_number(raw, lex), ratio) if ratio else None
        if found:
            # "one in five adults": a fraction, not five adults.
            last_end = ratio.end()
            out.append(found)
            continue
        fraction = _spaced_fraction(ctx, m) if text[m.end() : m.end() + 1] == " " else None
        if fraction:
            # "two thirds of the delegates": a fraction, not two of something ("three twenty
            # firsts" neither, nor a day "twenty first").
            last_end = fraction.end
            out.append(fraction)
            continue
        if ctx.outranked(m.start(), m.end()):
            continue  # the year of a date, the number of a duration: that mention wins
        if raw.lower() in ("one", "zero") and not _measure_after(ctx, m.end()) and not _fraction_tail(ctx, raw, 1.0, m.end()):
            continue  # "one of them", "on one side": rarely a figure worth checking ("one percent" is)
        if raw.lower() in lex.number_words.scales:
            continue  # "the Million Man March", "Hundred Flowers": a scale word alone is a name
        if _names_a_unit(ctx, m.end()):
            continue
        value = parse_number(raw, lex)
        tail = _fraction_tail(ctx, raw, value, m.end())
        if value is None and tail is None:
            continue
        if tail is None and 0 < value < 1 and _SHARE_OF.match(text, m.end()):
            # "½ of the budget", "0.4 of the vote": a share
            fraction = _fraction(ctx, m.start(), m.end(), value)
            out.append(fraction)
            last_end = fraction.end
            continue
        start, end = m.start(), m.end()
        if tail:
            # "five and a quarter miles", "twenty and three fifths", "2 1/4": a mixed number.
            value, end = tail
            last_end = end
        q_match = (
            p.qualifier_before.search(text, max(0, start - 30), start)
            if _may_follow_qualifier(text, start, _qualifier_tails())
            else None
        )
        qualifier: Qualifier = "exact"
        phrase = None
        unit = None
        opener = None
        if q_match:
            phrase = q_match.group("q")
            opener = q_match.group("between") or q_match.group("between2")
            currency = q_match.group("cur") or q_match.group("cur2") or q_match.group("cur3")
            unit = _CURRENCIES.get(currency) if currency else None
            if phrase and _changed_to(ctx, q_match.start("q"), phrase, end):
                phrase = None  # "rose up to 220 mln dlrs from 110 mln": the new value
            if phrase:
                qualifier = lex.qualifier_of(phrase) or "exact"
                start = q_match.start("q")
            elif currency:
                start = q_match.start("cur2") if q_match.group("cur2") else q_match.start("cur3")
        low, high = bounds(value, qualifier, phrase)
        if more_than:
            qualifier, low, high = "more_than", value, None  # "some 1,000-odd troops"
        rng = p.range_after.match(text, end) if strength_end is None else None
        if rng:
            second = parse_number(rng.group("n2"), lex)
            sep = rng.group("sep")
            joins = sep != "and" or (opener or "").lower() == "between"
            scale = _scale_of(lex, rng.group("n2"))
            if scale and second is not None and value < scale <= second and not _scale_of(lex, raw) and value * scale < second:
                value = value * scale  # "between five and six thousand": both are thousands
            if second is not None and second > value and joins:
                low, high, qualifier = value, second, "range"
                end = rng.end()
                if opener and not phrase:
                    start = q_match.start("between2")
        pct = p.percent_after.match(text, end) if strength_end is None else None
        if pct:
            unit, end = "percent", pct.end()
        elif unit is None and strength_end is None and text[end : end + 2].lstrip(" ")[:1] in ('"', "″"):
            inch = _INCH_MARK.match(text, end)
            if inch and _length_after(ctx, inch.end()):
                unit, end = "in", inch.end()  # 'a pen 10" long': inches
        end = strength_end or end
        sign = _minus_before(text, start) if unit is None or unit == "percent" else None
        if sign is not None and (unit == "percent" or _measure_after(ctx, end)):
            # "minus five percent", "GDP growth of -0.5%": the sign is written, so it is kept;
            # "fell 0.5%" stays 0.5 (the verb tells the direction, not the figure).
            value, low, high = -value, *sorted((-(high if high is not None else value), -(low if low is not None else value)))
            start = sign
        subject, subject_span = subject_after(ctx, end)
        if subject and subject[0].islower() and _verb_before_noun(ctx, subject, subject_span) and _opens_clause(ctx, start):
            # "2010 saw record growth", "About 600 remain missing": a verb, no noun (but "1 000
            # discharged soldiers", "1 400 heavily-armed policemen" count a noun)
            subject, subject_span = None, None
        if unit is None and text[end : end + 3].lstrip(" \t")[:1] in ("(", "[", "{", "<"):
            bracketed = _bracketed_unit().match(text, end, end + 16)
            if bracketed:
                # "The weight is 20 (kg)": a unit in brackets.
                unit, end = _measure_unit(lex, bracketed.group("u")), bracketed.end()
        if subject:
            first = subject.split()[0].lower()
            if unit is None and " ".join(subject.lower().split()[:2]) in lex.measure_units:
                unit = lex.measure_units[" ".join(subject.lower().split()[:2])]  # "30 percentage points"
            if first in lex.time_units and first != "second":
                continue  # a duration, found by its own recognizer ("3 second-round games" is not)
            last = subject.split()[-1].lower()
            if unit is None and (first in lex.measure_units or last in lex.measure_units):
                # "tons of rice", "U.S. dollars"
                unit = lex.measure_units.get(first) or lex.measure_units[last]
        if raw[-1] in "mMbB" and _GLUED_M.search(raw) and unit is None and not (subject and subject.split()[0].lower() in _MILLIONS_OF):
            if raw[-1] in "mM" and _length_after(ctx, end):
                # "1.8m tall", "a wall 3m high": metres.
                metres = parse_number(raw[:-1], lex)
                if metres is not None:
                    low, high = bounds(metres, qualifier, phrase)
                    length = CountValue(value=metres, low=low, high=high, qualifier=qualifier, unit="m")
                    out.append(Mention("count", start, end, length, 0.8, qualifier=qualifier))
            continue  # "a 100m race", "the 25m pistol": metres or millions, the text does not say
        mention = Mention(
            "count",
            start,
            end,
            CountValue(value=value, low=low, high=high, qualifier=qualifier, unit=unit),
            0.9 if subject else 0.6,
            qualifier=qualifier,
            subject=subject,
            subject_span=subject_span,
        )
        if not subject and unit is None:
            mention.subject = _named_total(ctx, start)
            mention.elliptical = mention.subject is None
            # "reached 1,530", "arrested 21 including 12 students", "530 000 in all": a total
            # whose noun is elsewhere.
            verb = search_back(p.total_verb_before, text, max(0, start - 30), start) if mention.elliptical else None
            if mention.elliptical and (verb or p.total_after.match(text, end)):
                mention.elliptical = False
                mention.confidence = 0.5
                if verb:
                    # "the death toll rose to 1,204": the verb's subject says what is counted.
                    mention.subject = _verb_subject(ctx, verb.start())
        if _definite_reference(ctx, start, value):
            mention.confidence = min(mention.confidence, 0.5)
        out.append(mention)
        if unit == "ft":
            inches = _INCHES_AFTER_FEET.match(text, subject_span[1] if subject_span else end, (subject_span[1] if subject_span else end) + 16)
            if inches:
                # "12 ft 2 in": "in" is inches only right after a figure in feet.
                n = float(inches.group("n"))
                out.append(Mention("count", inches.start("n"), inches.end(), CountValue(value=n, low=n, high=n, unit="in"), 0.8))
                last_end = inches.end()
    out.extend(_vague_amounts(ctx))
    return out


_INCHES_AFTER_FEET = regex.compile(r"[ \t]+(?P<n>\d{1,2}(?:\.\d+)?)[ \t]*(?:(?i:in|inches|inch)\b\.?|\"|″)")


@cache
def _glued_measure_pattern() -> regex.Pattern:
    units = alternation(load_lexicon().glued_measure_units)
    return regex.compile(
        r"(?<![\p{L}\p{N}.,/:+@#]|[\p{L}\p{N}]-)(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
        rf"(?P<u>(?i:{units}))(?![\p{{L}}\p{{N}}/])"
    )


@cache
def _bracketed_unit() -> regex.Pattern:
    lex = load_lexicon()
    units = alternation({*lex.glued_measure_units, *(u for u in lex.measure_units if u.isalpha() and u.islower())})
    return regex.compile(rf"[ \t]*(?:\((?P<u>{units})\)|\[(?P<u>{units})\]|\{{(?P<u>{units})\}}|<(?P<u>{units})>)")


def _measure_unit(lex, written: str) -> str:
    lower = written.lower()
    return lex.glued_measure_units.get(lower) or lex.measure_units.get(lower) or lower


def _glued_measure(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "200lbs", "7.62mm", "a 5km march", "24703m2", "10km/hr": a figure with its unit glued on."""
    m = _glued_measure_pattern().match(ctx.text, pos)
    if m is None:
        return None
    value = parse_number(m.group("n"), ctx.lexicon)
    if value is None:
        return None
    subject, span = subject_after(ctx, m.end())
    start, qualifier, low, high = _qualified(ctx, m.start(), value)
    count = CountValue(value=value, low=low, high=high, qualifier=qualifier, unit=_measure_unit(ctx.lexicon, m.group("u")))
    return Mention("count", start, m.end(), count, 0.8, qualifier=qualifier, subject=subject, subject_span=span)


@cache
def _length_words() -> regex.Pattern:
    return regex.compile(rf"[ \t]+(?i:{alternation(load_lexicon().length_words)})\b|-(?i:long|high|tall|deep|wide)\b")


def _length_after(ctx: ExtractionContext, end: int) -> bool:
    return _length_words().match(ctx.text, end, end + 20) is not None


_NEXT_FIGURE = regex.compile(r"(?<=\s(?i:and)\s+)\S")


def _scale_of(lex, written: str) -> int | None:
    """The scale word a figure ends with ("six thousand" → 1000, "3 mln" → 1e6), if any."""
    last = written.lower().split()[-1] if written.split() else ""
    nw = lex.number_words
    return nw.scales.get(last) or nw.abbreviated_scales.get(last)


_MINUS_WORD = regex.compile(r"(?i:\bminus)\s+$")


def _minus_before(text: str, start: int) -> int | None:
    """Where a minus written before a figure starts ("-5%", "minus five percent"), if one is:
    a sign after a blank or a bracket, not the dash of a range ("3-5%")."""
    if start > 0 and text[start - 1] in "-−" and (start == 1 or text[start - 2] in " \t\n(["):
        return start - 1
    if "minus" not in text[max(0, start - 12) : start].lower():
        return None
    m = _MINUS_WORD.search(text, max(0, start - 12), start)
    return m.start() if m else None


def _measure_after(ctx: ExtractionContext, end: int) -> bool:
    """Whether a unit of measure or "percent" follows a figure ("one percent", "one mile")."""
    if count_patterns().percent_after.match(ctx.text, end):
        return True
    after = words_after(ctx.text, end, min(len(ctx.text), end + 30), 1)
    return bool(after) and after[0].lower in ctx.lexicon.measure_units


# --- counts whose noun is implied -------------------------------------------------------------

# What may stand before a figure that opens a clause: "another 300", "a further 12".
_ADDED_BEFORE = regex.compile(r"(?i:\b(?:another|a\s+further|an\s+additional|an\s+estimated|only|just))\s+$")
_CLAUSE_JOINT_BEFORE = regex.compile(r"(?:[,;:]|\b(?i:and|but|while|whereas|as|when|where))\s*$")
# After the figure: auxiliaries and adverbs, then the verb.
_VERB_AFTER = regex.compile(
    r"[ \t\n]+(?P<aux>(?:(?i:were|was|are|is|have|had|has|been|will|be|would|also|still|reportedly|"
    r"later|then|remain|remained|went|go)[ \t\n]+)*)(?P<verb>\p{Ll}[\p{Ll}-]*)\b"
)
_AUXILIARY_AFTER = regex.compile(r"\s+(?i:were|was|are|is|have|had|has)\b")
_AUXILIARY_WORDS = frozenset("were was are is have had has been will be would remain remained went go".split())
_YEARS = (1000, 2100)  # a bare figure in these bounds before a verb is a year


def imply_nouns(ctx: ExtractionContext, mentions: list[Mention]) -> None:
    """A figure that stands alone as the subject of a verb counts what the verb implies: "1,204
    died", "over 380,000 fled", "some 12,000 were evacuated" count people; "Volunteers poured
    in. Over 80,000 arrived" counts the subject of the clause or sentence before; "1,500 were
    sold" counts something the text does not say, and is kept with no noun. Each is marked
    (``noun_source``) so that no check takes it for the same quantity as another figure. Runs
    on the figures with no noun left once parts are linked to their wholes."""
    for mention in [m for m in mentions if m.elliptical and m.part_of is None]:
        value = mention.value
        assert isinstance(value, CountValue)
        if value.unit is not None or (_YEARS[0] <= value.value <= _YEARS[1] and value.value == int(value.value) and "," not in ctx.text[mention.start : mention.end]):
            continue  # "2010 saw record growth": a year, not a count
        verb = _VERB_AFTER.match(ctx.text, mention.end, mention.end + 60)
        if verb is None or not _opens_clause(ctx, mention.start):
            continue
        word = verb.group("verb")
        auxiliaries = verb.group("aux").split()
        if word in ctx.lexicon.measure_units:
            continue  # "ten million won might be spent": a currency
        if not auxiliaries and _AUXILIARY_AFTER.match(ctx.text, verb.end(), verb.end() + 12):
            continue  # "11 related were sentenced": a modifier, then the verb
        people = word in ctx.lexicon.people_verbs and (word != "missing" or bool(auxiliaries))
        if not people and not (_verb_like(ctx, word) or (auxiliaries and auxiliaries[-1].lower() in _AUXILIARY_WORDS and word.endswith(("ed", "en")))):
            continue
        if people:
            subject, source = "people", "verb"
        else:
            subject = _subject_before(ctx, mention.start)
            source = "context" if subject else "unknown"
        mention.subject = subject
        value.noun_source = source
        mention.elliptical = False
        mention.confidence = 0.5


_SOME = frozenset("some many several most all".split())


def _verb_like(ctx: ExtractionContext, word: str) -> bool:
    """A verb in the past, by its form: "fled", "poured", "were" is not one."""
    lower = word.lower()
    if not word[:1].islower():
        return False
    return lower in ctx.lexicon.irregular_past_verbs or lower in ctx.lexicon.people_verbs or (len(lower) > 4 and lower.endswith("ed"))


def _verb_before_noun(ctx: ExtractionContext, subject: str, span: tuple[int, int] | None) -> bool:
    """Whether a phrase read as a figure's noun starts with the figure's verb ("saw record
    growth", "booked rooms for") rather than with a participle that qualifies the noun after it,
    which then has a verb of its own ("discharged soldiers volunteered")."""
    words = subject.split()
    if not _verb_like(ctx, words[0]):
        return False
    if len(words) == 1 or not (is_noun_end(words[1]) or words[1].lower().endswith("men")):
        return True
    if len(words) > 2:
        after = words[2]  # "heavily-armed policemen committed violence": read on too far
    else:
        following = words_after(ctx.text, span[1], min(len(ctx.text), span[1] + 30), 1) if span else []
        after = following[0].text if following else ""
    return not (after and (_verb_like(ctx, after) or after.lower() in _AUXILIARY_WORDS))


def _opens_clause(ctx: ExtractionContext, start: int) -> bool:
    """Whether a figure (with its qualifier) is the first thing of its sentence or clause: "Over
    380,000 fled", "..., and another 300 were injured"; not "12 and 14 were", "killed 300"."""
    text = ctx.text
    added = search_back(_ADDED_BEFORE, text, max(0, start - 20), start)
    if added:
        start = added.start()
    sentence = ctx.index.sentence_at(start)
    if not _words_before_in_sentence(text, sentence.start, start):
        return True
    joint = _CLAUSE_JOINT_BEFORE.search(text, max(sentence.start, start - 12), start)
    if joint is None:
        return False
    before = words_before(text, joint.start(), max(sentence.start, joint.start() - 30), 1)
    # "aged 12 and 14 were": a second figure of one list, not a clause of its own.
    return not (before and (before[-1].text[0].isdigit() or ctx.lexicon.is_number_word(before[-1].lower)))


def _words_before_in_sentence(text: str, sentence_start: int, start: int) -> bool:
    """Whether anything but quotes and spaces stands between a sentence's start and ``start``
    (read over a few characters only: a sentence of thousands of figures stays linear)."""
    if start - sentence_start > 24:
        return True
    return bool(text[sentence_start:start].strip(" \t\n\"“‘'("))


def _subject_before(ctx: ExtractionContext, start: int) -> str | None:
    """The plural noun phrase that opens the clause or sentence before ``start`` and is followed
    by its verb: "Volunteers poured in. Over 80,000 arrived" → "Volunteers"; "Refugees crossed the
    border, and some 3,000 arrived" → "Refugees"."""
    text = ctx.text
    sentence = ctx.index.sentence_at(start)
    if _words_before_in_sentence(text, sentence.start, start):
        begin = sentence.start  # a clause after another: "Demonstrators fell and 10 were taken"
    else:
        before = sentence.start
        while before > 0 and text[before - 1].isspace():
            before -= 1
        if before == 0:
            return None
        begin = ctx.index.sentence_at(before - 1).start
    words = words_after(text, begin, min(len(text), begin + 80), 5)
    stops = ctx.lexicon.phrase_stops
    picked: list[Word] = []
    following = None
    for word in words:
        if word.text[0].isdigit() or ctx.lexicon.is_number_word(word.lower):
            return None  # "3,000 soldiers attacked": a figure with its own noun
        if not picked and (word.lower in _DETERMINERS or word.lower in _SOME):
            continue
        if word.lower in stops or _verb_like(ctx, word.text):
            following = word
            break
        picked.append(word)
        if len(picked) > 3:
            return None
    if not picked or following is None or not is_noun_end(picked[-1].text):
        return None
    if not (_verb_like(ctx, following.text) or following.lower in _AUXILIARY_WORDS):
        return None  # "The town's people, ...": no verb of theirs
    return text[picked[0].start : picked[-1].end]


def _verb_subject(ctx: ExtractionContext, verb_start: int) -> str | None:
    """The noun phrase right before a verb that gives a total ("the death toll rose to", "Its
    workforce stood at"): a determiner and up to three words, the last a noun."""
    text = ctx.text
    left, _ = ctx.index.clause_bounds(verb_start, verb_start + 1)
    words = words_before(text, verb_start, left, 5)
    if not words or text[words[-1].end : verb_start].strip():
        return None
    stops = ctx.lexicon.phrase_stops
    picked = []
    owner = False
    for word in reversed(words):
        if word.lower in _DETERMINERS or word.lower in stops or word.text[0].isdigit():
            break
        if word.lower.endswith(("'s", "’s")):
            owner = True  # "the union's membership"
            break
        picked.append(word)
    if not picked or len(picked) > 3 or picked[0].lower.endswith(("ly", "ed")):
        return None
    before = words[len(words) - len(picked) - 1] if len(words) > len(picked) else None
    if not owner and (before is None or before.lower not in _DETERMINERS):
        return None  # "prices rose to": no determiner, often a clause of its own
    picked.reverse()
    return text[picked[0].start : picked[-1].end]


def _ratio(ctx: ExtractionContext, start: int, value: float | None, ratio: regex.Match) -> Mention | None:
    of = parse_number(ratio.group("n2"), ctx.lexicon)
    if value is None or not of or value >= of:
        return None
    subject, span = subject_after(ctx, ratio.end())
    if subject and (subject.split()[0].lower() in ctx.lexicon.time_units or subject.split()[0].lower() in _CLOCK_UNITS):
        return None  # "3 in 10 minutes"
    share = value / of
    count = CountValue(value=share, low=share, high=share, unit="fraction")
    return Mention("count", start, ratio.end(), count, 0.8, subject=subject, subject_span=span, compound=True)


def _vague_amounts(ctx: ExtractionContext) -> list[Mention]:
    """ "dozens of villages", "hundreds of thousands of people": an amount known only roughly,
    from two of its unit to just under ten."""
    p = count_patterns()
    lex = ctx.lexicon
    text = ctx.text
    out: list[Mention] = []
    covered = -1
    for pos in ctx.triggers.words.get("vague", ()):
        if pos < covered:
            continue
        m = p.vague.match(text, pos)
        if not m:
            continue
        unit = lex.vague_amounts[m.group("unit").lower()]
        times = lex.vague_amounts.get((m.group("outer") or "").lower(), 10) if m.group("outer") else 1
        low, high = 2 * unit * times, 10 * unit * times - 1
        subject, span = subject_after(ctx, m.end())
        value = CountValue(value=low, low=low, high=high, qualifier="approx")
        out.append(Mention("count", m.start(), m.end("unit"), value, 0.7 if subject else 0.5,
                           qualifier="approx", subject=subject, subject_span=span))
        covered = m.end("unit")
    return out


@cache
def _vague_scaled_patterns() -> tuple[regex.Pattern, regex.Pattern]:
    lex = load_lexicon()
    scales = alternation({*lex.number_words.scales, *lex.number_words.multiplying_collectives})
    vague = alternation([v for v in lex.vague_durations if v != "some"])  # "some hundred" is about 100
    return (
        regex.compile(rf"(?i:\b(?:an?\s+)?(?P<v>{vague})(?:\s+of)?)\s+$"),
        regex.compile(rf"(?i:{scales})(?:\s+(?i:{alternation(lex.number_words.scales)}))*\b"),
    )


def _may_be_vague_before(text: str, pos: int) -> bool:
    """A cheap test: the word before ``pos`` ends like "few", "several", "couple" or "of"."""
    return text[max(0, pos - 4) : pos - 1].lower() in ("few", "ral", "ple", " of")


def _vague_scaled(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "a few hundred people", "several thousand workers", "a couple of dozen boats", "a few
    hundred thousand tons": a vague number of hundreds or thousands, from its least to its most
    ("a few" is two to five, as of days), never one exact figure."""
    before, scales = _vague_scaled_patterns()
    text = ctx.text
    vague = search_back(before, text, max(0, pos - 16), pos)
    scale = scales.match(text, pos) if vague else None
    if scale is None or text[scale.end() : scale.end() + 1] == "-":
        return None  # "several hundred-meter-long sections": a length, read with its unit or not at all
    lex = ctx.lexicon
    factor = 1
    for word in scale.group().lower().split():
        factor *= lex.number_words.scales.get(word) or lex.number_words.collectives[word]
    least, most = lex.vague_durations[vague.group("v").lower()]
    low, high = least * factor, most * factor
    subject, span = subject_after(ctx, scale.end())
    first = subject.split()[0].lower() if subject else ""
    unit = lex.measure_units.get(first)
    value = CountValue(value=low, low=low, high=high, qualifier="approx", unit=unit)
    return Mention("count", vague.start(), scale.end(), value, 0.7 if subject else 0.5,
                   qualifier="approx", subject=subject, subject_span=span)


_FROM_FIGURE = regex.compile(
    r"(?:[ \t\n]+[\p{L}.$%]+){0,3}[ \t\n]+(?i:from)[ \t\n]+(?:US\$|\$|€|£|¥)?\d"
)


def _changed_to(ctx: ExtractionContext, at: int, phrase: str, end: int) -> bool:
    """ "Sales were up to 220 mln dlrs from 110 mln", "profit rose up to 45 pct from 38 pct":
    "up to" after a verb of change, or before a "from" figure, says what the figure became."""
    if " ".join(phrase.lower().split()) != "up to":
        return False
    before = words_before(ctx.text, at, max(0, at - 30), 1)
    if before and before[-1].lower in ctx.lexicon.change_verbs and not ctx.text[before[-1].end : at].strip():
        return True
    return bool(_FROM_FIGURE.match(ctx.text, end))


@cache
def _qualifier_tails() -> frozenset[str]:
    """The last words of the qualifier phrases ("than" of "more than"), and "between", "from"."""
    lex = load_lexicon()
    tails = {p.split()[-1].lower() for phrases in lex.qualifiers.values() for p in phrases}
    return frozenset(tails | {"between", "from"})


def _may_follow_qualifier(text: str, start: int, tails: frozenset[str]) -> bool:
    """A cheap test before the qualifier search: most figures follow no qualifier, and looking
    at the one word before them is much cheaper than a regex search back over 30 characters."""
    if start == 0:
        return False
    if text[start - 1] in "$€£¥":
        return True
    if text[start - 1] not in " \t\n\u00a0":
        return False
    end = start - 1
    while end > 0 and text[end - 1] in " \t\n\u00a0":
        end -= 1
    begin = end
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    return text[begin:end].lower() in tails


@dataclass(frozen=True)
class FractionPatterns:
    # The word naming the parts: "fifths", "a quarter", and an ordinal of a tens word and one
    # of one to nine ("twenty-firsts", "thirty fifths"); "seconds" only with a hyphen.
    denominator: regex.Pattern
    # "... of the delegates": a denominator followed by what it is a part of.
    part_of: regex.Pattern
    # The words a denominator can start with: a cheap test before the patterns.
    starts: frozenset[str]
    # Ordinals of one to nine: after a tens word they make one ordinal with it.
    unit_ordinals: frozenset[str]


@cache
def fraction_patterns() -> FractionPatterns:
    lex = load_lexicon()
    tens = alternation(lex.number_words.tens)
    units = [w for w, v in lex.ordinal_words.items() if v <= 9]
    spaced_units = [w for w in units if lex.ordinal_words[w] != 2]  # "twenty seconds" is time
    denominator = (
        rf"(?P<den>(?i:(?:{tens})(?:-(?:{alternation(units)})|[ \t]+(?:{alternation(spaced_units)}))s?"
        rf"|{alternation(lex.fraction_words)}|(?:{alternation(spaced_units)})s?))(?![\p{{L}}\p{{N}}-])"
    )
    of = r"(?i:of)\s+(?P<det>(?i:the|its|their|all|those|these|his|her|our|your|every|each))\b(?:\s+(?P<next>\p{L}+))?"
    return FractionPatterns(
        denominator=regex.compile(rf"[ \t]+{denominator}"),
        part_of=regex.compile(rf"\s+{denominator}\s+{of}"),
        starts=frozenset({*lex.fraction_words, *lex.number_words.tens, *spaced_units, *(f"{w}s" for w in spaced_units)}),
        unit_ordinals=frozenset({*units, *(f"{w}s" for w in units)}),
    )


def _denominator(lex, written: str) -> tuple[int, bool] | None:
    """How many parts a fraction word names, and whether it is plural: "fifths" → (5, True),
    "twenty-first" → (21, False), "thirty fifths" → (35, True), "halves" → (2, True)."""
    lower = " ".join(written.lower().replace("-", " ").split())
    if lower in lex.fraction_words:
        return lex.fraction_words[lower], lower.endswith("s")
    tens, _, ordinal = lower.partition(" ")
    plural = ordinal not in lex.ordinal_words and ordinal.endswith("s")
    ordinal = ordinal[:-1] if plural else ordinal
    if tens not in lex.number_words.tens or ordinal not in lex.ordinal_words:
        return None
    return lex.number_words.tens[tens] + lex.ordinal_words[ordinal], plural


_SLASH = regex.compile(r"(?<![\p{L}\p{N}.,/:+@#-])(?P<num>\d{1,2})/(?P<den>\d{1,3})(?![\p{N}/]|[.,]\d)")
_SLASH_AFTER_WHOLE = regex.compile(r"[ \t]+(?P<num>\d{1,2})/(?P<den>\d{1,3})(?![\p{N}/]|[.,]\d)")
# Denominators of fractions as people write them; "3/31" or "12/25" is a date.
_DENOMINATORS = frozenset((2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100))


def _proper(num: int, den: int) -> bool:
    return den in _DENOMINATORS and 0 < num < den


@cache
def _fraction_tail_patterns() -> tuple[regex.Pattern, regex.Pattern]:
    lex = load_lexicon()
    nouns = alternation(lex.fraction_words)
    small = alternation([w for w, v in lex.number_words.units.items() if 1 <= v <= 9])
    return (
        # "three and a fifth", "one and a fourth", "two and three quarters"
        regex.compile(rf"\s+(?i:and)\s+(?P<num>(?i:an?|{small}))\s+(?P<den>(?i:{nouns}))\b"),
        # the denominator right after "one hundred and three": "... quarters"
        regex.compile(rf"[ \t]+(?P<den>(?i:{nouns}))\b"),
    )


def _fraction_tail(ctx: ExtractionContext, raw: str, value: float | None, end: int) -> tuple[float, int] | None:
    """A mixed number that goes on after the figure read: "2 1/4", "10 1/2 miles", "five and a
    quarter", "three and a fifth"; "one hundred and three quarters" and "twenty and three
    fifths" (the last group before the denominator is its numerator). Spelled with spelled,
    digits with digits; the whole part is a whole number and the fraction a proper one."""
    text = ctx.text
    if value is not None and not value.is_integer():
        return None
    following = text[end : end + 16].split(None, 1)
    if not following:
        return None
    if raw[0].isdigit():
        if value is None or not following[0][:1].isdigit():
            return None
        m = _SLASH_AFTER_WHOLE.match(text, end, end + 12) if "," not in raw and raw.isdigit() else None
        if m is None or not _proper(int(m.group("num")), int(m.group("den"))):
            return None
        return value + int(m.group("num")) / int(m.group("den")), m.end()
    lex = ctx.lexicon
    word = following[0].lower().rstrip(".,;:!?)")
    if word != "and" and word not in lex.fraction_words:
        return None  # most figures: no fraction after them, no pattern tried
    and_a, after = _fraction_tail_patterns()
    m = and_a.match(text, end, end + 40) if value is not None else None
    if m:
        num = 1 if m.group("num").lower() in ("a", "an") else lex.number_words.units[m.group("num").lower()]
        den = lex.fraction_words[m.group("den").lower()]
        if num < den and (num == 1) != m.group("den").lower().endswith("s"):
            return value + num / den, m.end()
        return None
    m = after.match(text, end, end + 16)
    lower = raw.lower()
    if m is None or " and " not in lower:
        return None
    head, _, last = lower.rpartition(" and ")
    whole, num = parse_number(head, lex), parse_number(last, lex)
    den = lex.fraction_words[m.group("den").lower()]
    if whole is None or num is None or not num.is_integer() or not 1 <= num < den or (num == 1) == m.group("den").lower().endswith("s"):
        return None
    return whole + num / den, m.end()


def _a_fraction(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "a fifth of the vote", "a quarter of the budget", "a twenty-first of the land": one part,
    written with "a"."""
    text = ctx.text
    if text[pos : pos + 2].lower() not in ("a ", "an"):
        return None
    article = _ARTICLE.match(text, pos)
    found = fraction_patterns().part_of.match(text, article.end(), min(len(text), article.end() + 80)) if article else None
    if not found:
        return None
    parts = _denominator(ctx.lexicon, found.group("den"))
    if parts is None or parts[1]:
        return None  # "a thirds" is no fraction as written
    noun = found.group("den").lower()
    if noun.startswith("quarter") and (found.group("next") or "").lower() in _TIME_AFTER_QUARTERS:
        return None  # "a quarter of the year": a length of time
    return _fraction(ctx, pos, found.end("den"), 1 / parts[0])


_ARTICLE = regex.compile(r"(?i:an?)(?=\s)")


def _slash_fraction(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "3/4 of the members", "a 1/4 mile track": a fraction in digits, only before "of" or a unit
    of measure (alone, "3/4" is as often March 4 or a score)."""
    m = _SLASH.match(ctx.text, pos)
    if m is None or not _proper(int(m.group("num")), int(m.group("den"))):
        return None
    share = int(m.group("num")) / int(m.group("den"))
    if _OF_AFTER.match(ctx.text, m.end()):
        return _fraction(ctx, pos, m.end(), share)
    after = words_after(ctx.text, m.end(), min(len(ctx.text), m.end() + 30), 1)
    if after and after[0].lower in ctx.lexicon.measure_units:
        unit = ctx.lexicon.measure_units[after[0].lower]
        return Mention("count", pos, m.end(), CountValue(value=share, low=share, high=share, unit=unit), 0.8,
                       subject=after[0].text, subject_span=(after[0].start, after[0].end))
    return None


# What "two quarters of the year" measures is time, not a share of something.
_TIME_AFTER_QUARTERS = frozenset("year fiscal financial calendar".split())


def _spaced_fraction(ctx: ExtractionContext, m: regex.Match) -> Mention | None:
    """ "two thirds of the delegates", "one fifth of its budget", "three twenty-firsts", "a two
    thirds majority", "twenty-three fifths": a figure and the plural of a fraction word after it
    make a fraction (the whole figure is the numerator, so a fraction may exceed one). The
    singular ("one fifth") and halves and quarters only before "of" and a determiner, so that
    "one third term" or "three quarters in a row" stay what they are."""
    text = ctx.text
    patterns = fraction_patterns()
    following = text[m.end() : m.end() + 24].split(None, 1)
    if not following or following[0].lower().rstrip(".,;:!?)'\"").split("-", 1)[0] not in patterns.starts:
        return None  # most figures: no fraction word after them, no pattern tried
    found = patterns.denominator.match(text, m.end(), min(len(text), m.end() + 40))
    if not found:
        return None
    lex = ctx.lexicon
    noun = found.group("den").lower()
    numerator = m.group()
    words = numerator.lower().split()
    if noun in patterns.unit_ordinals and len(words) > 1 and words[-1] in lex.number_words.tens and words[-2] != "and":
        # "one hundred thirty fifths" are a hundred thirty-fifths, "twenty twenty fifths" twenty
        # twenty-fifths; "one hundred and thirty fifths" are 130 fifths, "twenty fifths" 20.
        parts = _denominator(lex, f"{words[-1]} {noun}")
        numerator = numerator[: numerator.lower().rindex(words[-1])].rstrip(" -")
    else:
        parts = _denominator(lex, noun)
    if parts is None:
        return None
    parts_of, plural = parts
    if " and " in numerator.lower() and _fraction_tail(ctx, m.group(), parse_number(m.group(), lex), m.end()):
        return None  # "twenty and three fifths": a mixed number, read as one
    value = parse_number(numerator, lex)
    if value is None or not value.is_integer() or value < 1 or (value == 1) == plural:
        return None  # "one thirds", "two third", "twenty fifth anniversary": not a fraction as written
    whole = patterns.part_of.match(text, m.end(), min(len(text), m.end() + 80))
    halves_or_quarters = noun.startswith(("half", "halves", "quarter"))
    if whole is None and (not plural or halves_or_quarters):
        return None
    if halves_or_quarters and value >= parts_of:
        return None
    if noun.startswith("quarter") and (value == 2 or (whole.group("next") or "").lower() in _TIME_AFTER_QUARTERS):
        return None  # "two quarters of the year": a length of time
    return _fraction(ctx, m.start(), found.end("den"), value / parts_of)


def _fraction(ctx: ExtractionContext, start: int, end: int, share: float) -> Mention:
    """A fraction, with the qualifier before it: "nearly two thirds", "more than a fifth"."""
    start, qualifier, low, high = _qualified(ctx, start, share)
    count = CountValue(value=share, low=low, high=high, qualifier=qualifier, unit="fraction")
    return Mention("count", start, end, count, 0.8, qualifier=qualifier, compound=True)


def _qualified(ctx: ExtractionContext, start: int, value: float) -> tuple[int, Qualifier, float | None, float | None]:
    """Where a figure starts with the qualifier before it ("nearly", "more than"), the qualifier,
    and the bounds it gives the figure."""
    if _may_follow_qualifier(ctx.text, start, _qualifier_tails()):
        q_match = count_patterns().qualifier_before.search(ctx.text, max(0, start - 30), start)
        if q_match and q_match.group("q") and not q_match.group("cur"):
            qualifier = ctx.lexicon.qualifier_of(q_match.group("q")) or "exact"
            return q_match.start("q"), qualifier, *bounds(value, qualifier, q_match.group("q"))
    return start, "exact", value, value


_VULGAR_ALONE = re.compile(rf"(?<![0-9])[{VULGAR_FRACTIONS}]")
_LEADING_POINT = regex.compile(r"\.\d+(?![\p{N}\p{L}]|[.,]\d)")
_SHARE_OF = regex.compile(r"\s+(?i:of)\s+(?i:the|its|their|all|those|these|his|her|our|your|every|each)\b")
_INCH_MARK = regex.compile(r'[ \t]?["″]')


def _leading_point(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ ".08 percent", ".5 of the vote", ".5 inches": a decimal written without its zero, read only
    where a unit or "of" says what it measures (".22 calibre" and ".300 hitters" are names)."""
    text = ctx.text
    if text[pos - 1 : pos] != "." or (pos > 1 and text[pos - 2] not in " \t\n(\"'“‘"):
        return None
    m = _LEADING_POINT.match(text, pos - 1)
    if m is None:
        return None
    value = float("0" + m.group())
    if _SHARE_OF.match(text, m.end()):
        return _fraction(ctx, m.start(), m.end(), value)
    end, subject, span = m.end(), None, None
    pct = count_patterns().percent_after.match(text, m.end())
    if pct:
        unit, end = "percent", pct.end()
    else:
        after = words_after(text, m.end(), min(len(text), m.end() + 30), 1)
        if not after or after[0].lower not in ctx.lexicon.measure_units:
            return None
        unit = ctx.lexicon.measure_units[after[0].lower]
        subject, span = after[0].text, (after[0].start, after[0].end)
    start, qualifier, low, high = _qualified(ctx, m.start(), value)
    count = CountValue(value=value, low=low, high=high, qualifier=qualifier, unit=unit)
    return Mention("count", start, end, count, 0.8, qualifier=qualifier, subject=subject, subject_span=span)


def _compound_count(ctx: ExtractionContext, m: regex.Match) -> list[Mention]:
    """ "a three-nation tour": 3 nations, with the tour as context."""
    lex = ctx.lexicon
    noun = m.group("noun")
    if noun in lex.fraction_words:
        # "two-thirds of the members", "one-fifth of the land": a fraction of something; "a
        # two-thirds majority", "three-fourths are": a fraction, as "two thirds" is.
        value = parse_number(m.group("n1"), lex)
        parts = lex.fraction_words[noun]
        plural = noun.endswith("s")
        if value is None or not value.is_integer() or value < 1 or (value == 1) == plural:
            return []
        if _OF_AFTER.match(ctx.text, m.end()):
            if value >= parts:
                return []
        elif not plural or noun.startswith(("halves", "quarter")):
            return []
        return [_fraction(ctx, m.start(), m.end(), value / parts)]
    if noun in lex.time_units or noun in _NOT_COUNTED_COMPOUNDS or m.group("n1").lower() == "one":
        return []
    value = parse_number(m.group("n1"), lex)
    if value is None:
        return []
    count = CountValue(value=value, low=value, high=value)
    return [Mention("count", m.start(), m.end(), count, 0.8, subject=noun, compound=True)]


def _names_a_unit(ctx: ExtractionContext, end: int) -> bool:
    """ "Ryu Kyong Su 105 Guards Tank Division", "the 927 Chicken Farm": a number before a
    capitalised name that ends in a singular unit or organisation noun is part of the name (a
    count would take a plural: "533 DPRK Heroes", "4 NATO Soldiers")."""
    text = ctx.text
    if text[end : end + 1] != " " or not text[end + 1 : end + 2].isupper():
        return False
    line_end = text.find("\n", end, end + 80)
    name = []
    for word in words_after(text, end, min(end + 80, len(text)) if line_end == -1 else line_end, 6):
        if not word.text[0].isupper():
            break
        name.append(word)
    return bool(name) and name[-1].lower in ctx.lexicon.name_heads


_NAMED_TOTAL_REACH = 240


def _named_total(ctx: ExtractionContext, start: int) -> str | None:
    """ "The number of such patriotic young people has already amounted 81,858" → the people;
    "the number of young people who volunteered had reached 81,858" → "young people"."""
    sentence = ctx.index.sentence_at(start)
    found = None
    # The phrase and its verb stand within a few words of the figure: read back only that far.
    begin = max(sentence.start, start - _NAMED_TOTAL_REACH)
    if "number" not in ctx.text[begin:start].lower():
        return None  # most figures have no "the number of" before them: no regex search
    for m in count_patterns().number_of.finditer(ctx.text, begin, start):
        found = m
    # The total's verb must lead to this figure ("has already amounted 81,858", "stood at
    # over 1,600"), not to an earlier one in the same sentence.
    if not found or len(ctx.text[found.end() : start].split()) > 3:
        return None
    return _counted_noun_phrase(ctx, found.group("what"))


def _counted_noun_phrase(ctx: ExtractionContext, phrase: str) -> str | None:
    """The noun phrase that ``phrase`` starts with, without its determiners and without what
    qualifies it after: a relative clause ("young people who volunteered"), a prepositional
    phrase ("the unemployed in April") or a participle ("cases infected with cholera")."""
    words = phrase.split()
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    stops = ctx.lexicon.phrase_stops
    kept: list[str] = []
    for word in words:
        lower = word.lower()
        if lower in stops and lower not in _COORDINATORS:
            break
        if kept and is_noun_end(kept[-1]) and lower.endswith(("ed", "ing")):
            break
        kept.append(word)
    while kept and kept[-1].lower() in _DANGLING:
        kept.pop()
    return " ".join(kept) or None


def _definite_reference(ctx: ExtractionContext, start: int, value: float) -> bool:
    """ "the two countries" refers back to things already named; it is not a new figure."""
    if value >= 10 or "the" not in ctx.text[max(0, start - 12) : start].lower():
        return False  # (the test of the window: most figures follow no "the")
    before = words_before(ctx.text, start, max(0, start - 12), 1)
    return bool(before) and before[-1].lower == "the"
