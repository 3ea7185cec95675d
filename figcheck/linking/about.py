"""What a figure is about: a date's own event and the offsets that place it relative to another
("a day after the proclamation"), a count's own noun and unit, and the whole a part belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from figcheck.linking.cues import load_cues, pattern
from figcheck.linking.sentences import Clause, Sentence, Sentences
from figcheck.linking.words import words
from figcheck.records import Claim, CountValue, DurationValue

# The preposition that attaches a date to the word before it ("published on", "founded in").
_DATE_PREPOSITION = re.compile(r"(?:\b(?:on|in|of|dated|at|since|from)\s*)$", re.IGNORECASE)
_LAST_WORD = re.compile(r"([A-Za-z][\w'’-]*)\W*$")
_OFFSET = re.compile(r"^(?P<amount>.*?)\b(?P<relation>after|before|following|prior to|later than|earlier than)\b\s+(?P<event>.+)$",
                     re.IGNORECASE)
_STEM = 5


@dataclass(frozen=True)
class Offset:
    """A date placed relative to an event: "Sept. 10, 1948, a day after the proclamation of ...".
    ``days`` is signed: the date is ``days`` after the event (negative: before it)."""

    days: float
    event: str
    duration: Claim
    # Half the unit of the offset ("two years": half a year), in days: how far off it may be.
    slack_days: float


@dataclass(frozen=True)
class DateAbout:
    """What a date dates: the words of its own clause, the word that attaches it ("published",
    "founded"), and an offset to another event if the text gives one."""

    clause: str
    event_word: str | None
    offset: Offset | None


_RELATION_START = re.compile(r"^(?:after|before|since|following|prior to|until|till|ahead of|preceding|"
                             r"later|earlier)\b", re.IGNORECASE)
# A lead that commemorates ("the celebrations of the 80th birthday of ... in April 1992"): the
# date is the commemoration's, not the event's.
_COMMEMORATION = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|anniversary|birthday|centenary|centennial|jubilee)\b",
                            re.IGNORECASE)
# A lead that leaves the date to open its clause ("On June 25, 1950, the war broke out", "said
# that on Sept. 9, 1948, the President founded ..."): its event is told after it.
_OPENING = re.compile(r"^(?:(?:.*\b(?:that|and|but|then))?\s*(?:on|in|at|by|during|from|since)?\s*)$", re.IGNORECASE)
# "... is the day when the DPRK was founded": the clause after "when" tells the date's event.
_DAY_WHEN = re.compile(r"^(?:is|was|marks|marked|became)\s+(?:the|a)\s+(?:day|date|year|month)$", re.IGNORECASE)
_GLOSS_LEAD = re.compile(r"([^,;:(\[\"“”—]*)\(\s*$")


def date_about(claim: Claim, sentence: Sentence) -> DateAbout:
    """A date's own clause is the one leading up to it; the one after it only when the date
    opens its sentence or clause, and never when that one places it relative to something else
    ("after the liberation of Korea") or when the lead commemorates an earlier event."""
    clause = sentence.clause(claim)
    gloss = _GLOSS_LEAD.search(sentence.before(claim))
    if gloss:
        # "the Fatherland Liberation War (1950-1953)": a bracketed date glosses the name before it.
        return DateAbout(gloss.group(1).strip(), None, None)
    offset = _offset(claim, clause, sentence)
    if _COMMEMORATION.search(clause.lead):
        return DateAbout("", None, offset)
    own = clause.lead
    opening = (_OPENING.match(clause.lead) or len(clause.lead.split()) <= 2) and not _continues_date(claim, sentence)
    if offset is None and opening and not _RELATION_START.match(clause.trail):
        own = clause.text
        if _DAY_WHEN.match(clause.trail):
            rest = sentence.after(claim)
            at = rest.find(clause.trail) + len(clause.trail)
            own = f"{clause.lead} {rest[at:].split(',')[0]}".strip()
    # A name right after the date is what it dates: "the 1950-53 Korean War".
    subject = claim.subject or ""
    if subject and sentence.after(claim).lstrip(" -–").startswith(subject):
        own = f"{own} {subject}".strip()
    return DateAbout(own, _event_word(clause), offset)


def _continues_date(claim: Claim, sentence: Sentence) -> bool:
    """Whether the date finishes the phrase of a date just before it ("from late January to
    February in 2008", "June 25 of 1950"): it then opens no clause of its own."""
    for other in sentence.claims_between(claim.start - _NEAR_DATE_CHARS, claim.start):
        if other.id == claim.id or other.kind not in ("date", "date_range") or other.end > claim.start:
            continue
        gap = sentence.text[other.end - sentence.start : claim.start - sentence.start]
        if len(gap.split()) <= 2 and not re.search(r"[,;:.()\[\]]", gap):
            return True
    return False


# How far before a date another date may start for the two to read as one phrase (a range
# of words such as "from late January to February" is long).
_NEAR_DATE_CHARS = 120


def _event_word(clause: Clause) -> str | None:
    """The word a date is attached to: "published" in "published on September 9, 1983"."""
    m = _DATE_PREPOSITION.search(clause.lead)
    if not m:
        return None
    w = _LAST_WORD.search(clause.lead[: m.start()])
    if not w or not w.group(1)[:1].islower():
        return None
    return w.group(1).lower()


def event_word_fits(word: str | None, phrases: tuple[str, ...] | list[str]) -> bool:
    """Whether the word a date is attached to can name the event of one of ``phrases`` (a fact's
    keywords): "founded" fits "founding", "published" does not. Words that only place a date
    ("was", "held", "took place") are not event words and fit anything."""
    if word is None or word in _PLACING_WORDS or not re.search(r"(?:ed|en|ing|ion|ment|ure|al)$", word):
        return True
    stem = word[:_STEM]
    return any(w[:_STEM] == stem for phrase in phrases for w in words(phrase))


_PLACING_WORDS = frozenset({"was", "were", "held", "born", "dated", "happened", "occurred", "place", "began",
                            "started", "begun", "opened", "ended", "took"})


def _offset(claim: Claim, clause: Clause, sentence: Sentence) -> Offset | None:
    m = _OFFSET.match(clause.trail)
    if not m:
        return None
    end = claim.end - sentence.start
    trail_at = sentence.text.find(clause.trail, end, end + len(clause.trail) + 8) + sentence.start
    for other in sentence.claims_between(trail_at, trail_at + m.start("relation")):
        if other.kind != "duration":
            continue
        value = other.value
        assert isinstance(value, DurationValue)
        days = _duration_days(value.timex)
        if days is None:
            return None
        sign = -1 if m.group("relation").lower() in ("before", "prior to", "earlier than") else 1
        return Offset(sign * days, m.group("event").strip(), other, _duration_days(f"P1{value.timex[-1]}") / 2)
    return None


_UNIT_DAYS = {"Y": 365.2425, "M": 30.436875, "W": 7.0, "D": 1.0}


def _duration_days(timex: str) -> float | None:
    m = re.fullmatch(r"P(\d+(?:\.\d+)?)([YMWD])", timex)
    return float(m.group(1)) * _UNIT_DAYS[m.group(2)] if m else None


# --- counts ------------------------------------------------------------------------------


def measure_of(claim: Claim) -> str | None:
    """The unit that makes a count a measurement ("mm", "degrees", "times", "pct"), if any."""
    value = claim.value
    if isinstance(value, CountValue) and value.unit:
        return value.unit
    subject = claim.subject or ""
    m = pattern("measure_words").search(subject)
    if m and subject[: m.start()].strip() == "":
        return m.group(0).lower()
    return None


def head(subject: str | None) -> str | None:
    """The noun a count counts: the last word of its subject before "of", singular."""
    if not subject:
        return None
    folded = words(subject.split(" of ")[0])
    return folded[-1] if folded else None


def modifiers(claim: Claim) -> frozenset[str]:
    """The subject's words besides its head ("young", "working" in "young and working people")."""
    found = set(words(claim.subject)) - {head(claim.subject), "and", "of", "or"}
    return frozenset(w for w in found if not w.isdigit())


def whole_of(part: Claim, sentences: Sentences, by_id: dict[str, Claim]) -> Claim | None:
    """The whole a part belongs to. The extractor's choice is kept when the part counts the
    same kind of thing as it, or something it can contain; when it does not and an earlier
    figure of the sentence counts what the part counts ("300 million saplings of 50 species
    including 900,000 zelkova saplings"), that figure is the whole. Percentages of different
    bases ("25 pct of total trade, including 40 pct of trade in machines") have no whole."""
    whole = by_id.get(part.part_of or "")
    if whole is None:
        return None
    part_unit, whole_unit = measure_of(part), measure_of(whole)
    if part_unit or whole_unit:
        if part_unit != whole_unit or _base(part) != _base(whole):
            return None
    part_head = head(part.subject)
    if part_head is None or part_head == head(whole.subject):
        return whole
    for other in reversed(sentences.of(part).claims):
        if other.kind == "count" and other.start < part.start and other.id != whole.id and head(other.subject) == part_head:
            return other
    return whole


def _base(claim: Claim) -> tuple[str, ...]:
    """What a share is a share of: "of total trade" → ("total", "trade")."""
    text = f"{claim.subject or ''} {claim.context or ''}"
    m = re.search(r"\bof\s+(?:the\s+)?([\w\s-]+)", text)
    return words(m.group(1)) if m else ()


def refers_back(claim: Claim) -> bool:
    """Whether the figure's own words point back to one given before ("such young people")."""
    return bool(pattern("referring_back").search(f"{claim.context or ''} {claim.subject or ''}"))


_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*)*)")
_NOT_PLACE = frozenset({"I", "The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "This", "That",
                        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})


