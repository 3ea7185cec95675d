"""Numbers that are not claims: phone and registration numbers, times of day, web addresses,
numbers that name a place or a thing ("Height 1211 and 351", "Resolution 1718", "No. 3")."""

from __future__ import annotations

from functools import cache

import regex

from figcheck.extraction.lexicon import load_lexicon

_NUMBER = r"\d[\d,]*(?:\.\d+)?"


@cache
def _anchored_forms() -> regex.Pattern:
    """Forms matched at the start of a digit run (or the "+" / "(" just before it)."""
    forms = [
        # Phone numbers: "+82-2-727-0114", "(202) 555-0143", "02-727-0114".
        r"\+\d{1,3}(?:[\s.\-]?\(?\d{1,4}\)?){2,5}",
        r"\(\d{2,4}\)\s*\d{3,4}[\s.\-]\d{4}",
        r"\d{2,4}-\d{3,4}-\d{4}(?![\p{N}\-])",
        # Times of day: "09:18", "10:25 PM", "8 a.m.", "six o'clock".
        r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?i:[ap]\.?m\.?))?(?![\p{N}])",
        r"\d{1,2}(?:\.\d{2})?\s*(?i:a\.m\.|p\.m\.|am\b|pm\b)",
        r"\d{1,2}\s+o['’]clock",
        # Dotted or slashed numeric dates ("2015.04.28", "28/04/2015", "2015/04/28",
        # "28.04.2015"): see ``_NUMERIC_DATE`` (they stay chrome or ambiguous, or are dates).
        # Numbers glued to a name: "Hwasong-14", "MiG-15" (matched from the name's start).
    ]
    return regex.compile("|".join(f"(?:{f})" for f in forms))


# Dotted or slashed numeric dates. One whose day and month order is the publisher's own
# ("04/05/2016": both parts could be the month) is no claim; nor is one standing alone on a
# line of page chrome ("Posted 2015.04.28"). One in a sentence whose order is certain
# ("2015/08/12", "21/04/2016", "02/22/2016") is a date, read by figcheck.extraction.dates.
_NUMERIC_DATE = regex.compile(
    r"(?P<ymd>\d{4}[./]\d{1,2}[./]\d{1,2})(?![\p{N}])"
    r"|(?P<a>\d{1,2})/(?P<b>\d{1,2})/\d{2,4}(?![\p{N}])"
    r"|(?P<c>\d{1,2})\.(?P<d>\d{1,2})\.\d{4}(?![\p{N}])"
)
_CHROME_CUE = regex.compile(
    r"(?i:\b(?:posted|updated|edited|published|modified|created|printed|uploaded|date)\b)[\s:]*(?:(?i:on|at)\s+)?$"
)
# Fewer words than this beside a numeric date on its line make the line page chrome, unless
# at least two of them are lower-case words of a sentence ("I'll go back 02/22/2016") rather
# than a byline or a label ("By Kim Song 02/22/2016", "Seoul, 21/04/2016").
_PROSE_WORDS = 4
_PROSE_LOWER_WORDS = 2
_CHROME_SMALL_WORDS = frozenset({"by", "on", "at", "of", "in", "and", "the", "from", "to"})


def _separator_follows(text: str, pos: int) -> bool:
    """A cheap test before ``_NUMERIC_DATE``: a "/" or "." then a digit after one, two or four digits."""
    for k in (1, 2, 4):
        if text[pos + k : pos + k + 1] in ("/", ".") and text[pos + k + 1 : pos + k + 2].isdigit():
            return True
    return False


def _numeric_date_is_read(text: str, m: regex.Match) -> bool:
    """Whether a numeric date is left to the date recognizer: its order is certain and it
    stands in a sentence, not alone on a line."""
    if not m.group("ymd"):
        first, second = (int(m.group("a")), int(m.group("b"))) if m.group("a") else (int(m.group("c")), int(m.group("d")))
        if first <= 12 and second <= 12:
            return False
    if _CHROME_CUE.search(text, max(0, m.start() - 24), m.start()):
        return False  # "Posted 28.04.2015", "updated on 2015/08/12": the page's own date
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line = text[line_start:m.start()] + " " + text[m.end() : line_end if line_end != -1 else len(text)]
    words = [word for word in line.split() if any(ch.isalpha() for ch in word)]
    if len(words) >= _PROSE_WORDS:
        return True
    lower = sum(1 for word in words if word[0].islower() and word.strip(".,;:").lower() not in _CHROME_SMALL_WORDS)
    return lower >= _PROSE_LOWER_WORDS


