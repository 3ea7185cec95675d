"""Sentences, clauses and words of an article, as character spans into its exact text."""

from __future__ import annotations

import bisect
import re
from itertools import islice
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import regex

# Tokens before a full stop that do not end a sentence ("Mt. Maryang", "Oct. 25", "U.S. troops").
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov sen rep rev st mt ft no nos vol
    jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp jr sr vs etc approx est
    dept univ assn bros fig pp op cf e.g i.e u.s u.n u.k d.c a.m p.m""".split()
)
_INITIALISM = regex.compile(r"(?:\p{L}\.)+\p{L}")
# "U.S.", "D.P.R.K.": a full stop inside a name, which ends no phrase.
INITIALISM_WITH_DOT = regex.compile(r"(?:\p{Lu}\.){2,}")
# A run of stops is tried once, from its first stop, and read possessively: tried from each of
# its stops and given back a stop at a time, a page of dots (a table's leaders) took quadratic time.
_SENTENCE_END = regex.compile(r"[.!?](?<![.!?].)[.!?]*+[\"'”’)\]]*+(?=\s)|\n")
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’]*(?:[.-][\p{L}\p{N}][\p{L}\p{M}\p{N}'’]*)*\.?")
# A clause ends at these; a parenthesis opens or closes one.
_CLAUSE_BREAK = regex.compile(r"[,;:()\[\]\"“”!?]|\.(?=\s|$)| -- | – | — |\n")
# The same, searched from the right: the first match is the last break before a position (no
# two breaks can overlap, so it is the last one a scan from the left would find).
_CLAUSE_BREAK_BACKWARDS = regex.compile(_CLAUSE_BREAK.pattern, flags=regex.REVERSE)

# For an ASCII text (nearly every article; ``str.isascii`` costs nothing) the same patterns in
# the standard library's ``re``, which starts and steps through a match several times faster
# than ``regex``. On ASCII they match exactly what the patterns above match: ASCII classes
# stand for the Unicode ones, and ``re``'s wider ``\s`` (it takes \x1c-\x1f) is spelled out.
_ASCII_BLANK = r"[\t\n\x0b\x0c\r ]"
_WORD_ASCII = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*(?:[.-][A-Za-z0-9][A-Za-z0-9']*)*\.?")
_CLAUSE_BREAK_ASCII = re.compile(rf"[,;:()\[\]\"!?]|\.(?={_ASCII_BLANK}|$)| -- |\n")
# The last clause break of a span: ``.*`` runs to the span's end and gives characters back until a
# break follows, so only the characters after the last break are tried. Only two " -- " can
# overlap (" -- -- ", where a scan from the left takes the first and skips the second): there
# the span is scanned from the left.
_LAST_CLAUSE_BREAK_ASCII = re.compile(rf"(?s:.*)(?:{_CLAUSE_BREAK_ASCII.pattern})")
_INITIALISM_WITH_DOT_ASCII = re.compile(r"(?:[A-Z]\.){2,}")
# The blanks before a word (what str.isspace takes on ASCII), then the word.
_BLANKS_THEN_WORD_ASCII = re.compile(rf"[\t\n\x0b\x0c\r\x1c-\x1f ]*({_WORD_ASCII.pattern})")
_INITIALISM_ASCII = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# Written to start with one set of characters, which ``re`` scans for without trying the
# pattern at every position: a newline, or the stops of ``_SENTENCE_END`` (a run of them tried
# once, from its first).
_SENTENCE_END_ASCII = re.compile(rf"[.!?\n](?:(?<=\n)|(?<![.!?].)[.!?]*+[\"')\]]*+(?={_ASCII_BLANK}))")


# Longer than any sentence of prose: a run of text without a sentence end this long is cut.
MAX_SENTENCE_CHARS = 2000
# Up to this length a sentence's clause breaks are found by reading it; longer ones keep them.
_SHORT_SENTENCE = 400


@dataclass(slots=True)
class Sentence:
    start: int
    end: int


@dataclass
class TextIndex:
    """Sentence boundaries of one text, found lazily block by block (a block is a run of lines
    that a newline does not break), and looked up by position."""

    text: str
    sentences: list[Sentence] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _blocks: list[tuple[int, int]] = field(default_factory=list)  # sorted, disjoint
    _breaks: dict[int, tuple[int, list[int], list[int]]] = field(default_factory=dict)
    _last: Sentence | None = None

    @classmethod
    def build(cls, text: str) -> TextIndex:
        return cls(text=text)

    def sentence_at(self, pos: int) -> Sentence:
        last = self._last
        if last is not None and last.start <= pos < last.end:
            return last  # most look-ups ask again about the sentence just asked about
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].end:
            # Inside a sentence already found: its block has been read.
            self._last = self.sentences[i]
            return self._last
        self._ensure_block(pos)
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0:
            self._last = self.sentences[i]
        if i < 0:
            return Sentence(0, len(self.text))
        return self.sentences[i]

    def sentence_index(self, pos: int) -> int:
        """A number that orders sentences; consecutive sentences differ by one within a block
        and by more across blocks that were never read in between."""
        self._ensure_block(pos)
        i = max(0, bisect.bisect_right(self._starts, pos) - 1)
        block = bisect.bisect_right(self._blocks, (pos, len(self.text) + 1)) - 1
        return i + 2 * max(0, block)

    def _ensure_block(self, pos: int) -> None:
        i = bisect.bisect_right(self._blocks, (pos, len(self.text) + 1)) - 1
        if i >= 0 and self._blocks[i][0] <= pos <= self._blocks[i][1]:
            return
        start, end = _block_around(self.text, pos)
        found = list(_split_sentences(self.text, start, end))
        bisect.insort(self._blocks, (start, end))
        for sentence in found:
            j = bisect.bisect_left(self._starts, sentence.start)
            if j < len(self._starts) and self._starts[j] == sentence.start:
                continue
            self._starts.insert(j, sentence.start)
            self.sentences.insert(j, sentence)

    def clause_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The clause around [start, end): from the last break before it to the next after it."""
        sentence = self.sentence_at(start)
        if sentence.end - sentence.start <= _SHORT_SENTENCE:
            # A sentence of prose: reading it is cheaper than keeping its breaks.
            if self.text.isascii():
                left_match = _LAST_CLAUSE_BREAK_ASCII.match(self.text, sentence.start, start)
                left = left_match.end() if left_match else sentence.start
                if self.text.endswith(" -- -- ", 0, left):
                    left = sentence.start
                    for m in _CLAUSE_BREAK_ASCII.finditer(self.text, sentence.start, start):
                        left = m.end()
                right_match = _CLAUSE_BREAK_ASCII.search(self.text, end, max(end, sentence.end))
                return left, right_match.start() if right_match else max(end, sentence.end)
            left_match = _CLAUSE_BREAK_BACKWARDS.search(self.text, sentence.start, start)
            left = left_match.end() if left_match else sentence.start
            right_match = _CLAUSE_BREAK.search(self.text, end, max(end, sentence.end))
            return left, right_match.start() if right_match else max(end, sentence.end)
        starts, ends = self._clause_breaks(sentence)
        i = bisect.bisect_right(ends, start) - 1
        left = ends[i] if i >= 0 else sentence.start
        limit = max(end, sentence.end)
        j = bisect.bisect_left(starts, end)
        right = starts[j] if j < len(starts) and end < sentence.end else limit
        return left, right

    def _clause_breaks(self, sentence: Sentence) -> tuple[list[int], list[int]]:
        """Where the clause breaks of a sentence start and end, found once per sentence so that
        a sentence dense with figures is not read again for each of them."""
        found = self._breaks.get(sentence.start)
        if found is None or found[0] != sentence.end:
            matches = list(_CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end))
            found = (sentence.end, [m.start() for m in matches], [m.end() for m in matches])
            self._breaks[sentence.start] = found
        return found[1], found[2]


