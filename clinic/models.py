from urllib.parse import urlencode

from django.core.cache import cache
from django.db import models

from .cache import cache_call

CACHE_KEY = "clinic:details"


class ClinicDetails(models.Model):
    """The clinic's contact details and opening hours, shown in every page's footer.

    One row; staff edit it in admin. Cached so that pages do not pay a query for it.
    """

    name = models.CharField(max_length=120, default="Physio and Fitness Clinic")
    street_address = models.CharField(max_length=200, default="12 Riverside Walk")
    locality = models.CharField("town or city", max_length=100, default="Bristol")
    postcode = models.CharField(max_length=12, default="BS1 4RW")
    phone = models.CharField(max_length=30, default="0117 496 0123")
    email = models.EmailField(default="hello@physio-fitness.example")
    opening_hours = models.TextField(
        default="Monday to Friday 8:00 to 19:00\nSaturday 9:00 to 13:00\nSunday closed",
        help_text="One line per row, as patients should read it.",
    )

    class Meta:
        verbose_name = "clinic details"
        verbose_name_plural = "clinic details"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)
        cache_call(cache.delete, CACHE_KEY)

    def delete(self, *args, **kwargs):
        super().delete(*args, **kwargs)
        cache_call(cache.delete, CACHE_KEY)

    @property
    def postal_address(self) -> str:
        """The address on one line: "12 Riverside Walk, Bristol BS1 4RW"."""
        town = f"{self.locality} {self.postcode}".strip()
        return ", ".join(part for part in (self.street_address.strip(), town) if part)

    @property
    def map_url(self) -> str:
        """A map search for the address: a plain link, so no third-party map is loaded."""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.postal_address})

    @property
    def opening_hours_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @classmethod
    def current(cls) -> "ClinicDetails":
        """The clinic's details, from the cache when possible (an unsaved default otherwise)."""
        details = cache_call(cache.get, CACHE_KEY)
        if details is None:
            details = cls.objects.filter(pk=1).first() or cls()
            cache_call(cache.set, CACHE_KEY, details, timeout=3600)
        return details


class ScheduledJob(models.Model):
    """When a periodic job (settings.PERIODIC_TASKS) is next due; see clinic/schedule.py.

    One row per job. The worker that locks a due row enqueues the job and moves the
    time on, so however many workers run, each run is enqueued once.
    """

    name = models.CharField(max_length=64, unique=True)
    schedule = models.CharField(max_length=64, help_text="The schedule the next run follows.")
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
