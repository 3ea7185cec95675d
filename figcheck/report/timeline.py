"""The timeline figure: for each event, the date every source gives against the reference date."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from figcheck.records import Claim, DateValue, Finding
from figcheck.report.run import DocumentInfo
from figcheck.report.sources import Sources

TIMELINE_CHECKS = ("reference", "cross_source")

# Geometry of the SVG in user units; the figure scales to its container's width.
WIDTH = 760
MARGIN = 16
AXIS_HEIGHT = 34
LABEL_HEIGHT = 18
LANE_GAP = 13
TRACK_PADDING = 11
MARK_RADIUS = 5.5

# Offsets from the reference date are drawn on a signed log scale, so that a day's slip
# and a decade's both show: ticks at a day, a week, a month, a year, ten and a hundred.
TICKS = ((1, "1 d"), (7, "1 wk"), (30, "1 mo"), (365, "1 yr"), (3652, "10 yr"), (36524, "100 yr"))
MIN_TICK_SPACING = 44

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class DateSpan:
    """The days a date of some precision covers: ``1950`` is all of 1950."""

    first: date
    last: date
    label: str

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class TimelineMark:
    doc_id: str
    source: str
    colour: str
    claim_text: str
    span: DateSpan
    offset: str
    x1: float
    x2: float
    y: float

    @property
    def is_point(self) -> bool:
        return self.span.is_day


@dataclass(frozen=True)
class TimelineRow:
    event: str
    detail: str | None
    reference: DateSpan | None
    centre: date
    marks: tuple[TimelineMark, ...]
    top: float
    height: float
    track_y: float
    reference_y: float
    reference_x1: float
    reference_x2: float

    @property
    def differs(self) -> bool:
        if self.reference is not None:
            return any(mark.offset != "matches" for mark in self.marks)
        return len({mark.span for mark in self.marks}) > 1


@dataclass(frozen=True)
class TimelineTick:
    x: float
    label: str
    major: bool


@dataclass
class Timeline:
    rows: list[TimelineRow] = field(default_factory=list)
    ticks: list[TimelineTick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: float = 0
    zero_x: float = WIDTH / 2

    @property
    def empty(self) -> bool:
        return not self.rows


def parse_timex(timex: str) -> DateSpan | None:
    """The span of a TIMEX3 date value (day, month, year, decade or ISO week); None if open-ended."""
    text = timex.strip()
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            day = date(*map(int, match.groups()))
            return DateSpan(day, day, f"{day.day} {_MONTHS[day.month - 1]} {day.year}")
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = map(int, match.groups())
            first = date(year, month, 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return DateSpan(first, last, f"{_MONTHS[month - 1]} {year}")
        if match := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            year, week = map(int, match.groups())
            first = date.fromisocalendar(year, week, 1)
            return DateSpan(first, first + timedelta(days=6), f"week {week} of {year}")
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return DateSpan(date(year, 1, 1), date(year, 12, 31), str(year))
        if re.fullmatch(r"\d{3}", text):
            decade = int(text) * 10
            return DateSpan(date(decade, 1, 1), date(decade + 9, 12, 31), f"{decade}s")
    except ValueError:
        return None
    return None


def describe_offset(span: DateSpan, reference: DateSpan) -> str:
    """How ``span`` stands to ``reference``: "matches", "3 days earlier", "1 year 2 months later"."""
    if span == reference or (not reference.is_day and reference.first >= span.first and reference.last <= span.last):
        return "matches"
    if reference.is_day and span.contains(reference.first):
        return "matches"
    if span.last < reference.first:
        return f"{_calendar_difference(span.last, reference.first)} earlier"
    if span.first > reference.last:
        return f"{_calendar_difference(reference.last, span.first)} later"
    return "overlaps"


def source_names(documents: Iterable[DocumentInfo]) -> dict[str, str]:
    """Short names for sources: the publisher where no other source has it, else the title."""
    documents = list(documents)
    publishers = Counter(info.publisher for info in documents if info.publisher)
    return {
        info.doc_id: (info.publisher if info.publisher and publishers[info.publisher] == 1 else None)
        or info.title
        or info.doc_id
        for info in documents
    }


def build_timeline(
    findings: Iterable[Finding],
    claims_by_id: Mapping[str, Claim],
    sources: Sources,
) -> Timeline:
    """One row per event that a ``reference`` or ``cross_source`` finding dates.

    Needs the claims themselves (their typed date values); without them the timeline is empty.
    """
    events: dict[str, _Event] = {}
    for finding in findings:
        if finding.check not in TIMELINE_CHECKS:
            continue
        dated = []
        for ref in finding.claims:
            claim = claims_by_id.get(ref.claim_id)
            if claim is None or not isinstance(claim.value, DateValue):
                continue
            span = parse_timex(claim.value.timex)
            if span is not None:
                dated.append((claim, span))
        if not dated:
            continue
        reference = parse_timex(finding.reference.value) if finding.reference else None
        if finding.reference is not None:
            key, name, detail = (
                f"fact:{finding.reference.fact_id}",
                finding.reference.subject,
                finding.reference.property,
            )
        else:
            first = dated[0][0]
            name = first.subject or first.context or first.text
            key, detail = f"subject:{name.casefold()}", None
        event = events.setdefault(key, _Event(name=name, detail=detail))
        event.reference = event.reference or reference
        for claim, span in dated:
            event.dates.setdefault(claim.id, (claim, span))

    # A row needs something to compare: a reference date, or two sources' dates.
    kept = [e for e in events.values() if e.reference is not None or len(e.dates) > 1]
    if not kept:
        return Timeline()
    for event in kept:
        event.centre = event.reference.first if event.reference else _most_common_day(event.dates.values())
    kept.sort(key=lambda e: (e.centre, e.name))

    extent = max(
        [_scaled(365 + 35)]
        + [abs(_scaled((d - e.centre).days)) for e in kept for _, s in e.dates.values() for d in (s.first, s.last)]
    )
    half = (WIDTH - 2 * MARGIN) / 2
    zero_x = MARGIN + half

    def x_of(days: float) -> float:
        return round(zero_x + _scaled(days) / (extent * 1.04) * half, 1)

    rows = []
    top = AXIS_HEIGHT
    for event in kept:
        # The reference and each date get a lane of their own, so equal dates all show.
        unknown = len(sources)
        dated = sorted(event.dates.values(), key=lambda item: (_position(sources, item[0].doc_id, unknown), item[1].first))
        first_lane = 1 if event.reference else 0
        lanes = len(dated) + first_lane
        track_height = (lanes - 1) * LANE_GAP + 2 * TRACK_PADDING
        track_y = top + LABEL_HEIGHT + track_height / 2

        lane_y = [round(track_y + (lane - (lanes - 1) / 2) * LANE_GAP, 1) for lane in range(lanes)]

        marks = []
        for lane, (claim, span) in enumerate(dated, start=first_lane):
            offset = describe_offset(span, event.reference) if event.reference else _relative_offset(span, event.centre)
            marks.append(
                TimelineMark(
                    doc_id=claim.doc_id,
                    source=sources.name(claim.doc_id) or claim.doc_id,
                    colour=sources.colour(claim.doc_id) or "#5A5A5A",
                    claim_text=claim.text,
                    span=span,
                    offset=offset,
                    x1=x_of((span.first - event.centre).days),
                    x2=x_of((span.last - event.centre).days + (0 if span.is_day else 1)),
                    y=lane_y[lane],
                )
            )
        reference = event.reference
        rows.append(
            TimelineRow(
                event=event.name,
                detail=event.detail,
                reference=reference,
                centre=event.centre,
                marks=tuple(marks),
                top=top,
                height=LABEL_HEIGHT + track_height,
                track_y=track_y,
                reference_y=lane_y[0],
                reference_x1=x_of(0),
                reference_x2=x_of((reference.last - reference.first).days + 1)
                if reference and not reference.is_day
                else x_of(0),
            )
        )
        top += LABEL_HEIGHT + track_height + 8

    ticks = [TimelineTick(zero_x, "0", True)]
    for days, label in TICKS:
        if _scaled(days) > extent * 1.04:
            break
        x = x_of(days)
        show = x - zero_x >= MIN_TICK_SPACING
        ticks.append(TimelineTick(x, f"+{label}" if show else "", days in (365, 3652, 36524)))
        ticks.append(TimelineTick(x_of(-days), f"−{label}" if show else "", days in (365, 3652, 36524)))
    in_rows = {mark.doc_id for row in rows for mark in row.marks}
    legend = [(sources.colour(doc_id) or "#5A5A5A", sources.name(doc_id)) for doc_id in sources.in_order(in_rows)]
    return Timeline(rows=rows, ticks=ticks, legend=legend, height=top + 4, zero_x=zero_x)


def _position(sources: Sources, doc_id: str, unknown: int) -> int:
    position = sources.position(doc_id)
    return unknown if position is None else position


@dataclass
class _Event:
    name: str
    detail: str | None
    reference: DateSpan | None = None
    dates: dict[str, tuple[Claim, DateSpan]] = field(default_factory=dict)
    centre: date = date.min


def _scaled(days: float) -> float:
    return math.copysign(math.log10(1 + abs(days)), days)


def _most_common_day(dated: Iterable[tuple[Claim, DateSpan]]) -> date:
    # Without a reference the sources are compared with each other: centre on the date
    # most of them give (the earliest of equally common ones), so the odd one out stands off.
    counts = Counter(span.first for _, span in dated)
    return min(counts, key=lambda day: (-counts[day], day))


def _relative_offset(span: DateSpan, centre: date) -> str:
    """Without a reference, how a date stands to the one most sources give ("" for that one itself)."""
    centre_span = DateSpan(centre, centre, "")
    offset = describe_offset(span, centre_span)
    if offset in ("matches", "overlaps"):
        return ""
    return f"{offset} than {centre.day} {_MONTHS[centre.month - 1]} {centre.year}"


def _calendar_difference(earlier: date, later: date) -> str:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if _add_months(earlier, months) > later:
        months -= 1
    days = (later - _add_months(earlier, months)).days
    years, months = divmod(months, 12)
    named = [
        f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((years, "year"), (months, "month"), (days, "day")) if n
    ]
    return " ".join(named[:2]) or "0 days"


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return date(year, month, min(day.day, last.day))