# Words a sentence does not end with: a line ending in one goes on on the next line.
_OPEN_ENDINGS = frozenset(
    "a an the of in on at to for from by with and or but as than that which who whose its their his "
    "her our into onto over under between about after before since until per".split()
)


def _continues(text: str, newline: int) -> bool:
    """Whether the newline at ``newline`` falls inside a hard-wrapped sentence. A blank line ends
    a paragraph; so does a line ending in a sentence's punctuation. Otherwise the line goes on
    when it is long (wrapped prose, not a headline or a menu item), or when the break cannot
    end a sentence: the line ends in a comma, a hyphen, an abbreviation or a word such as "the",
    or the next line goes on in lower case."""
    line_start = text.rfind("\n", 0, newline) + 1
    end = newline
    while end > line_start and text[end - 1] in " \t\r":
        end -= 1
    first = newline + 1
    n = len(text)
    while first < n and text[first] in " \t\r":
        first += 1
    if end == line_start or first >= n or text[first] == "\n":
        return False  # an empty line, or a blank one after it
    last = text[end - 1]
    if last == ".":
        return not ends_sentence(text, end - 1)  # "U.S." or "Oct." at the end of a wrapped line
    if last in "!?:\"”’)":
        return False
    if last in ",-(" or end - line_start > 60:
        return True
    if text[first].islower():
        return True
    # The line's last word (the whole line when it is one word).
    word_start = max(text.rfind(" ", line_start, end), text.rfind("\t", line_start, end), line_start - 1) + 1
    return text[word_start:end].lower() in _OPEN_ENDINGS


