"""The near-copy fingerprint of an article (``checkers.base.fingerprint``) is the sample of
word 8-gram hashes it has always been: cached fingerprints stay comparable with fresh ones."""

from __future__ import annotations

import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.base import fingerprint


def _plain_fingerprint(text: str) -> frozenset[int]:
    """The definition, read word by word."""
    words = [zlib.crc32(w.encode()) for w in re.findall(r"\w+", text.lower())]
    starts = range(max(0, len(words) - 8 + 1))
    keep_all = len(starts) < 64
    return frozenset(hash(tuple(words[i : i + 8])) for i in starts if keep_all or words[i] % 4 == 0)


_WORDS = st.sampled_from(["the", "The", "DPRK", "Kim_Il", "1,204", "U.S.", "war", "A", "b", "Ünter", "K", "ﬁve", "x2"])
_GAPS = st.sampled_from([" ", "\n", ", ", "-", "'", "\x1c", "(", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=120))
def test_the_fingerprint_is_its_definition(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces)
    assert fingerprint(text) == _plain_fingerprint(text)


@pytest.mark.parametrize("words", [0, 7, 8, 70, 71, 300])
def test_short_texts_keep_every_shingle_and_long_ones_a_sample(words: int) -> None:
    text = " ".join(f"w{i}" for i in range(words))
    found = fingerprint(text)
    assert found == _plain_fingerprint(text)
    shingles = max(0, words - 7)
    if shingles < 64:
        assert len(found) == shingles
    else:
        assert 0 < len(found) < shingles
