"""Finds the page furniture in a saved news page (menus, header lines, footers, banners,
comment forms, widgets, photo credits, repeated captions) and reads the header facts it carries
(publication stamps, the dateline)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal, NamedTuple

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from figcheck.records import Span

LEXICON_PATH = Path(__file__).with_name("lexicon") / "furniture.yaml"

# A menu is a run of at least this many short lines; fewer could be a list in the article.
MENU_MIN_ITEMS = 4
MENU_ITEM_MAX_WORDS = 5
MENU_ITEM_MAX_CHARS = 40
# Phrase rules only look at lines this short: a paragraph of prose is never a widget.
SHORT_LINE_MAX_CHARS = 200
# A repeated paragraph is furniture (a caption printed twice), but short lines repeat in
# articles for good reasons ("Graduated from Kim Il Sung University." in a list of lives).
REPEAT_MIN_WORDS = 10
# A photo credit closing a caption is looked for only in a line's last characters.
CREDIT_MAX_CHARS = 60


# --- the lexicon -------------------------------------------------------------------------


def _phrase(value: str) -> str:
    phrase = " ".join(value.split()).casefold()
    if not phrase:
        raise ValueError("empty phrase")
    return phrase


class FurnitureLexicon(BaseModel):
    """The phrases and labels of ``lexicon/furniture.yaml``, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    whole_lines: list[str] = Field(min_length=1)
    line_openings: list[str] = Field(min_length=1)
    line_contains: list[str] = Field(min_length=1)
    footer_markers: list[str] = Field(min_length=1)
    footer_labels: list[str] = Field(min_length=1)
    trailer_openings: list[str] = Field(min_length=1)
    published_labels: list[str] = Field(min_length=1)
    updated_labels: list[str] = Field(min_length=1)
    credit_labels: list[str] = Field(min_length=1)
    news_outlet_words: list[str] = Field(min_length=1)
    abbreviations: list[str] = Field(min_length=1)
    months: dict[str, int] = Field(min_length=12)
    time_zones: dict[str, str]

    @field_validator(
        "whole_lines", "line_openings", "line_contains", "footer_markers", "footer_labels",
        "trailer_openings", "published_labels", "updated_labels", "credit_labels", "news_outlet_words",
        "abbreviations",
    )
    @classmethod
    def _normalise_phrases(cls, values: list[str]) -> list[str]:
        phrases = [_phrase(value) for value in values]
        duplicates = sorted({p for p in phrases if phrases.count(p) > 1})
        if duplicates:
            raise ValueError(f"listed twice: {', '.join(duplicates)}")
        return phrases

    @field_validator("months")
    @classmethod
    def _check_months(cls, months: dict[str, int]) -> dict[str, int]:
        bad = {name: number for name, number in months.items() if not 1 <= number <= 12}
        if bad:
            raise ValueError(f"month numbers must be 1 to 12: {bad}")
        if set(months.values()) != set(range(1, 13)):
            raise ValueError("every month from 1 to 12 needs a name")
        return {name.casefold().rstrip("."): number for name, number in months.items()}

    @field_validator("time_zones")
    @classmethod
    def _check_zones(cls, zones: dict[str, str]) -> dict[str, str]:
        for name, offset in zones.items():
            if not re.fullmatch(r"[+-](?:0\d|1[0-4]):[0-5]\d", offset):
                raise ValueError(f"zone {name!r}: offset must look like +09:00, not {offset!r}")
        return {name.casefold(): offset for name, offset in zones.items()}


class LexiconError(ValueError):
    """The shipped lexicon file is broken: a fault of the package, not of the input."""


@functools.cache
def lexicon() -> FurnitureLexicon:
    """The furniture lexicon, read and validated on first use."""
    try:
        data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LexiconError(f"{LEXICON_PATH}: not valid YAML: {error}") from None
    try:
        return FurnitureLexicon.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"field {'.'.join(map(str, e['loc']))!r}: {e['msg']}" for e in error.errors()
        )
        raise LexiconError(f"{LEXICON_PATH}: {problems}") from None


def _phrase_pattern(phrase: str) -> str:
    """A regular expression for a lexicon phrase: `*` is a few words, `#` a number."""
    parts = []
    for token in phrase.split(" "):
        if token == "*":
            parts.append(r"[^\n]{0,60}?")
        else:
            parts.append(re.escape(token).replace("\\#", "#").replace("#", r"\d+"))
    body = r"\s+".join(parts)
    head = r"(?<!\w)" if re.match(r"[\w#]", phrase) else ""
    tail = r"(?!\w)" if re.search(r"[\w#]$", phrase) else ""
    return head + body + tail


