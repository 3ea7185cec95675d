"""The words of a text as matching sees them: folded, without articles, singular."""

from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
_NOT_WORD = re.compile(r"[^\w]+")
# Articles carry no meaning for matching: "Hero of Republic" is "Hero of the Republic".
_ARTICLES = frozenset({"the", "a", "an"})


def _singular(word: str) -> str:
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


@functools.lru_cache(maxsize=8192)
def words(text: str | None) -> tuple[str, ...]:
    """The words of ``text`` as matching sees them: folded, without articles, singular."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(_singular(word) for word in _NOT_WORD.split(folded) if word and word not in _ARTICLES)


@functools.lru_cache(maxsize=8192)
def hyphen_joined(text: str | None) -> tuple[bool, ...]:
    """For each word of ``words(text)``, whether it was joined to the one before by a hyphen
    ("DPRK-Germany": Germany is): a name so joined is part of a compound, not a phrase's head."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    flags = []
    for m in re.finditer(r"[^\W]+", folded):
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
    return tuple(m.group(0)[:1].isupper() for m in re.finditer(r"[^\W]+", folded) if m.group(0).casefold() not in _ARTICLES)
