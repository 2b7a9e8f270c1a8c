"""Patients: one record per person, which their appointments point to.

The record holds the person's contact details once, so that reception sees one history
per person, and a subject access request or an erasure has one place to start
(bookings/patients.py). Other apps that hold data on a patient (home programmes, intake
answers) point here too; this app never imports them.
"""

from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone


def normalised_name(name: str) -> str:
    """A name as matching compares it: spacing and case do not count."""
    return " ".join(name.split()).casefold()


def phone_digits(phone: str) -> str:
    """A phone number as matching compares it: its digits only."""
    return "".join(character for character in phone if character.isdigit())


class PatientQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """Records under this email in any case (uses the index on LOWER(email))."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())

    def for_listing(self):
        """With ``appointment_count`` and ``last_appointment``: one query for any list."""
        return self.annotate(
            appointment_count=Count("appointments"), last_appointment=Max("appointments__start")
        )

    def with_last_contact(self):
        """``last_contact``: the start of the latest appointment, or when the record was made."""
        return self.annotate(last_contact=Coalesce(Max("appointments__start"), "created_at"))

    def to_anonymise(self, older_than):
        """Records not yet anonymised whose last contact is before ``older_than``."""
        return (
            self.filter(anonymised_at__isnull=True)
            .with_last_contact()
            .filter(last_contact__lt=older_than)
        )

    def sharing_an_email(self):
        """Records whose email another record has too: possible duplicates, or a family."""
        others = (
            Patient.objects.exclude(email="")
            .alias(email_lower=Lower("email"))
            .filter(email_lower=models.OuterRef("email_lower"))
            .exclude(pk=models.OuterRef("pk"))
        )
        return (
            self.exclude(email="").alias(email_lower=Lower("email")).filter(models.Exists(others))
        )


# Characters that reorder how text displays (U+202E turns "gpj.exe" into "exe.jpg"):
# a name or phone number needs none of them.
BIDI_CONTROLS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def without_bidi_controls(text: str) -> str:
    """``text`` with its bidirectional control characters taken out."""
    return text.translate(BIDI_CONTROLS)


class Patient(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField(
        null=True,
        blank=True,
        help_text="Asked at the first visit: it tells apart people who share a name.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Erased, or past the retention period."
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(Lower("email"), name="patient_email_idx")]
        constraints = [
            # An erased record keeps its appointments for the diary, never its details.
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | Q(email="", phone="", date_of_birth__isnull=True),
                name="anonymised_patient_has_no_contact_details",
            )
        ]
        permissions = [
            ("export_patient", "Can export everything held on a patient"),
            ("erase_patient", "Can erase a patient (anonymise the record)"),
        ]

    def __str__(self) -> str:
        # The admin's history keeps this text: erasing a patient rewrites it there too.
        return f"{self.name} (patient {self.pk})"

    def save(self, *args, **kwargs):
        # However the details came (the booking form, admin, a merge), they are stored
        # and shown as plain text.
        self.name = without_bidi_controls(self.name)
        self.phone = without_bidi_controls(self.phone)
        super().save(*args, **kwargs)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None
