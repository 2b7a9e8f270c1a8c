import re

from django import forms
from django.core.exceptions import ValidationError

from .booking import PatientDetails
from .models import Service

PHONE_DIGITS = re.compile(r"\d")
PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


class BookingForm(forms.Form):
    """The patient's details; nothing is ticked or filled in for them.

    A follow-up also asks the patient to confirm an earlier assessment, rather than
    looking the email up, which would tell anyone who is a patient of the clinic.
    """

    name = forms.CharField(
        label="Your full name",
        max_length=120,
        error_messages={"required": "Please enter your full name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We send your confirmation and a link to change the booking here.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        help_text="In case we need to reach you on the day.",
        error_messages={"required": "Please enter a phone number, for example 07700 900123."},
        widget=forms.TelInput(attrs={"autocomplete": "tel"}),
    )
    reason = forms.CharField(
        label="What would you like help with? (optional)",
        max_length=200,
        required=False,
        help_text="A few words, up to 200 characters. It is never put in an email.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 200}),
    )
    had_assessment = forms.BooleanField(
        label="I have had an assessment at the clinic before",
        help_text="If not, please book an initial assessment first.",
        error_messages={
            "required": (
                "Please tick the box if you have had an assessment with us before. "
                "If not, please book an initial assessment first."
            )
        },
    )
    consent = forms.BooleanField(
        label=(
            "I agree that the clinic keeps these details to manage my appointment, "
            "as the privacy notice explains."
        ),
        error_messages={"required": "Please tick the box so that we can keep your booking."},
    )
    # A honeypot: hidden from people (and screen readers); simple bots fill it in.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        if not service.needs_previous_assessment:
            del self.fields["had_assessment"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_CHARACTERS.match(phone) or len(PHONE_DIGITS.findall(phone)) < 7:
            raise ValidationError("Please enter a phone number, for example 07700 900123.")
        return phone

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].strip()

    @property
    def asks_for_assessment(self) -> bool:
        """Whether it has the "assessment before" box (the one field that varies)."""
        return "had_assessment" in self.fields

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def patient(self) -> PatientDetails:
        data = self.cleaned_data
        return PatientDetails(data["name"], data["email"], data["phone"], data["reason"])
