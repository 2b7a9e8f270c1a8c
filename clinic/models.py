from datetime import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import models

from .cache import cache_call

CACHE_KEY = "clinic:details"


class Weekday(models.IntegerChoices):
    """The days of the week as Python numbers them (Monday 0): shared by the clinic's
    opening hours, practitioners' working hours and the sessions of a plan."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


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
        "notes on opening hours",
        blank=True,
        help_text="Anything the hours above do not say (bank holidays, say); one line per row.",
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
        """The week as patients read it ("Monday to Friday: 08:00 to 19:00", "Sunday:
        closed"), days with the same hours run together, then the notes."""
        lines = []
        for first, last, intervals in self.opening_week:
            days = WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]} to {WEEKDAYS[last]}"
            hours = ", ".join(f"{opens:%H:%M} to {closes:%H:%M}" for opens, closes in intervals)
            lines.append(f"{days}: {hours or 'closed'}")
        notes = [line.strip() for line in self.opening_hours.splitlines() if line.strip()]
        return lines + notes

    @property
    def opening_week(self) -> list[tuple[int, int, tuple[tuple[time, time], ...]]]:
        """(first weekday, last weekday, opening intervals) for each run of days alike."""
        by_day = {day: [] for day in range(7)}
        for weekday, opens, closes in self.weekly_hours:
            by_day[weekday].append((opens, closes))
        runs: list[tuple[int, int, tuple[tuple[time, time], ...]]] = []
        for day in range(7):
            intervals = tuple(sorted(by_day[day]))
            if runs and runs[-1][2] == intervals:
                runs[-1] = (runs[-1][0], day, intervals)
            else:
                runs.append((day, day, intervals))
        return runs

    @property
    def international_phone(self) -> str:
        """The phone number as callers abroad (and search engines) need it: +44 ..."""
        number = " ".join(self.phone.split())
        if number.startswith("0") and not number.startswith("00"):
            return "+44 " + number[1:]
        return number

    @classmethod
    def current(cls) -> "ClinicDetails":
        """The clinic's details and weekly hours, from the cache when possible (an unsaved
        default otherwise)."""
        details = cache_call(cache.get, CACHE_KEY)
        if details is None:
            # One query: the hours with their clinic (a clinic with no hours needs a second).
            hours = list(OpeningHours.objects.select_related("clinic").filter(clinic_id=1))
            details = hours[0].clinic if hours else cls.objects.filter(pk=1).first() or cls()
            # A plain list rides along in the cache: pages pay no query for the hours.
            details.weekly_hours = [(h.weekday, h.opens, h.closes) for h in hours]
            cache_call(cache.set, CACHE_KEY, details, timeout=3600)
        return details

    weekly_hours: list[tuple[int, time, time]] = []


WEEKDAYS = Weekday.labels


class OpeningHours(models.Model):
    """The clinic is open from ``opens`` to ``closes`` on ``weekday`` (several rows for a
    day with a break; no row: closed). Data, so the footer and search engines agree."""

    clinic = models.ForeignKey(ClinicDetails, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache_call(cache.delete, CACHE_KEY)

    def delete(self, *args, **kwargs):
        super().delete(*args, **kwargs)
        cache_call(cache.delete, CACHE_KEY)


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
