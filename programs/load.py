"""A plan's weekly load: how much work each week asks for, for the chart on its page.

The load of a week is its repetitions: every set of every session added up (a range
such as 6-8 counts as its middle, 12/10/8 as 30, a hold as one repetition). Built from
a plan loaded with `Plan.objects.for_page()`, so it costs no query.
"""

from dataclasses import dataclass

from .models import Plan, Prescription

CHART_WIDTH, CHART_HEIGHT = 640, 200
LEFT, BOTTOM, TOP = 36, 28, 12  # room for the axis figures, week numbers and the top bar


@dataclass(frozen=True)
class WeekLoad:
    number: int
    phase: str
    is_easier: bool  # a deload week: lighter on purpose, so the body catches up
    sessions: int
    repetitions: int
    effort: str  # the week's effort targets on the CR10 scale, e.g. "5-7", or ""


@dataclass(frozen=True)
class Bar:
    week: WeekLoad
    x: float
    y: float
    width: float
    height: float
    label_x: float


def _per_set(reps: str) -> float:
    """Repetitions in one set: "8" is 8, "6-8" is 7; "12/10/8" is handled by the caller."""
    low, _, high = reps.partition("-")
    return (int(low) + int(high or low)) / 2


def prescription_repetitions(prescription: Prescription) -> float:
    if not prescription.reps:
        return prescription.sets  # holds alone: one repetition per hold
    per_set = [_per_set(part) for part in prescription.reps.split("/")]
    if len(per_set) > 1:
        return sum(per_set)
    return prescription.sets * per_set[0]


def _effort(prescriptions: list[Prescription]) -> str:
    values = [p.effort_min for p in prescriptions if p.effort_min is not None]
    values += [p.effort_max for p in prescriptions if p.effort_max is not None]
    if not values:
        return ""
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def weekly_load(plan: Plan) -> list[WeekLoad]:
    """Each week's sessions, repetitions and effort targets, in week order."""
    weeks = []
    for week in plan.weeks.all():
        prescriptions = [p for s in week.sessions.all() for p in s.prescriptions.all()]
        repetitions = round(sum(prescription_repetitions(p) for p in prescriptions))
        weeks.append(
            WeekLoad(
                number=week.number,
                phase=week.get_phase_display(),
                # Not any week lighter than the last: a schedule of every other day
                # makes some weeks a session short without easing off.
                is_easier=week.phase == week.Phase.DELOAD,
                sessions=len(week.sessions.all()),
                repetitions=repetitions,
                effort=_effort(prescriptions),
            )
        )
    return weeks


def chart_bars(weeks: list[WeekLoad]) -> list[Bar]:
    """Bars for an SVG of CHART_WIDTH x CHART_HEIGHT, scaled to the heaviest week."""
    if not weeks:
        return []
    most = max(week.repetitions for week in weeks) or 1
    plot_width = CHART_WIDTH - LEFT - 8
    plot_height = CHART_HEIGHT - BOTTOM - TOP
    slot = plot_width / len(weeks)
    width = slot * 0.7
    bars = []
    for index, week in enumerate(weeks):
        height = plot_height * week.repetitions / most
        x = LEFT + index * slot + (slot - width) / 2
        bars.append(
            Bar(
                week=week,
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(x + width / 2, 1),
            )
        )
    return bars


def chart_scale(weeks: list[WeekLoad]) -> dict:
    """The axis: the heaviest week's figure at the top, the plot's edges."""
    most = max((week.repetitions for week in weeks), default=0)
    return {
        "most": most,
        "top": TOP,
        "base": CHART_HEIGHT - BOTTOM,
        "left": LEFT,
        "right": CHART_WIDTH - 8,
        "label_y": CHART_HEIGHT - BOTTOM + 18,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }
