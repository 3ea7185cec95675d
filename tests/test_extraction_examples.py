"""Every case of the extractor's example corpora (figcheck/extraction/examples/*.yaml): adding a
case is adding a line of data there."""

from __future__ import annotations

import pytest

from figcheck.extraction.examples import ExampleCase, iter_example_cases

CASES = list(iter_example_cases())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_example(case: ExampleCase) -> None:
    problems = case.check()
    assert not problems, f"{case.text!r}\n" + "\n".join(problems)
