from django.db import models
from django.urls import reverse


class _Term(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(_Term):
    """A topic (hamstrings, injury prevention ...) that articles, exercises and plans share;
    each has its page at /articles/tag/<slug>/."""

    def get_absolute_url(self) -> str:
        return reverse("programs:tag_detail", kwargs={"slug": self.slug})


class Muscle(_Term):
    """A muscle group an exercise targets; runners filter the library by it."""


class Equipment(_Term):
    """What an exercise needs (a bench, a partner, sliders ...); the library filters by it."""

    class Meta(_Term.Meta):
        verbose_name_plural = "equipment"