def proper_names(text: str) -> frozenset[str]:
    """The capitalised names in a text, except at its start: places, companies, countries."""
    found = set()
    for m in _PROPER.finditer(text):
        name = m.group(1).rstrip(".")
        if name and name not in _NOT_PLACE and not name.isdigit():
            found.add(name.lower())
    return frozenset(found)


def is_measure_word(word: str) -> bool:
    return word.lower() in set(load_cues().measure_words)


# A clause right after the duration's noun phrase (its subject, up to two more words and an "of"
# phrase) that says when it ran: "the four-year programme which ran from 1984 to 1986", "the two-year strike, which
# lasted from March 2001 to May 2003", "the two-week tour runs from July 15 to July 28", "the three-day conference,
# held from July 1 to 3". Only verbs of lasting: "the three-year plan that followed the war of 1950-1953" dates
# something else.
_RAN_FROM = re.compile(
    r"(?:\s+(?!(?:and|or|but|with|which|that|of|in|at|on)\b)[a-z][\w-]*){0,2}"
    r"(?:\s+(?:of|in|at|on)\s+[^,;()\d]{1,40}?)?\s*(?:,\s*(?:held|staged|run|fought|waged|scheduled)"
    r"|,?\s*(?:(?:which|that)\s+)?(?:(?:will\s+)?(?:run|last|continue|go\s+on|span|stretch|take\s+place)|runs|ran|lasts|lasted|"
    r"continues|continued|went\s+on|goes\s+on|spans|spanned|stretched|takes\s+place|took\s+place|"
    r"(?:was|were|is|are|will\s+be)\s+(?:held|waged|fought|carried\s+out|scheduled|staged)))\s+(?=from\b|between\b|\d)",
    re.IGNORECASE,
)


