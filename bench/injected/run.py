"""Recall of figcheck's checks on real text: takes claims the checks verify as consistent in an
archive, changes one figure of each (in a copy of its article, at the claim's offsets only),
checks each edited article alone, and prints how many edits the right check catches.

    PYTHONPATH=<checkout> python bench/injected/run.py [--seed 1] [--sample 600] [--jsonl PATH]
        [--limit N] [--edits FILE | --save-edits FILE] [--workers N] [--misses 3]

The code measured is the ``figcheck`` and ``checkers`` that PYTHONPATH imports. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # bench/, after the code under test

import archive  # noqa: E402
from injected.edits import (  # noqa: E402
    Edit,
    bound_edit,
    duration_edit,
    juche_edit,
    ordinal_edit,
    part_edit,
    weekday_edit,
    year_edit,
)

SEVERITIES = ("error", "warning")
HERE = Path(__file__).resolve().parent


def _edit_for(finding: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], str, str] | None:
    """The claim to change, its new text and what changed, for a consistent finding of a check."""
    check, refs = finding["check"], finding["claims"]
    first = refs[0]
    made = None
    if check == "anniversary":
        made = ordinal_edit(first["text"], rng)
    elif check == "calendar_conversion":
        made = juche_edit(first["text"], rng)
    elif check == "weekday":
        made = weekday_edit(first["text"], rng)
    elif check == "reference":
        made = year_edit(first["text"], rng) or duration_edit(first["text"], rng)
    elif check in ("elapsed_time", "duration_vs_range"):
        made = duration_edit(first["text"], rng)
    elif check == "part_exceeds_whole" and len(refs) >= 2:
        made = part_edit(first["text"], refs[-1]["text"], rng)
    elif check == "qualifier_bounds" and len(refs) >= 2:
        made = bound_edit(first["text"], refs[1]["text"], rng)
    if made is None or made[0] == first["text"]:
        return None
    return first, made[0], made[1]


def make_edits(findings: list[dict[str, Any]], seed: int, sample: int) -> tuple[list[Edit], Counter]:
    """At most ``sample`` edits, shared fairly among the checks (a check with few verified
    claims gives all it has); each claim's edit depends only on the seed and the finding."""
    by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, int, int]] = set()
    for finding in sorted(findings, key=lambda f: f["id"]):
        if finding.get("verdict") != "consistent" or not finding.get("claims"):
            continue
        ref = finding["claims"][0]
        key = (finding["check"], ref["doc_id"], ref["start"], ref["end"])
        if key not in seen:
            seen.add(key)
            by_check[finding["check"]].append(finding)
    candidates: dict[str, list[Edit]] = {}
    skipped: Counter = Counter()
    for check, items in sorted(by_check.items()):
        random.Random(f"{seed}:{check}").shuffle(items)
        made = []
        for finding in items:
            result = _edit_for(finding, random.Random(f"{seed}:{finding['id']}"))
            if result is None:
                skipped[check] += 1
                continue
            ref, new, change = result
            made.append(Edit(check, ref["doc_id"], ref["start"], ref["end"], ref["text"], new, change, finding["id"]))
        candidates[check] = made
    # Fair shares: checks with fewer candidates than their share give them all; the rest split.
    quota: dict[str, int] = {}
    left, open_checks = sample, sorted(candidates, key=lambda c: len(candidates[c]))
    while open_checks:
        share = left // len(open_checks)
        check = open_checks.pop(0)
        quota[check] = min(len(candidates[check]), share if open_checks else left)
        left -= quota[check]
    edits = [e for check in sorted(candidates) for e in candidates[check][: quota[check]]]
    return edits, skipped


def load_edits(path: Path) -> list[Edit]:
    edits = []
    fields = set(Edit.__dataclass_fields__)
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if set(data) != fields:
                raise ValueError(f"expected the fields {', '.join(sorted(fields))}")
            edits.append(Edit(**data))
        except (ValueError, TypeError) as error:
            raise SystemExit(f"error: {path}: line {number}: {error}") from None
    return edits


