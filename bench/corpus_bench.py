"""How fast a corpus is read: `iter_corpus` over the archive as a JSON-lines file and as a folder.

    python bench/corpus_bench.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                 [--folder-sample 5000] [--repeat 2]

Reports documents per second (wall and CPU time of this process) for the JSON-lines file and,
written out into a temporary folder of `.txt` articles with `.meta.yaml` files, for a folder
of the first `--folder-sample` articles: each with pages read (furniture marked, metadata
inferred: what `iter_corpus` gives by default) and without (`read_pages=False`, the part the
flow's process does when the workers complete the documents).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from figcheck.corpus import count_corpus, iter_corpus

_DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def measure(label: str, read: Callable[[], Iterable[object]], repeat: int) -> None:
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        count = sum(1 for _ in read())
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{label:<44} {count:>6} in {wall:5.2f} s wall, {cpu:5.2f} s CPU: {count / wall:8,.0f} documents/s")


def write_folder(corpus: Path, folder: Path, sample: int) -> None:
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in itertools.islice(lines, sample):
            record = json.loads(line)
            stem = str(record["id"])
            (folder / f"{stem}.txt").write_text(record["text"], encoding="utf-8")
            meta = {"title": record.get("title"), "publisher": record.get("source"),
                    "published": record.get("published"), "url": record.get("url")}  # fmt: skip
            (folder / f"{stem}.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--folder-sample", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    measure("count_corpus (JSON lines)", lambda: range(count_corpus(options.corpus)), options.repeat)
    measure("iter_corpus (JSON lines)", lambda: iter_corpus(options.corpus), options.repeat)
    measure("iter_corpus (JSON lines), read_pages=False",
            lambda: iter_corpus(options.corpus, read_pages=False), options.repeat)  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="figcheck-corpus-bench-"))
    try:
        write_folder(options.corpus, folder, options.folder_sample)
        measure("iter_corpus (folder)", lambda: iter_corpus(folder), options.repeat)
        measure("iter_corpus (folder), read_pages=False", lambda: iter_corpus(folder, read_pages=False), options.repeat)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
