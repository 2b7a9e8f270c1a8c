from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from ..formatting import render_markdown
from .exercises import IMAGE_EXTENSIONS

# /articles/feed/ is the feed and /articles/tag/ holds the topics: neither is an article.
RESERVED_SLUGS = {"feed", "tag"}


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Public articles: published, and their publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.prefetch_related("tags").order_by("-published_at", "-pk")

    def for_page(self):
        from .exercises import Exercise
        from .plans import Plan

        return self.prefetch_related(
            "tags",
            "references",
            models.Prefetch("related_exercises", queryset=Exercise.objects.published()),
            models.Prefetch("related_plans", queryset=Plan.objects.published()),
        )


class Article(models.Model):
    """Something runners read: written by a practitioner, in Markdown, published or scheduled."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    body = models.TextField(
        help_text="Markdown: ## for a heading, - for a list item, **bold**, [link](https://...)."
    )
    hero_image = models.ImageField(
        upload_to="articles/", blank=True, validators=[FileExtensionValidator(IMAGE_EXTENSIONS)]
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=200,
        blank=True,
        help_text="What the image shows, for people who cannot see it. Required with an image.",
    )
    author = models.CharField(max_length=120, help_text="The practitioner or staff member.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text="A time in the future schedules the article. Empty: now, when published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seo_title = models.CharField(
        "SEO title", max_length=70, blank=True, help_text="For search engines; the title if empty."
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="For search results and link previews; the summary if empty.",
    )
    tags = models.ManyToManyField("Tag", related_name="articles", blank=True)
    related_exercises = models.ManyToManyField("Exercise", related_name="articles", blank=True)
    related_plans = models.ManyToManyField("Plan", related_name="articles", blank=True)
    references = models.ManyToManyField("Reference", related_name="articles", blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="article_hero_image_has_alt_text",
                violation_error_message="Describe the hero image in its alt text.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self._publish_now_if_undated()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:article_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is taken by a page of the site."})
        # Before constraints are checked: a published article needs its date.
        self._publish_now_if_undated()

    def _publish_now_if_undated(self) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def page_title(self) -> str:
        return self.seo_title or self.title

    @property
    def page_description(self) -> str:
        return self.seo_description or self.summary

    @property
    def last_modified(self):
        """When the public page last changed: an edit, or the scheduled time arriving."""
        return max(filter(None, [self.updated_at, self.published_at]))

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)
