"""Effort targets on the Borg CR10 scale, and the weekly-load chart on a plan page."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.calendar import plan_calendar
from programs.effort import describe_effort
from programs.load import weekly_load
from programs.models import Plan, PlanWeek, Prescription

from .factories import make_plan

pytestmark = pytest.mark.django_db


def test_an_effort_target_is_said_in_words_with_the_scale_named():
    assert describe_effort(6, 7) == (
        "effort 6-7 of 10 (Borg CR10): hard to very hard, two or three reps left in you"
    )
    assert describe_effort(3) == (
        "effort 3 of 10 (Borg CR10): moderate, you could keep going for a long time"
    )
    assert describe_effort(None) == ""


def test_a_hold_gets_no_reps_left_in_its_effort():
    prescription = Prescription(sets=2, hold_seconds=30, effort_min=4, effort_max=5)
    assert prescription.effort == "effort 4-5 of 10 (Borg CR10): somewhat hard to hard"


@pytest.mark.parametrize(("low", "high"), [(11, None), (7, 6), (None, 6), (5, 11)])
def test_an_effort_off_the_scale_or_backwards_is_refused(low, high):
    plan = make_plan()
    prescription = Prescription.objects.filter(session__week__plan=plan).get()
    prescription.effort_min, prescription.effort_max = low, high
    with pytest.raises(ValidationError):
        prescription.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        prescription.save()


def test_the_plan_grid_shows_each_effort_target_in_words(client):
    html = client.get("/plans/runner-strength-8-weeks/").content.decode()
    assert "Borg CR10" in html
    assert "Effort 6-7 of 10: hard to very hard, two or three reps left in you" in html


def test_weekly_load_adds_up_repetitions_and_marks_the_easier_weeks():
    plan = Plan.objects.for_page().get(slug="runner-strength-8-weeks")
    weeks = weekly_load(plan)
    assert [week.number for week in weeks] == list(range(1, 9))
    # Week 1, session A: split squat 2x8, bridge 2x10, plank 2 holds, balance 2 holds;
    # session B: step-up 2x8, single-leg deadlift 2x6, dead bug 2x6, calf raise 2x12.
    assert weeks[0].repetitions == 16 + 20 + 2 + 2 + 16 + 12 + 12 + 24
    assert [week.is_easier for week in weeks] == [False, False, False, True] + [False] * 3 + [True]
    assert weeks[3].repetitions < weeks[2].repetitions
    assert weeks[6].effort == "7-8"


def test_petersens_weeks_count_12_10_8_as_30_reps_a_set_of_sets():
    plan = Plan.objects.for_page().get(slug="nordic-hamstring-programme")
    weeks = weekly_load(plan)
    assert weeks[0].repetitions == 10  # 1 session of 2 x 5
    assert weeks[2].repetitions == 3 * 3 * 7  # 3 sessions of 3 x 6-8 (7 in the middle)
    assert weeks[4].repetitions == 3 * 30  # 3 sessions of 12, 10 and 8


def test_the_chart_is_an_svg_image_with_a_table_of_the_same_figures(client):
    html = client.get("/plans/runner-strength-8-weeks/").content.decode()
    chart = re.search(r'<svg class="load-chart-svg".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in chart
    assert 'aria-labelledby="load-title"' in chart
    assert 'aria-describedby="load-summary load-table-note"' in chart
    assert chart.count("<rect") == 8
    assert chart.count("load-bar-easier") == 2
    table = re.search(r'<details class="load-table">.*?</details>', html, re.S).group(0)
    assert table.count('<th scope="row">') == 8
    assert '<th scope="row">Week 4</th><td>Deload (easier week)</td>' in table
    assert "<td>4-5 of 10</td>" in table


def test_the_heaviest_week_reaches_the_top_of_the_chart(client):
    plan = make_plan(slug="two-weeks", weeks=2)
    PlanWeek.objects.get(plan=plan, number=2).sessions.get().prescriptions.update(sets=4)
    html = client.get(plan.get_absolute_url()).content.decode()
    bars = r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"'
    heights = [float(height) for height in re.findall(bars, html)]
    assert len(heights) == 2 and heights[1] == 2 * heights[0]
    assert ">20</text>" in html  # the axis names the heaviest week: 4 sets of 5


def test_a_week_a_session_short_is_not_called_easier(client):
    # Every other day: week 1 has four Divers, week 2 three; neither week is a deload.
    plan = Plan.objects.for_page().get(slug="hamstring-strain-lengthening-exercises")
    weeks = weekly_load(plan)
    assert weeks[1].repetitions < weeks[0].repetitions
    assert not any(week.is_easier for week in weeks)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "load-bar-easier" not in html and "easier weeks" not in html


def test_a_plan_without_weeks_has_no_chart(client):
    plan = make_plan(slug="empty", weeks=0)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "load-chart" not in html


def test_the_calendar_carries_the_effort_target():
    plan = Plan.objects.for_page().get(slug="runner-strength-8-weeks")
    body = plan_calendar(plan, date(2026, 3, 2), "https://example.com/p/", "Clinic").decode()
    assert "effort 4-5 of 10 (Borg CR10)" in body.replace("\r\n ", "")
