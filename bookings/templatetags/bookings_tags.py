from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from ..availability import Slot
from ..models import Practitioner, Service
from ..timetable import ANYONE

register = template.Library()


@register.filter
def local_iso(moment: datetime) -> str:
    """The clinic-local wall time as it appears in booking URLs: 2026-03-03T10:15."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@register.simple_tag
def details_url(service: Service, slot: Slot, chosen: Practitioner | None) -> str:
    """The details form of a free time: with its own practitioner when the patient chose
    one (``chosen``), else with anyone free."""
    who = slot.practitioner_slug if chosen else ANYONE
    return reverse("bookings:details", args=[service.slug, who, local_iso(slot.start)])
