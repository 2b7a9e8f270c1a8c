"""The outbox: one row per email about an appointment, written in the same transaction
as the change it reports, and delivered by a background task (bookings/emails.py).

A row is the email's durable record: whether it went, how many tries it took, and
why the last one failed. It holds no patient details and no text a patient typed;
the message is built from the appointment when it is sent.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .diary import Appointment


class AppointmentEmailQuerySet(models.QuerySet):
    def pending(self):
        """Not sent yet and not given up on."""
        return self.filter(sent_at__isnull=True, given_up_at__isnull=True)

    def failing(self):
        """Tried and failed at least once, still to be retried."""
        return self.pending().filter(attempts__gt=0)

    def given_up(self):
        return self.filter(given_up_at__isnull=False)

    def due(self, now: datetime):
        """Pending emails whose next try is due and that no worker holds now."""
        return (
            self.pending()
            .filter(next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )


class AppointmentEmail(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Confirmation to the patient"
        CLINIC_NOTICE = "clinic_notice", "New booking, to the clinic"
        CANCELLATION = "cancellation", "Cancellation to the patient"
        CLINIC_CANCELLATION = "clinic_cancellation", "Cancellation, to the clinic"
        MOVED = "moved", "New time to the patient"
        CLINIC_MOVED = "clinic_moved", "New time, to the clinic"
        REMINDER = "reminder", "Reminder to the patient"
        COURSE_CONFIRMATION = "course_confirmation", "Course confirmation to the patient"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # The appointment's time when the email was queued: a reminder is sent once per time.
    about_start = models.DateTimeField()
    previous_start = models.DateTimeField(null=True, blank=True, help_text="For a move.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker sending it holds it until then; a worker killed mid-send lets go this way.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    objects = AppointmentEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="email_outbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "about_start"],
                condition=Q(kind="reminder"),
                name="one_reminder_per_appointment_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (appointment {self.appointment_id})"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.given_up_at:
            return "failed"
        return "failing" if self.attempts else "waiting"
