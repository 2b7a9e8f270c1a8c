"""The hook the bookings app's appointment page includes (care/_appointment_intake.html)."""

from dataclasses import dataclass

from django import template
from django.utils import timezone

from bookings.models import Appointment

from ..intake import intake_offered
from ..models import Intake

register = template.Library()


@dataclass(frozen=True)
class IntakeLink:
    offered: bool
    sent: bool


@register.simple_tag
def intake_link(appointment: Appointment) -> IntakeLink:
    """Whether the page offers the intake form, and whether it was sent (one query)."""
    sent = Intake.objects.filter(appointment=appointment).exists()
    return IntakeLink(offered=sent or intake_offered(appointment, timezone.now()), sent=sent)
