"""The diary: services, practitioners, their hours, and the appointments patients book.

Times are stored in UTC. An appointment keeps ``blocked_until`` (its end plus the
service's buffer) so that the database itself can refuse overlapping bookings: on
Postgres an exclusion constraint over (practitioner, [start, blocked_until)) for
every appointment that is not cancelled (added in migration 0002, Postgres only).
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from clinic.models import Weekday


def new_token() -> str:
    """An unguessable public token for the patient's private appointment page."""
    return secrets.token_urlsafe(32)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5)])
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer after (minutes)",
        default=0,
        help_text="Time kept free after each appointment (notes, cleaning the couch).",
    )
    price = models.DecimalField(max_digits=7, decimal_places=2)
    needs_previous_assessment = models.BooleanField(
        default=False,
        help_text=(
            "A follow-up: patients confirm they have had an assessment; the appointment "
            "list shows any with no earlier visit on record."
        ),
    )
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the booking page.")

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bookings:week", args=[self.slug])

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class PractitionerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def offering(self, service: Service):
        return self.active().filter(services=service)


class Practitioner(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    job_title = models.CharField(max_length=120, blank=True, default="Physiotherapist")
    bio = models.TextField(blank=True)
    photo = models.FileField(
        upload_to="practitioners/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    photo_alt = models.CharField(
        "photo alt text", max_length=200, blank=True, help_text="What the photo shows."
    )
    services = models.ManyToManyField(Service, related_name="practitioners", blank=True)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioner",
        help_text="The staff login of this practitioner, if any.",
    )
    # The private address of their calendar feed (/diary/<token>.ics); renewed in admin.
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One interval of a practitioner's week; several a day make room for lunch."""

    Weekday = Weekday

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="Clinic local time.")
    end_time = models.TimeField(help_text="Clinic local time.")

    class Meta:
        ordering = ["practitioner", "weekday", "start_time"]
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="working_hours_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(models.Model):
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="time_off_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner}: {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


class ClinicClosure(models.Model):
    """Days the whole clinic is closed (bank holidays, Christmas), inclusive."""

    name = models.CharField(max_length=120)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="closure_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d %b %Y} to {self.end_date:%d %b %Y})"

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class BookingRules(models.Model):
    """The rules reception can change; one row."""

    slot_step_minutes = models.PositiveSmallIntegerField(
        "slot step (minutes)", default=15, validators=[MinValueValidator(5)]
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        default=2, help_text="How long before a time it can still be booked online."
    )
    booking_window_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1)], help_text="How far ahead one may book."
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Inside this many hours before the start, patients must phone to cancel.",
    )

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"

    def __str__(self) -> str:
        return "Booking rules"

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "BookingRules":
        """The saved rules, or the defaults when reception has not saved any."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(hours=self.minimum_notice_hours)

    @property
    def booking_window(self) -> timedelta:
        return timedelta(days=self.booking_window_days)

    @property
    def late_cancellation(self) -> timedelta:
        return timedelta(hours=self.late_cancellation_hours)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        """Appointments that hold their time (everything but cancelled)."""
        return self.exclude(status=Appointment.Status.CANCELLED)

    def blocking(self, start: datetime, end: datetime):
        """Active appointments whose time, buffer included, overlaps [start, end)."""
        return self.active().filter(start__lt=end, blocked_until__gt=start)

    def for_diary(self):
        return self.select_related("service", "practitioner", "patient").order_by("start")

    def due_reminder(self, day_start: datetime, day_end: datetime):
        return self.filter(
            status=Appointment.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            start__gte=day_start,
            start__lt=day_end,
        )

    def confirmation_unsent(self, created_before: datetime, now: datetime):
        return self.filter(
            status=Appointment.Status.CONFIRMED,
            confirmation_sent_at__isnull=True,
            created_at__lt=created_before,
            start__gt=now,
        ).exclude(patient__email="")

    def with_earlier_visit(self):
        """Annotate ``has_earlier_visit`` on follow-ups (``None`` on other services).

        One subquery in the same SQL, so a list of any length costs the same queries.
        """
        return self.annotate(
            has_earlier_visit=models.Case(
                models.When(
                    service__needs_previous_assessment=True, then=Exists(_earlier_visits())
                ),
                default=None,
                output_field=models.BooleanField(null=True),
            )
        )

    def follow_ups_without_earlier_visit(self):
        """Follow-ups whose patient has no earlier visit on record: reception phones them."""
        return self.filter(service__needs_previous_assessment=True).exclude(
            Exists(_earlier_visits())
        )


def _earlier_visits() -> models.QuerySet:
    """The patient's visits before the outer appointment (a no-show is no visit)."""
    return Appointment.objects.filter(
        patient=OuterRef("patient"), start__lt=OuterRef("start")
    ).exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])


class Appointment(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # One press of "Book" (a hash of the visitor's CSRF secret and the form): unique, so
    # a double click cannot book twice.
    booking_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # The iCalendar SEQUENCE: one more for each move or cancellation, so a calendar takes
    # the latest file we sent over earlier ones, however quickly they came.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    blocked_until = models.DateTimeField(help_text="The end plus the service's buffer.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)

    # The person's name and contact details live on their record, once.
    patient = models.ForeignKey(
        "bookings.Patient",
        on_delete=models.PROTECT,
        related_name="appointments",
        limit_choices_to={"anonymised_at__isnull": True},  # an erased record takes no more
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="Optional; never sent in any email."
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    course = models.ForeignKey(
        "bookings.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="appointments",
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["practitioner", "start"], name="appointment_diary_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="appointment_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["booking_key"], condition=~Q(booking_key=""), name="one_booking_per_press"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=models.F("end")),
                name="appointment_blocked_until_not_before_end",
            ),
        ]

    def __str__(self) -> str:
        # No patient details: this text is kept in the admin's history (LogEntry) and
        # shown in "Recent actions", which outlive the purge and other staff may see.
        local = timezone.localtime(self.start)
        return (
            f"Appointment {self.pk}: {self.service} with {self.practitioner}, "
            f"{local:%d %b %Y %H:%M}"
        )

    # (practitioner id, start) as read from the database; (None, None) for a new one. A move
    # empties the cached booking pages of the week it left too (bookings/cached_pages.py).
    loaded_at: tuple[int | None, datetime | None] = (None, None)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        appointment = super().from_db(db, field_names, values, **kwargs)
        fields = appointment.__dict__  # deferred fields are not there
        appointment.loaded_at = (fields.get("practitioner_id"), fields.get("start"))
        return appointment

    def private_url(self) -> str:
        """The patient's own page; anyone holding it may cancel or move the booking.

        Deliberately not ``get_absolute_url``: the admin's "view on site" redirect
        (/admin/r/<type>/<id>/) follows that for any staff user, content editors too.
        """
        return reverse("bookings:manage", args=[self.token])

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def can_be_changed_online(self, now: datetime, rules: BookingRules) -> bool:
        """Patients may cancel or move it themselves until the late-cancellation window."""
        return self.status == self.Status.CONFIRMED and self.start - rules.late_cancellation > now
