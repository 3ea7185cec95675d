"""How many instructions the per-article checks (``article_of`` and the checks within an article,
with the entries the corpus-wide checks collect) execute over the first articles of a corpus.

    python bench/linking_instructions.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                         [--articles 3000] [--cpu]

As ``bench/extract_instructions.py`` does for extraction: the checks run in two processes under
valgrind's cachegrind, one making one pass over the articles and one making two, and the
difference is one pass, without loading, extracting and reading the reference table. Each pass
starts cold, as a run does: a new reference table (its name index) and the word caches emptied.
``--cpu`` times a pass instead (CPU time, best of five), without valgrind.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

# Run as a script from bench/ (or by path): its own folder is on the path.
import cachegrind

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"
_REFERENCE = Path(__file__).resolve().parents[1] / "reference_data"


def prepared(corpus: Path, articles: int):
    """The articles with their claims, and the reference table: what a pass starts from."""
    from figcheck.corpus import iter_jsonl_documents
    from figcheck.extraction import extract_claims
    from figcheck.reference import ReferenceTable

    documents = list(itertools.islice(iter_jsonl_documents(corpus), articles))
    return [(document, extract_claims(document)) for document in documents], ReferenceTable.load(_REFERENCE)


def one_pass(items, loaded) -> None:
    """The measured work: every article made an Article, checked, and its entries collected."""
    from checkers import CheckRun, article_of
    from figcheck.linking import words
    from figcheck.reference import ReferenceTable

    for cached in (words.singular, words.words, words.hyphen_joined, words.capitalised):
        cached.cache_clear()
    table = ReferenceTable(loaded.facts, version=loaded.version)
    checks = CheckRun(table)
    for document, claims in items:
        article = article_of(document, claims, table, fingerprinted=False)
        checks.add_article(article)
        checks.cross_entries(article)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--cpu", action="store_true", help="CPU time of a pass, best of five, instead")
    parser.add_argument("--passes", type=int, default=None, help=argparse.SUPPRESS)  # the measured process
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    if args.passes is not None:
        items, loaded = prepared(args.corpus, args.articles)
        for _ in range(args.passes):
            one_pass(items, loaded)
        return 0
    if args.cpu:
        items, loaded = prepared(args.corpus, args.articles)
        one_pass(items, loaded)  # patterns compiled, modules' own caches filled, as after a run's first batch
        times = []
        for _ in range(5):
            started = time.process_time()
            one_pass(items, loaded)
            times.append(time.process_time() - started)
        print(f"checks over the first {args.articles} articles: best {min(times):.3f} CPU s "
              f"(all: {', '.join(f'{t:.3f}' for t in times)})")
        return 0
    count = cachegrind.one_pass(__file__, "--corpus", str(args.corpus), "--articles", str(args.articles))
    print(f"one pass of the checks over the first {args.articles} articles: {count / 1e6:,.0f} M instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
