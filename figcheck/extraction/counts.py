"""Counts and measures: "661,736 volunteers", "twelve were honored", "more than 80,000 young and
working people", "three to four", "1.2 million tons", "45 percent", "three-nation tour",
"30 000-strong U.S. forces"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.numbers import bounds, number_patterns, parse_number
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
        percent_after=regex.compile(r"\s*%|\s+(?i:percent|per\s+cent|pct)\b"),
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
            rf"\s+(?i:{alternation(lex.partitive_cues['listing'])})\b|\s*,?\s+(?i:{alternation(lex.total_markers)})\b"
        ),
    )


_CLOCK_UNITS = frozenset("minute minutes second seconds".split())
_OF_AFTER = regex.compile(r"\s+(?i:of)\b")
# Nouns after a figure with a glued "m" that make it millions ("1.2m people"); otherwise
# only a currency sign does ("£1.2m"): in sports and building news "m" is metres.
_MILLIONS_OF = frozenset("people residents users viewers voters visitors tourists passengers customers subscribers".split())
_GLUED_M = regex.compile(r"\d(?i:m)$")
_CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


def find_counts(ctx: ExtractionContext) -> list[Mention]:
    p = count_patterns()
    lex = ctx.lexicon
    text = ctx.text
    out: list[Mention] = []
    last_end = -1
    for pos in ctx.triggers.numbers():
        if pos < last_end:
            continue  # inside "three hundred and fifty", already read
        m = p.number.match(text, pos)
        if not m:
            continue
        last_end = m.end()
        compound = p.compound.match(text, pos) if text[m.end() : m.end() + 1] == "-" else None
        strength_end = None
        # "seventy-one" is one number, not seventy "one"s.
        if compound and not lex.is_number_word(compound.group("noun")):
            if compound.group("noun") not in lex.strength_words:
                out.extend(_compound_count(ctx, compound))
                continue
            strength_end = compound.end()  # "30 000-strong U.S. forces" counts the forces
        raw = m.group()
        ratio = p.ratio_after.match(text, m.end()) if text[m.end() : m.end() + 5].lower().startswith((" in ", " out ")) else None
        found = _ratio(ctx, m.start(), parse_number(raw, lex), ratio) if ratio else None
        if found:
            # "one in five adults": a fraction, not five adults.
            last_end = ratio.end()
            out.append(found)
            continue
        if ctx.outranked(m.start(), m.end()):
            continue  # the year of a date, the number of a duration: that mention wins
        fraction = _spaced_fraction(ctx, m) if text[m.end() : m.end() + 1] == " " else None
        if fraction:
            # "two thirds of the delegates": a fraction, not two of something.
            last_end = fraction.end
            out.append(fraction)
            continue
        if raw.lower() in ("one", "zero"):
            continue  # "one of them", "on one side": rarely a figure worth checking
        if raw.lower() in lex.number_words.scales:
            continue  # "the Million Man March", "Hundred Flowers": a scale word alone is a name
        if _names_a_unit(ctx, m.end()):
            continue
        value = parse_number(raw, lex)
        if value is None:
            continue
        start, end = m.start(), m.end()
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
        rng = p.range_after.match(text, end) if strength_end is None else None
        if rng:
            second = parse_number(rng.group("n2"), lex)
            sep = rng.group("sep")
            joins = sep != "and" or (opener or "").lower() == "between"
            if second is not None and second > value and joins:
                low, high, qualifier = value, second, "range"
                end = rng.end()
                if opener and not phrase:
                    start = q_match.start("between2")
        pct = p.percent_after.match(text, end) if strength_end is None else None
        if pct:
            unit, end = "percent", pct.end()
        end = strength_end or end
        subject, subject_span = subject_after(ctx, end)
        if subject and subject[0].islower() and _verb_before_noun(ctx, subject, subject_span) and _opens_clause(ctx, start):
            # "2010 saw record growth", "About 600 remain missing": a verb, no noun (but "1 000
            # discharged soldiers", "1 400 heavily-armed policemen" count a noun)
            subject, subject_span = None, None
        if subject:
            first = subject.split()[0].lower()
            if first in lex.time_units:
                continue  # a duration, found by its own recognizer
            last = subject.split()[-1].lower()
            if unit is None and (first in lex.measure_units or last in lex.measure_units):
                # "tons of rice", "U.S. dollars"
                unit = lex.measure_units.get(first) or lex.measure_units[last]
        if raw[-1] in "mM" and _GLUED_M.search(raw) and unit is None and not (subject and subject.split()[0].lower() in _MILLIONS_OF):
            continue  # "a 100m race", "the 25m pistol": metres, not millions
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
    out.extend(_vague_amounts(ctx))
    return out


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


@cache
def _spaced_fraction_pattern() -> regex.Pattern:
    nouns = alternation(load_lexicon().fraction_words)
    return regex.compile(
        rf"\s+(?P<noun>(?i:{nouns}))\s+(?i:of)\s+"
        r"(?P<det>(?i:the|its|their|all|those|these|his|her|our|your|every|each))\b(?:\s+(?P<next>\p{L}+))?"
    )


# What "two quarters of the year" measures is time, not a share of something.
_TIME_AFTER_QUARTERS = frozenset("year fiscal financial calendar".split())


def _spaced_fraction(ctx: ExtractionContext, m: regex.Match) -> Mention | None:
    """ "two thirds of the delegates", "one fifth of its budget": a fraction written with a
    space, read as "two-thirds of" is; only before "of" and a determiner, so that "two quarters
    in a row" or "three fifths" alone stay what they are."""
    # Bounded: a failed match must not scan the rest of the article for "of".
    found = _spaced_fraction_pattern().match(ctx.text, m.end(), min(len(ctx.text), m.end() + 80))
    if not found:
        return None
    lex = ctx.lexicon
    noun = found.group("noun").lower()
    value = parse_number(m.group(), lex)
    parts = lex.fraction_words[noun]
    if value is None or not value.is_integer() or not 1 <= value < parts:
        return None
    if (value == 1) == noun.endswith("s") and noun not in ("half", "halves"):
        return None  # "one thirds", "two third": not a fraction as written
    if noun.startswith("quarter") and (value == 2 or (found.group("next") or "").lower() in _TIME_AFTER_QUARTERS):
        return None  # "two quarters of the year": a length of time
    share = value / parts
    count = CountValue(value=share, low=share, high=share, unit="fraction")
    return Mention("count", m.start(), found.end("noun"), count, 0.8, compound=True)


def _compound_count(ctx: ExtractionContext, m: regex.Match) -> list[Mention]:
    """ "a three-nation tour": 3 nations, with the tour as context."""
    lex = ctx.lexicon
    noun = m.group("noun")
    if noun in lex.fraction_words and _OF_AFTER.match(ctx.text, m.end()):
        # "two-thirds of the members", "one-fifth of the land": a fraction of something.
        value = parse_number(m.group("n1"), lex)
        if value is None or value >= lex.fraction_words[noun]:
            return []
        share = value / lex.fraction_words[noun]
        count = CountValue(value=share, low=share, high=share, unit="fraction")
        return [Mention("count", m.start(), m.end(), count, 0.8, compound=True)]
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
    if value >= 10:
        return False
    before = words_before(ctx.text, start, max(0, start - 12), 1)
    return bool(before) and before[-1].lower == "the"
