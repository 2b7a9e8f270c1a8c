"""The back office of health data: physios build programmes and read logs and intake
answers; reception sees an intake's status on the appointment; superusers read who opened
what. Every class asks care/access.py, and opening a programme or intake is recorded."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html

from bookings.admin.appointments import AppointmentAdmin
from bookings.admin.base import table
from bookings.models import Appointment

from . import access
from .adherence import adherence, chart, summary
from .models import (
    HealthDataAccess,
    Intake,
    IntakeAnswer,
    IntakeQuestion,
    Programme,
    ProgrammeExercise,
)
from .programmes import copy_plan

QUIET_DAYS = 7


class HealthDataAdmin(admin.ModelAdmin):
    """Read by physios (their patients) and superusers; nobody else sees it exists."""

    def has_module_permission(self, request) -> bool:
        return access.can_read_health_data(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_read_health_data(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class QuietFilter(admin.SimpleListFilter):
    title = "logging"
    parameter_name = "logging"

    def lookups(self, request, model_admin):
        return [("quiet", f"Nothing logged for {QUIET_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "quiet":
            return queryset.quiet_since(timezone.localdate() - timedelta(days=QUIET_DAYS))
        return queryset


class ProgrammeExerciseInline(admin.TabularInline):
    model = ProgrammeExercise
    extra = 1
    fields = [
        "week",
        "order",
        "exercise",
        "sets",
        "reps",
        "hold_seconds",
        "rest_seconds",
        "per_side",
        "effort_target",
        "notes",
    ]

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_read_health_data(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return access.can_change_programmes(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_change_programmes(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can_change_programmes(request.user)


@admin.register(Programme)
class ProgrammeAdmin(HealthDataAdmin):
    inlines = [ProgrammeExerciseInline]
    list_display = ["title", "patient", "practitioner", "start_date", "weeks", "adherence_so_far"]
    list_filter = [QuietFilter, "practitioner"]
    list_select_related = ["patient", "practitioner"]
    search_fields = ["title", "patient__name", "patient__email"]
    autocomplete_fields = ["patient", "appointment"]
    fieldsets = [
        (None, {"fields": ["patient", "appointment", "practitioner", "title"]}),
        ("Plan", {"fields": ["based_on", "start_date", "weeks", "sessions_per_week", "notes"]}),
        ("For the patient", {"fields": ["private_link"]}),
        ("Log and adherence", {"fields": ["whole_log"]}),
    ]
    readonly_fields = ["private_link", "whole_log"]

    def has_add_permission(self, request) -> bool:
        return access.can_prescribe(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_change_programmes(request.user)

    def get_queryset(self, request):
        return access.programmes_visible_to(request.user).with_log_summary()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        practitioner = getattr(request.user, "practitioner", None)
        if practitioner is not None:
            initial.setdefault("practitioner", practitioner.pk)
        initial.setdefault("start_date", timezone.localdate())
        return initial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        programme = self.get_object(request, object_id)
        if programme is not None and request.method == "GET":
            access.record_read(
                request.user,
                HealthDataAccess.What.PROGRAMME,
                programme.patient_id,
                programme=programme,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        programme = form.instance
        if not change and programme.based_on and not programme.exercises.exists():
            copied = copy_plan(programme, programme.based_on)
            messages.info(request, f"Copied {copied} exercises from the plan: edit them below.")

    def response_add(self, request, obj, post_url_continue=None):
        if obj.based_on and "_continue" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"  # straight on to edit what was copied
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="Adherence so far")
    def adherence_so_far(self, programme: Programme) -> str:
        # From the annotated count: no query per row.
        today = timezone.localdate()
        weeks = min(programme.week_of(today), programme.weeks)
        return summary(weeks, programme.sessions_per_week, programme.logged_sessions)

    @admin.display(description="Patient's private page")
    def private_link(self, programme: Programme) -> str:
        if not programme.pk:
            return "Given once the programme is saved."
        return format_html(
            '<a href="{}">{}</a> (give it to the patient; it opens this programme alone)',
            programme.private_url(),
            programme.private_url(),
        )

    @admin.display(description="Every session logged")
    def whole_log(self, programme: Programme) -> str:
        if not programme.pk:
            return "None yet."
        programme = Programme.objects.for_page().get(pk=programme.pk)
        result = adherence(programme, timezone.localdate())
        rows = [
            [
                f"{log.performed_on:%a %d %b %Y}",
                f"week {programme.week_of(log.performed_on)}",
                log.get_completion_display(),
                f"{log.pain}/10",
                f"{log.effort}/10",
                log.note,
            ]
            for log in programme.logs.all()
        ]
        return format_html(
            "<p>{}</p>{}{}",
            result,
            chart(result, f"adherence-{programme.pk}"),
            table(["Day", "Week", "Done", "Pain", "Effort", "Note"], rows),
        )


class IntakeAnswerInline(admin.TabularInline):
    model = IntakeAnswer
    fields = ["question_text", "answer", "urgent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_read_health_data(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(HealthDataAdmin):
    list_display = ["appointment", "submitted_at", "needs_urgent_care"]
    list_filter = ["needs_urgent_care"]
    list_select_related = ["appointment__service", "appointment__practitioner"]
    inlines = [IntakeAnswerInline]
    fields = ["appointment", "submitted_at", "needs_urgent_care"]
    readonly_fields = fields

    def get_queryset(self, request):
        return access.intakes_visible_to(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self.get_object(request, object_id)
        if intake is not None and request.method == "GET":
            access.record_read(
                request.user,
                HealthDataAccess.What.INTAKE,
                intake.appointment.patient_id,
                intake=intake,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(IntakeQuestion)
class IntakeQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "required", "yes_needs_urgent_care", "position", "active"]
    list_editable = ["position", "active"]

    def has_module_permission(self, request) -> bool:
        return access.can_edit_intake_questions(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_edit_intake_questions(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # answers keep their question's text; take one off the form instead


@admin.register(HealthDataAccess)
class HealthDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "patient", "programme", "intake"]
    list_filter = ["what", "user"]
    list_select_related = ["user", "patient", "programme", "intake"]
    date_hierarchy = "at"

    def has_module_permission(self, request) -> bool:
        return access.can_read_access_log(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_read_access_log(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- The appointment, as reception and its practitioner see it ------------------------------


class UrgentIntakeFilter(admin.SimpleListFilter):
    title = "intake"
    parameter_name = "intake"

    def lookups(self, request, model_admin):
        return [("urgent", "Needs urgent care: phone"), ("missing", "First visit, not sent")]

    def queryset(self, request, queryset):
        if self.value() == "urgent":
            return queryset.filter(intake_urgent=True)
        if self.value() == "missing":
            return queryset.filter(intake_sent=False, service__needs_previous_assessment=False)
        return queryset


class AppointmentWithCareAdmin(AppointmentAdmin):
    """The bookings app's appointment admin, plus the intake's status in the list (for
    reception) and, on the page, the intake and the patient's programmes (for physios)."""

    change_form_template = "admin/care/appointment_change_form.html"

    def get_list_display(self, request):
        return [*super().get_list_display(request), "intake_state"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), UrgentIntakeFilter]

    def get_queryset(self, request):
        intake = Intake.objects.filter(appointment=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                intake_sent=Exists(intake),
                intake_urgent=Exists(intake.filter(needs_urgent_care=True)),
            )
        )

    @admin.display(description="Intake")
    def intake_state(self, appointment: Appointment) -> str:
        if appointment.intake_urgent:
            return "Urgent: phone the patient"
        if appointment.intake_sent:
            return "Complete"
        return "Not sent" if not appointment.service.needs_previous_assessment else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appointment = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), **care_context(request, appointment)}
        return super().change_view(request, object_id, form_url, extra_context)


