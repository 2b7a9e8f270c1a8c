from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from clinic.models import Weekday

from ..dosage import describe_dose, reps_validator
from ..effort import describe_effort
from ..formatting import render_markdown
from .choices import Level


class PlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        return self.order_by("-is_featured", "level", "title")

    def featured(self) -> "Plan | None":
        """The plan the home page shows: a featured one first, else the newest."""
        return self.order_by("-is_featured", "-created_at").first()

    def for_page(self):
        """Everything the week-by-week grid and the calendar need, in five queries."""
        return self.prefetch_related(
            models.Prefetch(
                "weeks",
                queryset=PlanWeek.objects.order_by("number").prefetch_related(
                    "references",
                    models.Prefetch(
                        "sessions",
                        queryset=Session.objects.order_by("day_of_week", "pk").prefetch_related(
                            models.Prefetch(
                                "prescriptions",
                                # An exercise taken off the site leaves its plans too.
                                queryset=Prescription.objects.filter(exercise__is_published=True)
                                .select_related("exercise")
                                .order_by("order"),
                            )
                        ),
                    ),
                ),
            )
        )


class Plan(models.Model):
    """A programme a runner follows week by week: weeks hold sessions, sessions hold exercises."""

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    audience = models.TextField("who it is for")
    level = models.CharField(max_length=20, choices=Level, default=Level.BEGINNER)
    duration_weeks = models.PositiveSmallIntegerField("weeks")
    sessions_per_week = models.PositiveSmallIntegerField(
        help_text="The most sessions in any week (early weeks may have fewer)."
    )
    equipment = models.CharField(max_length=200, help_text="What a runner needs, in plain words.")
    description = models.TextField(help_text="Markdown, as for articles.")
    is_published = models.BooleanField("published", default=False)
    is_featured = models.BooleanField("featured on the home page", default=False)
    tags = models.ManyToManyField("Tag", related_name="plans", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Also moves when a week, session or exercise dose changes."
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_weeks__gte=1), name="plan_lasts_at_least_a_week"
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=7),
                name="plan_sessions_per_week_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:plan_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.is_published

    @cached_property
    def description_html(self) -> SafeString:
        return render_markdown(self.description)

    @property
    def references(self) -> list:
        """The sources the plan follows: those its weeks cite, first-cited first."""
        seen: dict[int, object] = {}
        for week in self.weeks.all():
            for reference in week.references.all():
                seen.setdefault(reference.pk, reference)
        return list(seen.values())

    @property
    def session_count(self) -> int:
        return sum(len(week.sessions.all()) for week in self.weeks.all())

    @property
    def last_modified(self):
        """When the page last changed: the plan, or a dose's exercise (its name is shown)."""
        exercise_times = [
            prescription.exercise.updated_at
            for week in self.weeks.all()
            for session in week.sessions.all()
            for prescription in session.prescriptions.all()
        ]
        return max([self.updated_at, *exercise_times])


def _touch_plan(plan_ids) -> None:
    # A plan's page shows its weeks, sessions and doses: changing them changes the plan.
    Plan.objects.filter(pk__in=plan_ids).update(updated_at=timezone.now())


