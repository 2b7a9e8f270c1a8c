"""What to read or do next, listed at the end of an article, exercise or plan page.

One query per kind of content, whatever the amount: related items share a tag with the
page or are linked to it, and only public ones are shown.
"""

from django.db.models import Q

from .models import Article, Exercise, Plan

LIMIT = 4


def related_to_article(article: Article) -> dict[str, list]:
    articles = (
        Article.objects.published()
        .filter(tags__articles=article)
        .exclude(pk=article.pk)
        .distinct()
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    return {"articles": list(articles)}


def related_to_exercise(exercise: Exercise) -> dict[str, list]:
    articles = (
        Article.objects.published()
        .filter(Q(related_exercises=exercise) | Q(tags__exercises=exercise))
        .distinct()
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    plans = (
        Plan.objects.published()
        .filter(weeks__sessions__prescriptions__exercise=exercise)
        .distinct()
        .order_by("title")[:LIMIT]
    )
    variations = [exercise.easier_variation_id, exercise.harder_variation_id]
    exercises = (
        Exercise.objects.published()
        .filter(tags__exercises=exercise)
        .exclude(pk__in=[exercise.pk, *filter(None, variations)])
        .distinct()
        .order_by("name")[:LIMIT]
    )
    return {"articles": list(articles), "plans": list(plans), "exercises": list(exercises)}


def related_to_plan(plan: Plan) -> dict[str, list]:
    articles = (
        Article.objects.published()
        .filter(Q(related_plans=plan) | Q(tags__plans=plan))
        .distinct()
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    return {"articles": list(articles)}


def exercises_in_plan(plan: Plan) -> list[Exercise]:
    """The plan's exercises, once each, in the order they first appear (no query)."""
    seen: dict[int, Exercise] = {}
    for week in plan.weeks.all():
        for session in week.sessions.all():
            for prescription in session.prescriptions.all():
                seen.setdefault(prescription.exercise_id, prescription.exercise)
    return list(seen.values())
