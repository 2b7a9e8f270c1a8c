"""Adherence: sessions done against sessions planned, week by week, and the small SVG
chart of it that the patient's page and the admin show (drawn on the server, with a
text alternative; no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Programme, SessionLog


@dataclass(frozen=True)
class Week:
    number: int
    starts: date
    planned: int
    done: int
    partly: int

    @property
    def logged(self) -> int:
        return self.done + self.partly


@dataclass(frozen=True)
class Adherence:
    weeks: list[Week]  # from week 1 to the current week (or the last)

    @property
    def planned(self) -> int:
        return sum(week.planned for week in self.weeks)

    @property
    def logged(self) -> int:
        return sum(week.logged for week in self.weeks)

    @property
    def percent(self) -> int | None:
        return round(100 * min(self.logged, self.planned) / self.planned) if self.planned else None

    def __str__(self) -> str:
        if not self.planned:
            return "Not started"
        return f"{self.logged} of {self.planned} sessions ({self.percent}%)"


def adherence(programme: Programme, today: date) -> Adherence:
    """Week by week up to ``today``'s week; the logs come from ``programme.logs.all()``
    (prefetched by ``Programme.objects.for_page()``)."""
    current = min(programme.week_of(today), programme.weeks)
    counts: dict[int, list[int]] = {n: [0, 0] for n in range(1, current + 1)}
    for log in programme.logs.all():
        number = programme.week_of(log.performed_on)
        if number in counts:
            counts[number][0 if log.completion == SessionLog.Completion.DONE else 1] += 1
    return Adherence(
        [
            Week(n, programme.week_start(n), programme.sessions_per_week, done, partly)
            for n, (done, partly) in counts.items()
        ]
    )


def summary(planned_weeks: int, sessions_per_week: int, logged: int) -> str:
    """The admin list's column, from annotated counts (no query per row)."""
    planned = planned_weeks * sessions_per_week
    if planned <= 0:
        return "Not started"
    return f"{logged} of {planned} ({round(100 * min(logged, planned) / planned)}%)"


BAR_WIDTH, GAP, HEIGHT, TOP = 28, 10, 120, 12


def chart(result: Adherence, chart_id: str = "adherence") -> SafeString:
    """Bars of sessions logged (done, and partly done above them) against a line for the
    sessions planned, one bar a week. The figures are in the table beside it too."""
    weeks = result.weeks
    if not weeks:
        return SafeString("")
    most = max(max(week.planned, week.logged) for week in weeks)
    scale = HEIGHT / most
    width = len(weeks) * (BAR_WIDTH + GAP) + GAP
    base = TOP + HEIGHT
    parts = []
    for index, week in enumerate(weeks):
        # Numbers only, formatted here: nothing typed by anyone goes into the drawing.
        x = GAP + index * (BAR_WIDTH + GAP)
        done_h, partly_h = week.done * scale, week.partly * scale
        planned_y = base - week.planned * scale
        parts.append(
            f'<rect class="chart-done" x="{x}" y="{base - done_h:.1f}" width="{BAR_WIDTH}" '
            f'height="{done_h:.1f}"></rect>'
            f'<rect class="chart-partly" x="{x}" y="{base - done_h - partly_h:.1f}" '
            f'width="{BAR_WIDTH}" height="{partly_h:.1f}"></rect>'
            f'<line class="chart-planned" x1="{x - 3}" y1="{planned_y:.1f}" '
            f'x2="{x + BAR_WIDTH + 3}" y2="{planned_y:.1f}"></line>'
            f'<text x="{x + BAR_WIDTH / 2:.1f}" y="{base + 16}" text-anchor="middle">'
            f"{week.number}</text>"
        )
    body = mark_safe("".join(parts))  # noqa: S308 (numbers formatted above)
    return format_html(
        '<svg class="adherence-chart" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>{}</svg>',
        chart_id,
        width,
        TOP + HEIGHT + 22,
        width,
        TOP + HEIGHT + 22,
        chart_id,
        f"Sessions logged each week against those planned: {result}. "
        "The table below gives each week's figures.",
        body,
    )
