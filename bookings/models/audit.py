"""The audit trail: what changed in the diary or in a patient's record, who did it, when.

Written by bookings/booking.py and bookings/patients.py in the same transaction as the
change itself, so a change that commits always has its entry. Entries hold no patient
details (names, emails, reasons): erasing a patient leaves the trail as it is.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .diary import Appointment
from .patients import Patient


class AuditEntryQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient):
        """The patient's entries and those of their appointments."""
        return self.filter(models.Q(patient=patient) | models.Q(appointment__patient=patient))


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"
        CONFIRMED = "confirmed", "Marked booked again"
        ATTENDED = "attended", "Marked attended"
        NO_SHOW = "no_show", "Marked no-show"
        MERGED = "merged", "Patient records merged"
        SPLIT = "split", "Moved to a new patient record"
        EXPORTED = "exported", "Everything held on the patient exported"
        ERASED = "erased", "Patient erased (anonymised)"

    class By(models.TextChoices):
        STAFF = "staff", "Staff"
        PATIENT = "patient", "The patient (online, or by their private link)"
        SYSTEM = "system", "The system (retention period, commands)"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.CharField(max_length=8, choices=By.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff, when staff made the change.",
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    start = models.DateTimeField(null=True, blank=True, help_text="The appointment's time after.")
    previous_start = models.DateTimeField(
        null=True, blank=True, help_text="The appointment's time before (a move)."
    )
    # A merged record is deleted, so this is a number rather than a link.
    previous_patient_id = models.PositiveBigIntegerField(
        "previous patient record",
        null=True,
        blank=True,
        help_text="Merged or split: the record it came from.",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self) -> str:
        subject = f"appointment {self.appointment_id}" if self.appointment_id else "patient"
        return f"{self.get_kind_display()}: {subject}, {timezone.localtime(self.at):%d %b %Y %H:%M}"

    @property
    def who(self) -> str:
        """Who made the change, in a few words (staff by their login)."""
        if self.by == self.By.STAFF:
            return f"staff ({self.user.get_username()})" if self.user else "staff"
        return "the patient" if self.by == self.By.PATIENT else "the system"
