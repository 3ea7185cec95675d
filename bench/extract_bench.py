"""How fast claim extraction runs on one core over a real corpus, and how many claims it finds.

    python bench/extract_bench.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                  [--sample 2000] [--seed 0] [--repeat 1] [--profile out.prof]

Loads the articles first (not timed), then extracts every article's claims and reports the
throughput in MB of article text (UTF-8) per second of wall-clock and of CPU time, peak memory,
and claims per article by kind.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from figcheck.corpus import iter_jsonl_documents
from figcheck.extraction import extract_claims
from figcheck.records import Document

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"
_KINDS = ("count", "date", "date_range", "duration", "anniversary")


def load(corpus: Path, sample: int | None, seed: int) -> list[Document]:
    documents = list(iter_jsonl_documents(corpus))
    if sample is not None and sample < len(documents):
        documents = random.Random(seed).sample(documents, sample)
    return documents


def run(documents: list[Document]) -> tuple[float, float, Counter[str]]:
    """Wall-clock and CPU seconds of extracting every document, and the claims by kind."""
    kinds: Counter[str] = Counter()
    started, started_cpu = time.perf_counter(), time.process_time()
    for document in documents:
        for claim in extract_claims(document):
            kinds[claim.kind] += 1
    return time.perf_counter() - started, time.process_time() - started_cpu, kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=None, help="extract only this many articles, drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="time this many runs and report each")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of one run here")
    parser.add_argument("--trace-memory", action="store_true", help="peak Python allocations of one run (slow)")
    args = parser.parse_args()

    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    documents = load(args.corpus, args.sample, args.seed)
    megabytes = sum(len(d.text.encode("utf-8")) for d in documents) / 1e6
    print(f"{len(documents)} articles, {megabytes:.1f} MB of text")

    # The first document warms the caches (compiled patterns, lexicon) outside the timing.
    extract_claims(documents[0])
    for attempt in range(1, args.repeat + 1):
        seconds, cpu, kinds = run(documents)
        # CPU time is what one core spends; on a busy machine it is the steadier figure.
        print(f"run {attempt}: {seconds:.1f} s, {megabytes / seconds:.2f} MB/s, {len(documents) / seconds:.0f} articles/s; "
              f"CPU {cpu:.1f} s, {megabytes / cpu:.2f} MB/s per core")
    total = sum(kinds.values())
    print(f"claims: {total} ({total / len(documents):.2f} per article)")
    for kind in _KINDS:
        print(f"  {kind:<12} {kinds[kind]:>8}  {kinds[kind] / len(documents):6.2f} per article")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (with the loaded corpus)")

    if args.trace_memory:
        tracemalloc.start()
        run(documents)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced allocations during extraction: {peak / 1e6:.1f} MB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, documents)
        profiler.dump_stats(args.profile)
        print(f"profile written to {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
