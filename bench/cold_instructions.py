"""How many instructions the whole work executes, cold, on the first articles of a corpus.

    python bench/cold_instructions.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                      [--articles 3000]

The cold run of issue 10 is timed in seconds (`bench/scale_bench.py`), but on a shared machine
the CPU time of the same run moves by 10-30%, more than most changes to one stage. Counted by
valgrind's cachegrind, the instructions do not (within about 0.5%). The work runs in one process
(one worker, no process pool: loading, page furniture, extraction, linking, the checks, the
cross-article checks and the report, with the cache written as a first run writes it), once on
the first ``--articles`` articles and once on none; the difference is the work on those
articles, without the imports and the compiling of patterns. Needs valgrind; takes about 60
times the run.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Run as a script from bench/ (or by path): its own folder is on the path.
import cachegrind

ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def cold_run(corpus: Path, out: Path) -> None:
    """The measured work: a cold run of the whole pipeline on ``corpus`` in this process."""
    sys.path.insert(0, str(ROOT))
    from figcheck.pipeline.run import check_corpus

    check_corpus(corpus, ROOT / "reference_data", out, workers=1)


def first_lines(corpus: Path, articles: int, into: Path) -> None:
    opened = gzip.open(corpus, "rt", encoding="utf-8") if corpus.name.endswith(".gz") else corpus.open(encoding="utf-8")
    with opened as lines, into.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, articles))


def instructions(corpus: Path, folder: Path) -> int:
    return cachegrind.instructions(__file__, "--run", str(corpus), "--out", str(folder / "out"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--run", type=Path, default=None, help=argparse.SUPPRESS)  # the measured process
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        cold_run(args.run, args.out)
        return 0
    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        runs = []
        for name, count in (("some", args.articles), ("none", 0)):
            (base / name).mkdir()
            first_lines(args.corpus, count, base / name / "corpus.jsonl")
            runs.append(base / name)
        with ThreadPoolExecutor(2) as pool:
            some, none = pool.map(lambda run: instructions(run / "corpus.jsonl", run), runs)
    print(f"the cold work on the first {args.articles} articles: {(some - none) / 1e6:,.0f} M instructions "
          f"({some / 1e6:,.0f} M in all, {none / 1e6:,.0f} M for an empty corpus)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
