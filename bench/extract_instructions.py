"""How many instructions one extraction pass over the first articles of a corpus executes.

    python bench/extract_instructions.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                         [--articles 1500]

On a shared machine the CPU time of one run moves by 10-20% from run to run, more than most
changes to the extractor; the instructions counted by valgrind's cachegrind do not (within about
0.5%: set iteration order still follows the hash seed, fixed here). The extractor runs in two
processes under cachegrind, one making one pass over the articles and one making two; the
difference is one pass, without loading the articles and compiling the patterns. Needs valgrind
(`apt-get install valgrind`); takes about 60 times one pass.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

# Run as a script from bench/ (or by path): its own folder is on the path.
import cachegrind

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def passes(corpus: Path, articles: int, count: int) -> None:
    """The measured work: ``count`` extraction passes over the first ``articles`` articles."""
    from figcheck.corpus import iter_jsonl_documents
    from figcheck.extraction import extract_claims

    documents = list(itertools.islice(iter_jsonl_documents(corpus), articles))
    for _ in range(count):
        for document in documents:
            extract_claims(document)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--passes", type=int, default=None, help=argparse.SUPPRESS)  # the measured process
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    if args.passes is not None:
        passes(args.corpus, args.articles, args.passes)
        return 0
    count = cachegrind.one_pass(__file__, "--corpus", str(args.corpus), "--articles", str(args.articles))
    print(f"one extraction pass over the first {args.articles} articles: {count / 1e6:,.0f} M instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