def care_context(request, appointment: Appointment | None) -> dict:
    """What the appointment's page shows of health data, by the one rule."""
    if appointment is None or not access.can_see_intake_status(request.user):
        return {}
    intake = Intake.objects.filter(appointment=appointment).first()
    context = {"care_intake": intake, "care_can_read": False}
    if not access.can_read_answers(request.user, appointment):
        return context
    context["care_can_read"] = True
    today = timezone.localdate()
    programmes = list(
        access.programmes_visible_to(request.user)
        .filter(patient_id=appointment.patient_id)
        .for_page()
    )
    results = [(programme, adherence(programme, today)) for programme in programmes]
    context["care_programmes"] = [
        (programme, result, chart(result, f"adherence-{programme.pk}"))
        for programme, result in results
    ]
    if intake is not None:
        context["care_answers"] = list(intake.answers.all())
    if request.method != "GET":
        return context
    if intake is not None:
        access.record_read(
            request.user, HealthDataAccess.What.INTAKE, appointment.patient_id, intake=intake
        )
    for programme in programmes:
        access.record_read(
            request.user,
            HealthDataAccess.What.PROGRAMME,
            appointment.patient_id,
            programme=programme,
        )
    return context


admin.site.unregister(Appointment)
admin.site.register(Appointment, AppointmentWithCareAdmin)
