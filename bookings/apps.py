from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import waitlist
        from .cached_pages import empty_appointment_weeks
        from .models import Appointment, TimeOff

        checks.register(check_rate_limit_setting)
        for signal in (post_save, post_delete):
            signal.connect(empty_appointment_weeks, sender=Appointment, dispatch_uid="weeks")
        post_delete.connect(waitlist.on_time_off_deleted, sender=TimeOff, dispatch_uid="waitlist")


def check_rate_limit_setting(app_configs=None, **kwargs):
    """Refuse to start with a BOOKING_RATE_LIMIT we cannot read."""
    from .ratelimit import parse_rate

    try:
        count, period = parse_rate(settings.BOOKING_RATE_LIMIT)
    except (ValueError, KeyError, IndexError):
        count = period = 0
    if count < 1 or period < 1:
        return [
            checks.Error(
                f"BOOKING_RATE_LIMIT={settings.BOOKING_RATE_LIMIT!r} is not a rate.",
                hint='Use "<count>/<s|m|h|d>", for example "10/h".',
                id="bookings.E001",
            )
        ]
    return []
