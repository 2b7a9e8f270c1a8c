from django.urls import path

from clinic.cache import cache_public_page

from . import views
from .feeds import LatestArticlesFeed

app_name = "programs"

# Content pages are cached for anonymous visitors until content changes (clinic.cache).
# Search and calendar exports are not: their query strings are unbounded.
urlpatterns = [
    path("articles/", cache_public_page(views.ArticleListView.as_view()), name="article_list"),
    path("articles/feed/", cache_public_page(LatestArticlesFeed()), name="article_feed"),
    path(
        "articles/tag/<slug:slug>/",
        cache_public_page(views.TagDetailView.as_view()),
        name="tag_detail",
    ),
    path(
        "articles/<slug:slug>/",
        cache_public_page(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path("exercises/", cache_public_page(views.ExerciseListView.as_view()), name="exercise_list"),
    path(
        "exercises/<slug:slug>/",
        cache_public_page(views.ExerciseDetailView.as_view()),
        name="exercise_detail",
    ),
    path("plans/", cache_public_page(views.PlanListView.as_view()), name="plan_list"),
    path(
        "plans/<slug:slug>/", cache_public_page(views.PlanDetailView.as_view()), name="plan_detail"
    ),
    path("plans/<slug:slug>/calendar.ics", views.PlanCalendarView.as_view(), name="plan_calendar"),
    path("search/", views.SearchView.as_view(), name="search"),
]
