"""Benchmark of the whole pipeline: `figcheck run` (the Prefect flow) against the same steps called
directly, cold and with nothing changed, on the bundled corpus and on the shared KCNA archive.

    python bench/pipeline_bench.py [--kcna ../shared/corpora/kcna-2011-2012.jsonl.gz] [--limit N]

The KCNA archive is written out as a corpus folder in a temporary directory (never into the
project). Each `figcheck run` is a fresh process with a fresh Prefect home, so its time includes
the embedded server's start; that start is measured apart by running the flow on an empty
corpus of one article. Peak memory is the child process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(jsonl: Path, folder: Path, limit: int | None) -> int:
    from figcheck.corpus import iter_jsonl_documents

    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for document in iter_jsonl_documents(jsonl, limit=limit):
        (folder / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")
        meta = {
            "title": document.meta.title,
            "publisher": document.meta.publisher,
            "published": document.meta.published.isoformat() if document.meta.published else None,
            "language": "en",
        }
        (folder / f"{document.doc_id}.meta.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
        n += 1
    return n


# Runs a command and reports the largest resident set of it and its descendants (the largest
# single process, not their sum), and the CPU seconds they used (user and system, every process
# the command waited for: workers, the local Prefect server, a local Dask cluster): a fresh
# wrapper per run, so the figures are this run's alone.
_WRAPPER = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print('MAXRSS', u.ru_maxrss, 'CPU', u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(r.returncode)"
)

# The CPU seconds of the last timed_child call (kept apart so that its callers' figures stay as they were).
last_cpu_seconds = 0.0


def timed_child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child, and its output; its CPU seconds go to ``last_cpu_seconds``."""
    global last_cpu_seconds
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    usage = done.stderr.rsplit("MAXRSS", 1)[1].split()
    last_cpu_seconds = float(usage[2])
    return seconds, int(usage[0]) / 1024, done.stdout + done.stderr


def direct(corpus: Path, out: Path) -> tuple[float, float]:
    code = (
        "import sys, time, resource; from pathlib import Path; from figcheck.pipeline import check_corpus;"
        "t=time.perf_counter(); s=check_corpus(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]));"
        "print(f'{time.perf_counter()-t:.2f}', s.articles, s.claims, s.cached)"
    )
    args = [sys.executable, "-c", code, str(corpus), str(ROOT / "reference_data"), str(out)]
    seconds, peak, output = timed_child(args, dict(os.environ))
    inner = float(output.split()[0])
    return inner, peak


def flow(corpus: Path, out: Path, prefect_home: Path) -> tuple[float, float, str]:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    args = [str(Path(sys.executable).parent / "figcheck"), "run", "--corpus", str(corpus), "--out", str(out)]
    return timed_child(args, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kcna", type=Path, default=ROOT.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz")
    parser.add_argument("--limit", type=int, default=None, help="only the first N KCNA articles")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="figcheck-bench-") as tmp:
        tmp = Path(tmp)
        one = tmp / "one"
        one.mkdir()
        shutil.copy(ROOT / "corpus" / "kcna-2010-10-21-friendship-forged-in-blood.txt", one)
        startup, _, _ = flow(one, tmp / "one-out" / "latest", tmp / "prefect-one")
        print(f"figcheck run on one article (Prefect start-up + a tiny run): {startup:.1f} s")

        kcna = tmp / "kcna"
        n = write_corpus(args.kcna, kcna, args.limit)
        for name, corpus in (("bundled corpus", ROOT / "corpus"), (f"KCNA archive ({n} articles)", kcna)):
            for label in ("cold", "nothing changed"):
                out = tmp / name.split()[0] / "latest"
                work, work_peak = direct(corpus, tmp / (name.split()[0] + "-direct") / "latest")
                total, peak, _ = flow(corpus, out, tmp / f"prefect-{name.split()[0]}")
                print(
                    f"{name}, {label}: figcheck run {total:.1f} s (peak {peak:.0f} MB); "
                    f"the same steps called directly {work:.1f} s (peak {work_peak:.0f} MB); "
                    f"Prefect's share {total - work:.1f} s"
                )


if __name__ == "__main__":
    main()
