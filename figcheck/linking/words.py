"""The words of a text as matching sees them: folded, without articles, singular."""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from itertools import filterfalse

_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
# A possessive "'s" goes with its apostrophe: "Kim Jong Un's" names Kim Jong Un (not "uns").
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ`]s\b")
_NOT_WORD = re.compile(r"[^\w]+")
# Articles carry no meaning for matching: "Hero of Republic" is "Hero of the Republic".
_ARTICLES = frozenset({"the", "a", "an"})


# One entry a word of the language, not a text: a bounded vocabulary, looked up in C.
@functools.lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """A folded word as matching sees it: "wars" → "war", "ceremonies" → "ceremony"."""
    # Crude on purpose: both sides of a match go through it, so it only has to be consistent.
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plurals_and_self(word: str) -> frozenset[str]:
    """Every folded word that ``singular`` turns into ``word``: so a whole article can be
    searched for a word without making each of its words singular first."""
    forms = {word, word + "s", word + "es"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return frozenset(form for form in forms if singular(form) == word)


@functools.lru_cache(maxsize=8192)
def words(text: str | None) -> tuple[str, ...]:
    """The words of ``text`` as matching sees them: folded, without articles, singular."""
    return tuple(map(singular, folded_words(text)))


# An ASCII text folds to its lower case. Apostrophes are dropped; every other character but a
# letter, a digit or "_" splits words (as ``_NOT_WORD`` does): a table of one character for
# one, which ``str.translate`` applies fastest.
_ASCII_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_'`")
_ASCII_SPLIT = str.maketrans({chr(i): chr(i) if chr(i) in _ASCII_WORD_CHARS else " " for i in range(128)})


# ``_POSSESSIVE`` for ASCII text, found from the apostrophe: a search that opens with a
# look-behind tries every position of a whole article; one that opens with the apostrophe skips
# to the few there are.
_ASCII_POSSESSIVE = re.compile(r"['`]s\b")


def _drop_ascii_possessives(text: str) -> str:
    def drop(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        return "" if before.isalnum() or before == "_" else match.group()

    return _ASCII_POSSESSIVE.sub(drop, text)


def folded_words(text: str | None) -> list[str]:
    """The words of ``text`` folded and without articles, not yet singular: ``words(text)`` is
    ``singular`` of each. Not cached: a whole article is read with it once."""
    if not text:
        return []
    if text.isascii():
        # NFKC leaves ASCII as it is, and casefold is lower there.
        lowered = text.lower()
        if "'" in lowered or "`" in lowered:
            lowered = _drop_ascii_possessives(lowered).replace("'", "").replace("`", "")
        parts = lowered.translate(_ASCII_SPLIT).split()
    else:
        folded = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold()).translate(_APOSTROPHES)
        parts = filter(None, _NOT_WORD.split(folded))
    return list(filterfalse(_ARTICLES.__contains__, parts))


# A run of letters, digits or "_": a word as ``hyphen_joined`` and ``capitalised`` count them.
_WORD_RUN = re.compile(r"[^\W]+")


@functools.lru_cache(maxsize=8192)
def hyphen_joined(text: str | None) -> tuple[bool, ...]:
    """For each word of ``words(text)``, whether it was joined to the one before by a hyphen
    ("DPRK-Germany": Germany is): a name so joined is part of a compound, not a phrase's head."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    flags = []
    for m in _WORD_RUN.finditer(folded):
        if m.group(0) in _ARTICLES:
            continue
        flags.append(m.start() > 0 and folded[m.start() - 1] in "-‐‑–")
    return tuple(flags)


@functools.lru_cache(maxsize=8192)
def capitalised(text: str | None) -> tuple[bool, ...]:
    """For each word of ``words(text)``, whether the text wrote it with a capital: a name
    followed by one is part of a longer name ("Kim Il Sung Socialist Youth League")."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return tuple(m.group(0)[:1].isupper() for m in _WORD_RUN.finditer(folded) if m.group(0).casefold() not in _ARTICLES)

