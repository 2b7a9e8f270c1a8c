from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from clinic.models import ClinicDetails

from .models import Article


class LatestArticlesFeed(Feed):
    """The newest public articles, for feed readers (RSS 2.0)."""

    link = reverse_lazy("programs:article_list")
    description = "Articles for runners from our physiotherapists."

    def title(self) -> str:
        return f"{ClinicDetails.current().name}: articles for runners"

    def items(self):
        return Article.objects.published().order_by("-published_at", "-pk")[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_author_name(self, item: Article) -> str:
        return item.author

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at