def _alternation(phrases: list[str]) -> str:
    # Longest first, so "publisher. editor" wins over "publisher".
    return "|".join(_phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    whole_lines: frozenset[str]
    opening: re.Pattern[str]
    # What the first two characters of a line must be for `opening` (or `footer_label`) to match
    # it: a test far cheaper than the pattern, which most lines fail. None: no such test.
    opening_start: re.Pattern[str] | None
    contains: re.Pattern[str]
    footer_marker: re.Pattern[str]
    # The literal opening (up to two words) of every `contains` and `footer_marker` phrase: a
    # line whose words, lower-cased and single-spaced, hold none of them needs no regular
    # expression search (a search costs far more than `in`). None: some phrase opens with a
    # number, and every line is searched.
    contained_words: tuple[str, ...] | None
    footer_label: re.Pattern[str]
    footer_label_start: re.Pattern[str] | None
    trailer: re.Pattern[str]
    trailing_credit: re.Pattern[str]
    stamp: regex.Pattern[str]
    labelled_stamp: regex.Pattern[str]
    bare_stamp: regex.Pattern[str]
    dateline: regex.Pattern[str]
    attribution: re.Pattern[str]
    abbreviations: frozenset[str]


def _literal_openings(phrases: list[str]) -> tuple[str, ...] | None:
    """What a line must hold, lower-cased and single-spaced, for one of ``phrases`` to be in it:
    each phrase's first words up to its first `*` or `#` (at most two words)."""
    openings = set()
    for phrase in phrases:
        words = []
        for word in phrase.split(" ")[:2]:
            if word == "*" or "#" in word:
                break
            words.append(word)
        if not words:
            return None
        openings.add(" ".join(words))
    # An opening that holds another is found wherever that one is: only the other is looked for.
    return tuple(sorted(o for o in openings if not any(other != o and other in o for other in openings)))


def _start_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """A pattern for the first two characters of any of ``phrases``, taken one by one (so it
    matches more pairs than the phrases start with, never fewer); None when a phrase does not
    open with two plain characters (a `*` or `#`, a word of one letter)."""
    firsts, seconds = set(), set()
    for phrase in phrases:
        if len(phrase) < 2 or any(char in "*# " for char in phrase[:2]):
            return None
        firsts.add(phrase[0])
        seconds.add(phrase[1])
    # Case-insensitive like the phrases' own patterns, so it matches whatever letters they match.
    return re.compile(
        "[" + "".join(map(re.escape, sorted(firsts))) + "][" + "".join(map(re.escape, sorted(seconds))) + "]",
        re.IGNORECASE,
    )


@functools.cache
def _patterns() -> _Patterns:
    lex = lexicon()
    month = "|".join(sorted((re.escape(m) for m in lex.months), key=len, reverse=True))
    zone = "|".join(sorted((re.escape(z) for z in lex.time_zones), key=len, reverse=True))
    # One date or time of day as header lines write them; the group names are read by
    # _stamp_value (the `regex` module allows a name in several alternatives).
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    date_ = (
        r"(?:(?P<year>(?:1[89]|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
        rf"|(?P<monthname>{month})\.?\s+{day},?\s+(?P<year>(?:1[89]|20)\d\d)"
        rf"|{day}\s+(?P<monthname>{month})\.?,?\s+(?P<year>(?:1[89]|20)\d\d)"
        r"|(?P<year>(?:1[89]|20)\d\d)[./](?P<month>[01]?\d)[./](?P<day>[0-3]?\d))(?![\d.])"
    )
    time_ = (
        r"(?P<hour>[012]?\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
        r"(?:\s*(?P<ampm>[ap])\.?m\.?(?!\w))?"
        rf"(?:\s*(?:(?P<zone>{zone})(?!\w)|(?P<offset>[+-][01]\d:?[0-5]\d)))?"
    )
    stamp = rf"(?:{date_}(?:[T\s,|\-–—·]{{1,6}}{time_})?|{time_}[\s,|\-–—·]{{1,6}}{date_})"
    published = _alternation(lex.published_labels)
    updated = _alternation(lex.updated_labels)
    credit = _alternation(lex.credit_labels)
    return _Patterns(
        whole_lines=frozenset(lex.whole_lines),
        opening=re.compile(rf"(?:{_alternation(lex.line_openings)})", re.IGNORECASE),
        opening_start=_start_pattern(lex.line_openings),
        contains=re.compile(_alternation(lex.line_contains), re.IGNORECASE),
        footer_marker=re.compile(_alternation(lex.footer_markers), re.IGNORECASE),
        contained_words=_literal_openings(lex.line_contains + lex.footer_markers),
        footer_label=re.compile(rf"(?:{_alternation(lex.footer_labels)})\s*[:.]\s*\S", re.IGNORECASE),
        footer_label_start=_start_pattern(lex.footer_labels),
        trailer=re.compile(rf"(?:{_alternation(lex.trailer_openings)})(?:[^\n]{{0,60}})$", re.IGNORECASE),
        # "... of the war. Photo: VCG": the credit closing a caption, not the caption.
        trailing_credit=re.compile(
            rf"(?:^|(?<=[.!?\"”’)]))\s*(?P<credit>(?:{credit})\s*[:/]\s*[A-Z][^\n.!?:]{{0,40}})$",
            re.IGNORECASE,
        ),
        stamp=regex.compile(stamp, regex.IGNORECASE),
        labelled_stamp=regex.compile(
            rf"(?:(?P<published>{published})|(?P<updated>{updated}))\s*:?\s*(?P<stamp>{stamp})",
            regex.IGNORECASE,
        ),
        # A line that is only a time stamp, maybe after a few words of label
        # ("All Headlines 08:43 November 23, 2009", "Jul 27, 2023 10:25 PM").
        bare_stamp=regex.compile(
            rf"(?:[A-Za-z][\w&'-]*\s+){{0,3}}:?\s*(?P<stamp>{stamp})\s*", regex.IGNORECASE
        ),
        # "Pyongyang, October 21 (KCNA) --", "SEOUL, Nov. 23 (Yonhap) --", "WASHINGTON (AP) —".
        dateline=regex.compile(
            r"(?P<place>[A-Z][\w'.-]*(?:[ \t]+[A-Z][\w'.-]*){0,3})"
            r"(?:,[ \t]*(?P<region>[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2}))??"
            rf"(?:,[ \t]*(?P<monthname>(?i:{month}))\.?[ \t]+(?P<day>[0-3]?\d)(?:,[ \t]*(?P<year>(?:1[89]|20)\d\d))?)?"
            r"[ \t]*(?:\((?P<agency>[A-Z][\w.&' /-]{0,40})\))?"
            r"[ \t]*(?P<dash>--|—|–|-)"
        ),
        # "Korean Central News Agency of DPRK via Korea News Service (KNS)".
        attribution=re.compile(
            rf"[A-Z][\w.&'() -]{{2,80}}\s+via\s+(?=[^\n]*?\b(?:{_alternation(lex.news_outlet_words)}))"
            r"[A-Z][\w.&'() -]{2,80}",
            re.IGNORECASE,
        ),
        abbreviations=frozenset(word.rstrip(".") for word in lex.abbreviations),
    )


# --- lines -------------------------------------------------------------------------------

# A full stop, question or exclamation mark, with any closing quotes or brackets, that may
# end a sentence: at the end of the line, or before the next word.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?:$|\s+[\"'“‘(]?[A-Z])")
_CLOSERS = "\"'”’)]"
_INITIAL_AT_END = re.compile(r"(?<![^\W\d_])[A-Z]$")
_INITIALS_AT_END = re.compile(r"(?<!\S)(?:[A-Z]\.){2,}$")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PARENTHESISED = re.compile(r"\([^()\d]{2,80}\)")
_BYLINE = re.compile(r"By\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4}(?:\s*,\s*[A-Z][\w.' -]{0,40})?")


# A tuple, not a dataclass: a page has dozens of lines and a corpus millions.
class _Line(NamedTuple):
    start: int  # of the first non-blank character
    end: int  # after the last non-blank character
    text: str
    # True when no blank line separates it from the line before.
    follows_directly: bool
    # The words as the rules count them: the spaces in the text, plus one.
    words: int


# Makes a line without the generated __new__, a call in Python: a corpus has millions of lines.
_new_line = functools.partial(tuple.__new__, _Line)


def _lines(text: str) -> list[_Line]:
    """The lines of ``text`` that hold more than white space, each knowing whether the line
    just before it is one of them."""
    lines: list[_Line] = []
    offset = 0
    previous = -2  # the number of the last line kept
    for number, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        if stripped:
            # The first characters differ only when the line is indented.
            start = offset if raw[0] == stripped[0] else offset + len(raw) - len(raw.lstrip())
            lines.append(_new_line((start, start + len(stripped), stripped, previous == number - 1, stripped.count(" ") + 1)))
            previous = number
        offset += len(raw) + 1
    return lines


def _is_prose(line: _Line, abbreviations: frozenset[str]) -> bool:
    """A sentence or paragraph of the article, as opposed to a label, menu item or heading."""
    words = line.words
    return words >= 25 or (words >= 8 and _ends_sentence(line.text, abbreviations))


def _ends_sentence(line: str, abbreviations: frozenset[str]) -> bool:
    """Whether a sentence ends in ``line``: "rivalry. (Yonhap)" does, "S. Korea" and
    "Co., Ltd. Launched" do not (``abbreviations``: the lexicon's, without their full stops)."""
    # Most prose ends its line with a sentence: that end first (a match of _SENTENCE_END there).
    body = line.rstrip(_CLOSERS)
    if body and body[-1] in ".!?" and _is_sentence_end(line, len(body) - 1, abbreviations):
        return True
    for match in _SENTENCE_END.finditer(line):
        if _is_sentence_end(line, match.start(), abbreviations):
            return True
    return False


def _is_sentence_end(line: str, at: int, abbreviations: frozenset[str]) -> bool:
    """Whether the mark at ``at``, where _SENTENCE_END matches, ends a sentence."""
    if line[at] != ".":
        return True
    # The word before: the run of non-blank characters that ends at the full stop.
    word = "" if at == 0 or line[at - 1].isspace() else line[:at].rsplit(None, 1)[-1]
    # "S. Korea", "US-S. Korea" and "U.S. Army" have initials; "Ltd." and "Mt." are abbreviations.
    initials = "." in word or _INITIAL_AT_END.search(word) is not None
    return bool(word) and not initials and word.casefold() not in abbreviations


def _is_menu_item(line: _Line) -> bool:
    text = line.text
    return (
        len(text) <= MENU_ITEM_MAX_CHARS
        and line.words <= MENU_ITEM_MAX_WORDS
        and text[-1] not in ".,;:!?\"”’"
        and not _HAS_DIGIT.search(text)
        and _HAS_LETTER.search(text) is not None
    )


def _normalised(line: str) -> str:
    """A line (without blanks at its ends) single-spaced and case-folded."""
    # Most lines are single-spaced already. Every blank but the space is unprintable.
    if "  " in line or not line.isprintable():
        line = " ".join(line.split())
    return line.casefold()


# --- the page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dateline:
    """The dateline that opens a wire story: "SEOUL, Nov. 23 (Yonhap) --"."""

    place: str
    start: int
    end: int
    agency: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class HeaderStamp:
    """A date (and maybe time) a page states for itself, and whether it is when it was
    published or when it was last changed."""

    kind: Literal["published", "updated"]
    value: date | datetime
    start: int
    end: int


@dataclass(frozen=True)
class PageLayout:
    """What a page is made of besides its article: furniture, dateline, header stamps."""

    furniture: list[Span]
    dateline: Dateline | None
    stamps: list[HeaderStamp]
    # The headline-like lines before the first paragraph of prose that are not furniture.
    headlines: list[Span]


def find_furniture(text: str) -> list[Span]:
    """The character ranges of ``text`` that are page furniture, sorted and not overlapping.

    Blank space between two pieces of furniture joins them into one span, so a footer or
    a comment form comes out as one range.
    """
    return read_page(text).furniture


# How many of a page's first lines may hold a dateline that does not open a paragraph of prose.
_DATELINE_LINES = 4


def read_page(text: str) -> PageLayout:
    """Reads a page's layout: its furniture, the dateline, the stamps and headline lines in
    its header."""
    lines = _lines(text)
    patterns = _patterns()
    # Asked of most lines, by several rules: answered once.
    prose = [_is_prose(line, patterns.abbreviations) for line in lines]
    # The rules on phrases and the repeat check compare lines single-spaced and case-folded.
    spaced = [_normalised(line.text) if len(line.text) <= SHORT_LINE_MAX_CHARS else None for line in lines]
    openings = _openings_held(spaced, patterns)
    # Both the furniture rules and the stamps ask whether a labelled stamp opens a short line.
    stamped = [len(line.text) <= SHORT_LINE_MAX_CHARS and _opens_with_stamp(line.text, patterns) for line in lines]
    marked = [False] * len(lines)
    footer_seeds: list[int] = []
    for index, line in enumerate(lines):
        key = spaced[index]
        kind = None if key is None else _line_furniture(line.text, key, prose[index], stamped[index], openings, patterns)
        if kind == "trailer":
            # The comment form and thread run to the end of the page.
            marked[index:] = [True] * (len(lines) - index)
            break
        if kind is not None:
            marked[index] = True
            if kind == "footer":
                footer_seeds.append(index)
    _mark_menus(lines, marked)
    _mark_footers(lines, marked, footer_seeds, prose)

    body = _first_paragraph(marked, prose)
    header_end = len(lines) if body is None else body
    stamps = _header_stamps(lines, header_end, stamped, patterns)
    headlines: list[Span] = []
    for index in range(header_end):
        line = lines[index]
        if marked[index]:
            continue
        if any(line.start <= stamp.start < line.end for stamp in stamps) or _is_attribution(line.text, patterns):
            # Before the article starts, a line carrying the page's date or an
            # "X via Y" source is header.
            marked[index] = True
        elif _is_headline(line.text):
            headlines.append(Span(start=line.start, end=line.end))

    partial: list[tuple[int, int]] = []
    dateline = _dateline(lines[body], patterns) if body is not None else None
    if dateline is None:
        # Copy wrapped at a narrow width opens with a dateline line too short to count as prose
        # ("    LISBON, June 3 - Hundreds of thousands of people"): a dated dateline among the
        # first lines of the header is the story's.
        tried = 0
        for index in range(header_end):
            if marked[index]:
                continue
            tried += 1
            if tried > _DATELINE_LINES:
                break
            if lines[index].text[:1].isupper():
                dateline = _dateline(lines[index], patterns)
                if dateline is not None and dateline.day is not None:
                    break
                dateline = None
    if dateline is not None:
        partial.append((dateline.start, dateline.end))

    seen: set[str] = set()
    for index, line in enumerate(lines):
        if marked[index]:
            continue
        tail = max(0, len(line.text) - CREDIT_MAX_CHARS)
        # A credit ends its line in a name, after a separator among the last characters: most
        # lines end in a full stop, and two finds cost less than a search.
        if line.text[-1] not in ".!?:" and (line.text.find(":", tail) >= 0 or line.text.find("/", tail) >= 0):
            credit = patterns.trailing_credit.search(line.text, tail)
            if credit is not None:
                partial.append((line.start + credit.start("credit"), line.end))
        if line.words >= REPEAT_MIN_WORDS:
            key = spaced[index]
            if key is None:
                key = _normalised(line.text)
            if key in seen:
                marked[index] = True
            seen.add(key)

    ranges = [(line.start, line.end) for line, flag in zip(lines, marked) if flag]
    return PageLayout(
        furniture=_merged(text, sorted(ranges + partial)),
        dateline=dateline,
        stamps=stamps,
        headlines=headlines,
    )


def _openings_held(spaced: list[str | None], patterns: _Patterns) -> tuple[str, ...] | None:
    """Which of the literal openings of the contained phrases (``_Patterns.contained_words``) the
    lines ``spaced`` hold between them (single-spaced and case-folded; None: a line not asked
    about). None when the phrases have no literal openings (one opens with a number) and every
    line must be searched."""
    if patterns.contained_words is None:
        return None
    # Looked for in all the lines at once, then only those found in each line: most pages
    # hold none or one of them.
    held = "\n".join(key for key in spaced if key is not None)
    return tuple(opening for opening in patterns.contained_words if opening in held)


def _line_furniture(
    line: str, spaced: str, prose: bool, stamped: bool, openings: tuple[str, ...] | None, patterns: _Patterns
) -> Literal["line", "footer", "trailer"] | None:
    """What one line is on its own: furniture, a footer mark, the start of a trailer, or none.

    What the caller knows already: ``spaced`` is the line single-spaced and case-folded
    (``_normalised``), ``prose`` whether it is prose (``_is_prose``), ``stamped`` whether a
    labelled stamp opens it (``_opens_with_stamp``), ``openings`` the literal openings of the
    contained phrases that the page's lines hold (``_openings_held``).
    """
    if len(line) > SHORT_LINE_MAX_CHARS:
        return None
    if spaced.rstrip(".:!?»› ") in patterns.whole_lines:
        return "line"
    if not prose and patterns.trailer.match(line):
        return "trailer"
    if (patterns.opening_start is None or patterns.opening_start.match(line)) and patterns.opening.match(line):
        return "line"
    if (
        not prose
        and (patterns.footer_label_start is None or patterns.footer_label_start.match(line))
        and patterns.footer_label.match(line)
    ):
        return "line"
    if openings is None or any(opening in spaced for opening in openings):
        if patterns.contains.search(line):
            return "line"
        # Prose may mention a privacy policy; a line that opens with one is a footer's.
        if patterns.footer_marker.match(line) or (not prose and patterns.footer_marker.search(line)):
            return "footer"
    if stamped:
        return "line"
    if line[0] == "(" and _PARENTHESISED.fullmatch(line) and line.count(" ") < 8:
        # A credit or source on a line of its own: "(Korean Central News Agency)", "(Yonhap)".
        return "line"
    if len(line) <= 80 and line.startswith("By") and _BYLINE.fullmatch(line):
        return "line"
    return None


def _mark_menus(lines: list[_Line], marked: list[bool]) -> None:
    """Marks runs of short lines with no blank line between them: navigation menus.

    Lines already marked may be part of a run ("MOST POPULAR" inside a menu) but do not
    count towards its length, so a headline set directly above a byline and a date is
    not taken for a menu.
    """
    run: list[int] = []
    items = 0  # the members of the run that count: those not marked before it

    for index, line in enumerate(lines):
        item = marked[index] or (len(line.text) <= MENU_ITEM_MAX_CHARS and _is_menu_item(line))
        if not item and not run:
            continue  # most lines: no menu before them, nor one starting
        if item and run and line.follows_directly:
            run.append(index)
            items += not marked[index]
            continue
        if items >= MENU_MIN_ITEMS:
            for member in run:
                marked[member] = True
        run = [index] if item else []
        items = 1 if item and not marked[index] else 0
    if items >= MENU_MIN_ITEMS:
        for member in run:
            marked[member] = True


def _mark_footers(lines: list[_Line], marked: list[bool], seeds: list[int], prose: list[bool]) -> None:
    """Grows each footer mark over the lines around it that are not prose."""
    for seed in seeds:
        for step in (-1, 1):
            index = seed + step
            while 0 <= index < len(lines) and not prose[index]:
                marked[index] = True
                index += step


def _first_paragraph(marked: list[bool], prose: list[bool]) -> int | None:
    """The index of the article's first paragraph of prose."""
    for index, is_prose in enumerate(prose):
        if is_prose and not marked[index]:
            return index
    return None


def _is_attribution(line: str, patterns: _Patterns) -> bool:
    """Whether ``line`` names a source "via" another ("X via Korea News Service")."""
    # Only "v" and "V" match the pattern's "v" (not so its "i", which "ı" matches too): a line
    # with neither is not searched.
    return ("v" in line or "V" in line) and patterns.attribution.fullmatch(line) is not None


def _is_headline(line: str) -> bool:
    """A line that could be a headline: not a sentence, not a label, not a quotation."""
    if line[-1] in ",;:" or _HAS_LETTER.search(line) is None or line.count(" ") >= 30:
        return False
    if line[0] in "\"“'‘" and line[-1] in "\"”'’":
        return False
    # A headline may end in initials ("in U.S."), not in a full stop.
    return line[-1] != "." or _INITIALS_AT_END.search(line) is not None


def is_section_name(line: str) -> bool:
    """A line short enough to be a menu item or the name of a site's section."""
    return len(line) <= MENU_ITEM_MAX_CHARS and line.count(" ") < MENU_ITEM_MAX_WORDS and not _HAS_DIGIT.search(line)


def _merged(text: str, ranges: list[tuple[int, int]]) -> list[Span]:
    spans: list[list[int]] = []
    for start, end in ranges:
        if spans and (start <= spans[-1][1] or text[spans[-1][1]:start].isspace()):
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [Span(start=start, end=end) for start, end in spans]


# --- header facts ------------------------------------------------------------------------


# A dateline with a day or an agency has a digit or a closing bracket just before its dash, but
# for spaces and tabs: a line with none is not searched with the costly dateline pattern. (Any
# character past ASCII stands for the digits of other scripts, as the pattern's \d knows them.)
_DATED_DASH = re.compile(r"[0-9)\x80-\U0010ffff][ \t]*[-—–]")


def _dateline(line: _Line, patterns: _Patterns) -> Dateline | None:
    text = line.text
    # The cheapest tests first: a capital opens the place, a dash is there at all ("in" finds a
    # character faster than a pattern), and a digit or bracket comes before it.
    if not "A" <= text[0] <= "Z" or ("-" not in text and "—" not in text and "–" not in text):
        return None
    if _DATED_DASH.search(text) is None:
        return None
    match = patterns.dateline.match(text)
    # A place and a dash alone ("Kim Jong-un -") is not a dateline: it needs a date or an agency.
    if match is None or not (match.group("day") or match.group("agency")):
        return None
    place = " ".join(match.group("place").split())
    month_name = match.group("monthname")
    return Dateline(
        place=place.title() if place.isupper() else place,
        start=line.start,
        end=line.start + match.end("dash"),
        agency=match.group("agency"),
        month=lexicon().months[month_name.casefold()] if month_name else None,
        day=int(match.group("day")) if match.group("day") else None,
        year=int(match.group("year")) if match.group("year") else None,
    )


_LOWER_WORD = regex.compile(r"(?<![\p{L}\p{N}])\p{Ll}\p{L}*")


def _opens_with_stamp(line: str, patterns: _Patterns) -> bool:
    """Whether a labelled stamp opens ``line``."""
    # Every stamp holds a year (19xx or 20xx): a line without a 1 or a 2 needs no search.
    return ("1" in line or "2" in line) and patterns.labelled_stamp.match(line) is not None


def _header_stamps(lines: list[_Line], header_end: int, stamped: list[bool], patterns: _Patterns) -> list[HeaderStamp]:
    """The publication and update stamps a page states, in text order.

    A labelled stamp ("Published: Jul 27, 2023 10:25 PM", "Updated: 2020-01-05 14:00",
    "Posted on March 3, 2019") counts wherever it stands, if it opens its line; an
    unlabelled one ("All Headlines 08:43 November 23, 2009") only in the header, before
    the first paragraph, where a line that is nothing but a date can only be the page's own.
    ``stamped``: whether a labelled stamp opens each line (``_opens_with_stamp``).
    """
    stamps: list[HeaderStamp] = []
    for index, line in enumerate(lines):
        if len(line.text) > SHORT_LINE_MAX_CHARS:
            continue
        if stamped[index]:
            # "Published : Oct 26, 2021 - 09:18  Updated : Oct 26, 2021 - 09:18" holds two.
            for match in patterns.labelled_stamp.finditer(line.text):
                value = _stamp_value(match.group("stamp"))
                if value is not None:
                    kind: Literal["published", "updated"] = "published" if match.group("published") else "updated"
                    stamps.append(HeaderStamp(kind, value, line.start + match.start(), line.start + match.end()))
        elif index < header_end and ("1" in line.text or "2" in line.text):  # a year, as above
            match = patterns.bare_stamp.fullmatch(line.text)
            # "All Headlines June 15, 2000" labels the page's date; "Talks resumed on June 15,
            # 2000" is a sentence (a lower-case word before the date), and its date a claim.
            if match is not None and _LOWER_WORD.search(line.text, 0, match.start("stamp")):
                match = None
            if match is not None and (value := _stamp_value(match.group("stamp"))) is not None:
                stamps.append(HeaderStamp("published", value, line.start + match.start("stamp"), line.end))
    return stamps


def _stamp_value(text: str) -> date | datetime | None:
    """The date or date-time a stamp names; None when it names no real day."""
    stamp = _patterns().stamp.fullmatch(text)
    if stamp is None:
        return None
    month_name = stamp.group("monthname")
    try:
        month = lexicon().months[month_name.casefold().rstrip(".")] if month_name else int(stamp.group("month"))
        day = date(int(stamp.group("year")), month, int(stamp.group("day")))
    except ValueError:
        return None
    if stamp.group("hour") is None:
        return day
    hour, minute = int(stamp.group("hour")), int(stamp.group("minute"))
    if ampm := (stamp.group("ampm") or "").casefold():
        if not 1 <= hour <= 12:
            return day
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23:
        return day
    offset = stamp.group("offset")
    if stamp.group("zone"):
        offset = lexicon().time_zones[stamp.group("zone").casefold()]
    tzinfo = None
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    second = int(stamp.group("second") or 0)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tzinfo)

