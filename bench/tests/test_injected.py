"""The injected benchmark end to end on a small archive: edits drawn from verified claims, each
checked alone, the same output for the same seed, and reusable edits."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "injected" / "run.py"

ARTICLES = [
    {"id": "b-1", "title": "Law Marked", "source": "Agency", "published": "2011-05-13", "url": None,
     "text": "Law Marked\n\nThe law was adopted on May 13, Juche 90 (2001).\n\n"
             "The station was built in Juche 85 (1996) by the workers.\n"},
    {"id": "b-2", "title": "Founding Marked", "source": "Agency", "published": "2011-09-09", "url": None,
     "text": "Founding Marked\n\nA meeting took place on Sept. 8 to mark the 63rd anniversary of the founding "
             "of the DPRK.\n"},
]


def _run(tmp_path, *more):
    archive = tmp_path / "small.jsonl"
    archive.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--jsonl", str(archive), "--cache", str(tmp_path / "cache"),
         "--workers", "1", "--quiet", *more],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if not line.startswith("time:")]


def _row(lines, name):
    return next(line.split() for line in lines if line.startswith(name + " "))


def test_edits_of_verified_claims_are_caught_and_runs_repeat(tmp_path):
    edits = tmp_path / "edits.jsonl"
    first = _run(tmp_path, "--save-edits", str(edits))
    calendar = _row(first, "calendar_conversion")
    assert calendar[1] == "2" and calendar[3] == "2"  # both Juche dates changed, both caught
    assert _row(first, "ALL")[1] == str(len(edits.read_text().splitlines()))
    saved = [json.loads(line) for line in edits.read_text().splitlines()]
    for edit in saved:
        text = next(a["text"] for a in ARTICLES if a["id"] == edit["doc_id"])
        assert text[edit["start"] : edit["end"]] == edit["old"] != edit["new"]
    again = _run(tmp_path)
    assert again == first
    reused = _run(tmp_path, "--edits", str(edits))
    assert [line for line in reused if "Recall" in line or line.startswith(("ALL", "calendar"))] == [
        line for line in first if "Recall" in line or line.startswith(("ALL", "calendar"))
    ]


def test_an_edit_that_no_longer_fits_its_article_is_reported_not_fatal(tmp_path):
    edits = tmp_path / "edits.jsonl"
    edits.write_text(json.dumps({
        "check": "calendar_conversion", "doc_id": "b-1", "start": 0, "end": 4, "old": "Juch",
        "new": "Juch", "change": "none", "finding_id": "f-x"}) + "\n", encoding="utf-8")
    lines = _run(tmp_path, "--edits", str(edits))
    assert _row(lines, "calendar_conversion")[6] == "1"  # failed
    assert any(line.startswith("FAILED b-1@0") for line in lines)


def test_edits_judged_no_error_are_left_out_of_recall(tmp_path):
    edits = tmp_path / "edits.jsonl"
    _run(tmp_path, "--save-edits", str(edits))
    first = json.loads(edits.read_text().splitlines()[0])
    judged = tmp_path / "not-errors.yaml"
    judged.write_text(
        f"- edit: {first['doc_id']}@{first['start']}-{first['end']}\n  check: {first['check']}\n"
        "  reason: read the article\n", encoding="utf-8")
    lines = _run(tmp_path, "--edits", str(edits), "--not-errors", str(judged))
    row = _row(lines, first["check"])
    assert row[2] == "1" and int(row[3]) == int(row[1]) - 1
    assert any(line.startswith("left out: 1 edits") for line in lines)


def test_a_bad_not_errors_entry_names_file_entry_and_field(tmp_path):
    judged = tmp_path / "not-errors.yaml"
    judged.write_text("- edit: b-1:0-4\n  check: weekday\n  reason: r\n", encoding="utf-8")
    archive = tmp_path / "small.jsonl"
    archive.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--jsonl", str(archive), "--cache", str(tmp_path / "cache"),
         "--workers", "1", "--quiet", "--not-errors", str(judged)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert done.returncode != 0 and "not-errors.yaml: entry 1: field 'edit'" in done.stderr
