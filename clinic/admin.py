from django.contrib import admin

from .models import ClinicDetails, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    verbose_name_plural = "opening hours (a day with no row is closed; two rows for a break)"


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "phone", "email"]}),
        ("Address", {"fields": ["street_address", "locality", "postcode"]}),
        ("Notes on opening hours", {"fields": ["opening_hours"]}),
    ]
    inlines = [OpeningHoursInline]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ClinicDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
