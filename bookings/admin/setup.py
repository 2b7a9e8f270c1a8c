"""The diary's configuration: practitioners and their hours, services, time off, closures
and the booking rules (reception edits them; Django's permissions decide who may)."""

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.utils import timezone

from .. import access
from ..feeds import feed_url, renew_feed_token
from ..models import BookingRules, ClinicClosure, Practitioner, Service, TimeOff, WorkingHours


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
    readonly_fields = ["calendar_feed"]
    actions = ["renew_calendar_address"]

    @admin.display(description="Calendar subscription address")
    def calendar_feed(self, practitioner: Practitioner) -> str:
        if not practitioner.pk:
            return "Given when saved."
        return feed_url(practitioner)

    @admin.action(
        description="Renew the calendar subscription address (the old one stops working)",
        permissions=["change"],
    )
    def renew_calendar_address(self, request, queryset):
        for practitioner in queryset:
            renew_feed_token(practitioner)
        messages.success(
            request,
            f"Renewed {queryset.count()} calendar address(es): give each practitioner the new one.",
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only logins that may be practitioners: active staff in the Physiotherapist
            # group, not every account (which would show reception every staff username).
            kwargs["queryset"] = User.objects.filter(
                is_active=True, is_staff=True, groups__name=access.PHYSIOTHERAPIST
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
