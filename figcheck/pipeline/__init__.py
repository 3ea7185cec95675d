"""The check of a whole corpus as plain steps: read the corpus, answer unchanged articles from the
cache, check the others in batches wherever they run, compare across articles, write the outputs.
flows/check_corpus.py runs these steps as Prefect tasks; nothing here knows of Prefect but the
run's guardian, which marks the flow run of a killed run crashed.

The names below are imported when first asked for: a worker process (``work``) or the run's
guardian (``guardian``) imports only its own module, not the run's reading, reporting and
history, which it never uses."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOMES = {
    "CachedArticle": "cache", "ClaimCache": "cache", "cache_key": "cache", "code_version": "cache",
    "OutputLocked": "outputs", "OutputNotAReport": "outputs",
    "OUTPUT_FILES": "run", "Completed": "run", "CorpusRun": "run", "RunSummary": "run", "check_corpus": "run",
    "read_corpus": "run", "run_batches": "run",
    "DEFAULT_ARTICLE_SECONDS": "work", "DEFAULT_BATCH_SIZE": "work", "Batch": "work", "BatchOutput": "work",
    "check_batch": "work",
}

__all__ = [
    "DEFAULT_ARTICLE_SECONDS", "DEFAULT_BATCH_SIZE", "OUTPUT_FILES", "Batch", "BatchOutput", "CachedArticle", "Completed", "ClaimCache", "CorpusRun",
    "OutputLocked", "OutputNotAReport", "RunSummary", "cache_key", "check_batch", "check_corpus", "code_version", "read_corpus",
    "run_batches",
]
assert set(__all__) == set(_HOMES)

if TYPE_CHECKING:
    from figcheck.pipeline.cache import CachedArticle, ClaimCache, cache_key, code_version
    from figcheck.pipeline.outputs import OutputLocked, OutputNotAReport
    from figcheck.pipeline.run import OUTPUT_FILES, Completed, CorpusRun, RunSummary, check_corpus, read_corpus, run_batches
    from figcheck.pipeline.work import DEFAULT_ARTICLE_SECONDS, DEFAULT_BATCH_SIZE, Batch, BatchOutput, check_batch


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
