"""Scale benchmark of the pipeline on the shared KCNA archive (run by hand, not a test).

    python bench/scale_bench.py [--archive PATH] [--replicas 5] [--parts archive,scaling,unchanged] [--project DIR]

archive: on the 18,876 articles, cold and with nothing changed, the work called directly
(figcheck.pipeline.check_corpus on every core), `figcheck run` with its own local server (a fresh
Prefect home, whose database its server creates; then a new corpus with that database made), and
`figcheck run` against a running `prefect server`; Prefect's share is the difference. scaling: the
archive as it is and replicated --replicas times (new ids, dates moved by whole years), cold, on 1
and 2 local workers and on a 2-worker Dask LocalCluster, with the time and the peak memory (largest
resident set of the run's processes) and the CPU time of the run's processes (a running server's
own is not counted), and for each the ratios of the replicated corpus's figures to the archive's
(issue 10: time linear, peak memory at most 1.5 times).
unchanged: the work called directly on the archive, cold and then with nothing changed --repeats
times, each with the work's own CPU time (imports aside), on a corpus written a while before the
cold run and on one written just before it (see ``unchanged_part``). --project runs another checkout
of figcheck (for before/after figures). Corpora are written into a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

# Run as a script from bench/: the child-process timing is pipeline_bench's.
import pipeline_bench
from pipeline_bench import timed_child as timed

ROOT = Path(__file__).resolve().parents[1]

# Runs a command and reports the largest resident set among it and its descendants.
_DIRECT = """
import os, sys, time
from pathlib import Path
from figcheck.pipeline import check_corpus
def main():
    started, times = time.perf_counter(), os.times()
    summary = check_corpus(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), workers=int(sys.argv[4]))
    seconds, after = time.perf_counter() - started, os.times()
    cpu = sum(after[:4]) - sum(times[:4])
    print("SECONDS", seconds, summary.articles, summary.claims, summary.cached, "WORKCPU", cpu)
if __name__ == "__main__":
    main()
