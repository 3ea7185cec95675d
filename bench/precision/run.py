"""Precision of figcheck's discrepancies on a real archive: runs the whole check, joins every
error and warning with its label (bench/precision/labels/*.yaml, written by reading the
article), and prints precision by check and severity and the findings not yet labelled.

    PYTHONPATH=<checkout> python bench/precision/run.py [--jsonl PATH] [--limit N]
        [--labels DIR] [--write-unlabelled FILE] [--reference DIR] [--cache DIR] [--fresh]

The code measured is the ``figcheck`` and ``checkers`` that PYTHONPATH imports. See README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.append(str(Path(__file__).resolve().parents[1]))  # bench/, after the code under test

import archive  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = ("correct", "wrong-link", "wrong-rule", "wrong-extraction", "debatable")
SEVERITIES = ("error", "warning")


class LabelError(ValueError):
    pass


@dataclass(frozen=True)
class FigureKey:
    """The flagged figure: article, span and text. Stable under changes that leave it alone."""

    doc_id: str
    start: int
    end: int
    text: str

    @classmethod
    def of_ref(cls, ref: dict[str, Any]) -> FigureKey:
        return cls(ref["doc_id"], int(ref["start"]), int(ref["end"]), ref["text"])

    def __str__(self) -> str:
        return f"{self.doc_id}@{self.start}-{self.end}"


@dataclass
class Label:
    key: FigureKey
    label: str
    reason: str
    check: str | None
    severity: str | None
    where: str  # file and entry, for messages


def _parse_figure(value: object, where: str) -> tuple[str, int, int]:
    if not isinstance(value, str) or "@" not in value:
        raise LabelError(f"{where}: field 'figure': expected '<article id>@<start>-<end>', got {value!r}")
    doc_id, _, span = value.rpartition("@")
    start, sep, end = span.partition("-")
    if not (doc_id and sep and start.isdigit() and end.isdigit()):
        raise LabelError(f"{where}: field 'figure': expected '<article id>@<start>-<end>', got {value!r}")
    return doc_id, int(start), int(end)


def load_labels(folder: Path) -> list[Label]:
    """Every label of every ``*.yaml`` file in the folder, validated, naming file and entry
    of any fault. A figure labelled twice for the same check is an error."""
    labels: list[Label] = []
    seen: dict[tuple[FigureKey, str | None], str] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise LabelError(f"{path}: not valid YAML: {error}") from None
        if data is None:
            continue
        if not isinstance(data, list):
            raise LabelError(f"{path}: expected a list of labels")
        for number, entry in enumerate(data, start=1):
            where = f"{path}: entry {number}"
            if not isinstance(entry, dict):
                raise LabelError(f"{where}: expected a mapping with figure, text, label, reason")
            doc_id, start, end = _parse_figure(entry.get("figure"), where)
            where = f"{where} ({entry.get('figure')})"
            text = entry.get("text")
            if not isinstance(text, str) or not text:
                raise LabelError(f"{where}: field 'text': the flagged figure's text is required")
            if end - start != len(text):
                raise LabelError(f"{where}: field 'text': {text!r} is not {end - start} characters long")
            label = entry.get("label")
            if label not in LABELS:
                raise LabelError(f"{where}: field 'label': {label!r} is not one of {', '.join(LABELS)}")
            reason = entry.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise LabelError(f"{where}: field 'reason': a one-line reason from reading the article is required")
            check = entry.get("check")
            key = FigureKey(doc_id, start, end, text)
            if (key, check) in seen:
                raise LabelError(f"{where}: this figure is already labelled at {seen[key, check]}")
            seen[key, check] = where
            labels.append(Label(key, label, reason.strip(), check, entry.get("severity"), where))
    return labels


class LabelIndex:
    """Finds the label of a finding: by its flagged figure (the first claim), preferring a label
    written for the same check; then by another of its claims labelled for that check; then by
    a labelled figure overlapping the flagged one (an extraction that moved its edges)."""

    def __init__(self, labels: list[Label]) -> None:
        self.by_key: dict[FigureKey, list[Label]] = defaultdict(list)
        self.by_doc: dict[str, list[Label]] = defaultdict(list)
        for label in labels:
            self.by_key[label.key].append(label)
            self.by_doc[label.key.doc_id].append(label)
        self.used: set[int] = set()

    @staticmethod
    def _pick(candidates: list[Label], checks: set[str], *, need_check: bool = False) -> Label | None:
        same = [c for c in candidates if c.check in checks]
        if same:
            return same[0]
        if need_check or not candidates:
            return None
        return candidates[0]

    def find(self, finding: dict[str, Any]) -> Label | None:
        refs = finding.get("claims") or []
        if not refs:
            return None
        checks = archive.finding_checks(finding)
        found = self._pick(self.by_key.get(FigureKey.of_ref(refs[0]), []), checks)
        if found is None:
            for ref in refs[1:]:
                found = self._pick(self.by_key.get(FigureKey.of_ref(ref), []), checks, need_check=True)
                if found:
                    break
        if found is None:
            first = FigureKey.of_ref(refs[0])
            overlapping = [
                c for c in self.by_doc.get(first.doc_id, []) if c.key.start < first.end and first.start < c.key.end
            ]
            found = self._pick(overlapping, checks)
        if found is not None:
            self.used.add(id(found))
        return found


def discrepancies(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The errors and warnings that quote a figure (a run-level finding has nothing to label)."""
    return [
        f for f in findings
        if f.get("verdict") == "discrepancy" and f.get("severity") in SEVERITIES and f.get("claims")
    ]


