"""The report's store on disk: the same order and merging as findings in memory, the next run's
piecewise reading of the previous discrepancies, and what a run leaves of the store's file."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
import shutil
from pathlib import Path

import pytest

from checkers import merge_findings
from figcheck.pipeline import check_corpus
from figcheck.records import ClaimRef, Finding
from figcheck.report import DocumentInfo, RunInfo, load_findings, write_report
from figcheck.report import findings_file
from figcheck.report.findings_file import _JsonStream, load_discrepancies, report_order
from figcheck.report.store import SPILL_NAME, ReportStore

ROOT = Path(__file__).resolve().parents[1]


def _finding(rng: random.Random, n: int) -> Finding:
    claims = [
        ClaimRef(claim_id=f"c{rng.randrange(6)}", doc_id=rng.choice(["a", "b", "é", "ä", "B"]), start=rng.randrange(3),
                 end=9, text="1953")
        for _ in range(rng.randrange(0, 3))
    ]
    return Finding(
        id=f"f{rng.randrange(8)}",  # ids repeat: the order of equal keys is the order of arrival
        check=rng.choice(["reference", "anniversary", "consensus"]),
        verdict=rng.choice(["discrepancy", "discrepancy", "consistent", "unverifiable"]),
        severity=rng.choice(["error", "warning", "info"]),
        message=f"finding {n}",
        claims=claims,
    )


@pytest.mark.parametrize("seed", range(20))
def test_the_store_merges_and_orders_findings_as_the_whole_list_would(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    findings = [_finding(rng, n) for n in range(rng.randrange(0, 60))]
    expected = sorted(merge_findings(findings), key=report_order)
    store = ReportStore(tmp_path / SPILL_NAME)
    cut = rng.randrange(len(findings) + 1)  # added in two parts, as a run adds articles then the corpus checks
    store.add_findings(findings[:cut])
    store.add_findings(findings[cut:])
    store.merge(merge_findings)
    assert [f.model_dump() for f in store.findings()] == [f.model_dump() for f in expected]
    assert [f.message for f in store.findings(verdict="consistent")] == [
        f.message for f in expected if f.verdict == "consistent"]
    store.close()
    assert not (tmp_path / SPILL_NAME).exists()


def test_a_report_from_a_store_on_disk_is_the_report_from_the_same_findings_in_memory(tmp_path: Path) -> None:
    rng = random.Random(7)
    findings = [_finding(rng, n) for n in range(80)]
    documents = [DocumentInfo(doc_id=doc_id, title=f"Title {doc_id}", publisher=publisher)
                 for doc_id, publisher in (("a", "KCNA"), ("b", "KCNA"), ("é", "Rodong"), ("B", None))]
    run = RunInfo(run_id="r", started="2026-01-01T00:00:00Z", corpus="c", reference="r", documents=documents)
    write_report(tmp_path / "memory", run, findings)
    store = ReportStore(tmp_path / SPILL_NAME)
    store.add_documents(documents)
    store.add_findings(findings)
    write_report(tmp_path / "disk", run.model_copy(update={"documents": []}), store)
    for name in ("findings.json", "report.md", "report.html"):
        assert (tmp_path / "disk" / name).read_text(encoding="utf-8") == (tmp_path / "memory" / name).read_text(
            encoding="utf-8"), name
    # "ä" is cited by findings but not among the run's sources: the report lists it, findings.json does not.
    info, _ = load_findings(tmp_path / "disk" / "findings.json")
    assert [d.doc_id for d in info.documents] == ["a", "b", "é", "B"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    return folder


def test_a_run_leaves_no_store_file_and_reads_the_previous_discrepancies_piecewise(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long"), encoding="utf-8")
    out = tmp_path / "reports" / "latest"
    monkeypatch.setattr("figcheck.pipeline.run.SUMMARY_DISCREPANCIES", 0)  # the summary carries the first ones only
    summary = check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    assert sorted(p.name for p in out.resolve().iterdir()) == ["claims.jsonl", "findings.json", "report.html", "report.md"]
    assert not list((tmp_path / "reports").rglob(SPILL_NAME))

    path = out / "findings.json"
    info, findings = load_findings(path)
    wanted = (info.run_id, [f for f in findings if f.verdict == "discrepancy"])
    assert wanted[1] and summary.discrepancies == []
    assert summary.findings_by_check == dict(Counter(f.check for f in wanted[1]))
    assert summary.findings_by_severity == dict(Counter(f.severity for f in wanted[1]))
    monkeypatch.setattr(_JsonStream, "CHUNK", 7)  # every value cut at the end of a piece somewhere

    def whole(path):
        raise AssertionError(f"{path} was read whole")

    monkeypatch.setattr(findings_file, "_read", whole)
    assert load_discrepancies(path) == wanted
    packed = path.with_name("findings.json.gz")
    packed.write_bytes(gzip.compress(path.read_bytes()))
    kept = tmp_path / "kept.json"
    shutil.copy(path.resolve(), kept)
    path.resolve().unlink()
    assert load_discrepancies(path) == wanted  # a run kept in the history is gzipped
    # Laid out otherwise (one line, members in another order), still read the same.
    data = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({"findings": data["findings"], **{k: v for k, v in data.items() if k != "findings"}}),
                    encoding="utf-8")
    assert load_discrepancies(kept) == wanted


def test_a_run_that_fails_while_writing_its_report_leaves_out_and_the_history_as_they_were(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figcheck.report.render as render

    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    before = {p.name: p.read_bytes() for p in out.resolve().iterdir()}
    runs = sorted(p.name for p in (tmp_path / "reports" / "runs").iterdir())

    def broken(view, data):
        raise OSError("disk full")

    monkeypatch.setattr(render, "_html", broken)
    with pytest.raises(OSError, match="disk full"):
        check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    assert {p.name: p.read_bytes() for p in out.resolve().iterdir()} == before
    assert sorted(p.name for p in (tmp_path / "reports" / "runs").iterdir()) == runs
    assert not list((tmp_path / "reports").rglob(SPILL_NAME))


@pytest.mark.parametrize("seed", range(200))
def test_report_md_tidied_in_pieces_is_the_whole_text_tidied(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from figcheck.report.render import tidy_lines

    rng = random.Random(seed)
    text = "".join(rng.choice(["\n", "\n", "\n", " ", "\t", "a", "b c", "\u2028", "#"]) for _ in range(rng.randrange(40)))
    cuts = sorted(rng.sample(range(len(text) + 1), rng.randrange(min(len(text) + 1, 6) + 1)))
    pieces = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    monkeypatch.setattr("figcheck.report.render._batched", lambda pieces, size=0: iter(pieces))  # each on its own
    assert "".join(tidy_lines(pieces)) == re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
