"""The check of a whole corpus as plain steps: read the corpus, answer unchanged articles from the
cache, check the others in batches wherever they run, compare across articles, write the outputs.
flows/check_corpus.py runs these steps as Prefect tasks; nothing here knows of Prefect."""

from figcheck.pipeline.cache import CachedArticle, ClaimCache, cache_key, code_version
from figcheck.pipeline.outputs import OutputLocked, OutputNotAReport
from figcheck.pipeline.run import OUTPUT_FILES, Completed, CorpusRun, RunSummary, check_corpus, read_corpus, run_batches
from figcheck.pipeline.work import DEFAULT_ARTICLE_SECONDS, DEFAULT_BATCH_SIZE, Batch, BatchOutput, check_batch

__all__ = [
    "DEFAULT_ARTICLE_SECONDS", "DEFAULT_BATCH_SIZE", "OUTPUT_FILES", "Batch", "BatchOutput", "CachedArticle", "Completed", "ClaimCache", "CorpusRun",
    "OutputLocked", "OutputNotAReport", "RunSummary", "cache_key", "check_batch", "check_corpus", "code_version", "read_corpus",
    "run_batches",
]
