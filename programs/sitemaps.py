from django.contrib.sitemaps import Sitemap
from django.db.models import Q

from .models import Article, Exercise, Plan, Tag

# Items are lists, not querysets: the sitemap then needs no COUNT query per section.


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Article.objects.published().order_by("pk"))

    def lastmod(self, item: Article):
        return item.last_modified


class ExerciseSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Exercise.objects.published().order_by("pk"))

    def lastmod(self, item: Exercise):
        return item.updated_at


class PlanSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Plan.objects.published().order_by("pk"))

    def lastmod(self, item: Plan):
        return item.updated_at


class TagSitemap(Sitemap):
    """Topic pages: those with something public on them (the others answer 404)."""

    changefreq = "weekly"

    def items(self):
        public = (
            Q(articles__in=Article.objects.published())
            | Q(exercises__is_published=True)
            | Q(plans__is_published=True)
        )
        return list(Tag.objects.filter(public).distinct().order_by("pk"))
