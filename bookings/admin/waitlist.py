"""The waiting list in the back office: reception sees who waits for what, in join order,
with the times offered to each, and can change what suits a person or remove them.
People join on the public pages; Django's permissions (migration 0017) decide who sees it."""

from django.contrib import admin

from ..models import WaitlistEntry, WaitlistOffer


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    extra = 0
    fields = ["practitioner", "start", "created_at", "sent_at", "attempts"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "name",
        "phone",
        "service",
        "practitioner",
        "day_names",
        "part_names",
        "until",
        "booked_at",
    ]
    list_filter = ["service", "practitioner", ("booked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "phone"]
    ordering = ["created_at", "pk"]
    list_select_related = ["service", "practitioner"]
    fields = [
        "service",
        "practitioner",
        "name",
        "email",
        "phone",
        "days",
        "parts_of_day",
        "until",
        "created_at",
        "consent_at",
        "booked_at",
        "appointment",
    ]
    readonly_fields = ["created_at", "consent_at", "booked_at", "appointment"]
    inlines = [WaitlistOfferInline]

    def has_add_permission(self, request) -> bool:
        return False  # people join themselves, with their consent

    @admin.display(description="Days")
    def day_names(self, entry: WaitlistEntry) -> str:
        return entry.day_names()

    @admin.display(description="Times of day")
    def part_names(self, entry: WaitlistEntry) -> str:
        return entry.part_names()
