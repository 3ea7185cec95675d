"""findings.json is written a piece at a time by its own pretty-printer (json.dumps with an indent
is slow): the text must be json.dumps(ensure_ascii=False, indent=2)'s, byte for byte."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.report.findings_file import _NEXT, _json

_SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


def _expected(value, level: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", _NEXT[level] if level < len(_NEXT) else "\n" + "  " * level)


@settings(max_examples=400, deadline=None)
@given(_VALUE, st.integers(min_value=0, max_value=20))
def test_the_text_is_json_dumps_indented(value, level):
    assert _json(value, level) == _expected(value, level)


def test_the_cases_json_spells_its_own_way():
    cases = [
        {"a": float("nan"), "b": [math.inf, -math.inf], "c": 1e16, "d": 1e-05, "e": -0.0, "f": 10**20},
        {"quote": 'say "1,204 nurses"\n\t\u2028\x7f\x00 €', "empty": {}, "none": [], "tuple": (1, "two")},
        {1: "an int key", None: "a null key", False: "a bool key", 2.5: "a float key"},
        [[[[[[[[[[[[[[[[[["deeper than the table of indents"]]]]]]]]]]]]]]]]]],
        True, False, None, "", 0,
    ]
    for value in cases:
        for level in (0, 1, 3):
            assert _json(value, level) == _expected(value, level)


class _Text(str):
    pass


def test_a_subclass_is_written_as_json_writes_it():
    value = {"kind": _Text("count"), "n": [True, 3]}
    assert _json(value, 2) == _expected(value, 2)
