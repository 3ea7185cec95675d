"""Which counts are parts of which whole: "661,736 volunteers. Of them twelve were honored ... and
226 with ...", "60 members. Nine of them ...", "5,000 people, including 1,204 nurses", "533 DPRK
Heroes (5 twice Heroes)", "Of the 300 passengers, 12 ...".

A partitive cue makes a part only of the count right after it ("Of them[,] twelve", "including
1,204 nurses", "among whom 5") or right before it ("Nine of them"). The counts after that first
part in its sentence are parts too while they go on with its list: each starts a new conjunct
("... and 226 with ...", ", six women") and either follows the part before it with nothing but
the conjunction between them, or has no noun of its own, or counts the first part's noun.
Percentages and compound modifiers ("a three-story house") are never parts or wholes, and a
part is measured in its whole's unit."""

from __future__ import annotations

import bisect
from functools import cache

import regex

from figcheck.extraction.lexicon import PartitiveCue, alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.phrases import head_noun
from figcheck.records import CountValue

_MAX_PART_DISTANCE = 240  # characters between a whole and the cue that refers back to it
# Words between a whole and its "including": "more than 50,000 people from all walks of life
# including 20,000 students"; further away the cue lists examples of something else.
_MAX_LISTING_GAP_WORDS = 6
# "Of the 300 passengers, 12 ..." / "Of the delegates, twelve ...": a partitive put first, at
# the start of its sentence or clause.
_FRONTED_PARTITIVE = regex.compile(
    r"(?:^|(?<=[,;:]\s*))(?i:of|among)\s+(?i:the|these|those|its|their|all\s+the|all)\s+"
    r"(?P<what>[^,;.()]{2,60}?)\s*,\s*(?:(?i:some|about|nearly|almost|only|just|over|more\s+than|at\s+least)\s+)?$"
)
# Between a cue and the part it introduces: "Of them twelve", "Of them, twelve"; "including the
# three leading members" (then the part must count the whole's noun).
_CUE_TO_PART = regex.compile(r"[ \t\n,:]*(?P<article>(?i:the)\s+)?")
# Between two parts of one list: "nine children and four women", "five children, six women".
_LIST_JOIN = regex.compile(r"\s*(?:,\s*)?(?:(?i:and|or|as\s+well\s+as)\s+)?")
# Where a new conjunct starts: "... with the title and 226 with ...", ", 7,220 hectares".
_CONJUNCT_START = regex.compile(r"(?:[,;]|\b(?i:and|or|while|whereas))\s*$")
# "one in three of those": a ratio, not a part.
_RATIO_BEFORE = regex.compile(r"\b(?i:one|\d+)\s+(?i:in)\s+$")
_LISTING_GAP_PUNCTUATION = regex.compile(r"[,;:()\[\]\"“”]")


def link_parts(ctx: ExtractionContext, mentions: list[Mention]) -> None:
    """Sets ``part_of`` on every count that is a part of another (and gives an elliptical part
    its whole's subject)."""
    counts = [m for m in mentions if m.kind == "count" and _may_be_part_or_whole(m)]
    if not counts:
        return
    text = ctx.text
    starts = [c.start for c in counts]
    _link_fronted_partitives(ctx, counts, starts)
    _link_of_the_whole(ctx, counts, starts)
    cues = _partitive_cues(text, counts)
    cue_starts = [cue.start() for cue in cues]
    for cue in cues:
        kind = ctx.lexicon.cue_kind(cue.group())
        assert kind is not None
        cued = _cued_part(text, counts, starts, cue, kind)
        if cued is None:
            continue
        part_at, after_article = cued
        part = counts[part_at]
        if part.part_of is not None:
            continue
        whole = _whole_before(ctx, counts, part_at, kind, min(part.start, cue.start()), part)
        if whole is None:
            continue
        if after_article and head_noun(part.subject) != head_noun(whole.subject):
            continue  # "240,000 troops including the three services": not a count of troops
        _link_list(ctx, counts, part_at, whole, cue_starts)
    _link_bracketed_parts(ctx, counts)