def _block_around(text: str, pos: int) -> tuple[int, int]:
    """The lines around ``pos`` joined by newlines that do not break a sentence."""
    n = len(text)
    start = text.rfind("\n", 0, pos) + 1
    while start > 0:
        if not _continues(text, start - 1):
            break
        start = text.rfind("\n", 0, start - 1) + 1
    end = text.find("\n", pos)
    while end != -1:
        if not _continues(text, end):
            break
        end = text.find("\n", end + 1)
    return start, (n if end == -1 else end)


def _split_sentences(text: str, begin: int, stop: int):
    start = begin
    for m in (_SENTENCE_END_ASCII if text.isascii() else _SENTENCE_END).finditer(text, begin, stop):
        end = m.end()
        if m.group() == "\n":
            if _continues(text, m.start()):
                continue
        elif not ends_sentence(text, m.start()):
            continue
        if text[start:end].strip():
            yield from _bounded(text, _skip_space(text, start, end), _trim_end(text, start, end))
        start = end
    if start < stop and text[start:stop].strip():
        yield from _bounded(text, _skip_space(text, start, stop), _trim_end(text, start, stop))


def _bounded(text: str, start: int, end: int):
    """A sentence, or, when it runs on far longer than any sentence of prose (a table or a list
    flattened into one line, thousands of figures without a full stop), pieces of it cut at a
    comma or a blank, so that the work done per sentence stays bounded."""
    while end - start > MAX_SENTENCE_CHARS:
        lo, hi = start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(", ", lo, hi), text.rfind("; ", lo, hi))
        cut = cut + 1 if cut != -1 else text.rfind(" ", lo, hi)
        if cut <= start:
            cut = hi
        yield Sentence(start, _trim_end(text, start, cut))
        start = _skip_space(text, cut, end)
    if start < end:
        yield Sentence(start, end)


