"""Ranked search over the public articles, exercises and plans.

Postgres: full-text search with weights (title, then summary, then body). Elsewhere
(SQLite in development and tests): every word must appear, ranked by where it appears.
"""

from dataclasses import dataclass
from functools import reduce
from operator import add, or_

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Article, Exercise, Plan

LIMIT_PER_KIND = 20
MAX_WORDS = 8


@dataclass(frozen=True)
class SearchResult:
    kind: str
    title: str
    summary: str
    url: str
    rank: float


# What each kind is searched on, by weight: A (title) counts most, C (body text) least.
FIELDS = {
    Article: {"A": ["title"], "B": ["summary"], "C": ["body"]},
    Exercise: {"A": ["name"], "B": ["summary"], "C": ["steps", "coaching_cues", "evidence"]},
    Plan: {"A": ["title"], "B": ["summary", "audience"], "C": ["description"]},
}
KINDS = [("Article", Article, "title"), ("Exercise", Exercise, "name"), ("Plan", Plan, "title")]


def search(query: str) -> list[SearchResult]:
    """Public content matching the query, best match first (nothing for a blank query)."""
    query = " ".join(query.split())
    if not query:
        return []
    ranked = _postgres_ranked if connection.vendor == "postgresql" else _simple_ranked
    results = []
    for kind, model, title_field in KINDS:
        # published() reads the clock, so it is asked on every search.
        public = model.objects.published().only("slug", title_field, "summary")
        for item in ranked(public, query)[:LIMIT_PER_KIND]:
            results.append(
                SearchResult(
                    kind,
                    getattr(item, title_field),
                    item.summary,
                    item.get_absolute_url(),
                    float(item.rank),
                )
            )
    return sorted(results, key=lambda result: -result.rank)


def _postgres_ranked(queryset: QuerySet, query: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = reduce(
        add,
        (
            SearchVector(field, weight=weight, config="english")
            for weight, fields in FIELDS[queryset.model].items()
            for field in fields
        ),
    )
    # websearch syntax never raises on odd input: quotes, dashes and "or" are just words.
    search_query = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.alias(search=vector)
        .annotate(rank=SearchRank(vector, search_query))
        .filter(search=search_query)
        .order_by("-rank")
    )


def _simple_ranked(queryset: QuerySet, query: str) -> QuerySet:
    fields = FIELDS[queryset.model]
    points = {"A": 3, "B": 2, "C": 1}
    words = query.split()[:MAX_WORDS]
    rank = Value(0)
    every_field = [field for weight in fields.values() for field in weight]
    for word in words:
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in every_field))
        )
        rank = rank + Case(
            *(
                When(
                    reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields[weight])),
                    then=Value(points[weight]),
                )
                for weight in ("A", "B", "C")
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(rank=rank).order_by("-rank")
