"""The reception desk: the diary, the appointments and the rules of booking."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import emails
from .booking import cancel_appointment, mark_status
from .models import (
    Appointment,
    AppointmentEmail,
    BookingRules,
    ClinicClosure,
    Practitioner,
    Service,
    TimeOff,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["start", "end", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(end__gte=timezone.now())


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "active"]
    list_filter = ["active", "services"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "duration_minutes", "buffer_minutes", "price", "active", "position"]
    list_editable = ["active", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "start", "end", "note"]
    list_filter = ["practitioner"]
    date_hierarchy = "start"


@admin.register(ClinicClosure)
class ClinicClosureAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date"]


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "slot_step_minutes",
        "minimum_notice_hours",
        "booking_window_days",
        "late_cancellation_hours",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BookingRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class FollowUpCheckFilter(admin.SimpleListFilter):
    """Follow-ups booked under an email with no earlier visit: reception phones them."""

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


class AppointmentForm(forms.ModelForm):
    """Reception books by phone here; the same overlap rule as online applies."""

    class Meta:
        model = Appointment
        fields = [
            "service",
            "practitioner",
            "start",
            "status",
            "patient_name",
            "patient_email",
            "patient_phone",
            "reason",
        ]

    def clean(self):
        cleaned = super().clean()
        service, practitioner, start = (
            cleaned.get("service"),
            cleaned.get("practitioner"),
            cleaned.get("start"),
        )
        if service and practitioner and start:
            # The admin's change view runs in one transaction: this lock (the same one
            # online booking takes) holds until the save, so the check cannot go stale.
            Practitioner.objects.select_for_update().get(pk=practitioner.pk)
            self.instance.end = start + service.duration
            self.instance.blocked_until = self.instance.end + service.buffer
            active = cleaned.get("status") != Appointment.Status.CANCELLED
            clash = (
                Appointment.objects.filter(practitioner=practitioner)
                .blocking(start, self.instance.blocked_until)
                .exclude(pk=self.instance.pk)
            )
            if active and clash.exists():
                raise ValidationError(
                    "%(name)s already has an appointment then (buffers included).",
                    params={"name": practitioner.name},
                )
        return cleaned


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    form = AppointmentForm
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
    list_select_related = ["practitioner", "service"]
    date_hierarchy = "start"
    search_fields = ["patient_name", "patient_email", "patient_phone"]
    ordering = ["start"]
    readonly_fields = [
        "token",
        "end",
        "blocked_until",
        "consent_at",
        "created_at",
        "cancelled_at",
        "cancelled_by",
        "reminder_sent_at",
        "confirmation_sent_at",
        "anonymised_at",
    ]
    actions = [
        "cancel_with_notice",
        "mark_attended",
        "mark_no_show",
        "resend_confirmation",
        "export_csv",
    ]

    def get_queryset(self, request):
        emails_of = AppointmentEmail.objects.filter(appointment=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .with_earlier_visit()
            .annotate(
                email_failed=Exists(emails_of.given_up()),
                email_failing=Exists(emails_of.failing()),
                email_waiting=Exists(emails_of.pending()),
            )
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

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            # The same lock as online booking, so a phone booking cannot race a web one.
            Practitioner.objects.select_for_update().get(pk=obj.practitioner_id)
            if change and "start" in form.changed_data:
                obj.reminder_sent_at = None  # the new day gets its own reminder
            super().save_model(request, obj, form, change)
            if not change and obj.patient_email:
                emails.queue_booking_emails(obj)
            elif change and "start" in form.changed_data and obj.is_active:
                emails.queue_moved_emails(obj, form.initial["start"])

    @admin.action(description="Cancel and tell the patient", permissions=["change"])
    def cancel_with_notice(self, request, queryset):
        by = f"staff:{request.user.get_username()}"
        count = 0
        for appointment in queryset.active():
            cancel_appointment(appointment, by=by, enforce_window=False)
            count += 1
        self.message_user(request, f"Cancelled {count} appointment(s); patients are told by email.")

    @admin.action(description="Mark attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        for appointment in queryset:
            mark_status(appointment, Appointment.Status.ATTENDED)
        self.message_user(request, "Marked attended.")

    @admin.action(description="Mark no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        for appointment in queryset:
            mark_status(appointment, Appointment.Status.NO_SHOW)
        self.message_user(request, "Marked no-show.")

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        chosen = queryset.count()
        with transaction.atomic():
            resend = list(queryset.active().exclude(patient_email=""))
            for appointment in resend:
                emails.queue(appointment, AppointmentEmail.Kind.CONFIRMATION)
        level = messages.SUCCESS if len(resend) == chosen else messages.WARNING
        self.message_user(
            request,
            f"Queued {len(resend)} of {chosen} confirmation(s); they go out within a minute "
            "(cancelled appointments and those without an email address are skipped).",
            level,
        )

    @admin.action(description="Export to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="appointments.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["start", "end", "practitioner", "service", "status", "patient", "email", "phone"]
        )
        for appointment in queryset.select_related("practitioner", "service"):
            writer.writerow(
                [
                    timezone.localtime(appointment.start).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(appointment.end).strftime("%Y-%m-%d %H:%M"),
                    appointment.practitioner.name,
                    appointment.service.name,
                    appointment.get_status_display(),
                    _csv_safe(appointment.patient_name),
                    _csv_safe(appointment.patient_email),
                    _csv_safe(appointment.patient_phone),
                ]
            )
        return response

    # --- The diary: a day or a week per practitioner -------------------------------

    def get_urls(self):
        diary = path(
            "diary/",
            self.admin_site.admin_view(self.diary_view),
            name="bookings_appointment_diary",
        )
        return [diary, *super().get_urls()]

    def diary_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
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
        # A practitioner with a login sees their own diary first.
        if "practitioner" in request.GET:
            wanted = request.GET["practitioner"]
        else:
            wanted = _own_practitioner_id(request.user)
        chosen = next((p for p in practitioners if str(p.pk) == str(wanted)), None)
        tz = timezone.get_current_timezone()
        start = datetime.combine(first_day, time(0), tzinfo=tz)
        end = datetime.combine(first_day + timedelta(days=length), time(0), tzinfo=tz)
        appointments = Appointment.objects.for_diary().filter(start__gte=start, start__lt=end)
        if chosen:
            appointments = appointments.filter(practitioner=chosen)
        days = {first_day + timedelta(days=n): [] for n in range(length)}
        for appointment in appointments:
            days[timezone.localtime(appointment.start).date()].append(appointment)
        step = timedelta(days=length)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Diary: {chosen or 'all practitioners'}",
            "days": list(days.items()),
            "practitioners": practitioners,
            "chosen": chosen,
            "span": span,
            "first_day": first_day,
            "previous_day": first_day - step,
            "next_day": first_day + step,
            "changelist_url": reverse("admin:bookings_appointment_changelist"),
        }
        return TemplateResponse(request, "admin/bookings/appointment/diary.html", context)


@admin.register(AppointmentEmail)
class AppointmentEmailAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
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


def _own_practitioner_id(user) -> int | None:
    practitioner = Practitioner.objects.filter(user=user).only("pk").first()
    return practitioner.pk if practitioner else None


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection from patient-typed text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
