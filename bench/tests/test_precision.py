"""Labels are validated and joined to findings by the flagged figure; the script runs end to end
on a small archive and says clearly when the archive is missing."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from precision.run import LabelError, LabelIndex, load_labels

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "precision" / "run.py"


def _write(folder: Path, name: str, entries: list) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(entries), encoding="utf-8")


def _label(figure="doc-1@10-14", text="1930", label="correct", check="calendar_conversion", **more):
    return {"figure": figure, "text": text, "check": check, "label": label, "reason": "read it", **more}


def _finding(check="calendar_conversion", claims=(("doc-1", 10, 14, "1930"),)):
    return {
        "check": check, "verdict": "discrepancy", "severity": "error", "message": "m",
        "claims": [{"doc_id": d, "start": s, "end": e, "text": t} for d, s, e, t in claims],
    }


@pytest.mark.parametrize(
    "entry, fault",
    [
        (_label(figure="doc-1:10-14"), "field 'figure'"),
        (_label(text="19300"), "field 'text'"),
        (_label(label="wrong"), "field 'label'"),
        (_label(reason=" "), "field 'reason'"),
    ],
)
def test_a_bad_label_names_file_entry_and_field(tmp_path, entry, fault):
    _write(tmp_path, "mine.yaml", [_label(figure="doc-0@0-4"), entry])
    with pytest.raises(LabelError) as error:
        load_labels(tmp_path)
    assert "mine.yaml: entry 2" in str(error.value) and fault in str(error.value)


def test_files_are_merged_and_a_figure_labelled_twice_for_one_check_is_an_error(tmp_path):
    _write(tmp_path, "a.yaml", [_label()])
    _write(tmp_path, "b.yaml", [_label(check="reference", label="wrong-link")])
    assert len(load_labels(tmp_path)) == 2
    _write(tmp_path, "c.yaml", [_label()])
    with pytest.raises(LabelError, match="already labelled"):
        load_labels(tmp_path)


def test_a_finding_takes_the_label_of_its_figure_and_check(tmp_path):
    _write(tmp_path, "a.yaml", [_label(check="reference", label="wrong-link"), _label()])
    index = LabelIndex(load_labels(tmp_path))
    assert index.find(_finding()).label == "correct"
    assert index.find(_finding(check="reference")).label == "wrong-link"
    # A check merged into one finding per figure, or renamed, still finds the figure's label.
    assert index.find(_finding(check="merged")).label in ("correct", "wrong-link")


def test_the_label_follows_the_figure_not_the_order_of_other_claims(tmp_path):
    _write(tmp_path, "a.yaml", [_label(figure="doc-1@50-53", text="109", check="qualifier_bounds", label="wrong-link")])
    index = LabelIndex(load_labels(tmp_path))
    swapped = _finding("qualifier_bounds", (("doc-1", 10, 23, "more than 100"), ("doc-1", 50, 53, "109")))
    assert index.find(swapped).label == "wrong-link"
    # another check's finding on the second claim is not this label's
    assert index.find(_finding("part_exceeds_whole", (("doc-1", 10, 23, "more than 100"), ("doc-1", 50, 53, "109")))) is None
    # a flagged span whose edges moved still finds it
    assert index.find(_finding("qualifier_bounds", (("doc-1", 49, 53, "(109"),))).label == "wrong-link"


def test_missing_archive_is_a_clear_error_with_status_2(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--jsonl", str(tmp_path / "absent.jsonl.gz"), "--cache", str(tmp_path)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert done.returncode == 2
    assert "absent.jsonl.gz is not there" in done.stderr and "--jsonl" in done.stderr


ARTICLES = [
    {"id": "a-1", "title": "Work Posted", "source": "Agency", "published": "2011-07-02", "url": None,
     "text": "Work Posted\n\nThe work, published on June 30, Juche 29 (1930), clarifies the tasks of the revolution.\n"},
    {"id": "a-2", "title": "Day Marked", "source": "Agency", "published": "2011-05-13", "url": None,
     "text": "Day Marked\n\nThe law was adopted on May 13, Juche 90 (2001), ten years ago.\n"},
]


def test_end_to_end_unlabelled_then_labelled(tmp_path):
    archive = tmp_path / "small.jsonl"
    archive.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    stub = tmp_path / "stub.yaml"
    args = [sys.executable, str(SCRIPT), "--jsonl", str(archive), "--cache", str(tmp_path / "cache"),
            "--labels", str(labels), "--workers", "1", "--quiet"]
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    first = subprocess.run([*args, "--write-unlabelled", str(stub)], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "Not yet labelled: 1" in first.stdout and "a-1@" in first.stdout and "(this run)" in first.stdout
    entries = yaml.safe_load(stub.read_text(encoding="utf-8"))
    assert [e["text"] for e in entries] == ["June 30, Juche 29 (1930)"]
    entries[0].update(label="correct", reason="Juche 29 is 1940, not 1930.")
    (labels / "small.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    second = subprocess.run(args, capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert "(cached results)" in second.stdout and "Not yet labelled" not in second.stdout
    row = next(line for line in second.stdout.splitlines() if line.startswith("ALL") and " error " in line)
    assert row.split()[-2:] == ["100.0%", "(1/1)"]