def ends_sentence(text: str, dot: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence: a full stop after an abbreviation
    ("Oct.", "U.S.") or an initial does not."""
    if text[dot] != ".":
        return True
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“":
        word_start -= 1
    token = text[word_start:dot].lower()
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    # "U.S." and "D.P.R.K." style initialisms rarely end a sentence in news text.
    return not (_INITIALISM_ASCII if token.isascii() else _INITIALISM).fullmatch(token)


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class Word(NamedTuple):
    """A word and where it is. A named tuple: several are made for every figure, and
    ``_make_tuple`` makes one in C where a dataclass runs its __init__ in Python."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().rstrip(".")


_make_tuple = tuple.__new__


def word_before(text: str, pos: int, blanks: str = " \t\n\u00a0") -> tuple[int, int]:
    """Where the run of letters ending right before ``pos`` (across ``blanks``) starts and ends;
    an empty span at the blanks' start when a digit, a sign or nothing stands there."""
    end = pos
    while end > 0 and text[end - 1] in blanks:
        end -= 1
    begin = end
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return begin, end


def figure_may_end_before(text: str, pos: int, lexicon, words: frozenset[str]) -> bool:
    """Whether the word before a unit at ``pos`` (past at least one blank) can end a figure:
    digits, a number word, or one of ``words`` ("a", "an"...)."""
    begin, end = word_before(text, pos)
    if end == pos or end == 0:
        return False
    if begin == end:
        return text[end - 1].isdigit()
    word = text[begin:end].lower()
    return word in words or lexicon.number_word_value(word) is not None


def words_between(text: str, start: int, end: int, max_words: int | None = None) -> list[Word]:
    """The words in [start, end), or only the first ``max_words`` of them."""
    matches = (_WORD_ASCII if text.isascii() else _WORD).finditer(text, start, end)
    if max_words is not None:
        matches = islice(matches, max_words)
    return [_make_tuple(Word, (m.group(), m.start(), m.end())) for m in matches]


def is_initialism_with_dot(word: str) -> bool:
    """ "U.S.", "D.P.R.K.": a full stop inside a name, which ends no phrase."""
    return (_INITIALISM_WITH_DOT_ASCII if word.isascii() else INITIALISM_WITH_DOT).fullmatch(word) is not None


def words_after(text: str, pos: int, limit: int, max_words: int) -> list[Word]:
    """Words right after ``pos`` separated only by spaces (punctuation ends the run)."""
    out: list[Word] = []
    if text.isascii():
        match = _BLANKS_THEN_WORD_ASCII.match
        while len(out) < max_words:
            m = match(text, pos, limit)
            if m is None:
                break
            word = m.group(1)
            pos = m.end()
            out.append(_make_tuple(Word, (word, m.start(1), pos)))
            if word.endswith(".") and not is_initialism_with_dot(word):
                break
        return out
    match = _WORD.match
    while len(out) < max_words:
        # Matched word by word (not with finditer, whose set-up costs more than these few
        # words): only blanks may stand between them.
        while pos < limit and text[pos].isspace():
            pos += 1
        m = match(text, pos, limit)
        if m is None:
            break
        word = m.group()
        pos = m.end()
        out.append(_make_tuple(Word, (word, m.start(), pos)))
        if word.endswith(".") and not is_initialism_with_dot(word):
            break
    return out


def word_matches_between(text: str, start: int, end: int, max_words: int) -> list[re.Match[str] | regex.Match[str]]:
    """``words_between`` as the pattern's matches (``group()``, ``start()``, ``end()``), for a
    caller that reads only a few of the words it asks for: no Word is made."""
    return list(islice((_WORD_ASCII if text.isascii() else _WORD).finditer(text, start, end), max_words))


def word_matches_before(text: str, pos: int, limit: int, max_words: int) -> list[re.Match[str] | regex.Match[str]]:
    """``words_before`` as the pattern's matches, as ``word_matches_between`` is."""
    # Read back a window likely to hold enough words, widening it only when it does not: a
    # clause can be long, and the words far before ``pos`` are not needed. (The words found
    # do not depend on the window: it starts at a blank, and no word holds one.)
    reach = 8 * max_words
    while True:
        begin = max(limit, pos - reach)
        if begin > limit:
            # Start at a blank, so that the first word is not read from its middle.
            blank = text.find(" ", begin, pos)
            begin = blank if blank != -1 else begin
        found = list((_WORD_ASCII if text.isascii() else _WORD).finditer(text, begin, pos))
        if len(found) > max_words or begin <= limit:
            return found[-max_words:]
        reach *= 4


def words_before(text: str, pos: int, limit: int, max_words: int) -> list[Word]:
    """Up to ``max_words`` words before ``pos`` back to ``limit``, in text order."""
    return [_make_tuple(Word, (m.group(), m.start(), m.end())) for m in word_matches_before(text, pos, limit, max_words)]


# Constructs that make a pattern match differently from the right (atomic groups, possessive
# quantifiers, back-references, conditionals): a pattern with any of them is never reversed.
_DIRECTIONAL = re.compile(r"\(\?>|[*+?}]\+|\(\?P=|\(\?\(|\\[1-9]|\\g<|\\G")


@cache
def _reversed(pattern: regex.Pattern) -> regex.Pattern | None:
    if not isinstance(pattern, regex.Pattern) or _DIRECTIONAL.search(pattern.pattern):
        return None
    return regex.compile(pattern.pattern, flags=pattern.flags | regex.REVERSE)


def search_back(pattern: regex.Pattern, text: str, begin: int, end: int) -> regex.Match | None:
    """``pattern.search(text, begin, end)``, for a pattern that looks back from ``end`` (one that
    ends in ``$``: "more than 50 " before "years", "the end of " before a date). A forward search
    tries the pattern at every position of the window, and most of these searches find nothing;
    the same pattern searched from the right is anchored at once and says whether any match
    exists (a span matches or not whichever way it is read). Only when one does is the window
    searched from the left, for the match a forward search gives."""
    reverse = _reversed(pattern)
    if reverse is not None and reverse.search(text, begin, end) is None:
        return None
    return pattern.search(text, begin, end)
