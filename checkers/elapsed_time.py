"""Time said to have passed ("N years after X", "since X", "N years ago", "Sixty years has elapsed
since ...") must fit the dates involved, honouring qualifiers ("less than five years", "nearly two
years"): from the event's date, in the text or the reference table, to the time the sentence
counts to (the day of writing for "it has been N years since", a year the sentence names for
"N years had passed since ... when ...")."""

from __future__ import annotations

from checkers.base import (
    Article,
    CheckContext,
    date_bounds,
    describe_years,
    duration_years,
    elapsed_interval,
    example,
    finding,
    rounding_years,
    span_years,
    stated_interval,
)
from figcheck.linking.cues import load_cues
from figcheck.records import Claim, DurationValue, Finding
from figcheck.reference import fact_ref

NAME = "elapsed_time"
_LOOKBACK_SENTENCES = 2  # this sentence and the one before


def check(article: Article, context: CheckContext) -> list[Finding]:
    anchors = {c.value.anchor.claim_id for c in article.claims if c.kind == "duration" and c.value.anchor}
    findings = []
    for claim in article.claims:
        if claim.kind != "duration":
            continue
        value = claim.value
        assert isinstance(value, DurationValue)
        anchor = value.anchor
        if anchor is None or anchor.relation not in ("after", "since", "ago"):
            continue
        start, start_label, start_claims, fact = _from(article, claim, context)
        if start is None and start_claims:
            findings.append(finding(NAME, "unverifiable", "info",
                                    f"{claim.text} {anchor.relation} {start_claims[0].text}: unverifiable, because "
                                    f"{start_label}.", [claim, *start_claims]))
            continue
        if anchor.relation == "since" and _activity(claim, context):
            # "for three years since 2008": how long something went on, which can be no longer
            # than the time since it began, but may be shorter.
            if article.published is None or start is None:
                continue
            findings.append(_compare_activity(claim, value, start, start_label, article.published,
                                              [claim, *start_claims], fact))
            continue
        until = context.links.elapsed_until(claim) if anchor.relation == "since" else None
        if anchor.relation == "ago" or (until is not None and until.kind == "news"):
            if article.published is None:
                continue
            end = (article.published, article.published)
            end_label = f"publication on {article.published.isoformat()}"
            end_claims: list[Claim] = []
        elif until is not None and until.kind == "stated":
            # "... had passed since ... when the memorial opened in 2001": counted to that year.
            end = date_bounds(str(until.years[0]))
            end_label = f"{until.years[0]} (the time the sentence counts to)"
            end_claims = []
        else:
            target = _measured_to(article, claim, anchors, context) if start_claims else None
            if target is None:
                if fact is not None and until is not None:
                    # The event is dated by the table, but not the time it is counted to.
                    findings.append(finding(NAME, "unverifiable", "info",
                                            f"{claim.text} since {anchor.text}: {start_label}; unverifiable, "
                                            f"because {until.reason}.", [claim], reference=fact_ref(fact)))
                continue  # only the text's own date makes a guessed end point worth comparing
            end = date_bounds(target.value.timex)
            end_label = f"{target.text} (the date the article last named)"
            end_claims = [target]
        if start is None or end is None:
            continue
        findings.append(_compare(claim, value, start, start_label, end, end_label, [claim, *start_claims, *end_claims], fact))
    return findings


def _from(article: Article, claim: Claim, context: CheckContext):
    """The date a duration is measured from: the date claim it names, or failing that the
    reference fact its anchor words match ("since the outbreak of the war")."""
    anchor = claim.value.anchor
    target_id = anchor.claim_id
    if anchor.relation == "since" and target_id is not None:
        own = context.links.since_date(claim)
        target_id = own.id if own is not None else None  # a later clause's date is not the event's
    if target_id is None and anchor.relation == "ago":
        apposed = context.links.apposed_date(claim)
        target_id = apposed.id if apposed is not None else None
    if target_id and target_id in article.by_id:
        target = article.by_id[target_id]
        if getattr(target.value, "resolved_from", None):
            # "last year", "June 27": a year read from the publication date is no evidence.
            return None, f"{target.text} gives no year of its own (its year is only guessed from the article's date)", \
                [target], None
        timex = target.value.timex if target.kind == "date" else target.value.start_timex
        bounds = date_bounds(timex)
        if bounds is None:
            return None, f"{target.text} cannot be placed on a calendar", [target], None
        return bounds, target.text, [target], None
    if context.reference is None or not anchor.text:
        return None, None, [], None
    for fact in context.links.event_facts(anchor.text, claim):
        if fact.kind == "date":
            bounds = date_bounds(str(fact.value))
            if bounds:
                return bounds, f"{fact.subject}, {fact.property} ({fact.value}, reference {fact.id})", [], fact
    return None, None, [], None


def _activity(claim: Claim, context: CheckContext) -> bool:
    """Whether the duration is the length of an activity ("worked for three years since 2008")
    rather than the time elapsed since its start ("three years have passed since 2008")."""
    lead = context.links.sentences.of(claim).before(claim).rstrip()
    last = lead.rsplit(None, 1)[-1].lower() if lead else ""
    if last in ("nearly", "almost", "about", "over", "some", "more", "than", "around"):
        lead = lead[: len(lead) - len(last)].rstrip()
        last = lead.rsplit(None, 1)[-1].lower() if lead else ""
    return last in set(load_cues().activity_duration)


