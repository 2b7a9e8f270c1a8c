from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import (
    Article,
    Equipment,
    Exercise,
    Muscle,
    Plan,
    PlanWeek,
    Prescription,
    Reference,
    Session,
    Tag,
)


def _site_link(obj, label: str):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
    )


@admin.register(Tag, Muscle, Equipment)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "doi", "url"]
    search_fields = ["short_name", "citation", "doi"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "updated_at", "preview"]
    list_filter = ["status", "tags", "author"]
    search_fields = ["title", "summary", "body", "author"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "related_exercises", "related_plans", "references"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "author"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Drafts and articles scheduled for later are visible "
                "only to staff, who can preview them on the site.",
            },
        ),
        ("Hero image", {"fields": ["hero_image", "hero_image_alt"]}),
        ("Search engines and sharing", {"fields": ["seo_title", "seo_description"]}),
        ("Links", {"fields": ["tags", "related_exercises", "related_plans", "references"]}),
    ]

    @admin.display(description="On the site")
    def preview(self, obj):
        return _site_link(obj, "View" if obj.is_public else "Preview")


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "level", "is_published", "updated_at", "preview"]
    list_filter = ["is_published", "category", "level", "equipment", "target_muscles"]
    list_editable = ["is_published"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "target_muscles",
        "equipment",
        "tags",
        "easier_variation",
        "harder_variation",
        "references",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "category", "level", "is_published"]}),
        ("How to do it", {"fields": ["steps", "coaching_cues", "common_mistakes", "safety_note"]}),
        (
            "Default dose",
            {
                "fields": [
                    ("default_sets", "default_reps"),
                    ("default_hold_seconds", "default_hold_seconds_max"),
                    "default_rest_seconds",
                    "per_side",
                ]
            },
        ),
        ("What it works and needs", {"fields": ["target_muscles", "equipment", "tags"]}),
        (
            "Pictures",
            {"fields": ["illustration", "illustration_alt", "image", "image_alt"]},
        ),
        (
            "Variations and sources",
            {"fields": ["easier_variation", "harder_variation", "evidence", "references"]},
        ),
    ]

    @admin.display(description="On the site")
    def preview(self, obj):
        return _site_link(obj, "View" if obj.is_public else "Preview")


class PlanWeekInline(admin.TabularInline):
    """Weeks on the plan's page; each lists its sessions, one click from their doses."""

    model = PlanWeek
    extra = 0
    fields = ["number", "phase", "notes", "references", "sessions"]
    readonly_fields = ["sessions"]
    autocomplete_fields = ["references"]
    show_change_link = True

    @admin.display(description="Sessions")
    def sessions(self, week):
        if not week.pk:
            return "Save the week first, then add its sessions."
        links = format_html_join(
            "",
            '<a href="{}">{}: {}</a><br>',
            (
                (
                    reverse("admin:programs_session_change", args=[s.pk]),
                    s.get_day_of_week_display(),
                    s.title,
                )
                for s in week.sessions.all()
            ),
        )
        add_url = reverse("admin:programs_session_add") + f"?week={week.pk}"
        # Readonly fields sit inside a <p>: links and line breaks only.
        return format_html('{}<a href="{}">+ Add a session</a>', links, add_url)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sessions", "references")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "level",
        "duration_weeks",
        "sessions_per_week",
        "is_published",
        "is_featured",
        "updated_at",
        "preview",
    ]
    list_filter = ["is_published", "is_featured", "level"]
    search_fields = ["title", "summary", "audience"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PlanWeekInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "level", "is_published", "is_featured"]}),
        (
            "Who it is for and what it needs",
            {"fields": ["audience", "duration_weeks", "sessions_per_week", "equipment"]},
        ),
        ("Description", {"fields": ["description", "tags"]}),
    ]
    autocomplete_fields = ["tags"]

    @admin.display(description="On the site")
    def preview(self, obj):
        return _site_link(obj, "View" if obj.is_public else "Preview")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["day_of_week", "title", "notes", "exercise_count"]
    readonly_fields = ["exercise_count"]
    show_change_link = True

    @admin.display(description="Exercises")
    def exercise_count(self, session):
        return session.prescriptions.count() if session.pk else 0


@admin.action(
    description="Duplicate the selected weeks (as new last weeks of their plans)",
    permissions=["add"],
)
def duplicate_weeks(modeladmin, request, queryset):
    for week in queryset.select_related("plan").order_by("plan", "number"):
        copy = week.duplicate()
        modeladmin.message_user(
            request, f"{week} copied as week {copy.number}.", level=messages.SUCCESS
        )


@admin.register(PlanWeek)
class PlanWeekAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "number", "phase", "session_count"]
    list_filter = ["plan", "phase"]
    list_select_related = ["plan"]
    search_fields = ["plan__title", "notes"]
    autocomplete_fields = ["references"]
    inlines = [SessionInline]
    actions = [duplicate_weeks]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions"))

    @admin.display(description="Sessions", ordering="session_total")
    def session_count(self, week):
        return week.session_total


class PrescriptionInline(admin.TabularInline):
    model = Prescription
    extra = 1
    fields = [
        "order",
        "exercise",
        "sets",
        "reps",
        "hold_seconds",
        "rest_seconds",
        "per_side",
        "effort_min",
        "effort_max",
        "notes",
    ]
    autocomplete_fields = ["exercise"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """A session and its exercises on one page; saving returns to the plan."""

    list_display = ["__str__", "day_of_week", "title"]
    list_filter = ["week__plan"]
    list_select_related = ["week__plan"]
    search_fields = ["title", "week__plan__title"]
    autocomplete_fields = ["week"]
    inlines = [PrescriptionInline]

    def _back_to_plan(self, request, obj, response):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return response
        url = reverse("admin:programs_plan_change", args=[obj.week.plan_id])
        return HttpResponseRedirect(f"{url}#weeks-tab")

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_plan(
            request, obj, super().response_add(request, obj, post_url_continue)
        )

    def response_change(self, request, obj):
        return self._back_to_plan(request, obj, super().response_change(request, obj))
