"""The booking pages: parse the request, call ``booking``/``availability``, render."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from clinic.models import ClinicDetails

from . import access, audit
from .availability import by_local_day, clinic_timezone, load_schedule, local_to_utc
from .booking import (
    BookingError,
    NotBookable,
    SlotTaken,
    book_appointment,
    book_with_anyone,
    booked_with_key,
    cancel_appointment,
    check_bookable_time,
    free_practitioners,
    is_free,
    nearest_free_times,
    reschedule_appointment,
    schedule_around,
)
from .cached_pages import CACHED_WEEKS, from_cache, read_parts, week_part, weeks_from
from .calendar import appointment_ics, calendar_mimetype
from .forms import BookingForm
from .models import Appointment, BookingRules, Service
from .ratelimit import hit, limit_posts
from .rota import current_rota
from .timetable import ANYONE, build_timetable, monday_of

# Weeks further than this from today are refused (no booking window is this long).
MAX_WEEK_DISTANCE_DAYS = 3 * 366


class BadStart(ValueError):
    """A start time in a URL that cannot be booked; the message is for the patient."""


def parse_start(value: str) -> datetime:
    """A URL's local wall time (``2026-03-03T10:15``) as UTC, or ``BadStart``."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        raise BadStart("That address does not hold a time we understand.") from None
    if local.tzinfo is not None or local.second or local.microsecond:
        raise BadStart("That address does not hold a time we understand.")
    try:
        start = local_to_utc(local.date(), local.time(), clinic_timezone())
    except OverflowError:  # year 1 or 9999 in a zone east or west of UTC
        raise BadStart("That time is too far from today to book.") from None
    if start is None:
        raise BadStart("That time does not exist: the clocks go forward then.")
    return start


