"""Extraction of quantitative claims from article text: one recognizer module per claim kind
(counts, dates and date ranges, durations, anniversaries), each with its example corpus in
``examples/``."""

from figcheck.extraction.extractor import EXTRACTOR_VERSION, extract_claims

__all__ = ["EXTRACTOR_VERSION", "extract_claims"]
