"""What the corpus-consensus check finds on a real corpus, and how many changed figures it catches.

    python bench/consensus_bench.py [--corpus ../shared/corpora/kcna-2011-2012.jsonl.gz]
                                    [--reference reference_data] [--sample N] [--rounds 4] [--seed 7]

Extracts every article (one core), collects the consensus entries, and prints: how many named
events are keyed, how many reach a consensus (and how many of those the table does not date),
the findings by verdict, then every warning and every unverifiable disagreement with its sentence,
to be read against the articles. Then the injected recall: in each round, one anniversary that
agrees with its event's consensus is changed per event (its ordinal by ±1..10, seeded), and the
warnings on the changed claims are counted, by direction of the change and by whether the
sentence states its time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from checkers import CheckRun, article_of
from checkers.consensus import CorpusConsensus, reading
from checkers.cross_source import Entry, Quoted, Source
from figcheck.corpus import iter_jsonl_documents
from figcheck.extraction import extract_claims
from figcheck.linking.time_frame import SpokenYears
from figcheck.reference import ReferenceTable

_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_CORPUS = _ROOT.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


def collect(corpus: Path, table: ReferenceTable, sample: int | None, seed: int) -> tuple[CheckRun, int]:
    """The run with every article's entries collected; the entries' claims and keys also go to
    ``entries_by_claim`` (the groups keep only what the findings name)."""
    documents = list(iter_jsonl_documents(corpus))
    if sample is not None and sample < len(documents):
        documents = random.Random(seed).sample(documents, sample)
    run = CheckRun(table, {"consensus"})
    for number, document in enumerate(documents, start=1):
        article = article_of(document, extract_claims(document), table)
        found = run.cross_entries(article)
        entries_by_claim.update((entry.claim.id, entry) for entry in found if entry.key[:1] == ("consensus",))
        run.collect_entries(Source(article.doc_id, article.fingerprint, article.publisher, article.title), found)
        if number % 2000 == 0:
            print(f"  {number} articles", file=sys.stderr, flush=True)
    return run, len(documents)


entries_by_claim: dict[str, Entry] = {}


def injected_recall(collected: CorpusConsensus, rounds: int, seed: int) -> Counter:
    events = collected.dated_events()
    rng = random.Random(seed)
    outcome: Counter = Counter()
    for _ in range(rounds):
        changed = CorpusConsensus(collected.min_sources, collected.min_share,
                                  {key: list(members) for key, members in collected.events.items()},
                                  collected.reference)
        injected = {}
        for event in events:
            if event.consensus is None or event.fact_ids:
                continue
            agreeing = [m for m, r in zip(event.members, event.readings)
                        if r.kind == "anniversary" and r.year == event.consensus.year]
            if not agreeing:
                continue
            member = rng.choice(agreeing)
            delta = rng.choice([d for d in range(-10, 11) if d])
            entry = entries_by_claim[member.claim.id]
            value = entry.claim.value
            claim = entry.claim.model_copy(update={"value": value.model_copy(update={"ordinal": value.ordinal + delta})})
            frame = SpokenYears.decode(entry.key[3])
            members = changed.events[event.key]
            members[members.index(member)] = member._replace(
                claim=Quoted.of(claim, member.held.doc_id), reading=reading(claim, date.fromisoformat(member.published), frame))
            injected[claim.id] = ("later year" if delta < 0 else "earlier year",
                                  "time stated" if frame.news else "time not stated")
        verdicts = {f.claims[0].claim_id: f.verdict for f in changed.findings() if f.claims[0].claim_id in injected}
        for claim_id, how in injected.items():
            outcome[(*how, verdicts.get(claim_id, "no consensus left"))] += 1
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--reference", type=Path, default=_ROOT / "reference_data")
    parser.add_argument("--sample", type=int, default=None, help="only this many articles, drawn at random")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    table = ReferenceTable.load(args.reference)
    started = time.perf_counter()
    run, count = collect(args.corpus, table, args.sample, args.seed)
    collected = run.consensus
    events = collected.dated_events()
    findings = collected.findings()
    agreed = [e for e in events if e.consensus is not None]
    print(f"{count} articles in {time.perf_counter() - started:.0f} s")
    print(f"named events keyed: {len(events)}; with a consensus: {len(agreed)} "
          f"({sum(1 for e in agreed if not e.fact_ids)} not dated by the table)")
    print("findings:", dict(Counter((f.verdict, f.severity) for f in findings)))
    for verdict in ("discrepancy", "unverifiable"):
        listed = [f for f in findings if f.verdict == verdict]
        print(f"\n{verdict} ({len(listed)}):")
        for f in listed:
            claim = f.claims[0]
            print(f"- {claim.doc_id} [{claim.text}] {' '.join((claim.sentence or '').split())}")
            print(f"    {f.message}")
    outcome = injected_recall(collected, args.rounds, args.seed)
    total = sum(outcome.values())
    caught = sum(n for key, n in outcome.items() if key[2] == "discrepancy")
    print(f"\ninjected: {total}, caught as warnings: {caught} ({caught / max(1, total):.0%})")
    for key, n in sorted(outcome.items()):
        print(f"  {' / '.join(key)}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