def _compare_activity(claim, value, start, start_label, published, claims, fact):
    least, most = span_years(start, (published, published))
    allowed = _stated(value)
    if allowed is None:
        return finding(NAME, "unverifiable", "info",
                       f"{claim.text}: unverifiable, because the length is not given as a number of days, weeks, "
                       "months or years.", claims)
    lo, _ = allowed
    reference = fact_ref(fact) if fact else None
    arithmetic = f"from {start_label} to publication on {published.isoformat()} is at most {describe_years(most)}"
    if lo <= most:
        return finding(NAME, "consistent", "info",
                       f"for {claim.text} since: a length of activity, no longer than the time since it began "
                       f"({arithmetic}): consistent.", claims, reference=reference)
    return finding(NAME, "discrepancy", "warning",
                   f"for {claim.text} since, but {arithmetic}: it cannot have gone on that long yet.",
                   claims, expected=f"at most {describe_years(most)}", observed=claim.text, reference=reference)


def _stated(value: DurationValue) -> tuple[float, float] | None:
    stated = duration_years(value.timex) or duration_years(value.low_timex)
    if stated is None:
        return None
    return stated_interval(stated, value.qualifier, duration_years(value.low_timex), duration_years(value.high_timex),
                           rounding=rounding_years(value.timex))


def _measured_to(article: Article, claim: Claim, anchors: set[str | None], context: CheckContext) -> Claim | None:
    """ "The war was ... less than five years after liberation": measured to the last date the
    article named before, within a few sentences, that is not itself a duration's anchor."""
    sentences = context.links.sentences
    window = [*sentences.previous(claim, _LOOKBACK_SENTENCES - 1), sentences.of(claim)]
    for sentence in reversed(window):
        for c in reversed(sentence.claims_between(sentence.start, claim.start)):
            if (c.kind == "date" and c.id not in anchors and c.value.resolved_from is None
                    and date_bounds(c.value.timex)):
                return c
    return None


def _compare(claim, value, start, start_label, end, end_label, claims, fact):
    least, most = span_years(start, end)
    allowed = elapsed_interval(value) if value.anchor.relation in ("since", "ago") else _stated(value)
    if allowed is None:
        return finding(NAME, "unverifiable", "info",
                       f"{claim.text}: unverifiable, because the length is not given as a number of days, weeks, "
                       "months or years.", claims)
    lo, hi = allowed
    actual = describe_years(least) if abs(most - least) < 1 / 12 else f"{describe_years(least)} to {describe_years(most)}"
    arithmetic = f"from {start_label} to {end_label} is {actual}"
    reference = fact_ref(fact) if fact else None
    if most >= lo and least <= hi:
        return finding(NAME, "consistent", "info", f"{claim.text} {value.anchor.relation}: {arithmetic}: consistent.",
                       claims, reference=reference)
    return finding(NAME, "discrepancy", "warning",
                   f"{claim.text} {value.anchor.relation}, but {arithmetic}.",
                   claims, expected=actual, observed=claim.text, reference=reference)


EXAMPLES = [
    example("The bridge opened in May 1990. The city was less than five years after the flood of August 1987.",
            expect=[("consistent", "info")]),
    example("The dam was finished in June 2010, nearly two years after work began in September 2008.",
            expect=[("consistent", "info")]),
    example("The dam was finished in June 2010, more than five years after work began in September 2008.",
            expect=[("discrepancy", "warning")], spans=("more than five years",)),
    example("He said he had served in the army more than 50 years ago, in 1952.",
            published="2009-11-23", expect=[]),
    example("The firm was founded in 1952, 35 years ago, and went public in 1968.",
            published="1987-04-08", expect=[("consistent", "info")]),
    example("The firm was founded in 1952, 45 years ago, and went public in 1968.",
            published="1987-04-08", expect=[("discrepancy", "warning")], spans=("45 years",),
            note="a date and the 'N years ago' set beside it are one time"),
    example("The firm was founded in 1984, a few years ago, and went public in 1986.",
            published="1987-04-08", expect=[("consistent", "info")], note="'a few' is two to five, not an exact figure"),
    example("The firm was founded in 1960, a few years ago, and went public in 1968.",
            published="1987-04-08", expect=[("discrepancy", "warning")], spans=("a few years",)),
    example("The firm was founded in 1984, less than a couple of years ago.",
            published="1987-10-01", expect=[("consistent", "info")],
            note="'less than a couple' is below a couple's upper bound, three"),
    example("Twenty years have passed since the plant opened in March 1990.",
            published="2010-05-01", expect=[("consistent", "info")]),
    example("Ten years have passed since the plant opened in March 1990.",
            published="2010-05-01", expect=[("discrepancy", "warning")]),
    example("The war began on June 25, 1950. The army took the city three days after the outbreak of the war.",
            published="2010-05-01", expect=[], note="the city's fall is not dated: nothing to measure to"),
    example("Fifty years had passed since the outbreak of the Korean War when the memorial opened in 2001.",
            published="2010-05-01", expect=[("consistent", "info")],
            note="the past perfect counts to the sentence's other date, not to publication"),
    example("Forty years had passed since the outbreak of the Korean War when the memorial opened in 2001.",
            published="2010-05-01", expect=[("discrepancy", "warning")], spans=("Forty years",)),
    example("Two weeks have passed since the plant opened on June 27.", published="2012-04-05",
            expect=[("unverifiable", "info")], note="a date without a year is no evidence of how long ago it was"),
    example("The regime spied on civilians for three years since 2008.", published="2012-04-05",
            expect=[("consistent", "info")], note="a length of activity, not the time elapsed since 2008"),
    example("The regime spied on civilians for six years since 2008.", published="2012-04-05",
            expect=[("discrepancy", "warning")], spans=("six years",)),
]