def _pct(right: int, counted: int) -> str:
    return f"{100 * right / counted:5.1f}%" if counted else "    -"


def precision_table(joined: list[tuple[dict[str, Any], Label | None]]) -> list[str]:
    rows: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for finding, label in joined:
        for group in ((finding["check"], finding["severity"]), ("ALL", finding["severity"])):
            rows[group]["findings"] += 1
            rows[group][label.label if label else "unlabelled"] += 1
    lines = [
        f"{'check':<22} {'severity':<8} {'found':>5} {'labelled':>8} {'correct':>7} {'w-link':>6} {'w-rule':>6} "
        f"{'w-extr':>6} {'debat.':>6} {'precision':>9}",
    ]
    order = sorted(rows, key=lambda k: (k[0] == "ALL", SEVERITIES.index(k[1]), k[0]))
    for check, severity in order:
        c = rows[check, severity]
        labelled = c["findings"] - c["unlabelled"]
        counted = labelled - c["debatable"]
        lines.append(
            f"{check:<22} {severity:<8} {c['findings']:>5} {labelled:>8} {c['correct']:>7} {c['wrong-link']:>6} "
            f"{c['wrong-rule']:>6} {c['wrong-extraction']:>6} {c['debatable']:>6} "
            f"{_pct(c['correct'], counted):>9}  ({c['correct']}/{counted})"
        )
    return lines


def label_counts(joined: list[tuple[dict[str, Any], Label | None]]) -> list[str]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for finding, label in joined:
        counts[finding["severity"]][label.label if label else "unlabelled"] += 1
    names = (*LABELS, "unlabelled")
    lines = [f"{'severity':<8} " + " ".join(f"{n:>16}" for n in names)]
    for severity in SEVERITIES:
        lines.append(f"{severity:<8} " + " ".join(f"{counts[severity][n]:>16}" for n in names))
    return lines


def unlabelled_entry(finding: dict[str, Any]) -> dict[str, Any]:
    ref = finding["claims"][0]
    return {
        "figure": str(FigureKey.of_ref(ref)),
        "text": ref["text"],
        "check": finding["check"],
        "severity": finding["severity"],
        "label": "",
        "reason": "",
        "sentence": " ".join((ref.get("sentence") or "").split()),
        "message": finding.get("message", ""),
    }