def range_of(duration: Claim, ranges: list[Claim], sentence: Sentence) -> Claim | None:
    """The date range a stated length measures: the range in brackets right after the
    duration's own subject ("the three-year-long war (June 25, 1950-July 27, 1953)"), else the
    nearest range whose subject is the same noun ("the 1950-53 war ... the three-year war")."""
    rest = sentence.after(duration)
    lead = len(rest) - len(rest.lstrip(" -"))
    subject = duration.subject or ""
    if subject and rest[lead:].startswith(subject):
        after_subject = rest[lead + len(subject) :]
        bracket = duration.end + lead + len(subject) + (len(after_subject) - len(after_subject.lstrip()))
        if after_subject.lstrip().startswith("("):
            inside = [r for r in sentence.claims_between(bracket + 1, bracket + 8) if r.kind == "date_range"]
            if inside:
                return inside[0]
        ran = _RAN_FROM.match(after_subject)
        if ran:
            at = duration.end + lead + len(subject) + ran.end()
            for told in sentence.claims_between(at, at + 9):
                gap = sentence.text[at - sentence.start : told.start - sentence.start]
                if told.kind == "date_range" and gap.strip().lower() in ("", "from", "between"):
                    return told
    noun = head(subject)
    same = [r for r in ranges if r.subject and head(r.subject) == noun]
    return min(same, key=lambda r: abs(r.start - duration.start)) if same else None


