from django.db import models
from django.db.models import Q


class Reference(models.Model):
    """A published source that content follows; pages list it next to the figures it backs."""

    short_name = models.CharField(
        max_length=80, help_text="How pages cite it in the text, e.g. Petersen et al. 2011."
    )
    citation = models.TextField(help_text="Full citation: authors, title, journal, year.")
    doi = models.CharField("DOI", max_length=100, blank=True, help_text="For example 10.1177/...")
    url = models.URLField("link", blank=True, help_text="When the source has no DOI.")

    class Meta:
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(doi="") | ~Q(url=""),
                name="reference_has_doi_or_link",
                violation_error_message="Give the DOI or a link, so readers can find it.",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url