def write_unlabelled(path: Path, entries: list[dict[str, Any]]) -> None:
    """A YAML stub to fill in (label and reason) and move into labels/; written atomically."""
    header = (
        "# Findings without a label. Read each article around the figure, then fill in\n"
        f"# label ({' / '.join(LABELS)}) and a one-line reason; 'sentence' and 'message'\n"
        "# are only there to find the place and may be deleted. Move the file into\n"
        "# bench/precision/labels/ when done.\n"
    )
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(header + body, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=archive.DEFAULT_ARCHIVE,
                        help="JSON-lines archive of articles (default: ../shared/corpora/kcna-2011-2012.jsonl.gz)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--labels", type=Path, default=HERE / "labels", help="folder of label files (*.yaml)")
    parser.add_argument("--reference", type=Path, default=None,
                        help="reference table folder (default: reference_data/ of the code under test)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: $FIGCHECK_BENCH_CACHE or ~/.cache/figcheck-bench)")
    parser.add_argument("--workers", type=int, default=None, help="processes for the run (default: every core)")
    parser.add_argument("--fresh", action="store_true", help="ignore cached results and run again")
    parser.add_argument("--write-unlabelled", type=Path, default=None, metavar="FILE",
                        help="write the unlabelled findings as a YAML stub to fill in")
    parser.add_argument("--context", type=int, default=0, metavar="CHARS",
                        help="also print this many characters of the article on each side of an unlabelled figure")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    jsonl = archive.require_archive(args.jsonl)
    try:
        labels = load_labels(args.labels)
    except LabelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    run = archive.run_archive(jsonl, limit=args.limit, reference=args.reference, cache=args.cache,
                              workers=args.workers, fresh=args.fresh, quiet=args.quiet)
    found = discrepancies(run.findings)
    index = LabelIndex(labels)
    joined = [(f, index.find(f)) for f in found]

    print(f"code under test: {run.code_root}")
    print(f"archive: {jsonl}" + (f" (first {args.limit} articles)" if args.limit else ""))
    when = "cached results" if run.cached else "this run"
    print(f"run time: {run.seconds:.1f} s ({when}); findings: {len(run.findings)}; "
          f"errors {sum(f['severity'] == 'error' for f in found)}, warnings {sum(f['severity'] == 'warning' for f in found)}")
    print(f"labels: {len(labels)} from {args.labels}")
    print()
    print("Precision by check and severity (correct / labelled, debatable not counted)")
    print("\n".join(precision_table(joined)))
    print()
    print("Findings per label")
    print("\n".join(label_counts(joined)))

    gone = [label for label in labels if id(label) not in index.used]
    if gone:
        print()
        by_label = Counter(label.label for label in gone)
        print(f"Labelled figures this run does not report: {len(gone)} "
              f"({', '.join(f'{n} {name}' for name, n in sorted(by_label.items()))})")
        for label in gone:
            if label.label == "correct":
                print(f"  MISSED, a real slip labelled correct: {label.key} {label.key.text!r} ({label.check}): {label.reason}")

    unlabelled = [f for f, label in joined if label is None]
    if unlabelled:
        print()
        print(f"Not yet labelled: {len(unlabelled)}")
        for finding in unlabelled:
            entry = unlabelled_entry(finding)
            print(f"- {entry['figure']} {entry['text']!r} [{entry['check']} {entry['severity']}]")
            print(f"    sentence: {entry['sentence'][:400]}")
            print(f"    message:  {entry['message'][:400]}")
            if args.context:
                ref = finding["claims"][0]
                text = archive.article_text(run.corpus, ref["doc_id"])
                before = text[max(0, ref["start"] - args.context) : ref["start"]]
                after = text[ref["end"] : ref["end"] + args.context]
                print("    article:  " + (before + "«" + text[ref["start"] : ref["end"]] + "»" + after).replace("\n", "\n              "))
        if args.write_unlabelled:
            stubs: dict[tuple[str, str], dict[str, Any]] = {}
            for finding in unlabelled:  # one label per figure and check covers all its findings
                entry = unlabelled_entry(finding)
                stubs.setdefault((entry["figure"], entry["check"]), entry)
            write_unlabelled(args.write_unlabelled, list(stubs.values()))
            print(f"\nwrote {len(stubs)} stubs to {args.write_unlabelled}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
