"""What a figure is about, when its sentence speaks, which facts and other figures it is tied to,
and why: one answer to each question, asked the same way by every check.

- ``about``: a date's own event and offsets ("a day after ..."), a count's noun and unit, a part's whole;
- ``time_frame``: the time a sentence speaks of ("last year", "was opened to mark", "will mark");
- ``quantity``: whether two figures are one quantity (same thing, place, time and unit);
- ``names``: which reference facts the words of a claim name;
- ``links``: all of these for one article, computed once per claim and sentence.
"""

from figcheck.linking.links import ArticleLinks

__all__ = ["ArticleLinks"]
