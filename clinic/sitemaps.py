from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from programs.sitemaps import ArticleSitemap, ExerciseSitemap, PlanSitemap, TagSitemap


class SitePagesSitemap(Sitemap):
    """The home page, the section pages, booking and privacy."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "programs:article_list",
            "programs:exercise_list",
            "programs:plan_list",
            "bookings:services",
            "bookings:privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": SitePagesSitemap,
    "articles": ArticleSitemap,
    "topics": TagSitemap,
    "exercises": ExerciseSitemap,
    "plans": PlanSitemap,
}