def _cued_part(
    text: str, counts: list[Mention], starts: list[int], cue: regex.Match, kind: PartitiveCue
) -> tuple[int, bool] | None:
    """The index of the count a cue makes a part, and whether "the" stands between them: the
    count right before it ("Nine of them") or right after it ("Of them twelve", "including 14
    children", "including the three leading members")."""
    i = bisect.bisect_left(starts, cue.start())
    before = counts[i - 1] if i > 0 and counts[i - 1].end <= cue.start() else None
    if (
        kind != "listing"
        and before is not None
        and not text[before.end : cue.start()].strip()
        and not _RATIO_BEFORE.search(text, max(0, before.start - 12), before.start)
    ):
        return i - 1, False
    if i == len(counts):
        return None
    lead = _CUE_TO_PART.fullmatch(text, cue.end(), counts[i].start)
    if lead is None:
        return None
    article = bool(lead.group("article"))
    if article and kind != "listing":
        return None
    if kind == "pronoun" and cue.group().lower().split()[-1] in ("these", "those") and "," not in lead.group():
        return None  # "those four persons" names four persons
    return i, article


def _may_be_part_or_whole(count: Mention) -> bool:
    assert isinstance(count.value, CountValue)
    return not count.compound and count.value.unit not in ("percent", "fraction")


@cache
def _partitive_pattern() -> regex.Pattern:
    cues = [cue for phrases in load_lexicon().partitive_cues.values() for cue in phrases]
    return regex.compile(rf"(?i:\b(?:{alternation(cues)})\b)")


@cache
def _partitive_last_words() -> tuple[str, ...]:
    """The last word of every partitive cue ("them", "which", "including"): a stretch of ASCII
    text without any of them, in any case, holds no cue."""
    return tuple(sorted({cue.split()[-1].lower() for phrases in load_lexicon().partitive_cues.values() for cue in phrases}))


def _partitive_cues(text: str, counts: list[Mention]) -> list[regex.Match]:
    """The partitive cues that can refer back to a count: those within reach after one. Only
    these stretches of the text are searched, not all of it, and only those that hold a cue's
    last word (five in six hold none)."""
    pattern = _partitive_pattern()
    last_words = _partitive_last_words() if text.isascii() else None
    cues: list[regex.Match] = []
    searched_to = 0
    for count in counts:
        begin = max(count.start, searched_to)
        end = min(len(text), count.end + _MAX_PART_DISTANCE + 20)
        if begin >= end:
            continue
        searched_to = end
        if last_words is not None:
            stretch = text[begin:end].lower()
            if not any(word in stretch for word in last_words):
                continue
        cues.extend(pattern.finditer(text, begin, end))
    return cues


def _whole_before(
    ctx: ExtractionContext, counts: list[Mention], part_at: int, kind: PartitiveCue, at: int, part: Mention
) -> Mention | None:
    """The whole a cue at ``at`` refers back to. A relative pronoun refers to the nearest count
    in its sentence; "including" to the phrase it follows; "of them" to a count of this
    sentence or the one before, and when more than one could be meant, to the nearest that can
    hold the part ("50 persons ... through 16 cabinet reshuffles. 45 of them ...")."""
    index = ctx.index
    cue_sentence = index.sentence_index(at)
    if kind == "listing":
        return _listed_whole(ctx, counts, part_at, at, part)
    fallback = None
    for whole in reversed(counts[:part_at]):
        if at - whole.end > _MAX_PART_DISTANCE:
            break
        reach = cue_sentence - index.sentence_index(whole.start)
        if reach > (1 if kind == "pronoun" else 0):
            break
        if whole.elliptical or not _same_measure(whole, part):
            if kind == "listing":
                return None
            continue
        if kind == "listing":
            # A figure of the same unit ("65,280 hectares ..., including 23,400 hectares") may
            # stand further away than a count of things.
            return whole if whole.value.unit is not None or _lists_after(ctx, whole, at) else None
        if kind == "relative" or _can_hold(whole, part):
            return whole
        fallback = fallback or whole
    return fallback