def load_not_errors(path: Path) -> dict[tuple[str, str], str]:
    """Edits judged, from the article, to make no real error: (``<id>@<start>-<end>``, check) →
    reason. A bad entry names the file, the entry and the field."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise SystemExit(f"error: {path}: expected a list of entries with edit, check, reason")
    found = {}
    for number, entry in enumerate(data, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            raise SystemExit(f"error: {where}: expected a mapping with edit, check, reason")
        for name in ("edit", "check", "reason"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise SystemExit(f"error: {where}: field {name!r} is required")
        if not re.fullmatch(r".+@\d+-\d+", entry["edit"]):
            raise SystemExit(f"error: {where}: field 'edit': expected '<article id>@<start>-<end>'")
        found[entry["edit"], entry["check"]] = entry["reason"]
    return found


def edit_key(edit: Edit) -> tuple[str, str]:
    return f"{edit.doc_id}@{edit.start}-{edit.end}", edit.check


def save_edits(path: Path, edits: list[Edit]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(e.as_dict(), ensure_ascii=False) + "\n" for e in edits), encoding="utf-8")
    os.replace(tmp, path)


# --- checking edited articles, in worker processes ------------------------------------------

_worker: dict[str, Any] = {}


def _start(reference: str, corpus: str) -> None:
    from figcheck.reference import ReferenceTable

    _worker["table"] = ReferenceTable.load(Path(reference))
    _worker["corpus"] = Path(corpus)


def _discrepancies(doc_id: str, text: str, meta: Any) -> list[dict[str, Any]]:
    from checkers import CheckRun
    from figcheck.corpus import document_from_text
    from figcheck.extraction import extract_claims

    document = document_from_text(text, doc_id, meta.model_copy())
    claims = extract_claims(document)
    run = CheckRun(_worker["table"])
    found = run.add_document(document, claims) + run.finish()
    return [
        f.model_dump(mode="json") for f in found if f.verdict == "discrepancy" and f.severity in SEVERITIES
    ]


@dataclass
class Outcome:
    edit: Edit
    caught: bool = False
    other_checks: list[str] = field(default_factory=list)  # discrepancies on the span by another check
    noise: int = 0  # new discrepancies not about the changed span
    error: str | None = None
    sentence: str = ""
    excluded: bool = False  # judged to make no real error (not-errors.yaml): not counted


def _about(finding: dict[str, Any], doc_id: str, start: int, end: int) -> bool:
    return any(r["doc_id"] == doc_id and r["start"] < end and start < r["end"] for r in finding.get("claims", []))


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, start - 250)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min([*stops, end + 250, len(text)])
    return " ".join((text[left:start] + "«" + text[start:end] + "»" + text[end : right + 1]).split())


def _check_article(job: tuple[str, list[Edit]]) -> list[Outcome]:
    from figcheck.corpus import read_meta

    doc_id, edits = job
    corpus: Path = _worker["corpus"]
    text = archive.article_text(corpus, doc_id)
    meta_path = corpus / f"{doc_id}.meta.yaml"
    outcomes = []
    try:
        meta = read_meta(meta_path)
        before = _discrepancies(doc_id, text, meta)
    except Exception as error:  # one broken article never stops the benchmark
        return [Outcome(e, error=f"original article: {type(error).__name__}: {error}") for e in edits]
    for edit in edits:
        outcome = Outcome(edit)
        outcomes.append(outcome)
        if text[edit.start : edit.end] != edit.old:
            outcome.error = f"the article's text at {edit.start}-{edit.end} is not {edit.old!r}"
            continue
        edited = text[: edit.start] + edit.new + text[edit.end :]
        outcome.sentence = _sentence(edited, edit.start, edit.new_end)
        try:
            after = _discrepancies(doc_id, edited, meta)
        except Exception as error:
            outcome.error = f"{type(error).__name__}: {error}"
            continue
        shift = len(edit.new) - len(edit.old)
        old_keys = {
            (f["check"], tuple((r["start"] + (shift if r["start"] >= edit.end else 0)) for r in f["claims"]))
            for f in before
        }
        for finding in after:
            if _about(finding, doc_id, edit.start, edit.new_end):
                if edit.check in archive.finding_checks(finding):
                    outcome.caught = True
                else:
                    outcome.other_checks.append(finding["check"])
            elif (finding["check"], tuple(r["start"] for r in finding["claims"])) not in old_keys:
                outcome.noise += 1
    return outcomes


def check_edits(edits: list[Edit], corpus: Path, reference: Path, workers: int) -> list[Outcome]:
    by_doc: dict[str, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_doc[edit.doc_id].append(edit)
    jobs = sorted(by_doc.items())
    if workers <= 1:
        _start(str(reference), str(corpus))
        results = map(_check_article, jobs)
    else:
        pool = ProcessPoolExecutor(workers, initializer=_start, initargs=(str(reference), str(corpus)))
        results = pool.map(_check_article, jobs, chunksize=max(1, len(jobs) // (4 * workers)))
    outcomes = [o for batch in results for o in batch]
    if workers > 1:
        pool.shutdown()
    return outcomes  # in the order of the articles' ids, whatever the number of workers


def report(outcomes: list[Outcome], misses: int) -> list[str]:
    by_check: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_check[outcome.edit.check].append(outcome)
    lines = [f"{'check':<22} {'edits':>5} {'excl.':>5} {'caught':>6} {'recall':>7} {'other check':>11} "
             f"{'failed':>6} {'noise':>5}"]

    def row(name: str, items: list[Outcome]) -> str:
        excluded = sum(o.excluded for o in items)
        counted = [o for o in items if not o.excluded]
        run = [o for o in counted if o.error is None]
        caught = sum(o.caught for o in run)
        other = sum(1 for o in run if not o.caught and o.other_checks)
        recall = f"{100 * caught / len(run):6.1f}%" if run else "      -"
        return (f"{name:<22} {len(items):>5} {excluded:>5} {caught:>6} {recall:>7} {other:>11} "
                f"{len(counted) - len(run):>6} {sum(o.noise for o in run):>5}")

    for check in sorted(by_check):
        lines.append(row(check, by_check[check]))
    lines.append(row("ALL", outcomes))
    checks = sorted(by_check)
    counted = {c: [o for o in by_check[c] if o.error is None and not o.excluded] for c in checks}
    macro = [sum(o.caught for o in counted[c]) / max(1, len(counted[c])) for c in checks]
    lines.append(f"lowest recall of a check: {100 * min(macro):.1f}% ({checks[macro.index(min(macro))]})" if macro else "")
    noisy = [o for o in outcomes if o.noise]
    lines.append(f"noise: {sum(o.noise for o in outcomes)} new discrepancies not about the changed span, "
                 f"in {len(noisy)} of {len(outcomes)} edited articles")
    failed = [o for o in outcomes if o.error]
    for outcome in failed[:10]:
        lines.append(f"FAILED {outcome.edit.doc_id}@{outcome.edit.start}: {outcome.error}")
    if misses:
        lines.append("")
        lines.append(f"Misses (up to {misses} per check)")
        for check in checks:
            missed = [o for o in counted[check] if not o.caught]
            for outcome in missed[:misses]:
                e = outcome.edit
                also = f"; flagged by {', '.join(sorted(set(outcome.other_checks)))}" if outcome.other_checks else ""
                lines.append(f"- [{check}] {e.doc_id}@{e.start}-{e.end} {e.change}{also}")
                lines.append(f"    {outcome.sentence[:400]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=archive.DEFAULT_ARCHIVE,
                        help="JSON-lines archive of articles (default: ../shared/corpora/kcna-2011-2012.jsonl.gz)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=600, help="how many edits at most (default 600)")
    parser.add_argument("--edits", type=Path, default=None,
                        help="check these edits (JSON lines from --save-edits) instead of drawing new ones")
    parser.add_argument("--save-edits", type=Path, default=None, help="write the edits drawn, to reuse with --edits")
    parser.add_argument("--reference", type=Path, default=None,
                        help="reference table folder (default: reference_data/ of the code under test)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: $FIGCHECK_BENCH_CACHE or ~/.cache/figcheck-bench)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--misses", type=int, default=3, help="misses to show per check")
    parser.add_argument("--not-errors", type=Path, default=HERE / "not-errors.yaml",
                        help="edits judged to make no real error, left out of recall (default: not-errors.yaml here)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    jsonl = archive.require_archive(args.jsonl)
    root = archive.code_under_test()
    reference = args.reference or root / "reference_data"
    started = time.perf_counter()
    skipped: Counter = Counter()
    if args.edits:
        edits = load_edits(args.edits)
        corpus = archive.write_corpus(jsonl, args.limit, archive.cache_root(args.cache))
        source = f"edits from {args.edits}"
    else:
        run = archive.run_archive(jsonl, limit=args.limit, reference=reference, cache=args.cache,
                                  workers=args.workers, quiet=args.quiet)
        corpus = run.corpus
        edits, skipped = make_edits(run.findings, args.seed, args.sample)
        source = f"seed {args.seed}, from the consistent findings of the code under test"
        if args.save_edits:
            save_edits(args.save_edits, edits)
    drawn = time.perf_counter() - started
    not_errors = load_not_errors(args.not_errors) if args.not_errors.is_file() else {}
    outcomes = check_edits(edits, corpus, reference, args.workers)
    for outcome in outcomes:
        outcome.excluded = edit_key(outcome.edit) in not_errors
    seconds = time.perf_counter() - started

    print(f"code under test: {root}")
    print(f"archive: {jsonl}" + (f" (first {args.limit} articles)" if args.limit else ""))
    print(f"edits: {len(edits)} ({source}); by check: "
          + ", ".join(f"{c} {n}" for c, n in sorted(Counter(e.check for e in edits).items())))
    if skipped:
        print("verified claims with no edit of their kind: " + ", ".join(f"{c} {n}" for c, n in sorted(skipped.items())))
    excluded = sum(o.excluded for o in outcomes)
    if excluded:
        print(f"left out: {excluded} edits judged to make no real error ({args.not_errors})")
    print(f"time: {seconds:.1f} s ({drawn:.1f} s to draw the edits, {args.workers} workers)")
    print()
    print("Recall by check (caught = a discrepancy of the right check has the changed span among its claims)")
    print("\n".join(report(outcomes, args.misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
