"""The waiting list's public pages: join it, see or leave it (the private link), and
book a time it offered. Parse the request, call bookings/waitlist.py or booking.py, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.models import ClinicDetails

from . import waitlist
from .booking import (
    BookingError,
    NotBookable,
    book_appointment,
    check_bookable_time,
    is_free,
    nearest_free_times,
)
from .models import BookingRules, Practitioner, Service, WaitlistEntry
from .patients import PatientDetails
from .ratelimit import hit, limit_posts
from .views import BadStart, _see_other, parse_start
from .waitlist_forms import OfferForm, WaitlistForm


@never_cache  # what people type stays out of any shared cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def join(request: HttpRequest, service: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.active(), slug=service)
    practitioners = list(Practitioner.objects.offering(service))
    today = timezone.localdate()
    chosen = request.GET.get("practitioner", "")
    initial = {"practitioner": chosen if any(p.slug == chosen for p in practitioners) else "any"}
    form = WaitlistForm(
        request.POST or None, practitioners=practitioners, today=today, initial=initial
    )
    context = {"service": service, "form": form}
    if request.method != "POST":
        return render(request, "bookings/waitlist_join.html", context)
    if form.is_bot:
        return HttpResponse("You could not be added.\n", status=400, content_type="text/plain")
    if not form.is_valid():
        return render(request, "bookings/waitlist_join.html", context, status=400)
    data = form.cleaned_data
    if not hit("waitlist-email", data["email"].casefold(), settings.BOOKING_EMAIL_RATE_LIMIT):
        form.add_error(
            "email",
            "This email address has joined several waiting lists today already. Please "
            f"phone us on {ClinicDetails.current().phone}.",
        )
        return render(request, "bookings/waitlist_join.html", context, status=429)
    entry = waitlist.join(
        service,
        form.chosen_practitioner(),
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        days="".join(sorted(data["days"])),
        parts_of_day="".join(p for p in "mae" if p in data["parts_of_day"]),
        until=data["until"],
    )
    messages.success(
        request, "You are on the waiting list. We have emailed you a link to leave it."
    )
    return _see_other(reverse("bookings:waitlist_entry", args=[entry.token]))


def _entry(token: str) -> WaitlistEntry:
    return get_object_or_404(
        WaitlistEntry.objects.select_related("service", "practitioner"), token=token
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def entry(request: HttpRequest, token: str) -> HttpResponse:
    """The person's place on the list, by their private link, and the way off it."""
    place = _entry(token)
    if request.method == "POST":
        if request.POST.get("action") != "leave":
            return render(
                request,
                "bookings/waitlist_entry.html",
                {"entry": place, "problem": "We did not understand that request."},
                status=400,
            )
        service = place.service
        waitlist.leave(place)
        return render(request, "bookings/waitlist_left.html", {"service": service})
    return render(request, "bookings/waitlist_entry.html", {"entry": place})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def offer(request: HttpRequest, token: str, practitioner: str, start: str) -> HttpResponse:
    """A time the list offered: one press books it with the details on the list, through
    the one booking path; whoever books first gets it, later ones see the nearest times."""
    place = _entry(token)
    service = place.service
    practitioner = get_object_or_404(Practitioner.objects.offering(service), slug=practitioner)
    now = timezone.now()
    context = {"entry": place, "service": service, "practitioner": practitioner}
    try:
        start_at = parse_start(start)
        check_bookable_time(start_at, now, BookingRules.current())
    except (BadStart, NotBookable) as problem:
        return _taken(request, context, str(problem), now, status=400)
    context["start"] = start_at
    if place.booked_at:
        return _taken(
            request, context, "You have booked a time from the list already.", start_at, 409
        )
    form = OfferForm(request.POST or None, service=service)
    context["form"] = form
    if request.method != "POST":
        if not is_free(service, practitioner, start_at, now):
            return _taken(request, context, "Sorry, someone has booked that time.", start_at, 409)
        return render(request, "bookings/waitlist_offer.html", context)
    if not form.is_valid():
        return render(request, "bookings/waitlist_offer.html", context, status=400)
    details = PatientDetails(place.name, place.email, place.phone)
    try:
        with transaction.atomic():
            appointment = book_appointment(service, practitioner, start_at, details, now)
            waitlist.mark_booked(place, appointment, now)
    except BookingError:
        return _taken(request, context, "Sorry, someone has booked that time.", start_at, 409)
    messages.success(request, "Your appointment is booked. We have emailed you the details.")
    return _see_other(appointment.private_url())


def _taken(request, context: dict, problem: str, around, status: int) -> HttpResponse:
    nearby = nearest_free_times(context["service"], around, context["practitioner"])
    context = {
        **context,
        "problem": problem,
        "nearby": nearby,
        "still_waiting": not context["entry"].booked_at,
    }
    return render(request, "bookings/waitlist_taken.html", context, status=status)
