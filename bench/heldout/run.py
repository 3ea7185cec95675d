"""figcheck on articles it has never seen: runs the whole check over bench/heldout/articles/,
compares every error and warning with the slips a fact-checker would flag (expected.yaml),
and prints precision (errors, warnings), recall of the slips, every false alarm with its
sentence and message, and every slip missed.

    PYTHONPATH=<checkout> python bench/heldout/run.py [--articles DIR] [--expected FILE]
        [--reference DIR] [--out DIR] [--quiet]

The code measured is the ``figcheck`` and ``checkers`` that PYTHONPATH imports; the reference
table is that checkout's ``reference_data/`` unless --reference names another. See README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.append(str(Path(__file__).resolve().parents[1]))  # bench/, after the code under test

import archive  # noqa: E402

HERE = Path(__file__).resolve().parent
SEVERITIES = ("error", "warning")


class ExpectedError(ValueError):
    pass


@dataclass
class Slip:
    """One discrepancy a fact-checker would flag: where its figure stands in the article."""

    doc_id: str
    figures: list[str]
    check: str
    why: str
    spans: list[tuple[int, int]]
    findings: list[dict[str, Any]] = field(default_factory=list)  # errors and warnings on it

    def covers(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.spans)


def load_expected(path: Path, articles: Path) -> dict[str, list[Slip]]:
    """The slips of every article, validated against the articles themselves: every article
    has an entry (an empty list when it has no slip), every figure stands in its text."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExpectedError(f"{path}: cannot read: {error}") from None
    if not isinstance(data, dict):
        raise ExpectedError(f"{path}: expected a mapping of article id to a list of slips")
    docs = sorted(p.name.removesuffix(".txt") for p in Path(articles).glob("*.txt"))
    missing = [d for d in docs if d not in data]
    if missing:
        raise ExpectedError(f"{path}: no entry for article(s) {', '.join(missing)} (write [] for none)")
    slips: dict[str, list[Slip]] = {}
    for doc_id, entries in data.items():
        where = f"{path}: article {doc_id!r}"
        if doc_id not in docs:
            raise ExpectedError(f"{where}: there is no {doc_id}.txt in {articles}")
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise ExpectedError(f"{where}: expected a list of slips")
        text = archive.article_text(Path(articles), doc_id)
        slips[doc_id] = []
        for number, entry in enumerate(entries, start=1):
            at = f"{where}, entry {number}"
            if not isinstance(entry, dict):
                raise ExpectedError(f"{at}: expected a mapping with figure, check, why")
            figures = entry.get("figure")
            figures = [figures] if isinstance(figures, str) else figures
            if not figures or not all(isinstance(f, str) and f for f in figures):
                raise ExpectedError(f"{at}: field 'figure': the figure's text (or a list of them) is required")
            spans = []
            for figure in figures:
                start = text.find(figure)
                if start < 0:
                    raise ExpectedError(f"{at}: field 'figure': {figure!r} is not in the article's text")
                while start >= 0:
                    spans.append((start, start + len(figure)))
                    start = text.find(figure, start + 1)
            check = entry.get("check")
            if not isinstance(check, str) or not check:
                raise ExpectedError(f"{at}: field 'check': the check that should report it is required")
            why = entry.get("why")
            if not isinstance(why, str) or not why.strip():
                raise ExpectedError(f"{at}: field 'why': a one-line reason is required")
            slips[doc_id].append(Slip(doc_id, figures, check, why.strip(), spans))
    return slips


def run_check(articles: Path, reference: Path, out: Path) -> list[dict[str, Any]]:
    """Every finding of the whole check over the folder, from the run's findings.json."""
    from figcheck.pipeline import check_corpus

    check_corpus(articles, reference, out, use_cache=False)
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]


def slips_of(finding: dict[str, Any], slips: dict[str, list[Slip]]) -> list[Slip]:
    """The slips whose figure is among the finding's claims."""
    found = []
    for ref in finding.get("claims") or []:
        for slip in slips.get(ref.get("doc_id"), []):
            if slip.covers(int(ref["start"]), int(ref["end"])) and slip not in found:
                found.append(slip)
    return found


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    - "


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Score:
    """Every error and warning sorted into right (on a planted slip) and false alarms, and
    every slip into caught by its check, flagged by another, or missed."""

    articles: int
    slips: list[Slip]
    clean_docs: list[str]
    flagged: Counter = field(default_factory=Counter)  # severity -> errors and warnings
    right: Counter = field(default_factory=Counter)  # severity -> those on a planted slip
    by_check: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    info_on: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # id(slip) -> info findings

    @property
    def caught(self) -> list[Slip]:
        return [s for s in self.slips if any(s.check in archive.finding_checks(f) for f in s.findings)]

    @property
    def other_check(self) -> list[Slip]:
        caught = self.caught
        return [s for s in self.slips if s.findings and s not in caught]

    @property
    def missed(self) -> list[Slip]:
        return [s for s in self.slips if not s.findings]

    @property
    def noisy_clean_docs(self) -> list[str]:
        return sorted({f["claims"][0]["doc_id"] for f in self.false_alarms} & set(self.clean_docs))