def _listed_whole(ctx: ExtractionContext, counts: list[Mention], part_at: int, at: int, part: Mention) -> Mention | None:
    """The whole "including" lists a part of: the phrase it follows, or one a few words further
    back that counts the same things ("300 million saplings of 50 species including 900 000
    zelkova saplings"). A part of other things than the whole counts and above it is no part of
    it ("40 kinds of trees including 12,000 seedlings")."""
    index = ctx.index
    cue_sentence = index.sentence_index(at)
    part_noun = None if part.elliptical else head_noun(part.subject)
    nearest = None
    for n, whole in enumerate(reversed(counts[:part_at])):
        if at - whole.end > _MAX_PART_DISTANCE or cue_sentence != index.sentence_index(whole.start):
            break
        if whole.elliptical or not _same_measure(whole, part):
            break
        fits = whole.value.unit is not None or _lists_after(ctx, whole, at)
        if n == 0:
            nearest = whole if fits else None
            if nearest is None and part_noun is None:
                return None
        if part_noun is not None and fits and head_noun(whole.subject) == part_noun:
            return whole
    if nearest is None:
        return None
    whole_noun = head_noun(nearest.subject)
    people = ctx.lexicon.people_nouns
    if part_noun is not None and whole_noun not in (None, part_noun) and not _can_hold(nearest, part) \
            and not (whole_noun in people and part_noun in people):
        return None
    return nearest


def _lists_after(ctx: ExtractionContext, whole: Mention, cue_start: int) -> bool:
    """Whether "including" at ``cue_start`` follows the phrase of ``whole`` closely enough to list
    examples of it: a few words between, and no punctuation but a comma right before the cue."""
    gap = ctx.text[whole.subject_span[1] if whole.subject_span else whole.end : cue_start]
    gap = gap.rstrip()
    gap = gap.removesuffix(",")
    return len(gap.split()) <= _MAX_LISTING_GAP_WORDS and not _LISTING_GAP_PUNCTUATION.search(gap)


def _can_hold(whole: Mention, part: Mention) -> bool:
    assert isinstance(whole.value, CountValue) and isinstance(part.value, CountValue)
    low = part.value.low if part.value.low is not None else part.value.value
    return whole.value.high is None or low <= whole.value.high


def _link_list(
    ctx: ExtractionContext, counts: list[Mention], first_at: int, whole: Mention, cue_starts: list[int]
) -> None:
    """Links the first part after its cue, then the counts of its sentence that go on with its list."""
    text = ctx.text
    first = counts[first_at]
    own_noun = None if first.elliptical else head_noun(first.subject)
    _make_part(first, whole, None)
    sentence_end = ctx.index.sentence_at(first.start).end
    previous = first
    for part in counts[first_at + 1 :]:
        if part.start >= sentence_end or part.part_of is not None:
            break
        previous_end = previous.subject_span[1] if previous.subject_span else previous.end
        if bisect.bisect_left(cue_starts, previous_end) != bisect.bisect_left(cue_starts, part.start):
            break  # a new cue starts a list of its own
        if not _same_measure(whole, part) or not _CONJUNCT_START.search(text, max(0, part.start - 12), part.start):
            break
        joined = _LIST_JOIN.fullmatch(text, previous_end, part.start) is not None
        if not (joined or part.elliptical or (own_noun is not None and head_noun(part.subject) == own_noun)):
            break
        assert isinstance(part.value, CountValue) and isinstance(whole.value, CountValue)
        if not part.elliptical and part.value.value > whole.value.value * 1.5:
            break
        _make_part(part, whole, previous)
        previous = part


def _link_bracketed_parts(ctx: ExtractionContext, counts: list[Mention]) -> None:
    """ "533 DPRK Heroes (5 twice Heroes)": a count of the same things in brackets right after a
    count is a part of it. A measure in brackets restates the figure in another unit
    ("7.42 billion AU dollars (7.8 billion U.S. dollars)"), so only counts of things are linked."""
    text = ctx.text
    for whole, part in zip(counts, counts[1:]):
        if part.part_of or whole.elliptical or whole.value.unit is not None or part.value.unit is not None:
            continue
        between = text[whole.subject_span[1] if whole.subject_span else whole.end : part.start]
        if between.strip() == "(" and head_noun(part.subject) == head_noun(whole.subject):
            _make_part(part, whole, None)


