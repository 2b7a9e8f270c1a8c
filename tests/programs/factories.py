"""Small factories: the least data each test needs, with unique names."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from programs.models import (
    Article,
    Equipment,
    Exercise,
    Muscle,
    Plan,
    PlanWeek,
    Prescription,
    Reference,
    Session,
    Tag,
)

_numbers = count(1)


def _n() -> int:
    return next(_numbers)


def make_reference(**fields) -> Reference:
    n = _n()
    fields = {
        "short_name": f"Author {n} 2020",
        "citation": f"Author {n}. A study. 2020.",
        "doi": f"10.1000/test.{n}",
        **fields,
    }
    return Reference.objects.create(**fields)


def make_tag(**fields) -> Tag:
    n = _n()
    return Tag.objects.create(**{"name": f"Topic {n}", "slug": f"topic-{n}", **fields})


def make_muscle(**fields) -> Muscle:
    n = _n()
    return Muscle.objects.create(**{"name": f"Muscle {n}", "slug": f"muscle-{n}", **fields})


def make_equipment(**fields) -> Equipment:
    n = _n()
    return Equipment.objects.create(**{"name": f"Kit {n}", "slug": f"kit-{n}", **fields})


def make_exercise(**fields) -> Exercise:
    n = _n()
    fields = {
        "name": f"Test exercise {n}",
        "slug": f"test-exercise-{n}",
        "summary": "A test exercise.",
        "steps": "Stand up.\nSit down.",
        "category": Exercise.Category.STRENGTH,
        "default_sets": 3,
        "default_reps": "8",
        **fields,
    }
    return Exercise.objects.create(**fields)


def make_article(**fields) -> Article:
    n = _n()
    fields = {
        "title": f"Test article {n}",
        "slug": f"test-article-{n}",
        "summary": "What this article is about.",
        "body": "Some **useful** words.",
        "author": "A Physio",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        **fields,
    }
    return Article.objects.create(**fields)


def make_plan(
    *,
    weeks: int = 1,
    sessions_per_week: int = 1,
    exercises_per_session: int = 1,
    exercise: Exercise | None = None,
    **fields,
) -> Plan:
    """A plan with `weeks` weeks of identical sessions (Monday, Tuesday ...)."""
    n = _n()
    fields = {
        "title": f"Test plan {n}",
        "slug": f"test-plan-{n}",
        "summary": "A plan for testing.",
        "audience": "Testers.",
        "duration_weeks": max(weeks, 1),
        "sessions_per_week": max(min(sessions_per_week, 7), 1),
        "equipment": "None.",
        "description": "Follow it.",
        "is_published": True,
        **fields,
    }
    plan = Plan.objects.create(**fields)
    exercise = exercise or make_exercise()
    for number in range(1, weeks + 1):
        week = PlanWeek.objects.create(plan=plan, number=number)
        for day in range(sessions_per_week):
            session = Session.objects.create(week=week, day_of_week=day, title=f"Session {day}")
            for order in range(1, exercises_per_session + 1):
                Prescription.objects.create(
                    session=session, exercise=exercise, order=order, sets=2, reps="5"
                )
    return plan