def _label_before(text: str, pos: int) -> bool:
    """Whether the word right before ``pos`` names what the number labels ("Height 1211")."""
    before = text[max(0, pos - 14) : pos]
    if not before or (before[-1].isalnum()):
        return False
    words = before.split()
    return bool(words) and words[-1].lower() in load_lexicon().label_words


@cache
def _label_list() -> regex.Pattern:
    # "1211 and 351", "3, 4 and 7": the numbers coordinated with a labelled one are labels too.
    return regex.compile(rf"{_NUMBER}(?:\s*(?:,|and|or|&|/)\s*{_NUMBER}(?![\p{{L}}]))*")


# Every form above that starts at a digit starts with a run of at most four digits, then a
# separator and a digit ("09:18", "02-727-0114", "2015.04.28", "7.30 p.m."), or the "am" or "pm"
# of a time ("5pm", "8 a.m.", after blanks or none), or blanks and "o'clock".
_SEPARATORS = frozenset("-:./")
_MERIDIEMS = frozenset("aApP")


def _may_start_form(text: str, pos: int, length: int) -> bool:
    """Whether one of ``_anchored_forms`` can match at the digit run at ``pos`` (ASCII text): most
    figures are followed by a blank and a word, and the forms are not tried there."""
    end = pos + length
    n = len(text)
    if length > 4 or end + 1 >= n:
        return False
    after = text[end]
    if after in _SEPARATORS:
        return text[end + 1].isdigit()
    while after.isspace() and end + 1 < n:
        end += 1
        after = text[end]
    if end + 1 >= n:
        return False
    if after in _MERIDIEMS:
        return text[end + 1] in ".mM"
    return after == "o" and text[end + 1] == "'" and end > pos + length


def non_claim_spans(text: str, digit_starts: list[int], digit_lengths: list[int] | None = None) -> list[tuple[int, int]]:
    """The spans of ``text`` where nothing is a claim; ``digit_starts`` (and, when given, their
    lengths) are the runs of digits in it."""
    spans: list[tuple[int, int]] = []
    forms = _anchored_forms()
    label_list = _label_list()
    covered = -1
    quick = digit_lengths is not None and text.isascii()
    for i, pos in enumerate(digit_starts):
        if pos < covered:
            continue
        start = pos - 1 if pos and text[pos - 1] in "+(" else pos
        m = _NUMERIC_DATE.match(text, pos) if _separator_follows(text, pos) else None
        if m:
            if not _numeric_date_is_read(text, m):
                spans.append(m.span())
            covered = m.end()
            continue
        if quick and start == pos and not _may_start_form(text, pos, digit_lengths[i]):
            m = None
        else:
            m = forms.match(text, start)
        if m:
            spans.append(m.span())
            covered = m.end()
            continue
        if _label_before(text, pos):
            m = label_list.match(text, pos)
            if m:
                spans.append(m.span())
                covered = m.end()
                continue
        if (
            pos >= 2
            and text[pos - 1] == "-"
            and text[pos - 2].isalpha()
            and text[max(0, pos - 5) : pos].lower() != " mid-"
            and not _date_before_dash(text, pos - 1)
        ):
            end = pos
            while end < len(text) and text[end].isalnum():
                end += 1
            spans.append((pos, end))
            covered = end
    spans.extend(_web_addresses(text))
    return sorted(spans)


_DAY_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _date_before_dash(text: str, dash: int) -> bool:
    """Whether the word before the dash at ``dash`` is a capitalised month name ("Jan-1",
    "Oct-2") or a day with its suffix ("Nov. 7th-9th"): a date, left to the date recognizer,
    not a number glued to a name."""
    start = dash
    while start > 0 and text[start - 1].isalpha() and dash - start < 10:
        start -= 1
    word = text[start:dash]
    if start and text[start - 1].isdigit():
        return word.lower() in _DAY_SUFFIXES
    return word[:1].isupper() and (start == 0 or not text[start - 1].isalnum()) and word.lower() in load_lexicon().months


def _web_addresses(text: str) -> list[tuple[int, int]]:
    spans = []
    for marker in ("http://", "https://", "www.", "@"):
        i = text.find(marker)
        while i != -1:
            start = i
            if marker == "@":
                while start > 0 and not text[start - 1].isspace():
                    start -= 1
            end = i
            while end < len(text) and not text[end].isspace():
                end += 1
            spans.append((start, end))
            i = text.find(marker, end)
    return spans
