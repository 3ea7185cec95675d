"""Anniversaries: "the 71st anniversary of China's dispatching of troops", "the Party's 70th founding
anniversary", "mark 60 years of diplomatic relationship", "his 70th birthday"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.numbers import number_patterns, parse_number
from figcheck.extraction.text import search_back, words_after
from figcheck.records import AnniversaryValue

_MAX_EVENT_WORDS = 14
# Words that may stand between the ordinal and "anniversary" and name the kind of event.
_EVENT_ADJECTIVES = (
    "founding|birth|death|liberation|victory|wedding|independence|establishment|inauguration|"
    "opening|publication|signing|creation|formation|foundation|reunification|armistice|"
    "demise|release|launch|completion|accession|election|entry|union|wedding"
)


# Auxiliaries and verbs that follow an anniversary's noun phrase as its clause's verb.
_EVENT_PHRASE_VERBS = frozenset(
    "is are was were will would has have had can could may might must shall should falls fall "
    "comes coincides coincided".split()
)


@dataclass(frozen=True)
class AnniversaryPatterns:
    """Matched at "anniversary" / "birthday" (looking back for the ordinal) and at "years"."""

    word: regex.Pattern  # at the trigger: "anniversary of "
    ordinal_before: regex.Pattern  # "71st ", "the Party's 70th founding "
    years_of_before: regex.Pattern  # "mark 60 " before "years"
    years_of_after: regex.Pattern  # "years of " / "years since "
    event_end: regex.Pattern
    observed_year: regex.Pattern
    owner: regex.Pattern  # searched backwards from the ordinal: "the WPK's", "his"


_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)


@cache
def anniversary_patterns() -> AnniversaryPatterns:
    lex = load_lexicon()
    n = number_patterns()
    return AnniversaryPatterns(
        word=regex.compile(r"(?P<word>(?i:anniversary|birthday|jubilee))\b(?:\s+of\s+)?"),
        ordinal_before=regex.compile(rf"(?P<ord>{n.ordinal})\s+(?:(?P<adj>(?i:{_EVENT_ADJECTIVES}))\s+)?$"),
        years_of_before=regex.compile(
            rf"(?i:\b(?:{alternation(lex.anniversary_verbs)}))\s+(?:(?i:the|its|their)\s+)?(?P<n>{n.number})\s+$"
        ),
        years_of_after=regex.compile(r"years\s+(?:of|since)\s+"),
        event_end=regex.compile(
            r"[,;:.!?\"“”()\[\]\n]| -- | – | — "
            r"|\s+(?:that|which|who|whom|when|while|as|on|at|with)\s"
            r"|\s+and\s+(?!the\s|\p{Lu})"
            # "in the province", "in a ceremony" place the celebration; "in the great war", "in
            # the north of the country" go on naming the event.
            rf"|\s+in\s+(?:(?:this|a|an|its|their)\s+\p{{Ll}}+\b|the\s+(?i:{alternation(lex.setting_nouns)})\b)(?!['’])"
            r"|\s+(?:this|last|next)\s+(?:year|month|week)\b"
            # The clause's verb ends the noun phrase: "... of the treaty falls on Friday".
            rf"|(?<!\b(?i:the|a|an|its|their|his|her|of))\s+(?:{alternation(_EVENT_PHRASE_VERBS | lex.anniversary_verbs | lex.irregular_past_verbs)})\b"
            # A figure ends the event, unless it is the day of a date in a name ("the October 4
            # declaration") or the year of an "of" complement ("the crash of 1981").
            rf"|(?<!\b(?:{_MONTH_NAMES}|of))\s+\d"
        ),
        observed_year=regex.compile(rf"\s*(?:in|this|of)\s+(?P<y>{n.year})\b"),
        owner=regex.compile(
            r"(?P<owner>(?:(?i:the)\s+)?(?:[\p{Lu}][\p{L}\p{N}.\-'’]*\s+){0,5}[\p{Lu}][\p{L}\p{N}.\-]*"
            r"|(?i:his|her|its|their))['’]s?\s+$"
        ),
    )


def find_anniversaries(ctx: ExtractionContext) -> list[Mention]:
    p = anniversary_patterns()
    lex = ctx.lexicon
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("anniversary", ()):
        m = p.word.match(text, pos)
        before = p.ordinal_before.search(text, max(0, pos - 60), pos) if m else None
        if not before:
            continue
        ordinal = lex.ordinal_value(before.group("ord"))
        if not ordinal or ordinal > 2000:
            continue
        has_of = text[m.end("word") : m.end()].strip().lower() == "of"
        event_span = _event_after(ctx, m.end()) if has_of else None
        if event_span:
            event = text[event_span[0] : event_span[1]]
            kind = (before.group("adj") or ("birth" if m.group("word").lower() == "birthday" else "")).lower()
            if kind and not event.lower().startswith(("the " + kind, kind)):
                # "the 70th birth anniversary of leader Kim Jong Il": the birth of Kim Jong Il.
                event = f"{kind} of {event}"
        else:
            owner = search_back(p.owner, text, max(0, before.start() - 80), before.start())
            event = _event_from_words(owner.group("owner") if owner else None, before.group("adj"), m.group("word"))
        mention = _anniversary(ctx, before.start(), m.end("word"), ordinal, event, 0.9)
        mention.subject_span = event_span
        out.append(mention)
    for pos in ctx.triggers.words.get("unit", ()):
        after = p.years_of_after.match(text, pos)
        before = p.years_of_before.search(text, max(0, pos - 60), pos) if after else None
        if not before:
            continue
        value = parse_number(before.group("n"), lex)
        if not value or not value.is_integer():
            continue
        event_span = _event_after(ctx, after.end())
        event = text[event_span[0] : event_span[1]] if event_span else "(unnamed event)"
        mention = _anniversary(ctx, before.start("n"), pos + len("years"), int(value), event, 0.8)
        mention.subject_span = event_span
        out.append(mention)
    return out


def _anniversary(ctx: ExtractionContext, start: int, end: int, ordinal: int, event: str, conf: float) -> Mention:
    pub = ctx.published
    observed = anniversary_patterns().observed_year.match(ctx.text, end)
    value = AnniversaryValue(
        ordinal=ordinal,
        event=event,
        implied_event_year=(pub.year - ordinal) if pub else None,
        observed_year=int(observed.group("y")) if observed else None,
    )
    mention = Mention("anniversary", start, end, value, conf)
    mention.subject = event
    return mention


def _event_after(ctx: ExtractionContext, pos: int) -> tuple[int, int] | None:
    """Where the event named after "anniversary of" is in the text."""
    text = ctx.text
    sentence = ctx.index.sentence_at(pos)
    limit = max(pos, sentence.end)
    stop = anniversary_patterns().event_end.search(text, pos, limit)
    end = stop.start() if stop else limit
    words = words_after(text, pos, end, _MAX_EVENT_WORDS)
    if not words:
        return None
    # A trailing "by", "to" or "the" left by the word limit says nothing.
    while words and words[-1].lower in ctx.lexicon.phrase_stops:
        words.pop()
    if not words:
        return None
    end = words[-1].end - (1 if words[-1].text.endswith(".") else 0)
    return (words[0].start, end) if end > words[0].start else None


def _event_from_words(owner: str | None, adjective: str | None, word: str) -> str:
    kind = (adjective or ("birth" if word.lower() == "birthday" else "")).lower()
    if owner and owner.startswith("The "):
        owner = "the " + owner[4:]  # capitalised only because it opens the sentence
    if owner and owner.lower() not in ("his", "her", "its", "their"):
        return f"{kind} of {owner}".strip() if kind else owner
    return kind or "(unnamed event)"
