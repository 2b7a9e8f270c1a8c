"""Patient records in the back office: find a person and their history; merge records that
are one person, split one that is two; export everything held on a patient; erase one.

The changes themselves are functions of bookings/patients.py; these pages choose what
to pass them, and ask bookings/access.py who may.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import access, audit
from ..models import Appointment, AuditEntry, Patient
from ..patients import PatientDetails, erase_patient, export_patient, merge_patients, split_patient
from .base import PatientDataAdmin, table, when

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class SharedEmailFilter(admin.SimpleListFilter):
    """Records that share an email with another: one person twice, or a family."""

    title = "shared email"
    parameter_name = "shared_email"

    def lookups(self, request, model_admin):
        return [("yes", "Shares an email with another record")]

    def queryset(self, request, queryset):
        return queryset.sharing_an_email() if self.value() == "yes" else queryset


class ErasedFilter(admin.SimpleListFilter):
    title = "erased"
    parameter_name = "erased"

    def lookups(self, request, model_admin):
        return [("no", "Current records"), ("yes", "Erased (anonymised)")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(anonymised_at__isnull=self.value() == "no")
        return queryset


class SplitForm(forms.Form):
    appointments = forms.ModelMultipleChoiceField(
        queryset=Appointment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The appointments that belong to the other person.",
    )
    name = forms.CharField(label="The other person's name", max_length=120)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=30, required=False)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        appointments = patient.appointments.select_related("service", "practitioner")
        self.fields["appointments"].queryset = appointments.order_by("-start")


@admin.register(Patient)
class PatientAdmin(PatientDataAdmin):
    change_form_template = "admin/bookings/patient/change_form.html"
    list_display = [
        "name",
        "email",
        "phone",
        "date_of_birth",
        "appointment_count",
        "last_appointment",
    ]
    list_filter = [SharedEmailFilter, ErasedFilter]
    search_fields = ["name", "email", "phone"]
    ordering = ["name", "pk"]
    fieldsets = [
        (None, {"fields": ["name", "email", "phone", "date_of_birth"]}),
        ("Record", {"fields": ["created_at", "anonymised_at"]}),
        ("Appointments", {"fields": ["appointment_list"]}),
        ("History: who changed what, and when", {"fields": ["history"]}),
    ]
    readonly_fields = ["created_at", "anonymised_at", "appointment_list", "history"]
    actions = ["merge", "export_everything", "erase"]

    def has_add_permission(self, request) -> bool:
        return access.can_add_patient_records(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        # An erased record stays erased.
        erased = obj is not None and obj.is_anonymised
        return access.can_change_patient_records(request.user) and not erased

    def has_erase_permission(self, request) -> bool:
        return access.can_erase_patients(request.user)

    def get_queryset(self, request):
        return (
            access.patients_visible_to(request.user)
            .for_listing()
            .order_by(*self.get_ordering(request))
        )

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.fieldsets[:1]

    @admin.display(description="Appointments")
    def appointment_list(self, patient: Patient) -> str:
        rows = patient.appointments.select_related("service", "practitioner").order_by("-start")
        return table(
            ["When", "Service", "With", "Status", "Reason"],
            [
                [
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("admin:bookings_appointment_change", args=[a.pk]),
                        when(a.start),
                    ),
                    a.service.name,
                    a.practitioner.name,
                    a.get_status_display(),
                    a.reason,
                ]
                for a in rows
            ],
        )

    @admin.display(description="History")
    def history(self, patient: Patient) -> str:
        entries = (
            AuditEntry.objects.for_patient(patient).select_related("user").order_by("-at", "-pk")
        )
        return table(
            ["When", "What", "By", "Appointment", "Its time", "Earlier record"],
            [
                [
                    when(e.at),
                    e.get_kind_display(),
                    e.who,
                    e.appointment_id or "",
                    when(e.start),
                    e.previous_patient_id or "",
                ]
                for e in entries
            ],
        )

    @admin.display(description="Appointments", ordering="appointment_count")
    def appointment_count(self, patient: Patient) -> int:
        return patient.appointment_count

    @admin.display(description="Last appointment", ordering="last_appointment")
    def last_appointment(self, patient: Patient):
        return patient.last_appointment

    # --- Merge ----------------------------------------------------------------------------

    @admin.action(description="Merge the selected records into one", permissions=["change"])
    def merge(self, request, queryset):
        records = list(queryset)
        if len(records) < 2:
            self.message_user(request, "Choose two or more records to merge.", messages.WARNING)
            return None
        if any(record.is_anonymised for record in records):
            self.message_user(request, "An erased record cannot be merged.", messages.ERROR)
            return None
        keep = next((r for r in records if str(r.pk) == request.POST.get("keep")), None)
        if keep is None:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Merge patient records",
                "records": records,
                "action_fields": _action_fields(request),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/bookings/patient/merge.html", context)
        moved = merge_patients(keep, records, by=audit.staff(request.user))
        self.message_user(
            request,
            f"Merged {len(records) - 1} record(s) into {keep}; {moved} appointment(s) moved.",
        )
        return None

    # --- Split ----------------------------------------------------------------------------

    def get_urls(self):
        split = path(
            "<path:object_id>/split/",
            self.admin_site.admin_view(self.split_view),
            name="bookings_patient_split",
        )
        return [split, *super().get_urls()]

    def split_view(self, request: HttpRequest, object_id: str):
        if not self.has_change_permission(request):
            raise PermissionDenied
        patient = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        if not self.has_change_permission(request, patient):
            raise PermissionDenied
        form = SplitForm(request.POST or None, patient=patient)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            new = split_patient(
                patient,
                data["appointments"],
                PatientDetails(data["name"], data["email"], data["phone"]),
                by=audit.staff(request.user),
            )
            self.message_user(
                request, f"{len(data['appointments'])} appointment(s) moved to {new}."
            )
            return HttpResponseRedirect(reverse("admin:bookings_patient_change", args=[new.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Split {patient}",
            "patient": patient,
            "form": form,
        }
        return TemplateResponse(request, "admin/bookings/patient/split.html", context)

    # --- The person's rights --------------------------------------------------------------

    @admin.action(description="Export everything we hold", permissions=["export"], location=BOTH)
    def export_everything(self, request, queryset):
        records = list(queryset[:2])
        if len(records) != 1:
            self.message_user(request, "Export one patient at a time.", messages.WARNING)
            return None
        patient = records[0]
        held = export_patient(patient, by=audit.staff(request.user))
        response = HttpResponse(
            json.dumps(held, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Erase (anonymise)", permissions=["erase"], location=BOTH)
    def erase(self, request, queryset):
        records = [record for record in queryset if not record.is_anonymised]
        if not records:
            self.message_user(request, "Those records are erased already.", messages.WARNING)
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Erase patient records",
                "records": records,
                "action_fields": _action_fields(request),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/bookings/patient/erase.html", context)
        by = audit.staff(request.user)
        for record in records:
            erase_patient(record, by)
        self.message_user(
            request,
            f"Erased {len(records)} record(s): details and reasons gone, appointments kept.",
        )
        return None


def _action_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The fields that name the action, to post again from a page that asks to confirm it
    (from the list, or from a record's own page)."""
    names = ["action", "index", f"{ActionLocation.CHANGE_FORM.value}-action"]
    return [(name, request.POST[name]) for name in names if name in request.POST]
