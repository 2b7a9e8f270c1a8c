"""The intake form before a first assessment (questions the clinic edits in admin, the
patient's answers, stored with the appointment), and the log of who read health data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IntakeQuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True).order_by("position", "pk")


class IntakeQuestion(models.Model):
    class Kind(models.TextChoices):
        SHORT = "short", "Short answer"
        LONG = "long", "A few sentences"
        YES_NO = "yes_no", "Yes or no"

    text = models.CharField("question", max_length=200)
    help_text = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SHORT)
    required = models.BooleanField(default=True)
    yes_needs_urgent_care = models.BooleanField(
        "'yes' needs urgent care",
        default=False,
        help_text="A screening question: 'yes' shows the message below and flags the "
        "appointment for reception.",
    )
    urgent_message = models.TextField(
        blank=True,
        help_text="What the patient is told after answering 'yes', e.g. to call NHS 111 first.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Asked on the form.")

    objects = IntakeQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Intake(models.Model):
    """The answers a patient sent for one appointment (once; a change is by phone)."""

    appointment = models.OneToOneField(
        "bookings.Appointment", on_delete=models.CASCADE, related_name="intake"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    needs_urgent_care = models.BooleanField(
        default=False, help_text="A screening answer needs urgent care: reception phones."
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Intake {self.pk} for appointment {self.appointment_id}"


class IntakeAnswer(models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        IntakeQuestion, on_delete=models.SET_NULL, null=True, related_name="answers"
    )
    # The question as it was asked: the clinic may reword it later.
    question_text = models.CharField(max_length=200)
    answer = models.TextField(blank=True)
    urgent = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.question_text


class HealthDataAccess(models.Model):
    """Who opened a programme or an intake in the back office, and when."""

    class What(models.TextChoices):
        PROGRAMME = "programme", "Home programme"
        INTAKE = "intake", "Intake answers"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    what = models.CharField(max_length=10, choices=What.choices)
    patient = models.ForeignKey(
        "bookings.Patient", on_delete=models.CASCADE, related_name="health_data_reads"
    )
    programme = models.ForeignKey(
        "care.Programme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    intake = models.ForeignKey(
        Intake, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "health data access"
        verbose_name_plural = "health data access log"

    def __str__(self) -> str:
        return f"{self.get_what_display()} read at {self.at:%Y-%m-%d %H:%M}"