# A length's own noun phrase told with the day it started and the day it ends: "the 10-day
# festival opened on Friday, August 3, ... and runs until Thursday, August 9", "the 13-day feast,
# which began on June 1 and ends on June 13". The noun phrase is at most six words (an "of"
# phrase among them) and the start comes before any other figure; the end is a verb of ending or
# lasting with its own date, later in the same sentence.
_STARTED_ON = re.compile(
    r"(?:\s+(?!(?:and|or|but|with)\b)[\w'’-]+){0,6}?\s*,?\s*(?:(?:which|that)\s+)?(?:(?:was|were|is|are|has\s+been|had\s+been)\s+)?"
    r"(?:opened|opens|began|begins|started|starts|kicked\s+off|kicks\s+off|got\s+under\s*way|gets\s+under\s*way|"
    r"convened|opened\s+its\s+doors)\s+(?:on\s+)?(?=\S)",
    re.IGNORECASE,
)
_ENDS_ON = re.compile(
    r"(?:\band\s+|,\s*)(?:(?:will|is\s+to|is\s+due\s+to)\s+)?"
    r"(?:runs?|ran|lasts?|lasted|continues|continued|ends?|ended|closes?|closed|finish(?:es)?|finished|concludes?|concluded|"
    r"goes\s+on|went\s+on)\s+(?:until|till|through|to|on)\s+$",
    re.IGNORECASE,
)


def run_of(duration: Claim, sentence: Sentence) -> tuple[Claim, Claim] | None:
    """The first and last day of what a stated length measures, when its sentence tells when it
    started and when it ends (see ``_STARTED_ON``): the two date claims, or None."""
    rest = sentence.after(duration, 160)
    began = _STARTED_ON.match(rest)
    if not began:
        return None
    at = duration.end + began.end()
    following = sentence.claims_between(duration.end, sentence.start + len(sentence.text))
    first = next((c for c in following if c.end > duration.end), None)
    if first is None or first.kind != "date" or not at <= first.start <= at + 10:
        return None
    gap = sentence.text[at - sentence.start : first.start - sentence.start]
    if gap.strip(" ,") and not re.fullmatch(r"[A-Z][a-z]+day,?\s*", gap):
        return None
    for last in following:
        if last.start <= first.end or last.kind != "date":
            continue
        between = sentence.text[first.end - sentence.start : last.start - sentence.start]
        if _ENDS_ON.search(re.sub(r"[A-Z][a-z]+day,?\s*$", "", between)):
            return first, last
        return None
    return None


# --- the event an event phrase names -------------------------------------------------------

# A relative clause tells more about the event's thing, it does not name the event: "the
# founding of the academy, which was set up in the DPRK".
_RELATIVE = re.compile(r";|\s(?:which|who|whom|whose|where|when|while)\b", re.IGNORECASE)
# A bracketed gloss ("the Armistice Agreement (AA)") adds nothing to what the phrase names.
_GLOSS = re.compile(r"\s*\([^()]*\)")
# The verb of an event told as a clause: "the academy was founded", "the war broke out".
_CLAUSE_VERB = re.compile(
    r"\b(?:(?:was|were|is|are|has been|have been|had been)\s+(?:[a-z]+ly\s+)?[a-z][\w'’-]*(?:\s+(?:up|out|down|off))?"
    r"|broke out|took place|began|started|ended|came into being)\b"
)


# A clause of another time after an event ("since the war broke out when the memorial
# opened in 2001"): a date in it is not the event's.
TEMPORAL_CLAUSE = re.compile(r"\b(?:when|while|by the time|as)\b", re.IGNORECASE)


def event_named(phrase: str | None) -> str:
    """The words of an event phrase ("since ...", "the anniversary of ...") that name the event.
    A relative clause after it is left out; so is what follows the verb of an event told as a
    clause: in "the Academy of Koryo Medicine was founded in the DPRK" the academy's founding is
    the event, and the DPRK is where it happened, not what was founded."""
    if not phrase:
        return ""
    phrase = _GLOSS.sub("", phrase)
    cut = _RELATIVE.search(phrase)
    named = phrase[: cut.start()] if cut else phrase
    verb = _CLAUSE_VERB.search(named)
    if verb and named[: verb.start()].strip():
        named = named[: verb.end()]
    return named.strip()


# Words that make an event phrase point back to something named elsewhere: "his birth", "its
# founding", "the same day".
_POINTING = frozenset("his her its their our my your this that these those same such".split())


def points_back(phrase: str | None) -> bool:
    """Whether an event phrase points back to an event named elsewhere ("its founding") rather
    than naming one itself."""
    return any(w.casefold() in _POINTING for w in re.findall(r"[^\W_]+", phrase or ""))
