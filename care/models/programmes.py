"""A patient's personal home programme: exercises from the library with their dose, so
many sessions a week for so many weeks, and the sessions the patient logs."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from bookings.models import new_token
from programs.dosage import describe_dose, reps_validator


class ProgrammeQuerySet(models.QuerySet):
    def with_log_summary(self):
        """``logged_sessions`` and ``last_logged_on`` in the same SQL, for lists of any length."""
        return self.annotate(
            logged_sessions=Count("logs", distinct=True),
            last_logged_on=Max("logs__performed_on"),
        )

    def running_on(self, day: date):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def quiet_since(self, day: date):
        """Running programmes that started before ``day`` with nothing logged since it."""
        return (
            self.running_on(day)
            .filter(start_date__lt=day)
            .exclude(logs__performed_on__gte=day)
            .distinct()
        )

    def for_page(self):
        """Everything the patient's page, the handout and the calendar show."""
        return self.select_related("patient", "practitioner").prefetch_related(
            models.Prefetch(
                "exercises",
                queryset=ProgrammeExercise.objects.select_related("exercise").order_by(
                    "week", "order", "pk"
                ),
            ),
            models.Prefetch("logs", queryset=SessionLog.objects.order_by("performed_on", "pk")),
        )


class Programme(models.Model):
    """A home programme for one patient, from one appointment: their private page is
    ``/programmes/<token>/`` (the same 256-bit token design as appointments)."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    patient = models.ForeignKey(
        "bookings.Patient",
        on_delete=models.CASCADE,
        related_name="programmes",
        limit_choices_to={"anonymised_at__isnull": True},
    )
    appointment = models.ForeignKey(
        "bookings.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        help_text="The appointment it came from.",
    )
    practitioner = models.ForeignKey(
        "bookings.Practitioner",
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text="Who prescribed it.",
    )
    title = models.CharField(max_length=120, help_text="For the patient, e.g. 'Hamstring rehab'.")
    based_on = models.ForeignKey(
        "programs.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_published": True},
        verbose_name="start from a published plan",
        help_text="Leave the exercises empty and save: the plan's weeks are copied in to edit.",
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(
        "length (weeks)", default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    end_date = models.DateField(editable=False, help_text="The last day of the last week.")
    notes = models.TextField("notes for the patient", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=14),
                name="programme_sessions_per_week_1_to_14",
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=1, weeks__lte=52), name="programme_weeks_1_to_52"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        # Not even the title ("Achilles rehab" is health data): the admin's history keeps
        # this text, and it outlives an erasure.
        return f"Programme {self.pk}"

    def save(self, *args, **kwargs):
        self.end_date = self.start_date + timedelta(weeks=self.weeks, days=-1)
        super().save(*args, **kwargs)

    def private_url(self) -> str:
        """The patient's page; deliberately not ``get_absolute_url`` (see Appointment)."""
        return reverse("care:programme", args=[self.token])

    def week_of(self, day: date) -> int:
        """The programme week ``day`` falls in (1 is the first; 0 before the start)."""
        if day < self.start_date:
            return 0
        return (day - self.start_date).days // 7 + 1

    def week_start(self, number: int) -> date:
        return self.start_date + timedelta(weeks=number - 1)

    def exercises_for_week(self, number: int) -> list[ProgrammeExercise]:
        """The week's own exercises if it has any, else those for every week."""
        rows = list(self.exercises.all())
        own = [row for row in rows if row.week == number]
        return own or [row for row in rows if row.week is None]


class ProgrammeExercise(models.Model):
    """One exercise of the programme with its dose: every week, or one week only."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exercises")
    week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Empty: every week. A number: that week only (replaces the every-week list).",
    )
    order = models.PositiveSmallIntegerField(default=1)
    exercise = models.ForeignKey("programs.Exercise", on_delete=models.PROTECT, related_name="+")
    sets = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    reps = models.CharField(
        "reps per set",
        max_length=30,
        blank=True,
        validators=[reps_validator],
        help_text="8, 6-8, or one figure per set such as 12/10/8.",
    )
    hold_seconds = models.PositiveSmallIntegerField("hold (s)", null=True, blank=True)
    rest_seconds = models.PositiveSmallIntegerField("rest (s)", null=True, blank=True)
    per_side = models.BooleanField(default=False)
    effort_target = models.PositiveSmallIntegerField(
        "effort target (0-10)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text="How hard it should feel, 0 (nothing) to 10 (all-out).",
    )
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["week", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sets__gte=1), name="programme_exercise_sets"),
            models.CheckConstraint(
                condition=~Q(reps="") | Q(hold_seconds__isnull=False, hold_seconds__gte=1),
                name="programme_exercise_reps_or_hold",
                violation_error_message="Give reps, a hold time, or both.",
            ),
            models.CheckConstraint(
                condition=Q(effort_target__isnull=True) | Q(effort_target__lte=10),
                name="programme_exercise_effort_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise}: {self.dose}"

    @property
    def dose(self) -> str:
        return describe_dose(
            sets=self.sets,
            reps=self.reps,
            hold_seconds=self.hold_seconds,
            rest_seconds=self.rest_seconds,
            per_side=self.per_side,
        )


class SessionLog(models.Model):
    """One session the patient did (or partly did), as they logged it."""

    class Completion(models.TextChoices):
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="logs")
    performed_on = models.DateField("day")
    completion = models.CharField(max_length=8, choices=Completion.choices)
    pain = models.PositiveSmallIntegerField(
        "pain (0-10)", validators=[MaxValueValidator(10)], help_text="0 no pain, 10 the worst."
    )
    effort = models.PositiveSmallIntegerField(
        "effort (0-10)", validators=[MaxValueValidator(10)], help_text="0 nothing, 10 all-out."
    )
    note = models.CharField(max_length=200, blank=True)
    logged_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["performed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pain__lte=10), name="session_log_pain_0_to_10"),
            models.CheckConstraint(condition=Q(effort__lte=10), name="session_log_effort_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"Session log {self.pk}"
