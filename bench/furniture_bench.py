"""What reading pages' layout costs: `read_page` and the dateline's pre-check over the first
articles of a corpus, in CPU time and in instructions.

    python bench/furniture_bench.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                    [--articles 3000] [--instructions]

CPU time is the best of 5 passes (on a shared machine one pass moves by 10-30% from run to
run). With --instructions, each piece of work also runs under valgrind's cachegrind in two
processes, one making one pass and one making two; the difference is one pass, without
loading the texts and compiling the patterns (needs valgrind; takes about 60 times a pass).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path

# Run as a script from bench/ (or by path): its own folder is on the path.
import cachegrind
from timing import best_cpu_seconds

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def _texts(corpus: Path, articles: int) -> list[str]:
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, articles)]


def _work(name: str) -> Callable[[str], object]:
    if name == "read_page":
        from figcheck.furniture import read_page

        return read_page
    from checkers.dateline import _may_open_with_dateline

    return _may_open_with_dateline


WORK = ("read_page", "dateline_precheck")


def passes(corpus: Path, articles: int, work: str, count: int) -> None:
    """The measured work: ``count`` passes of ``work`` over the first ``articles`` texts."""
    texts = _texts(corpus, articles)
    do = _work(work)
    do("")  # compile the patterns before the passes
    for _ in range(count):
        for text in texts:
            do(text)


def cpu_seconds(texts: list[str], work: str, repeats: int = 5) -> float:
    do = _work(work)
    do("")
    return best_cpu_seconds(do, texts, repeats)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--instructions", action="store_true", help="count instructions under cachegrind too")
    parser.add_argument("--work", choices=WORK, help=argparse.SUPPRESS)  # the measured process
    parser.add_argument("--passes", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    if args.passes is not None:
        passes(args.corpus, args.articles, args.work, args.passes)
        return 0
    texts = _texts(args.corpus, args.articles)
    megabytes = sum(map(len, texts)) / 1e6
    for work in WORK:
        seconds = cpu_seconds(texts, work)
        print(f"{work}: {seconds:.3f} s CPU (best of 5) over {len(texts)} articles, "
              f"{seconds / len(texts) * 1e6:.1f} µs an article, {megabytes / seconds:.1f} MB/s")
    if args.instructions:
        for work in WORK:
            count = cachegrind.one_pass(__file__, "--corpus", str(args.corpus), "--articles", str(args.articles),
                                        "--work", work)
            print(f"{work}: one pass over the first {args.articles} articles: {count / 1e6:,.1f} M instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
