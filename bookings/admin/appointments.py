"""Appointments in the back office: the list, reception's phone bookings, the change form,
the day's actions, the diary, the email outbox and the audit trail.

Nothing here writes an appointment's time or status itself: the forms check a change
with bookings/booking.py (under the same lock the change will take) and ``save_model``
and the actions make it through the same functions the public pages use, which queue
the emails, record who and when, and send ``appointment_changed``.
"""

from __future__ import annotations

import csv
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from .. import access, audit, emails
from ..booking import (
    BookingError,
    PatientDetails,
    book_appointment,
    cancel_appointment,
    change_status,
    check_booking,
    check_move,
    check_status,
    mark_status,
    reschedule_appointment,
)
from ..diary import diary_view
from ..diary_booking import diary_book_view
from ..models import Appointment, AppointmentEmail, AuditEntry, Patient
from ..models.patients import without_bidi_controls
from .base import PatientDataAdmin, table, when

Status = Appointment.Status
# Forms check a change as staff make it; the login is recorded when it is saved.
STAFF = audit.Actor(AuditEntry.By.STAFF)


class FollowUpCheckFilter(admin.SimpleListFilter):
    """Follow-ups of a patient with no earlier visit on record: reception phones them."""

    title = "earlier visit on record"
    parameter_name = "earlier_visit"

    def lookups(self, request, model_admin):
        return [("none", "Follow-ups with no earlier visit on record")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.follow_ups_without_earlier_visit()
        return queryset


class EmailTroubleFilter(admin.SimpleListFilter):
    """Appointments with an email that keeps failing: reception phones the patient."""

    title = "emails"
    parameter_name = "emails"

    def lookups(self, request, model_admin):
        return [("failing", "Failing (still retrying)"), ("failed", "Failed: not sent")]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(email_failing=True)
        if self.value() == "failed":
            return queryset.filter(email_failed=True)
        return queryset


class PhoneBookingForm(forms.ModelForm):
    """Reception books by phone: ``book_appointment`` makes the booking, as online, with
    staff's rules (any time the practitioner's diary has room for, buffers included).
    Choose the patient's record, or type a new patient's details (matched to a record as
    an online booking is)."""

    patient_name = forms.CharField(label="Or a new patient: name", max_length=120, required=False)
    patient_email = forms.EmailField(label="Email", required=False)
    patient_phone = forms.CharField(label="Phone", max_length=30, required=False)

    class Meta:
        model = Appointment
        fields = ["service", "practitioner", "start", "patient", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].required = False
        self.fields["patient"].help_text = "Search by name, email or phone."

    def clean(self):
        cleaned = super().clean()
        chosen, typed = cleaned.get("patient"), cleaned.get("patient_name", "").strip()
        if chosen and typed:
            self.add_error("patient_name", "Choose a record or type a new patient, not both.")
        elif not chosen and not typed:
            self.add_error("patient", "Choose the patient's record, or type a new patient's name.")
        service, practitioner, start = (
            cleaned.get("service"),
            cleaned.get("practitioner"),
            cleaned.get("start"),
        )
        if service and practitioner and start:
            try:
                check_booking(service, practitioner, start, STAFF)
            except BookingError as problem:
                raise ValidationError(str(problem)) from problem
        return cleaned

    def patient_for_booking(self) -> Patient | PatientDetails:
        data = self.cleaned_data
        if data["patient"] is not None:
            return data["patient"]
        return PatientDetails(
            data["patient_name"], data["patient_email"], data["patient_phone"], data["reason"]
        )


class AppointmentChangeForm(forms.ModelForm):
    """Reception moves an appointment, or sets its status, through bookings/booking.py:
    the form writes only the reason itself."""

    start = forms.SplitDateTimeField(label="Time", widget=AdminSplitDateTime)
    status = forms.ChoiceField(choices=Status.choices)

    class Meta:
        model = Appointment
        fields = ["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["start"] = timezone.localtime(self.instance.start)
        self.initial["status"] = self.instance.status

    def clean(self):
        cleaned = super().clean()
        moved, marked = "start" in self.changed_data, "status" in self.changed_data
        if moved and marked:
            raise ValidationError("Change the time or the status, one at a time.")
        try:
            if moved and cleaned.get("start"):
                check_move(self.instance, cleaned["start"], STAFF)
            if marked:
                check_status(self.instance, cleaned["status"])
        except BookingError as problem:
            raise ValidationError(str(problem)) from problem
        return cleaned


@admin.register(Appointment)
class AppointmentAdmin(PatientDataAdmin):
    change_list_template = "admin/bookings/appointment/change_list.html"
    list_display = [
        "start",
        "practitioner",
        "service",
        "patient_name",
        "patient_phone",
        "status",
        "earlier_visit",
        "email_state",
    ]
    list_filter = [
        "practitioner",
        "service",
        "status",
        FollowUpCheckFilter,
        EmailTroubleFilter,
        "start",
    ]
    list_select_related = ["practitioner", "service", "patient"]
    date_hierarchy = "start"
    search_fields = ["patient__name", "patient__email", "patient__phone"]
    ordering = ["start"]
    autocomplete_fields = ["patient"]
    actions = [
        "cancel_with_notice",
        "mark_attended",
        "mark_no_show",
        "resend_confirmation",
        "export_csv",
    ]

    def has_add_permission(self, request) -> bool:
        return access.can_book(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_change_diary(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AppointmentChangeForm if obj else PhoneBookingForm
        if obj is None or self.has_change_permission(request, obj):
            kwargs["fields"] = None  # each form's Meta says which fields it writes itself
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["service", "practitioner", "start"]}),
                (
                    "Patient",
                    {
                        "fields": [
                            "patient",
                            "patient_name",
                            "patient_email",
                            "patient_phone",
                            "reason",
                        ]
                    },
                ),
            ]
        return [
            (None, {"fields": ["patient", "patient_phone", "patient_email"]}),
            ("Appointment", {"fields": ["service", "practitioner", "start", "status", "reason"]}),
            (
                "Record",
                {
                    "fields": [
                        "end",
                        "consent_at",
                        "created_at",
                        "cancelled_at",
                        "confirmation_sent_at",
                        "reminder_sent_at",
                        "anonymised_at",
                    ]
                },
            ),
            ("History: who changed what, and when", {"fields": ["history"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "patient",
            "patient_phone",
            "patient_email",
            "service",
            "practitioner",
            "end",
            "consent_at",
            "created_at",
            "cancelled_at",
            "confirmation_sent_at",
            "reminder_sent_at",
            "anonymised_at",
            "history",
        ]

    def get_queryset(self, request):
        emails_of = AppointmentEmail.objects.filter(appointment=OuterRef("pk"))
        return (
            access.appointments_visible_to(request.user)
            .with_earlier_visit()
            .annotate(
                email_failed=Exists(emails_of.given_up()),
                email_failing=Exists(emails_of.failing()),
                email_waiting=Exists(emails_of.pending()),
            )
            .order_by(*self.get_ordering(request))
        )

    def save_model(self, request, obj, form, change):
        """The change goes through bookings/booking.py (checked already, under its lock)."""
        by = audit.staff(request.user)
        if not change:
            booked = book_appointment(
                obj.service,
                obj.practitioner,
                obj.start,
                form.patient_for_booking(),
                by=by,
                reason=form.cleaned_data["reason"],
            )
            # The admin goes on with ``obj`` (its history entry, the redirect): make it the row.
            obj.pk = booked.pk
            obj.refresh_from_db()
            return
        if "start" in form.changed_data:
            reschedule_appointment(obj, form.cleaned_data["start"], by=by)
        elif "status" in form.changed_data:
            change_status(obj, form.cleaned_data["status"], by)
        if "reason" in form.changed_data:
            Appointment.objects.filter(pk=obj.pk).update(reason=form.cleaned_data["reason"])
        obj.refresh_from_db()

    @admin.display(description="Patient", ordering="patient__name")
    def patient_name(self, appointment: Appointment) -> str:
        return appointment.patient.name

    @admin.display(description="Phone")
    def patient_phone(self, appointment: Appointment) -> str:
        return appointment.patient.phone

    @admin.display(description="Email")
    def patient_email(self, appointment: Appointment) -> str:
        return appointment.patient.email

    @admin.display(description="History")
    def history(self, appointment: Appointment) -> str:
        entries = appointment.audit.select_related("user").order_by("at", "pk")
        return table(
            ["When", "What", "By", "Time after", "Time before"],
            [
                [when(e.at), e.get_kind_display(), e.who, when(e.start), when(e.previous_start)]
                for e in entries
            ],
        )

    @admin.display(description="Emails")
    def email_state(self, appointment: Appointment) -> str:
        # Annotated in get_queryset: no query per row.
        if appointment.email_failed:
            return "Failed: not sent"
        if appointment.email_failing:
            return "Failing, retrying"
        if appointment.email_waiting:
            return "Waiting to go"
        return "Sent"

    @admin.display(
        description="Earlier visit on record", boolean=True, ordering="has_earlier_visit"
    )
    def earlier_visit(self, appointment: Appointment) -> bool | None:
        # Annotated in get_queryset, so no query per row; None when not a follow-up.
        return appointment.has_earlier_visit

    @admin.action(description="Cancel and tell the patient", permissions=["change"])
    def cancel_with_notice(self, request, queryset):
        by = audit.staff(request.user)
        count = 0
        for appointment in queryset.filter(status=Status.CONFIRMED):
            cancel_appointment(appointment, by=by)
            count += 1
        self.message_user(request, f"Cancelled {count} appointment(s); patients are told by email.")

    @admin.action(description="Mark attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, Status.ATTENDED)

    @admin.action(description="Mark no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._mark(request, queryset, Status.NO_SHOW)

    def _mark(self, request, queryset, status: str) -> None:
        by = audit.staff(request.user)
        marked = skipped = 0
        for appointment in queryset:
            try:
                mark_status(appointment, status, by)
            except BookingError:
                skipped += 1
            else:
                marked += 1
        label = Status(status).label.lower()
        if skipped:
            self.message_user(
                request,
                f"Marked {marked} {label}; {skipped} cancelled appointment(s) left as they are.",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"Marked {marked} {label}.")

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        chosen = queryset.count()
        with transaction.atomic():
            resend = list(queryset.active().exclude(patient__email="").select_related("patient"))
            for appointment in resend:
                emails.queue(appointment, AppointmentEmail.Kind.CONFIRMATION)
        level = messages.SUCCESS if len(resend) == chosen else messages.WARNING
        self.message_user(
            request,
            f"Queued {len(resend)} of {chosen} confirmation(s); they go out within a minute "
            "(cancelled appointments and those without an email address are skipped).",
            level,
        )

    @admin.action(description="Export to CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="appointments.csv"'
        # Every cell quoted, and every cell neutralised (OWASP's CSV injection advice).
        writer = csv.writer(response, quoting=csv.QUOTE_ALL)
        writer.writerow(
            ["start", "end", "practitioner", "service", "status", "patient", "email", "phone"]
        )
        for appointment in queryset.select_related("practitioner", "service", "patient"):
            row = [
                timezone.localtime(appointment.start).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(appointment.end).strftime("%Y-%m-%d %H:%M"),
                appointment.practitioner.name,
                appointment.service.name,
                appointment.get_status_display(),
                appointment.patient.name,
                appointment.patient.email,
                appointment.patient.phone,
            ]
            writer.writerow([_csv_safe(cell) for cell in row])
        return response

    def get_urls(self):
        diary = path(
            "diary/",
            self.admin_site.admin_view(self.diary),
            name="bookings_appointment_diary",
        )
        book = path(
            "diary/book/",
            self.admin_site.admin_view(self.diary_book),
            name="bookings_appointment_diary_book",
        )
        return [diary, book, *super().get_urls()]

    def diary(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return diary_view(self, request)

    def diary_book(self, request: HttpRequest):
        return diary_book_view(self, request)


@admin.register(AppointmentEmail)
class AppointmentEmailAdmin(PatientDataAdmin):
    """The outbox, read-only: what went, what is waiting, and what keeps failing."""

    list_display = [
        "created_at",
        "kind",
        "appointment",
        "state",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["kind", "sent_at", "given_up_at"]
    list_select_related = ["appointment__service", "appointment__practitioner"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["try_again"]

    # Part of running the diary: reception's, not everyone's who may read patient data.
    def has_module_permission(self, request) -> bool:
        return access.can_change_diary(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_change_diary(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_change_diary(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AppointmentEmail._meta.fields]

    @admin.action(description="Try again now", permissions=["change"])
    def try_again(self, request, queryset):
        with transaction.atomic():
            again = list(queryset.filter(sent_at__isnull=True))
            for email in again:
                emails.try_again(email)
        self.message_user(request, f"Queued {len(again)} email(s) to be tried again now.")


@admin.register(AuditEntry)
class AuditEntryAdmin(PatientDataAdmin):
    """The audit trail, read-only: every change to the diary and to patient records."""

    list_display = ["at", "kind", "who", "appointment", "patient", "start", "previous_start"]
    list_filter = ["kind", "by"]
    list_select_related = ["user", "appointment__service", "appointment__practitioner", "patient"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return access.audit_visible_to(request.user).order_by(*self.get_ordering(request))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="By")
    def who(self, entry: AuditEntry) -> str:
        return entry.who


# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_START = re.compile(r"(^|[,;\t|])(\s*[=+\-@\t\r])")


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a quote before anything a spreadsheet would read
    as a formula, at the start of the cell and after any separator a spreadsheet might
    split it on (``x;=1+1`` opened with ";" as the separator); no bidi controls."""
    return FORMULA_START.sub(r"\1'\2", without_bidi_controls(value))
