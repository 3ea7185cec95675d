"""Figures that changed between two versions of the same article (check ``article_revision``).

Rule: when a publisher edits a page after figcheck fetched it, every figure of the old
version that is still stated in the new version with a different value is reported, with
both quotes. A claim of the old version is matched to one of the new version first by its
sentence (the same sentence with only its figures changed), then by what it counts or dates
(same kind, subject and context); figures that stayed the same are paired off first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from pathlib import Path

from figcheck.fetching.store import read_document
from figcheck.records import Claim, ClaimRef, Finding

CHECK = "article_revision"

# Fields that say how a figure was read or what it is anchored to, not what it states.
_NOT_THE_FIGURE = {"resolved_from", "anchor", "implied_event_year", "event", "stated_weekday", "relative"}


def revision_findings(old_claims: list[Claim], new_claims: list[Claim]) -> list[Finding]:
    """One ``article_revision`` finding per figure whose value changed from old to new version."""
    old_open, new_open = set(range(len(old_claims))), set(range(len(new_claims)))
    pairs: list[tuple[Claim, Claim]] = []
    for keys in (_sentence_keys, _subject_keys):
        pairs += _pair(old_claims, new_claims, keys(old_claims), keys(new_claims), old_open, new_open)
    return [_finding(old, new) for old, new in sorted(pairs, key=lambda pair: pair[1].start)]


def check_revisions(revisions: Iterable[tuple[str, str]], corpus: str | Path) -> list[Finding]:
    """Findings for (old doc id, new doc id) pairs stored in ``corpus``.

    Raises ImportError when claim extraction is not available.
    """
    from figcheck.extraction import extract_claims  # the extraction stack is heavy; load it only when needed

    findings: list[Finding] = []
    for old_id, new_id in revisions:
        old, new = read_document(corpus, old_id), read_document(corpus, new_id)
        findings += revision_findings(extract_claims(old), extract_claims(new))
    return findings


def _figure(claim: Claim) -> Hashable:
    value = claim.value.model_dump(exclude=_NOT_THE_FIGURE)
    return (claim.qualifier, tuple(sorted((k, repr(v)) for k, v in value.items())))


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _subject_keys(claims: list[Claim]) -> list[Hashable | None]:
    return [
        (claim.kind, _norm(claim.subject), _norm(claim.context)) if claim.subject or claim.context else None
        for claim in claims
    ]


def _sentence_keys(claims: list[Claim]) -> list[Hashable | None]:
    """Per claim: (kind, its sentence with every figure in it masked, its place among them)."""
    by_sentence: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        by_sentence[(claim.sentence_start, claim.sentence)].append(index)
    keys: list[Hashable | None] = [None] * len(claims)
    for (sentence_start, sentence), members in by_sentence.items():
        members.sort(key=lambda i: (claims[i].start, claims[i].end))
        masked, cursor = [], 0
        for i in members:
            start, end = claims[i].start - sentence_start, claims[i].end - sentence_start
            if start < cursor or not 0 <= start <= end <= len(sentence):
                continue  # nested or out-of-sentence spans: leave that text as it is
            masked += [sentence[cursor:start], "\0"]
            cursor = end
        masked.append(sentence[cursor:])
        skeleton = _norm("".join(masked))
        seen: dict[str, int] = defaultdict(int)
        for i in members:
            keys[i] = (claims[i].kind, skeleton, seen[claims[i].kind])
            seen[claims[i].kind] += 1
    return keys


def _pair(
    old_claims: list[Claim],
    new_claims: list[Claim],
    old_keys: list[Hashable | None],
    new_keys: list[Hashable | None],
    old_open: set[int],
    new_open: set[int],
) -> list[tuple[Claim, Claim]]:
    """Changed pairs among the open claims under one key; matched claims leave the open sets."""
    old_groups: dict[Hashable, list[int]] = defaultdict(list)
    new_groups: dict[Hashable, list[int]] = defaultdict(list)
    for i in sorted(old_open):
        if old_keys[i] is not None:
            old_groups[old_keys[i]].append(i)
    for j in sorted(new_open):
        if new_keys[j] is not None:
            new_groups[new_keys[j]].append(j)
    changed: list[tuple[Claim, Claim]] = []
    for key, olds in old_groups.items():
        news = new_groups.get(key)
        if not news:
            continue
        # Figures that stayed the same are not news; pair them off first.
        remaining_old = []
        for i in olds:
            same = next((j for j in news if _figure(new_claims[j]) == _figure(old_claims[i])), None)
            if same is None:
                remaining_old.append(i)
            else:
                news.remove(same)
                old_open.discard(i)
                new_open.discard(same)
        # Only an unambiguous correspondence is a revision: a figure added or dropped beside
        # others of the same kind is no evidence that one of them changed.
        if remaining_old and len(remaining_old) == len(news):
            for i, j in zip(remaining_old, news, strict=True):
                changed.append((old_claims[i], new_claims[j]))
                old_open.discard(i)
                new_open.discard(j)
    return changed


def _finding(old: Claim, new: Claim) -> Finding:
    return Finding(
        id=Finding.make_id(CHECK, old.id, new.id),
        check=CHECK,
        verdict="discrepancy",
        severity="warning",
        message=(
            f"A figure changed between versions of the article: {old.text!r} in {old.doc_id} "
            f"became {new.text!r} in {new.doc_id}. Before: \u201c{old.sentence.strip()}\u201d "
            f"After: \u201c{new.sentence.strip()}\u201d"
        ),
        claims=[ClaimRef.of(old), ClaimRef.of(new)],
        expected=old.text,
        observed=new.text,
    )
