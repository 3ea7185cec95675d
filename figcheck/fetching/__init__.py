"""Fetching the articles listed in corpus/sources.yaml into the corpus.

``update_corpus`` runs it all; the pieces, in the order a run uses them:
``client`` downloads (retries, per-host rate limit, size cap, charset), ``listings``
reads feeds and sitemaps, ``article`` takes the main text out of a page, ``store``
writes documents and versions (its docstring describes the files), ``revisions``
compares the figures of two versions of an article, ``run`` ties them together.
"""

from figcheck.fetching.client import FetchProblem, PageFetcher
from figcheck.fetching.revisions import revision_findings
from figcheck.fetching.run import FetchReport, update_corpus, write_fetch_report
from figcheck.fetching.store import CorpusStore

__all__ = [
    "CorpusStore",
    "FetchProblem",
    "FetchReport",
    "PageFetcher",
    "revision_findings",
    "update_corpus",
    "write_fetch_report",
]
