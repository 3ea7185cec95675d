"""The held-out corpus is complete and its expectations stand in its articles; a bad expectation
names file, article, entry and field; findings are sorted into right, false alarms, caught and
missed by the flagged figure; the script runs end to end on a small folder."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from heldout.run import ExpectedError, load_expected, score

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "bench" / "heldout"
SCRIPT = HELDOUT / "run.py"


def test_every_shipped_article_has_metadata_and_an_expectation_that_stands_in_its_text():
    articles = sorted((HELDOUT / "articles").glob("*.txt"))
    assert len(articles) == 40
    for article in articles:
        words = len(article.read_text(encoding="utf-8").split())
        assert 150 <= words <= 400, f"{article.name}: {words} words"
        meta = yaml.safe_load(article.with_name(article.name.removesuffix(".txt") + ".meta.yaml").read_text())
        assert meta["publisher"] and meta["published"], article.name
    slips = load_expected(HELDOUT / "expected.yaml", HELDOUT / "articles")
    planted = [doc for doc, found in slips.items() if found]
    assert 10 <= len(planted) <= 16  # about a third
    assert all(len(slips[doc]) == 1 for doc in planted)  # one slip each


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("The mine opened on Wednesday, March 14, 1972, with 40 men.", encoding="utf-8")
    (folder / "a.meta.yaml").write_text("publisher: X\npublished: 1972-03-16\n", encoding="utf-8")
    (folder / "b.txt").write_text("Nothing is wrong in 1999 here.", encoding="utf-8")
    (folder / "b.meta.yaml").write_text("publisher: X\npublished: 1999-01-02\n", encoding="utf-8")
    return folder


def _expect(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "expected.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


SLIP = {"figure": "Wednesday", "check": "weekday", "why": "it was a Tuesday"}


@pytest.mark.parametrize(
    "data, fault",
    [
        ({"a": [SLIP]}, "no entry for article(s) b"),
        ({"a": [SLIP], "b": [], "c": []}, "article 'c': there is no c.txt"),
        ({"a": [{**SLIP, "figure": "Thursday"}], "b": []}, "article 'a', entry 1: field 'figure'"),
        ({"a": [{**SLIP, "check": ""}], "b": []}, "article 'a', entry 1: field 'check'"),
        ({"a": [{**SLIP, "why": " "}], "b": []}, "article 'a', entry 1: field 'why'"),
        ({"a": SLIP, "b": []}, "article 'a': expected a list"),
    ],
)
def test_a_bad_expectation_names_file_article_entry_and_field(tmp_path, data, fault):
    with pytest.raises(ExpectedError) as error:
        load_expected(_expect(tmp_path, data), _corpus(tmp_path))
    assert "expected.yaml" in str(error.value) and fault in str(error.value)


def _finding(check, severity, claims):
    return {"check": check, "severity": severity, "verdict": "discrepancy", "message": "m",
            "claims": [{"doc_id": d, "start": s, "end": e, "text": t, "sentence": "s"} for d, s, e, t in claims]}


def test_findings_are_sorted_by_the_flagged_figure(tmp_path):
    slips = load_expected(_expect(tmp_path, {"a": [SLIP], "b": []}), _corpus(tmp_path))
    on_slip = ("a", 19, 44, "Wednesday, March 14, 1972")  # overlaps the slip's figure
    elsewhere = ("b", 20, 24, "1999")
    result = score(
        [
            _finding("weekday", "error", [on_slip]),
            _finding("reference", "warning", [elsewhere]),
            _finding("weekday", "info", [elsewhere]),
        ],
        slips,
    )
    assert (result.flagged["error"], result.right["error"]) == (1, 1)
    assert (result.flagged["warning"], result.right["warning"]) == (1, 0)
    assert [f["check"] for f in result.false_alarms] == ["reference"]
    assert [s.doc_id for s in result.caught] == ["a"] and not result.missed
    assert result.noisy_clean_docs == ["b"]

    # the same figure flagged by another check is right for precision, not caught by its check
    other = score([_finding("date_order", "error", [("b", 20, 24, "1999"), ("a", 50, 52, "19")])], slips)
    assert other.right["error"] == 0 and len(other.missed) == 1
    other = score([_finding("date_order", "error", [("b", 20, 24, "1999"), on_slip])], slips)
    assert other.right["error"] == 1 and not other.caught and len(other.other_check) == 1

    # scoring twice does not count a finding twice
    again = score([_finding("weekday", "error", [on_slip])], slips)
    assert len(again.slips[0].findings) == 1


def test_the_script_runs_end_to_end_on_a_small_folder(tmp_path):
    articles = _corpus(tmp_path)
    expected = _expect(tmp_path, {"a": [SLIP], "b": []})
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--articles", str(articles), "--expected", str(expected)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "held-out corpus: 2 articles, 1 planted slips" in done.stdout
    assert "recall of the planted slips" in done.stdout and "false alarms (" in done.stdout


def test_a_bad_expectation_stops_the_script_with_status_2(tmp_path):
    articles = _corpus(tmp_path)
    expected = _expect(tmp_path, {"a": [SLIP]})
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--articles", str(articles), "--expected", str(expected)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300,
    )
    assert done.returncode == 2 and "no entry for article(s) b" in done.stderr
