"""Fetching the articles listed in corpus/sources.yaml into the corpus.

``update_corpus`` runs it all; the pieces, in the order a run uses them:
``robots`` says whether robots.txt lets a URL be fetched, ``client`` downloads (retries,
per-host rate limit, total timeout, size cap, charset) connecting only where ``addresses``
allows and undoing compression with ``content_coding``, ``listings`` reads feeds and
sitemaps, ``article`` takes the main text out of a page, ``store`` writes documents and
versions (its docstring describes the files), ``revisions`` compares the figures of two
versions of an article, ``run`` ties them together.
"""

import logging

from figcheck.fetching.client import FetchProblem, PageFetcher
from figcheck.fetching.revisions import revision_findings
from figcheck.fetching.run import FetchReport, update_corpus, write_fetch_report
from figcheck.fetching.store import CorpusStore

# Page outcomes are logged for whoever configures logging (a flow's run logger is given
# explicitly); an unconfigured program, like the CLI that prints its own progress, shows none.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CorpusStore",
    "FetchProblem",
    "FetchReport",
    "PageFetcher",
    "revision_findings",
    "update_corpus",
    "write_fetch_report",
]
