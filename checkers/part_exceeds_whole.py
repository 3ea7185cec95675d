"""A part cannot be larger than its whole, and the parts of one whole cannot add up to more than it
("661,736 volunteers. Of them twelve ... and 226 ..." : 12 + 226 ≤ 661,736)."""

from __future__ import annotations

from collections import defaultdict

from checkers.base import Article, CheckContext, count_interval, example, finding, fmt
from figcheck.records import Claim, CountValue, Finding

NAME = "part_exceeds_whole"


def check(article: Article, context: CheckContext) -> list[Finding]:
    parts_of: dict[str, list[Claim]] = defaultdict(list)
    links = context.links
    for claim in article.claims:
        if claim.kind == "count" and claim.part_of in article.by_id:
            whole = links.whole(claim)
            if whole is not None:
                parts_of[whole.id].append(claim)
    findings = []
    for whole_id, parts in parts_of.items():
        whole = article.by_id[whole_id]
        assert isinstance(whole.value, CountValue)
        whole_low, whole_high = count_interval(whole.value)
        what = whole.subject or "the whole"
        too_big = [p for p in parts if count_interval(p.value)[0] > whole_high]
        for part in too_big:
            findings.append(
                finding(
                    NAME,
                    "discrepancy",
                    "error",
                    f"{fmt(part.value.value)} {part.subject or ''} are said to be among "
                    f"{whole.text} {what}, but {fmt(part.value.value)} > {fmt(whole.value.value)}.".replace("  ", " "),
                    [part, whole],
                    expected=f"at most {fmt(whole_high)}",
                    observed=fmt(part.value.value),
                )
            )
        if too_big:
            continue
        lows = [count_interval(p.value)[0] for p in parts]
        total = sum(lows)
        sum_text = " + ".join(fmt(v) for v in lows)
        if len(parts) > 1 and total > whole_high:
            findings.append(
                finding(
                    NAME,
                    "discrepancy",
                    "warning",
                    f"The parts of {whole.text} {what} add up to more than it: {sum_text} = {fmt(total)} > "
                    f"{fmt(whole.value.value)} (unless the parts overlap).",
                    [*parts, whole],
                    expected=f"at most {fmt(whole_high)} in all",
                    observed=fmt(total),
                )
            )
        else:
            arithmetic = f"{sum_text} = {fmt(total)}" if len(parts) > 1 else sum_text
            findings.append(
                finding(
                    NAME,
                    "consistent",
                    "info",
                    f"Parts of {whole.text} {what}: {arithmetic} ≤ {fmt(whole.value.value)}: consistent.",
                    [*parts, whole],
                )
            )
    return findings


EXAMPLES = [
    example(
        "The ministry hired 1,204 nurses last year. Of them 312 were assigned to rural clinics and 95 to schools.",
        published="2020-03-01",
        expect=[("consistent", "info")],
    ),
    example(
        "The ministry hired 1,204 nurses last year. Of them 1,312 were assigned to rural clinics.",
        published="2020-03-01",
        expect=[("discrepancy", "error")],
        spans=("1,312",),
    ),
    example(
        "The club has 80 members. Among them 50 play chess and 45 play go.",
        published="2020-03-01",
        expect=[("discrepancy", "warning")],
    ),
    example(
        "During the war 533 DPRK Heroes (5 twice Heroes) were produced.",
        expect=[("consistent", "info")],
    ),
    example(
        "Over 300 million saplings of more than 50 species including over 900,000 pine saplings were planted.",
        published="2020-03-01",
        expect=[("consistent", "info")],
        note="the pine saplings are among the saplings, not among the species",
    ),
    example(
        "Exports made up 25 pct of total trade, including 40 pct of trade in machines.",
        published="2020-03-01",
        expect=[],
        note="shares of different bases are not part and whole",
    ),
]