def _parse_date(value: str, today: date, what: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadStart(f"That {what} is not a date we understand (use YYYY-MM-DD).") from None
    if abs((day - today).days) > MAX_WEEK_DISTANCE_DAYS:
        raise BadStart(f"That {what} is too far from today to show.")
    return day


def parse_week(value: str | None, today: date) -> date:
    """The Monday of the week asked for (this week when not given)."""
    return monday_of(_parse_date(value, today, "week") if value else today)


def parse_day_or_week(query, today: date) -> tuple[date | None, date | None]:
    """``(day, None)`` for ``?day=``, ``(None, Monday)`` for ``?week=`` (the links of
    the week-at-a-time page, still shared), ``(None, None)`` for neither."""
    if query.get("day"):
        return _parse_date(query["day"], today, "day"), None
    if query.get("week"):
        return None, parse_week(query["week"], today)
    return None, None


def week_context(schedule, monday: date, today: date, rules: BookingRules):
    """A week of one practitioner's free times, day by day (for moving an appointment)."""
    slots = schedule.free_slots()
    last_bookable = today + timedelta(days=rules.booking_window_days)
    previous_week = monday - timedelta(days=7)
    next_week = monday + timedelta(days=7)
    return {
        "days": by_local_day(slots, schedule.tz, monday, monday + timedelta(days=6)),
        "slot_count": len(slots),
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous_week": previous_week if previous_week >= monday_of(today) else None,
        "next_week": next_week if next_week <= last_bookable else None,
    }


@require_http_methods(["GET", "HEAD"])
def service_list(request: HttpRequest) -> HttpResponse:
    services = Service.objects.active()
    canonical_url = request.build_absolute_uri(reverse("bookings:services"))
    return render(
        request,
        "bookings/service_list.html",
        {"services": services, "canonical_url": canonical_url},
    )


@require_http_methods(["GET", "HEAD"])
def week(request: HttpRequest, service: str) -> HttpResponse:
    """A service's free times, a day at a time (``?day=``, else the first day with a free
    time); anonymous visitors get it from the page cache."""
    chosen = request.GET.get("practitioner") or ANYONE
    today = timezone.localdate()
    try:
        day, monday = parse_day_or_week(request.GET, today)
    except BadStart as problem:
        return _week(request, service, chosen, today, problem=str(problem))  # never cached
    name = _week_cache_name(service, chosen, today, day, monday)
    if name is None:
        return _week(request, service, chosen, today, day, monday)
    return from_cache(
        request,
        name,
        lambda: _week(request, service, chosen, today, day, monday),
        parts=lambda: weeks_from(service, day or monday or today),
    )


def _week_cache_name(service: str, chosen: str, today: date, day, monday) -> str | None:
    """The week page's name in the page cache, or None for a page never cached."""
    asked = day or monday or today
    if not (
        CACHE_KEY_PART.fullmatch(service)
        and CACHE_KEY_PART.fullmatch(chosen)
        and monday_of(today) <= asked <= monday_of(today) + timedelta(weeks=CACHED_WEEKS)
    ):
        return None
    # Today too: the previous-week link and the past depend on it.
    return (
        f"/book/{service}/?practitioner={chosen}&day={day or ''}&week={monday or ''}&today={today}"
    )


def _week_page_name(request: HttpRequest, service: str) -> tuple[str, str] | None:
    """For ServeCachedPages (clinic/cache.py): the week page's group and name."""
    today = timezone.localdate()
    try:
        day, monday = parse_day_or_week(request.GET, today)
    except BadStart:
        return None
    chosen = request.GET.get("practitioner") or ANYONE
    name = _week_cache_name(service, chosen, today, day, monday)
    return None if name is None else ("availability", name)


week.page_cache_name = _week_page_name


# Only slugs, times, and the days and weeks people book in are cached: nobody can fill
# the cache with pages of their own invention (a page is kept only when it is a 200).
CACHE_KEY_PART = re.compile(r"[-\w]{1,80}", re.ASCII)
START_AS_LINKED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d", re.ASCII)


def _week(
    request: HttpRequest,
    service: str,
    chosen: str,
    today: date,
    day: date | None = None,
    week: date | None = None,
    problem: str = "",
) -> HttpResponse:
    now = timezone.now()
    rota = current_rota(now)
    service = rota.active_service(service)
    if problem:
        return render(
            request, "bookings/problem.html", {"service": service, "problem": problem}, status=400
        )
    practitioners = rota.offering(service)
    practitioner = None
    if chosen != ANYONE:
        practitioner = next((p for p in practitioners if p.slug == chosen), None)
        if practitioner is None:
            return render(
                request,
                "bookings/problem.html",
                {"service": service, "problem": "We do not know that practitioner."},
                status=404,
            )
    timetable = build_timetable(
        service,
        practitioner,
        day=day,
        week=week,
        today=today,
        now=now,
        rules=rota.rules,
    )
    # Another practitioner's link keeps the day or week asked for (unless it was refused).
    asked = ""
    if not timetable.notice:
        asked = f"day={day}" if day else f"week={week}" if week else ""
    context = {
        "service": service,
        "practitioners": practitioners,
        "practitioner": practitioner,
        "timetable": timetable,
        # Keeps the practitioner in the day and week links (nothing for anyone free).
        "practitioner_query": f"practitioner={practitioner.slug}&" if practitioner else "",
        "asked_query": asked,
    }
    response = render(request, "bookings/week.html", context)
    read_parts(response, service.slug, timetable)
    return response


def _problem(request, service, practitioner, problem: str, around: datetime, status: int):
    nearby = nearest_free_times(service, around, practitioner)
    return render(
        request,
        "bookings/problem.html",
        {"service": service, "practitioner": practitioner, "problem": problem, "nearby": nearby},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def details(request: HttpRequest, service: str, practitioner: str, start: str) -> HttpResponse:
    """The details form for a free time (GET, from the page cache like the week), and
    the booking (POST). ``practitioner`` is "any" for whoever is free at that time."""
    if (
        request.method == "POST"
        or not CACHE_KEY_PART.fullmatch(service)
        or not CACHE_KEY_PART.fullmatch(practitioner)
        # Only the form our links use: Python reads one time in many spellings.
        or not START_AS_LINKED.fullmatch(start)
    ):
        return _details(request, service, practitioner, start)
    try:
        week = week_part(service, monday_of(date.fromisoformat(start[:10])))
    except ValueError:  # no such day: _details says so
        return _details(request, service, practitioner, start)
    return from_cache(
        request,
        f"/book/{service}/{practitioner}/{start}/",
        lambda: _details(request, service, practitioner, start),
        parts=[week],
    )


def _details(request: HttpRequest, service: str, practitioner: str, start: str) -> HttpResponse:
    now = timezone.now()
    rota = current_rota(now)
    service = rota.active_service(service)
    if practitioner == ANYONE:
        practitioner = None
    else:
        practitioner = rota.practitioner_offering(service, practitioner)
    rules = rota.rules
    try:
        start_at = parse_start(start)
    except BadStart as problem:
        return _problem(request, service, practitioner, str(problem), now, status=400)
    context = {"service": service, "practitioner": practitioner, "start": start_at, "rules": rules}
    try:
        check_bookable_time(start_at, now, rules)
    except NotBookable as problem:
        if request.method == "POST":  # the notice ran out while they typed: keep it all
            return _details_kept(
                request, context, BookingForm(request.POST, service=service), str(problem), 400
            )
        return _problem(request, service, practitioner, str(problem), start_at, status=400)

    if request.method != "POST":
        if practitioner is None:
            context["free_practitioners"] = free_practitioners(service, start_at, now)
            still_free = bool(context["free_practitioners"])
        else:
            still_free = is_free(service, practitioner, start_at, now)
        if not still_free:
            return _problem(
                request,
                service,
                practitioner,
                "That time is not free. Here are the nearest free times.",
                start_at,
                status=409,
            )
        return render(
            request, "bookings/details.html", {**context, "form": BookingForm(service=service)}
        )

    form = BookingForm(request.POST, service=service)
    if form.is_bot:
        return HttpResponse(
            "Your booking could not be made.\n", status=400, content_type="text/plain"
        )
    if not form.is_valid():
        return render(request, "bookings/details.html", {**context, "form": form}, status=400)
    email = form.cleaned_data["email"].casefold()
    if not hit("booking-email", email, settings.BOOKING_EMAIL_RATE_LIMIT):
        form.add_error(
            "email",
            "This email address has made several bookings today already. To book more, "
            f"please phone us on {ClinicDetails.current().phone}.",
        )
        return render(request, "bookings/details.html", {**context, "form": form}, status=429)
    key = booking_key(request, form)
    # This form sent again: what it booked. (With one practitioner, the booking finds its
    # own appointment in the way, below, so a lost race is not asked this too.)
    if key and practitioner is None and (earlier := booked_with_key(key)):
        return _see_other(earlier.private_url())
    schedule = None
    try:
        if practitioner is None:  # the diary read once: to book, and to offer other times
            schedule = schedule_around(service, start_at, context["rules"])
            appointment = book_with_anyone(
                service, start_at, form.patient(), now, booking_key=key, schedule=schedule
            )
        else:
            appointment = book_appointment(
                service, practitioner, start_at, form.patient(), now, booking_key=key
            )
    except BookingError as problem:
        same_press = getattr(problem, "clash_key", None) in (key, None)
        if key and same_press and (earlier := booked_with_key(key)):  # a double click
            return _see_other(earlier.private_url())
        message = (
            "Sorry, that time was just taken by someone else."
            if isinstance(problem, SlotTaken)
            else "Sorry, that time is not available."
        )
        return _details_kept(request, context, form, message, 409, schedule)
    messages.success(request, "Your appointment is booked. We have emailed you the details.")
    return _see_other(appointment.private_url())


def booking_key(request: HttpRequest, form: BookingForm) -> str:
    """What makes two POSTs one press of "Book": the same browser (its CSRF secret, never
    shared between visitors, even when the form came from the page cache), the same form
    (the path: service, practitioner, time) and the same person (name, email, phone: a
    parent booking two children at one time makes two bookings)."""
    secret = request.META.get("CSRF_COOKIE", "")
    if not secret:  # no browser to tell apart (only a test client gets this far without one)
        return ""
    data = form.cleaned_data
    person = "\n".join(" ".join(data[f].casefold().split()) for f in ("name", "email", "phone"))
    return hashlib.sha256(f"{secret}\n{request.path}\n{person}".encode()).hexdigest()


def _details_kept(
    request, context: dict, form: BookingForm, problem: str, status: int, schedule=None
):
    """The details form again, as typed, with the nearest free times to send it to."""
    nearby = nearest_free_times(
        context["service"],
        context["start"],
        context["practitioner"],
        now=timezone.now(),
        rules=context["rules"],
        schedule=schedule,
    )
    message = (
        f"{problem} Your details are kept: choose one of the nearest free times below "
        "to book it instead."
    )
    return render(
        request,
        "bookings/details.html",
        {**context, "form": form, "taken": message, "nearby": nearby},
        status=status,
    )


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@never_cache  # a private page: no shared cache may keep it
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = access.appointment_for_link(token)
    rules = BookingRules.current()
    now = timezone.now()
    status = 200
    problem = None
    if request.method == "POST":
        if request.POST.get("action") != "cancel":
            problem, status = "We did not understand that request.", 400
        else:
            try:
                cancel_appointment(appointment, by=audit.PATIENT, now=now)
            except BookingError as error:  # too late to cancel online, or already cancelled
                problem, status = str(error), 409
            else:
                messages.success(request, "Your appointment is cancelled. Its time is free again.")
                return _see_other(appointment.private_url())
    context = {
        "appointment": appointment,
        "rules": rules,
        "can_change": appointment.can_be_changed_online(now, rules),
        "is_past": appointment.start <= now,
        "problem": problem,
    }
    return render(request, "bookings/manage.html", context, status=status)


@never_cache  # the address holds the private token: no shared cache may keep the file
@require_http_methods(["GET", "HEAD"])
def appointment_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The appointment as an .ics file for the patient's calendar (no reason, no link)."""
    appointment = access.appointment_for_link(token)
    cancelled = appointment.status == Appointment.Status.CANCELLED
    response = HttpResponse(
        appointment_ics(appointment, cancelled=cancelled),
        content_type=calendar_mimetype(cancelled=cancelled),
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def move_week(request: HttpRequest, token: str) -> HttpResponse:
    appointment = access.appointment_for_link(token)
    rules = BookingRules.current()
    now = timezone.now()
    if not appointment.can_be_changed_online(now, rules):
        return render(request, "bookings/manage.html", _too_late(appointment, rules), status=409)
    today = timezone.localdate()
    try:
        monday = parse_week(request.GET.get("week"), today)
    except BadStart as problem:
        context = {**_too_late(appointment, rules), "problem": str(problem)}
        return render(request, "bookings/manage.html", context, status=400)
    schedule = load_schedule(
        appointment.service,
        monday,
        monday + timedelta(days=6),
        appointment.practitioner,
        ignore_appointment=appointment,
    )
    context = {
        "appointment": appointment,
        "service": appointment.service,
        "practitioner": appointment.practitioner,
        **week_context(schedule, monday, today, rules),
    }
    return render(request, "bookings/move_week.html", context)


def _too_late(appointment: Appointment, rules: BookingRules) -> dict:
    return {
        "appointment": appointment,
        "rules": rules,
        "can_change": False,
        "is_past": appointment.start <= timezone.now(),
        "problem": "This appointment can no longer be changed online: please phone us.",
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def move_confirm(request: HttpRequest, token: str, start: str) -> HttpResponse:
    appointment = access.appointment_for_link(token)
    rules = BookingRules.current()
    now = timezone.now()
    if not appointment.can_be_changed_online(now, rules):
        return render(request, "bookings/manage.html", _too_late(appointment, rules), status=409)
    try:
        new_start = parse_start(start)
        check_bookable_time(new_start, now, rules)
    except (BadStart, NotBookable) as problem:
        return _move_problem(request, appointment, str(problem), 400)
    if not is_free(appointment.service, appointment.practitioner, new_start, now, appointment):
        return _move_problem(request, appointment, "That time is not free.", 409)
    if request.method == "POST":
        try:
            reschedule_appointment(appointment, new_start, now=now, by=audit.PATIENT)
        except BookingError as problem:
            return _move_problem(request, appointment, str(problem), 409)
        messages.success(request, "Your appointment has moved. We have emailed you the new time.")
        return _see_other(appointment.private_url())
    return render(
        request, "bookings/move_confirm.html", {"appointment": appointment, "new_start": new_start}
    )


def _move_problem(request, appointment: Appointment, problem: str, status: int) -> HttpResponse:
    return render(
        request,
        "bookings/move_week.html",
        {
            "appointment": appointment,
            "service": appointment.service,
            "practitioner": appointment.practitioner,
            "problem": problem,
            "days": [],
            "slot_count": 0,
        },
        status=status,
    )


class PrivacyView(TemplateView):
    template_name = "bookings/privacy.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "retention_days": settings.BOOKING_RETENTION_DAYS,
            "canonical_url": self.request.build_absolute_uri(self.request.path),
        }
