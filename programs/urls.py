from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import LatestArticlesFeed
from .sitemaps import SITEMAPS

app_name = "programs"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/feed/", LatestArticlesFeed(), name="article_feed"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("exercises/", views.ExerciseListView.as_view(), name="exercise_list"),
    path("exercises/<slug:slug>/", views.ExerciseDetailView.as_view(), name="exercise_detail"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<slug:slug>/calendar.ics", views.PlanCalendarView.as_view(), name="plan_calendar"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
