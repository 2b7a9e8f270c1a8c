"""What every admin page with patient data shares: it asks bookings/access.py, not the
permissions directly, who may see and change it."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import access


class PatientDataAdmin(admin.ModelAdmin):
    """Read by whoever may read patient data; changed by nobody unless a subclass says so;
    deleted by nobody but a superuser (erasure anonymises; it never deletes)."""

    def has_module_permission(self, request) -> bool:
        return access.can_view_patient_data(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_view_patient_data(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can_delete_patient_data(request.user)

    def has_export_permission(self, request) -> bool:
        return access.can_export_patient_data(request.user)


def table(headings: list[str], rows: list[list]) -> str:
    """A small read-only table for a record's page (its appointments, its history): a
    field rather than an inline, so saving the page never posts it."""
    if not rows:
        return "None yet."
    head = format_html_join("", '<th scope="col">{}</th>', ([heading] for heading in headings))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ([format_html_join("", "<td>{}</td>", ([cell] for cell in row))] for row in rows),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def when(moment) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y %H:%M}" if moment else ""
