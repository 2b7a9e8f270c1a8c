"""The waiting list: people who want a time that is not free yet, and the times offered
to them when one frees (bookings/waitlist.py).

An entry holds only what is needed to offer a time and book it: name, email, phone, the
service, a practitioner (or anyone), the days and parts of the day that suit, and until
when. Leaving the list deletes the entry; the daily purge deletes entries that ended.
"""

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from clinic.models import Weekday

from .diary import Appointment, Practitioner, Service, new_token

# Parts of the day as stored (one letter each), named as the booking page names them.
PARTS_OF_DAY = [("m", "Morning"), ("a", "Afternoon"), ("e", "Evening")]


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self, today: date):
        """Still waiting: not booked, and not past their last day."""
        return self.filter(booked_at__isnull=True, until__gte=today)

    def ended(self, today: date):
        return self.filter(models.Q(booked_at__isnull=False) | models.Q(until__lt=today))


class WaitlistEntry(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waitlist")
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist",
        help_text="Empty: anyone who offers the service.",
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=30)
    # Weekday numbers (Monday 0) and part-of-day letters, e.g. "024" and "ma".
    days = models.CharField(
        max_length=7,
        validators=[RegexValidator(r"^[0-6]{1,7}$", "Weekday numbers, Monday 0: e.g. 024.")],
        help_text="Weekday numbers, Monday 0 to Sunday 6: 024 is Monday, Wednesday, Friday.",
    )
    parts_of_day = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[mae]{1,3}$", "m, a and e: e.g. ma.")],
        help_text="m for morning, a for afternoon, e for evening: ma is mornings and afternoons.",
    )
    until = models.DateField(help_text="The last day a time is wanted (clinic local).")
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    booked_at = models.DateTimeField(null=True, blank=True, editable=False)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    welcome_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]  # join order: who is offered a time first
        verbose_name = "waiting list entry"
        verbose_name_plural = "waiting list"

    def __str__(self) -> str:
        # No name: kept in the admin's history, which outlives the entry.
        return f"Waiting list entry {self.pk}: {self.service}"

    def day_names(self) -> str:
        return ", ".join(Weekday(int(day)).label for day in self.days if day in "0123456")

    def part_names(self) -> str:
        labels = dict(PARTS_OF_DAY)
        return ", ".join(labels[part] for part in self.parts_of_day if part in labels)


class WaitlistOffer(models.Model):
    """A free time emailed to one person on the list (once per person and time)."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "practitioner", "start"], name="one_offer_per_person_and_time"
            )
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} to entry {self.entry_id}"
