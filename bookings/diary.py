"""Reception's diary: a day or a week of appointments, per practitioner or for all.

An admin page (/admin/bookings/appointment/diary/), served by the appointment admin,
which checks who may see it (bookings/access.py) before calling ``diary_view``. A day is
a grid with the practitioners as columns (bookings/diary_grid.py), a week is a grid of
one practitioner's days; every free time links to the phone-booking form
(bookings/diary_booking.py). ``layout=list`` lists the appointments with phone numbers
and the cancelled ones. Where a Reception user lands in the admin.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.admin import ModelAdmin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from . import access
from .diary_grid import build_grid, load_columns
from .models import BookingRules, Practitioner


def diary_view(model_admin: ModelAdmin, request: HttpRequest) -> TemplateResponse:
    """A day (or the week from Monday) of appointments, for one practitioner or all; a
    practitioner with a login sees their own first."""
    today = timezone.localdate()
    try:
        first_day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        first_day = today
    if abs((first_day - today).days) > 365 * 50:  # keep date arithmetic in range
        first_day = today
    span = "week" if request.GET.get("span") == "week" else "day"
    if span == "week":
        first_day -= timedelta(days=first_day.weekday())
    length = 7 if span == "week" else 1
    practitioners = list(Practitioner.objects.active())
    if "practitioner" in request.GET:
        wanted = request.GET["practitioner"]
    else:
        wanted = _own_practitioner_id(request.user)
    chosen = next((p for p in practitioners if str(p.pk) == str(wanted)), None)
    tz = timezone.get_current_timezone()
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    end = datetime.combine(first_day + timedelta(days=length), time(0), tzinfo=tz)
    appointments = (
        access.appointments_visible_to(request.user)
        .for_diary()
        .filter(start__gte=start, start__lt=end)
    )
    if chosen:
        appointments = appointments.filter(practitioner=chosen)
    days = {first_day + timedelta(days=n): [] for n in range(length)}
    for appointment in appointments:
        days[timezone.localtime(appointment.start).date()].append(appointment)
    step = timedelta(days=length)
    layout = "list" if request.GET.get("layout") == "list" else "grid"
    grid_practitioners = [chosen] if chosen else practitioners
    if span == "week" and not chosen:
        grid_practitioners = []  # a week is one practitioner's: choose one first
    columns, rows = [], []
    if layout == "grid" and grid_practitioners:
        columns = load_columns(
            grid_practitioners, list(days), access.appointments_visible_to(request.user)
        )
        rows = build_grid(columns, BookingRules.current().slot_step)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Diary: {chosen or 'all practitioners'}",
        "days": list(days.items()),
        "practitioners": practitioners,
        "chosen": chosen,
        "span": span,
        "first_day": first_day,
        "previous_day": first_day - step,
        "next_day": first_day + step,
        "changelist_url": reverse("admin:bookings_appointment_changelist"),
        "book_url": reverse("admin:bookings_appointment_diary_book"),
        "can_book": access.can_book(request.user),
        "layout": layout,
        "columns": columns,
        "rows": rows,
    }
    return TemplateResponse(request, "admin/bookings/appointment/diary.html", context)


def _own_practitioner_id(user) -> int | None:
    practitioner = Practitioner.objects.filter(user=user).only("pk").first()
    return practitioner.pk if practitioner else None