"""


def write_corpus(archive: Path, folder: Path, replicas: int = 1) -> int:
    sys.path.insert(0, str(ROOT))
    from figcheck.corpus import iter_jsonl_documents

    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for document in iter_jsonl_documents(archive):
        for copy in range(replicas):
            doc_id = document.doc_id if copy == 0 else f"{document.doc_id}-r{copy}"
            published = document.meta.published
            if published is not None and copy:
                day = published if isinstance(published, date) else published.date()
                published = day.replace(year=day.year + 20 * copy) if not (day.month == 2 and day.day == 29) else day
            (folder / f"{doc_id}.txt").write_text(document.text, encoding="utf-8")
            meta = {"title": document.meta.title, "publisher": document.meta.publisher,
                    "published": published.isoformat() if published else None, "language": "en"}
            (folder / f"{doc_id}.meta.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
            n += 1
    return n


def environment(project: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(project), **extra}
    env.pop("PREFECT_API_URL", None)
    env.update({key: value for key, value in extra.items()})
    return env


def direct(project: Path, corpus: Path, out: Path, workers: int) -> tuple[float, float, float]:
    """The work's own wall seconds (imports aside), the peak memory, and the CPU seconds of the
    process and its workers (imports included); the work's own CPU seconds (imports aside) go
    to ``last_work_cpu``."""
    global last_work_cpu
    _, peak, output = timed([sys.executable, "-c", _DIRECT, str(corpus), str(project / "reference_data"), str(out),
                             str(workers)], environment(project))
    last_work_cpu = float(output.split("WORKCPU", 1)[1].split()[0]) if "WORKCPU" in output else float("nan")
    return float(output.split("SECONDS", 1)[1].split()[0]), peak, pipeline_bench.last_cpu_seconds


last_work_cpu = float("nan")


# A file changed less than this before a run is read again by the next (figcheck.pipeline.cache's
# RACY_SECONDS, with a margin).
_STAT_TRUSTED_AFTER = 3.0


def unchanged_part(project: Path, archive: Path, tmp: Path, workers: int, repeats: int) -> dict:
    """The work called directly, cold and then with nothing changed ``repeats`` times in a row
    (the first run after a change leaves what the next ones reuse: figcheck.pipeline.unchanged),
    in the two cases a user meets:

    - a corpus written a while before the cold run (the usual case): every run after it knows
      every file by its stat;
    - a corpus written just before the cold run (a fetch, then a run at once): a file changed
      less than two seconds before a run is not known by its stat at the next, so the first run
      with nothing changed reads and hashes the corpus again before it can take the last run's
      files; the run after it knows every file."""
    figures = {}
    cases = (("corpus written earlier", "earlier", repeats), ("corpus written just before the cold run", "fresh", 2))
    for case, name, runs in cases:
        corpus = tmp / f"corpus-{name}"
        write_corpus(archive, corpus)
        if name == "earlier":
            time.sleep(_STAT_TRUSTED_AFTER)
        out = tmp / name / "latest"
        for index in range(runs + 1):
            label = "cold" if index == 0 else f"nothing changed, run {index}"
            seconds, peak, cpu = direct(project, corpus, out, workers)
            figures[f"{case}: work, {label} (work CPU {last_work_cpu:.2f} s)"] = (seconds, peak, cpu)
        shutil.rmtree(corpus)
    return figures


def figcheck_run(project: Path, corpus: Path, out: Path, env: dict[str, str], *options: str) -> tuple[float, float, float]:
    command = [str(Path(sys.executable).parent / "figcheck"), "run", "--corpus", str(corpus),
               "--reference", str(project / "reference_data"), "--out", str(out), *options]
    seconds, peak, _ = timed(command, env)
    return seconds, peak, pipeline_bench.last_cpu_seconds


@contextlib.contextmanager
def prefect_server(home: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    import httpx

    for _ in range(600):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        time.sleep(0.5)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(30)


def archive_part(project: Path, corpus: Path, tmp: Path, workers: int) -> dict:
    figures = {}
    for label in ("cold", "nothing changed"):
        figures[f"work, {label}"] = direct(project, corpus, tmp / "direct" / "latest", workers)
    home = tmp / "prefect-home"
    for label in ("cold", "nothing changed"):
        figures[f"figcheck run (own server), {label}"] = figcheck_run(
            project, corpus, tmp / "embedded" / "latest", environment(project, PREFECT_HOME=str(home)))
    # The cold run above is a machine's first: its server creates the Prefect database (Prefect's
    # migrations, seconds). A new corpus on a machine that has run before finds the database made.
    figures["figcheck run (own server), cold, Prefect's database made before"] = figcheck_run(
        project, corpus, tmp / "embedded-again" / "latest", environment(project, PREFECT_HOME=str(home)))
    with prefect_server(tmp / "server-home") as url:
        for label in ("cold", "nothing changed"):
            figures[f"figcheck run (running server), {label}"] = figcheck_run(
                project, corpus, tmp / "served" / "latest", environment(project, PREFECT_API_URL=url))
    return figures


def scaling_part(project: Path, corpus: Path, tmp: Path) -> dict:
    figures = {}
    home = str(tmp / "prefect-scale")
    figures["work, 1 worker"] = direct(project, corpus, tmp / "s1" / "latest", 1)
    figures["work, 2 workers"] = direct(project, corpus, tmp / "s2" / "latest", 2)
    figures["figcheck run, 2 local workers"] = figcheck_run(project, corpus, tmp / "s3" / "latest",
                                                            environment(project, PREFECT_HOME=home), "--workers", "2")
    figures["figcheck run --dask local --workers 2"] = figcheck_run(
        project, corpus, tmp / "s4" / "latest", environment(project, PREFECT_HOME=home), "--dask", "local", "--workers", "2")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ROOT.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz")
    parser.add_argument("--replicas", type=int, default=5)
    parser.add_argument("--parts", default="archive,scaling")
    parser.add_argument("--project", type=Path, default=ROOT, help="the figcheck checkout to measure")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="unchanged: runs with nothing changed after the cold one")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    results = {}
    with tempfile.TemporaryDirectory(prefix="figcheck-scale-") as tmp:
        tmp = Path(tmp)
        if "archive" in parts:
            n = write_corpus(args.archive, tmp / "archive")
            results[f"archive ({n} articles)"] = archive_part(args.project, tmp / "archive", tmp / "a", args.workers)
        if "unchanged" in parts:
            results["archive, nothing changed"] = unchanged_part(args.project, args.archive, tmp / "u", args.workers,
                                                                 args.repeats)
        if "scaling" in parts:
            n1 = write_corpus(args.archive, tmp / "single")
            single = scaling_part(args.project, tmp / "single", tmp / "s-single")
            shutil.rmtree(tmp / "single")
            n = write_corpus(args.archive, tmp / "replicated", args.replicas)
            replicated = scaling_part(args.project, tmp / "replicated", tmp / "s")
            results[f"archive ({n1} articles), cold"] = single
            results[f"replicated x{args.replicas} ({n} articles), cold"] = replicated
            results[f"ratio, x{args.replicas} to x1 (time, peak memory, CPU)"] = {
                name: tuple(b / a if a else float("nan") for a, b in zip(single[name], replicated[name], strict=True))
                for name in replicated
            }
    for part, figures in results.items():
        print(f"\n{part}")
        for name, (seconds, peak, cpu) in figures.items():
            if part.startswith("ratio"):
                print(f"  {name:55} time {seconds:5.2f}x   peak {peak:5.2f}x   CPU {cpu:5.2f}x")
            else:
                print(f"  {name:55} {seconds:7.2f} s   peak {peak:5.0f} MB   CPU {cpu:6.2f} s")
    print(json.dumps({part: {k: [round(v[0], 2), round(v[1], 2), round(v[2], 2)] for k, v in f.items()}
                      for part, f in results.items()}))


if __name__ == "__main__":
    main()
