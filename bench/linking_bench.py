"""What the per-article work beside extraction costs over a real corpus: matching the reference
table's names against the article (``ReferenceTable.named_in``) and its near-copy fingerprint
(``checkers.base.fingerprint``).

    python bench/linking_bench.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                  [--sample 2000] [--seed 0] [--repeat 3]

Loads the articles and the reference table first (not timed), then times each step over every
article (CPU time of this process, the best of ``--repeat`` runs) and reports microseconds per
article, with how many articles name a fact.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from checkers.base import fingerprint
from figcheck.corpus import iter_jsonl_documents
from figcheck.reference import ReferenceTable

# Run as a script from bench/ (or by path): its own folder is on the path.
from timing import best_cpu_seconds

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=None, help="only this many articles, drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    texts = [d.text for d in iter_jsonl_documents(args.corpus)]
    if args.sample is not None and args.sample < len(texts):
        texts = random.Random(args.seed).sample(texts, args.sample)
    table = ReferenceTable.load()
    print(f"{len(texts)} articles, {sum(len(t.encode('utf-8')) for t in texts) / 1e6:.1f} MB of text, {len(table)} reference facts")
    # The first article warms the caches (compiled patterns, the name index) outside the timing.
    table.named_in(texts[0])
    fingerprint(texts[0])
    for name, step in (("named_in", table.named_in), ("fingerprint", fingerprint)):
        seconds = best_cpu_seconds(step, texts, args.repeat)
        print(f"{name:<12} {seconds:6.2f} CPU s  {seconds / len(texts) * 1e3:6.3f} ms per article")
    naming = sum(1 for t in texts if table.named_in(t))
    print(f"articles naming a fact: {naming} ({naming / len(texts):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
