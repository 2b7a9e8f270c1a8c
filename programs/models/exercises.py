from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse

from ..dosage import describe_dose, reps_validator
from ..formatting import plain_lines
from .choices import Level

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
# The clinic's own line drawings ship with the code, as static files in this folder.
ILLUSTRATIONS_DIR = "programs/illustrations"


class ExerciseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        return self.prefetch_related("equipment").order_by("name")

    def for_page(self):
        return self.select_related("easier_variation", "harder_variation").prefetch_related(
            "target_muscles", "equipment", "references", "tags"
        )


class Exercise(models.Model):
    """One exercise in the library, with how to do it and a default dose."""

    class Category(models.TextChoices):
        STRENGTH = "strength", "Strength"
        ECCENTRIC = "eccentric", "Eccentric strength"
        STRETCH = "stretch", "Stretch"
        MOBILITY = "mobility", "Mobility"
        DRILL = "drill", "Running drill"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    steps = models.TextField(help_text="One step per line, in order.")
    coaching_cues = models.TextField(blank=True, help_text="One cue per line.")
    common_mistakes = models.TextField(blank=True, help_text="One mistake per line.")
    category = models.CharField(max_length=20, choices=Category)
    level = models.CharField(max_length=20, choices=Level, default=Level.BEGINNER)
    target_muscles = models.ManyToManyField("Muscle", related_name="exercises", blank=True)
    equipment = models.ManyToManyField("Equipment", related_name="exercises", blank=True)

    default_sets = models.PositiveSmallIntegerField("sets", null=True, blank=True)
    default_reps = models.CharField(
        "reps",
        max_length=30,
        blank=True,
        validators=[reps_validator],
        help_text="8, 6-8, or one figure per set such as 12/10/8.",
    )
    default_hold_seconds = models.PositiveSmallIntegerField("hold (seconds)", null=True, blank=True)
    default_hold_seconds_max = models.PositiveSmallIntegerField(
        "hold up to (seconds)", null=True, blank=True, help_text="For a range such as 5 to 10."
    )
    default_rest_seconds = models.PositiveSmallIntegerField("rest (seconds)", null=True, blank=True)
    per_side = models.BooleanField(default=False, help_text="Done on each leg in turn.")

    evidence = models.TextField(
        "what the research says",
        blank=True,
        help_text="Plain text. Name the source of every figure, and add it under references.",
    )
    safety_note = models.TextField(blank=True)
    image = models.ImageField(
        upload_to="exercises/", blank=True, validators=[FileExtensionValidator(IMAGE_EXTENSIONS)]
    )
    image_alt = models.CharField(
        "image alt text",
        max_length=200,
        blank=True,
        help_text="What the image shows, for people who cannot see it. Required with an image.",
    )
    illustration = models.CharField(
        max_length=100,
        blank=True,
        validators=[RegexValidator(r"^[a-z0-9-]+\.svg$", "Give a file name such as bridge.svg.")],
        help_text=f"A drawing in static/{ILLUSTRATIONS_DIR}/, e.g. nordic-hamstring-curl.svg.",
    )
    illustration_alt = models.CharField(
        "illustration alt text",
        max_length=300,
        blank=True,
        help_text="What the body does in the drawing. Required with a drawing.",
    )
    tags = models.ManyToManyField("Tag", related_name="exercises", blank=True)
    easier_variation = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    harder_variation = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    references = models.ManyToManyField("Reference", related_name="exercises", blank=True)
    is_published = models.BooleanField("published", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="exercise_image_has_alt_text",
                violation_error_message="Describe the image in its alt text.",
            ),
            models.CheckConstraint(
                condition=Q(illustration="") | ~Q(illustration_alt=""),
                name="exercise_illustration_has_alt_text",
                violation_error_message="Say what the body does in the illustration's alt text.",
            ),
            models.CheckConstraint(
                condition=Q(default_sets__isnull=True) | Q(default_sets__gte=1),
                name="exercise_sets_positive",
            ),
            models.CheckConstraint(
                condition=Q(default_hold_seconds_max__isnull=True)
                | Q(default_hold_seconds__lte=models.F("default_hold_seconds_max")),
                name="exercise_hold_range_in_order",
                violation_error_message="The longest hold cannot be shorter than the shortest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:exercise_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.is_published

    def clean(self):
        if self.illustration and not self.illustration_file:
            raise ValidationError(
                {"illustration": f"There is no {self.illustration} in static/{ILLUSTRATIONS_DIR}/."}
            )

    @property
    def illustration_static_path(self) -> str:
        """The drawing's path for {% static %}, e.g. "programs/illustrations/bridge.svg"."""
        return f"{ILLUSTRATIONS_DIR}/{self.illustration}" if self.illustration else ""

    @property
    def illustration_url(self) -> str:
        """The drawing's URL on the site (hashed in production), or "" without one."""
        return static(self.illustration_static_path) if self.illustration else ""

    @property
    def illustration_file(self) -> str | None:
        """The drawing on disk, for printed handouts (WeasyPrint reads it as file://)."""
        return finders.find(self.illustration_static_path) if self.illustration else None

    @property
    def default_dose(self) -> str:
        return describe_dose(
            sets=self.default_sets,
            reps=self.default_reps,
            hold_seconds=self.default_hold_seconds,
            hold_seconds_max=self.default_hold_seconds_max,
            rest_seconds=self.default_rest_seconds,
            per_side=self.per_side,
        )

    @property
    def step_list(self) -> list[str]:
        return plain_lines(self.steps)

    @property
    def cue_list(self) -> list[str]:
        return plain_lines(self.coaching_cues)

    @property
    def mistake_list(self) -> list[str]:
        return plain_lines(self.common_mistakes)
