"""A date's value, written out field by field in ``dates._mention``, is the record the generic
``assemble_with_defaults`` makes of the same fields: the same fields in the model's order, the
same values, the same fields marked as set, and valid for the model."""

from __future__ import annotations

from datetime import date

import pytest

from figcheck.extraction.dates import DateParts, _mention
from figcheck.extraction.lexicon import load_lexicon
from figcheck.extraction.mentions import ExtractionContext
from figcheck.extraction.text import TextIndex
from figcheck.extraction.triggers import find_triggers
from figcheck.records import DateValue, assemble_with_defaults

_TEXT = "On June 25, 1950 the war began."

_PARTS = [
    DateParts(year=1950, month=6, day=25),
    DateParts(year=1950, month=6, day=25, weekday=6),
    DateParts(month=6, day=25),
    DateParts(month=7),
    DateParts(year=1950),
    DateParts(year=1951, mod="START"),
    DateParts(decade=1950),
    DateParts(century=20),
    DateParts(year=2016, quarter=4),
    DateParts(juche_year=39, year=1950, stated_gregorian_year=1950),
    DateParts(weekday=0, relative="next", forward=True),
    DateParts(relative="last week"),
    DateParts(year=2011, month=2, day=30),  # no such day: no period
]


def _context(published: date | None) -> ExtractionContext:
    return ExtractionContext(
        text=_TEXT,
        index=TextIndex.build(_TEXT),
        lexicon=load_lexicon(),
        published=published,
        triggers=find_triggers(_TEXT),
    )


# A relative period ("last week") is only read with a publication date.
_CASES = [
    (parts, published)
    for parts in _PARTS
    for published in (date(2012, 3, 14), None)
    if published is not None or not (parts.relative and parts.weekday is None)
]


@pytest.mark.parametrize(("parts", "published"), _CASES, ids=repr)
def test_date_value_is_the_generic_record(parts: DateParts, published: date | None) -> None:
    value = _mention(_context(published), 3, 16, parts, 0.9).value
    given = {
        "timex": value.timex,
        "calendar": value.calendar,
        "calendar_year": value.calendar_year,
        "stated_gregorian_year": value.stated_gregorian_year,
        "stated_weekday": value.stated_weekday,
        "resolved_from": value.resolved_from,
        "relative": value.relative,
        "mod": value.mod,
        "granularity": value.granularity,
        "period_start": value.period_start,
        "period_end": value.period_end,
    }
    generic = assemble_with_defaults(DateValue, **given)
    assert list(value.__dict__.items()) == list(generic.__dict__.items())
    assert list(value.__dict__) == list(DateValue.model_fields)
    assert value.model_fields_set == generic.model_fields_set
    assert DateValue.model_validate(value.model_dump()) == value
    assert value.model_dump_json() == generic.model_dump_json()
