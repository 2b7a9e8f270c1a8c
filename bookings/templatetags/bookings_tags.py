from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def local_iso(moment: datetime) -> str:
    """The clinic-local wall time as it appears in booking URLs: 2026-03-03T10:15."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
