"""Extraction time grows about linearly with the number of figures in one sentence (a page of
thousands of numbers without a full stop must not take quadratic time) and with a run of blanks or
punctuation between a figure and its words (a page padded with thousands of spaces, say). The
suite's timed tests, and they bound a ratio, not a time: 4n figures, or a run 4 times as long, may
take at most 5 times as long as n."""

from __future__ import annotations

import gc
import time

import pytest
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figcheck.extraction import extract_claims
from figcheck.records import Document, DocumentMeta

# Pieces of claim-dense text: every kind of figure, with and without a noun, and the words
# that make recognizers look further (qualifiers, partitive cues, relations, month names).
_FIGURES = [
    "Juche 1",
    "1,204 nurses",
    "more than 80,000 people",
    "June 25, 1950",
    "1950-53",
    "three years after the war",
    "the 60th anniversary of the victory",
    "twenty-five soldiers",
    "up to 220 mln dlrs from 110 mln",
    "including 12 students",
    "of them 5",
    "on Monday",
    "45 percent",
    "from April 1 to March 31",
    "1998",
    "7",
]
_JOINTS = [" ", ", ", " and ", " including ", " of ", "; "]

_N = 1000  # figures in the smaller text: big enough that timer noise does not matter


def _text(pieces: list[str], joints: list[str], figures: int) -> str:
    out = []
    for i in range(figures):
        out.append(pieces[i % len(pieces)])
        out.append(joints[i % len(joints)])
    return "".join(out)


def _best_time(text: str, runs: int = 3) -> float:
    document = Document(doc_id="dense", text=text, meta=DocumentMeta(published=date(2012, 6, 15)))
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        # CPU time of this process: what other work on the machine does is not counted.
        started = time.process_time()
        extract_claims(document)
        best = min(best, time.process_time() - started)
    return best


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.sampled_from(_FIGURES), min_size=1, max_size=5),
    joints=st.lists(st.sampled_from(_JOINTS), min_size=1, max_size=3),
)
def test_time_grows_linearly_with_figures_in_a_sentence(pieces: list[str], joints: list[str]) -> None:
    extract_claims(Document(doc_id="warm", text="1,204 nurses on June 25, 1950.", meta=DocumentMeta()))
    small_text, large_text = _text(pieces, joints, _N), _text(pieces, joints, 4 * _N)
    # The machine may be busy with other work: a ratio above the bound is measured again, and
    # only one that stays above it on every try fails (quadratic time gives about 16).
    ratios = []
    for _ in range(3):
        small = _best_time(small_text)
        large = _best_time(large_text)
        # A floor of a few milliseconds keeps a near-empty text's timer noise from failing.
        ratios.append(large / max(small, 0.005))
        if ratios[-1] <= 5:
            return
    raise AssertionError(f"{4 * _N} figures took {min(ratios):.1f} times as long as {_N} (tries: {ratios})")


# Runs of one filler between a figure and the words after it: each pattern that reads past blanks
# must not try every split of the run (a "\s*,?\s+" did: 222 s for 300,000 spaces), and a one-word
# line must not be read as all the text before it (5 seconds for 40,000 lines of one figure).
# "." and "!": a run of stops (a table's dot leaders) was tried from each of its stops.
_FILLERS = [" ", "\n", "\t", "\u00a0", " ,", ", ", " -", ". ", ".", "!?"]
_RUN = 5000  # characters in the shorter run


@pytest.mark.parametrize("filler", _FILLERS)
@pytest.mark.parametrize("around", [("In all, 5", "people were hired."), ("On June 25,", "1950 the war began."),
                                    ("more than", "80,000 volunteers"),
                                    ("Über 5", "Menschen, said the café's owner.")])  # not ASCII: the general patterns
def test_time_grows_linearly_with_a_run_of_blanks_or_punctuation(filler: str, around: tuple[str, str]) -> None:
    before, after = around

    def text(length: int) -> str:
        return before + filler * (length // len(filler)) + after

    extract_claims(Document(doc_id="warm", text="1,204 nurses on June 25, 1950.", meta=DocumentMeta()))
    ratios = []
    for _ in range(3):
        short, long = _best_time(text(_RUN)), _best_time(text(4 * _RUN))
        ratios.append(long / max(short, 0.005))
        if ratios[-1] <= 5:
            return
    raise AssertionError(f"a run of {4 * _RUN} took {min(ratios):.1f} times as long as one of {_RUN} (tries: {ratios})")
