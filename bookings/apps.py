from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from django.tasks.signals import task_finished, task_started

        from . import rota, waitlist
        from .cached_pages import empty_appointment_weeks
        from .models import (
            Appointment,
            BookingRules,
            ClinicClosure,
            Practitioner,
            Service,
            TimeOff,
            WorkingHours,
        )

        checks.register(check_rate_limit_setting)
        for signal in (post_save, post_delete):
            signal.connect(empty_appointment_weeks, sender=Appointment, dispatch_uid="weeks")
        post_delete.connect(waitlist.on_time_off_deleted, sender=TimeOff, dispatch_uid="waitlist")
        rota_models = (Service, Practitioner, WorkingHours, TimeOff, ClinicClosure, BookingRules)
        for model in rota_models:
            for signal in (post_save, post_delete):
                signal.connect(rota.rota_changed, sender=model, dispatch_uid="rota")
        m2m_changed.connect(
            rota.rota_changed, sender=Practitioner.services.through, dispatch_uid="rota"
        )
        for signal in (request_started, task_started):
            signal.connect(rota.request_started, dispatch_uid="rota")
        for signal in (request_finished, task_finished):
            signal.connect(rota.request_finished, dispatch_uid="rota")


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
