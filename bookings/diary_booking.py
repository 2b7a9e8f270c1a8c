"""Reception's phone booking from the diary: one appointment, or a course of them.

An admin page (/admin/bookings/appointment/diary/book/?practitioner=<id>&start=<local>),
reached from a free time in the diary grid with that time filled in. A single free
session is booked at once with ``book_appointment``; a course (or a clash) first shows
every session, each clash with the nearest free times to choose instead, and then books
them all with ``courses.book_course`` under the practitioner's lock: the same write path,
emails and audit trail as every other booking.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from . import access, audit
from .booking import BookingError, book_appointment
from .courses import MAX_SESSIONS, CourseClash, Session, book_course, course_starts, plan_course
from .forms import BookingForm
from .models import Patient, Practitioner, Service
from .patients import PatientDetails

SKIP = "skip"


class DiaryBookingForm(forms.Form):
    practitioner = forms.ModelChoiceField(Practitioner.objects.active())
    service = forms.ModelChoiceField(Service.objects.active())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    sessions = forms.IntegerField(
        label="Number of sessions",
        min_value=1,
        max_value=MAX_SESSIONS,
        initial=1,
        help_text="More than one books a course: the same time each time.",
    )
    every_weeks = forms.IntegerField(
        label="Every how many weeks", min_value=1, max_value=4, initial=1
    )
    patient = forms.ModelChoiceField(
        Patient.objects.filter(anonymised_at__isnull=True),
        required=False,
        label="Patient record number",
        help_text="If the patient has a record (its number is in the patient list); "
        "otherwise type their details below.",
        widget=forms.NumberInput,
        error_messages={"invalid_choice": "There is no patient record with that number."},
    )
    name = forms.CharField(label="Or a new patient: name", max_length=120, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=30, required=False)
    reason = forms.CharField(max_length=200, required=False, help_text="Never put in an email.")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        return BookingForm.clean_phone(self) if phone else phone

    def clean(self):
        cleaned = super().clean()
        typed = " ".join(cleaned.get("name", "").split())
        if cleaned.get("patient") and typed:
            self.add_error("name", "Give a record number or a new patient's name, not both.")
        elif not cleaned.get("patient") and not typed:
            self.add_error("name", "Give the patient's record number, or a new patient's name.")
        cleaned["name"] = typed
        service, practitioner = cleaned.get("service"), cleaned.get("practitioner")
        if service and practitioner and not practitioner.services.filter(pk=service.pk).exists():
            self.add_error("service", f"{practitioner.name} does not offer {service.name}.")
        return cleaned

    def patient_for_booking(self) -> Patient | PatientDetails:
        data = self.cleaned_data
        if data["patient"] is not None:
            return data["patient"]
        return PatientDetails(data["name"], data["email"], data["phone"], data["reason"])


def diary_book_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not access.can_book(request.user):
        raise PermissionDenied
    form = DiaryBookingForm(request.POST or None, initial=_initial(request.GET))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Book by phone",
        "form": form,
        "diary_url": reverse("admin:bookings_appointment_diary"),
    }
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/bookings/appointment/diary_book.html", context, status=status
        )
    if request.POST.get("confirm"):
        starts = _chosen_starts(request.POST, form.cleaned_data["sessions"])
        if starts is None:
            context["problem"] = "Those times could not be read: check them again."
        elif not starts:
            context["problem"] = "Every session is left out: choose at least one time."
        else:
            try:
                return _book(request, form, starts)
            except CourseClash as clash:
                context["problem"] = str(clash)
                context["plan"] = clash.sessions
            except BookingError as problem:
                context["problem"] = str(problem)
        context.setdefault("plan", _plan(form))
        return TemplateResponse(
            request, "admin/bookings/appointment/diary_plan.html", context, status=409
        )
    plan = _plan(form)
    if len(plan) == 1 and not plan[0].clash:
        try:
            return _book(request, form, [plan[0].start])
        except BookingError as problem:
            context["problem"] = str(problem)
            plan = _plan(form)
    context["plan"] = plan
    return TemplateResponse(request, "admin/bookings/appointment/diary_plan.html", context)


def _initial(query) -> dict:
    initial = {"sessions": 1, "every_weeks": 1}
    if query.get("practitioner", "").isdigit():
        practitioner = Practitioner.objects.active().filter(pk=query["practitioner"]).first()
        if practitioner:
            initial["practitioner"] = practitioner
            initial["service"] = practitioner.services.active().first()
    try:
        wall = datetime.fromisoformat(query.get("start", ""))
        initial.update(date=wall.date(), time=wall.time())
    except ValueError:
        initial["date"] = timezone.localdate()
    if query.get("patient", "").isdigit():
        initial["patient"] = query["patient"]
    return initial


def _plan(form: DiaryBookingForm) -> list[Session]:
    data = form.cleaned_data
    wanted = course_starts(data["date"], data["time"], data["sessions"], data["every_weeks"])
    return plan_course(data["service"], data["practitioner"], wanted)


def _chosen_starts(post, sessions: int) -> list[datetime] | None:
    """The time chosen for each session (``session-1`` ...): a UTC instant, or "skip"."""
    starts = []
    for number in range(1, sessions + 1):
        value = post.get(f"session-{number}", SKIP)
        if value == SKIP:
            continue
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            return None
        if start.tzinfo is None:
            return None
        starts.append(start)
    return starts


def _book(request: HttpRequest, form: DiaryBookingForm, starts: list[datetime]) -> HttpResponse:
    data = form.cleaned_data
    by = audit.staff(request.user)
    patient = form.patient_for_booking()
    if len(starts) == 1:
        booked = [
            book_appointment(
                data["service"],
                data["practitioner"],
                starts[0],
                patient,
                by=by,
                reason=data["reason"],
            )
        ]
    else:
        booked = book_course(
            data["service"], data["practitioner"], starts, patient, by, reason=data["reason"]
        )
    dates = ", ".join(f"{timezone.localtime(a.start):%a %-d %b %H:%M}" for a in booked)
    what = "Booked" if len(booked) == 1 else f"Booked {len(booked)} sessions"
    messages.success(request, f"{what} with {data['practitioner'].name}: {dates}.")
    first: date = timezone.localtime(booked[0].start).date()
    return HttpResponseRedirect(
        f"{reverse('admin:bookings_appointment_diary')}?date={first}&practitioner={data['practitioner'].pk}"
    )