def score(findings: list[dict[str, Any]], slips: dict[str, list[Slip]]) -> Score:
    every = [s for doc in slips.values() for s in doc]
    for slip in every:
        slip.findings = []
    result = Score(len(slips), every, [d for d, s in slips.items() if not s])
    for finding in findings:
        hits = slips_of(finding, slips)
        severity = finding.get("severity")
        if severity not in SEVERITIES:
            for slip in hits:
                result.info_on.setdefault(id(slip), []).append(finding)
            continue
        result.flagged[severity] += 1
        counts = result.by_check[str(finding.get("check"))]
        counts[severity] += 1
        if hits:
            result.right[severity] += 1
            counts[severity + " right"] += 1
            for slip in hits:
                slip.findings.append(finding)
        else:
            result.false_alarms.append(finding)
    return result


def print_score(result: Score, *, quiet: bool = False) -> None:
    slips, flagged, right = result.slips, result.flagged, result.right
    print(f"held-out corpus: {result.articles} articles, "
          f"{len(slips)} planted slips, {len(result.clean_docs)} articles without one")
    print(f"errors and warnings: {flagged['error']} errors, {flagged['warning']} warnings")
    print()
    print("precision (a finding is right when its claims include a planted slip's figure)")
    for severity in SEVERITIES:
        print(f"  {severity + 's':9} {right[severity]:3} of {flagged[severity]:3}  {_pct(right[severity], flagged[severity])}")
    total, total_right = sum(flagged.values()), sum(right.values())
    print(f"  {'both':9} {total_right:3} of {total:3}  {_pct(total_right, total)}")
    print()
    print(f"  {'by check':22} errors (right)  warnings (right)")
    for check in sorted(result.by_check):
        c = result.by_check[check]
        print(f"  {check:22} {c['error']:6} ({c['error right']:3})  {c['warning']:8} ({c['warning right']:3})")
    print()
    caught, other = result.caught, result.other_check
    print("recall of the planted slips")
    print(f"  by the right check   {len(caught):3} of {len(slips):3}  {_pct(len(caught), len(slips))}")
    print(f"  by any check         {len(caught) + len(other):3} of {len(slips):3}  "
          f"{_pct(len(caught) + len(other), len(slips))}")
    repeated = [s for s in slips if len(s.findings) > 1]
    if repeated:
        print(f"  reported more than once: {', '.join(f'{s.doc_id} x{len(s.findings)}' for s in repeated)}")
    print(f"  articles without a slip that have an error or warning: "
          f"{len(result.noisy_clean_docs)} of {len(result.clean_docs)}")
    if quiet:
        return
    print()
    print(f"false alarms ({len(result.false_alarms)})")
    for finding in sorted(result.false_alarms, key=lambda f: (f["claims"][0]["doc_id"], f["claims"][0]["start"])):
        first = finding["claims"][0]
        print(f"- {first['doc_id']} [{finding['severity']} {finding.get('check')}] "
              f"{' + '.join(repr(c['text']) for c in finding['claims'])}")
        print(f"    sentence: {_one_line(first.get('sentence'))}")
        print(f"    message:  {_one_line(finding.get('message'))}")
    print()
    print(f"slips missed ({len(result.missed)}) or flagged by another check ({len(other)})")
    for slip in result.missed + other:
        state = "missed" if not slip.findings else "flagged by " + ", ".join(
            sorted({c for f in slip.findings for c in archive.finding_checks(f)}))
        print(f"- {slip.doc_id} {' / '.join(map(repr, slip.figures))} [{slip.check}] {state}: {slip.why}")
        for finding in result.info_on.get(id(slip), [])[:3]:
            print(f"    said instead ({finding.get('check')}, {finding.get('verdict')}): "
                  f"{_one_line(finding.get('message'))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=HERE / "articles")
    parser.add_argument("--expected", type=Path, default=HERE / "expected.yaml")
    parser.add_argument("--reference", type=Path, help="reference table (default: the checkout's reference_data/)")
    parser.add_argument("--out", type=Path, help="keep the run's output here (default: a temporary folder)")
    parser.add_argument("--quiet", action="store_true", help="numbers only, no lists")
    args = parser.parse_args(argv)

    root = archive.code_under_test()
    reference = args.reference or root / "reference_data"
    try:
        slips = load_expected(args.expected, args.articles)
    except ExpectedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"code under test: {root}", file=sys.stderr)
    if args.out:
        findings = run_check(args.articles, reference, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="figcheck-heldout-") as tmp:
            findings = run_check(args.articles, reference, Path(tmp) / "latest")
    print_score(score(findings, slips), quiet=args.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