def _link_fronted_partitives(ctx: ExtractionContext, counts: list[Mention], starts: list[int]) -> None:
    """ "Of the 300 passengers, 12 ..." makes 12 a part of 300; "Of the delegates, twelve ..."
    says what the twelve are."""
    text = ctx.text
    for part in counts:
        if not part.elliptical:
            continue
        sentence = ctx.index.sentence_at(part.start)
        begin = max(sentence.start, part.start - 90)
        lead = _FRONTED_PARTITIVE.search(text[begin : part.start])
        if not lead or (begin > sentence.start and lead.start() == 0):
            continue  # the window starts inside the sentence: its "^" is no sentence start
        lo, hi = begin + lead.start("what"), begin + lead.end("what")
        i = bisect.bisect_left(starts, lo)
        inside = counts[i] if i < len(counts) and counts[i].start < hi else None
        if inside is None:
            part.subject = " ".join(lead.group("what").split())
            part.elliptical = False
            if lead.start() == 0 and begin == sentence.start:
                whole = _whole_told_before(ctx, counts, part, lead.group("what"))
                if whole is not None:
                    part.part_of = whole
        elif (inside.start == lo or _POSSESSOR.fullmatch(text, lo, inside.start)) and not inside.elliptical \
                and _same_measure(inside, part):
            # "Of the 300 passengers": the whole's figure opens the phrase.
            _make_part(part, inside, None)


# "Of the bank's 8,000 staff": an owner before the whole's figure.
_POSSESSOR = regex.compile(r"[\w-]+['’]s?[ \t]+")
# "Ten of the 12 jurors", "some 1,500 of the plant's 2,000 workers", "213 of its 435 seats": a
# count with no noun of its own, then "of" and a determiner right before the whole's figure.
_OF_THE = regex.compile(
    r"[ \t]+(?i:of)[ \t]+(?:(?i:the|its|their|these|those|our|his|her)[ \t]+)?(?:[\w-]+['’]s?[ \t]+)?"
)


def _link_of_the_whole(ctx: ExtractionContext, counts: list[Mention], starts: list[int]) -> None:
    """Makes a count without a noun a part of the count it is "of": "Ten of the 12 jurors"."""
    text = ctx.text
    for at, part in enumerate(counts[:-1]):
        if not part.elliptical or part.part_of is not None:
            continue
        joint = _OF_THE.match(text, part.end, part.end + 40)
        whole = counts[at + 1]
        if joint is None or whole.start != joint.end() or whole.elliptical or not _same_measure(whole, part):
            continue
        if "'" not in joint.group() and "’" not in joint.group() and joint.group().split()[-1].lower() == "of":
            continue  # "12 of 20": a score or a ratio as often as a part
        _make_part(part, whole, None)


def _whole_told_before(ctx: ExtractionContext, counts: list[Mention], part: Mention, what: str) -> Mention | None:
    """The whole a partitive that opens its sentence refers back to in the sentence before:
    "... reported 1,250 new infections on Monday. Of the new cases, 1,420 were recorded in the
    north." The whole counts the same things (the same noun, or one the lexicon says is the
    same), and carries every other word of the phrase ("new"); if two counts of the sentence
    before could be meant, neither is."""
    words = what.lower().split()
    noun = head_noun(what)
    if noun is None:
        return None
    nouns = {noun} | set(ctx.lexicon.same_things.get(noun, ()))
    sentence = ctx.index.sentence_at(part.start)
    before = sentence.start
    while before > 0 and ctx.text[before - 1].isspace():
        before -= 1
    if before == 0:
        return None
    previous = ctx.index.sentence_at(before - 1)  # across a paragraph break too
    found = []
    for whole in counts:
        if whole.start >= previous.end:
            break
        if whole.start < previous.start or whole.elliptical or not _same_measure(whole, part):
            continue
        subject = (whole.subject or "").lower().split()
        if head_noun(whole.subject) in nouns and all(w in subject for w in words[:-1]):
            found.append(whole)
    return found[0] if len(found) == 1 else None


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
