"""The waiting list's public forms: joining it, and booking a time it offered."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

from clinic.models import Weekday

from .forms import BookingForm
from .models import PARTS_OF_DAY, BookingRules, Practitioner

ANYONE = "any"


class WaitlistForm(forms.Form):
    """The minimum to offer a time and book it: who, how to reach them, what suits."""

    name = BookingForm.base_fields["name"]
    email = forms.EmailField(
        label="Email address",
        help_text="We email you here when a time comes free, and a link to leave the list.",
        error_messages=BookingForm.base_fields["email"].error_messages,
        widget=BookingForm.base_fields["email"].widget,
    )
    phone = BookingForm.base_fields["phone"]
    practitioner = forms.ChoiceField(
        label="With", widget=forms.Select(attrs={"class": "form-select"})
    )
    days = forms.MultipleChoiceField(
        label="Days that suit you",
        choices=[(str(day.value), day.label) for day in Weekday],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please tick at least one day."},
    )
    parts_of_day = forms.MultipleChoiceField(
        label="Times of day that suit you",
        help_text="Morning is before 12:00, afternoon before 17:00, evening after.",
        choices=PARTS_OF_DAY,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please tick at least one time of day."},
    )
    until = forms.DateField(
        label="Until when?",
        help_text="The last day a time would still help you.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please enter a date like 2026-12-31."},
    )
    consent = forms.BooleanField(
        label=(
            "I agree that the clinic keeps these details to offer me a time, until I leave "
            "the list or the date above has passed, as the privacy notice explains."
        ),
        error_messages={"required": "Please tick the box so that we can keep you on the list."},
    )
    website = BookingForm.base_fields["website"]

    clean_name = BookingForm.clean_name
    clean_phone = BookingForm.clean_phone

    def __init__(self, *args, practitioners: list[Practitioner], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioners = practitioners
        self.today = today
        self.fields["practitioner"].choices = [(ANYONE, "Anyone who offers it")] + [
            (person.slug, person.name) for person in practitioners
        ]
        self.last_day = today + timedelta(days=BookingRules.current().booking_window_days)
        self.fields["until"].widget.attrs.update(
            min=today.isoformat(), max=self.last_day.isoformat()
        )

    def clean_until(self) -> date:
        until = self.cleaned_data["until"]
        if until < self.today:
            raise ValidationError("That date has passed: choose a later one.")
        if until > self.last_day:
            raise ValidationError(
                f"We book up to {self.last_day:%-d %B %Y}: choose that or sooner."
            )
        return until

    def chosen_practitioner(self) -> Practitioner | None:
        slug = self.cleaned_data["practitioner"]
        return next((person for person in self.practitioners if person.slug == slug), None)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class OfferForm(forms.Form):
    """Booking the offered time: the details are on the list already; the consent is not."""

    had_assessment = BookingForm.base_fields["had_assessment"]
    consent = BookingForm.base_fields["consent"]

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        if not service.needs_previous_assessment:
            del self.fields["had_assessment"]