class PlanWeek(models.Model):
    class Phase(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        BUILD = "build", "Build"
        DELOAD = "deload", "Deload"
        MAINTENANCE = "maintenance", "Maintenance"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=20, choices=Phase, default=Phase.BUILD)
    notes = models.TextField(blank=True)
    references = models.ManyToManyField(
        "Reference",
        related_name="plan_weeks",
        blank=True,
        help_text="The published protocol this week follows.",
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_week_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_week_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: week {self.number}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch_plan([self.plan_id])

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#week-{self.number}"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _touch_plan([self.plan_id])
        return result

    @transaction.atomic
    def duplicate(self) -> "PlanWeek":
        """Copy this week, its sessions and their doses as a new last week of the plan."""
        last = self.plan.weeks.aggregate(last=models.Max("number"))["last"] or 0
        copy = PlanWeek.objects.create(
            plan=self.plan, number=last + 1, phase=self.phase, notes=self.notes
        )
        copy.references.set(self.references.all())
        for session in self.sessions.prefetch_related("prescriptions"):
            new_session = Session.objects.create(
                week=copy,
                day_of_week=session.day_of_week,
                title=session.title,
                notes=session.notes,
            )
            Prescription.objects.bulk_create(
                [
                    Prescription(
                        session=new_session,
                        exercise_id=p.exercise_id,
                        order=p.order,
                        sets=p.sets,
                        reps=p.reps,
                        hold_seconds=p.hold_seconds,
                        rest_seconds=p.rest_seconds,
                        per_side=p.per_side,
                        notes=p.notes,
                        effort_min=p.effort_min,
                        effort_max=p.effort_max,
                    )
                    for p in session.prescriptions.all()
                ]
            )
        return copy


class Session(models.Model):
    Day = Weekday

    week = models.ForeignKey(PlanWeek, on_delete=models.CASCADE, related_name="sessions")
    day_of_week = models.PositiveSmallIntegerField(choices=Day)
    title = models.CharField(max_length=120)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["week", "day_of_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "day_of_week"],
                name="session_one_per_day_of_week",
                violation_error_message="This week already has a session on that day.",
            ),
            models.CheckConstraint(
                condition=Q(day_of_week__lte=6), name="session_day_of_week_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week}, {self.get_day_of_week_display()}: {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch_plan(self._plan_ids())

    def get_absolute_url(self) -> str:
        return self.week.get_absolute_url()

    def delete(self, *args, **kwargs):
        plan_ids = list(self._plan_ids())
        result = super().delete(*args, **kwargs)
        _touch_plan(plan_ids)
        return result

    def _plan_ids(self):
        return PlanWeek.objects.filter(pk=self.week_id).values("plan_id")


class Prescription(models.Model):
    """One exercise in a session, with its dose."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="prescriptions")
    exercise = models.ForeignKey("Exercise", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    sets = models.PositiveSmallIntegerField(default=1)
    reps = models.CharField(
        "reps per set",
        max_length=30,
        blank=True,
        validators=[reps_validator],
        help_text="8, 6-8, or one figure per set such as 12/10/8.",
    )
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False)
    notes = models.CharField("tempo or notes", max_length=200, blank=True)
    effort_min = models.PositiveSmallIntegerField(
        "effort from (Borg CR10)",
        null=True,
        blank=True,
        help_text="0 (nothing at all) to 10 (maximal). 6: hard, three or four reps left.",
    )
    effort_max = models.PositiveSmallIntegerField(
        "effort up to (Borg CR10)", null=True, blank=True, help_text="For a range such as 6-7."
    )

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "order"], name="prescription_order_unique_in_session"
            ),
            models.CheckConstraint(condition=Q(sets__gte=1), name="prescription_sets_positive"),
            models.CheckConstraint(
                condition=~Q(reps="") | Q(hold_seconds__isnull=False, hold_seconds__gte=1),
                name="prescription_has_reps_or_hold",
                violation_error_message="Give reps, a hold time, or both.",
            ),
            models.CheckConstraint(
                condition=Q(effort_min__isnull=True) | Q(effort_min__lte=10),
                name="prescription_effort_on_cr10_scale",
                violation_error_message="Effort is rated from 0 to 10 on the Borg CR10 scale.",
            ),
            models.CheckConstraint(
                condition=Q(effort_max__isnull=True)
                | Q(effort_min__isnull=False, effort_max__gte=models.F("effort_min"))
                & Q(effort_max__lte=10),
                name="prescription_effort_range_in_order",
                violation_error_message=(
                    "Give the lower effort first; the higher cannot be below it or above 10."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise}: {self.dose}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch_plan(self._plan_ids())

    def delete(self, *args, **kwargs):
        plan_ids = list(self._plan_ids())
        result = super().delete(*args, **kwargs)
        _touch_plan(plan_ids)
        return result

    def _plan_ids(self):
        return PlanWeek.objects.filter(sessions=self.session_id).values("plan_id")

    @property
    def dose(self) -> str:
        return describe_dose(
            sets=self.sets,
            reps=self.reps,
            hold_seconds=self.hold_seconds,
            rest_seconds=self.rest_seconds,
            per_side=self.per_side,
        )

    @property
    def effort(self) -> str:
        """The effort target in words, or "" when the session sets none."""
        return describe_effort(self.effort_min, self.effort_max, in_reps=self._in_reps)

    @property
    def effort_in_grid(self) -> str:
        """The effort target under a heading that names the Borg CR10 scale."""
        return describe_effort(
            self.effort_min, self.effort_max, name_scale=False, in_reps=self._in_reps
        )

    @property
    def _in_reps(self) -> bool:
        return bool(self.reps) and not self.hold_seconds
