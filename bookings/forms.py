import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .booking import PatientDetails
from .models import Service

PHONE_DIGITS = re.compile(r"\d")
PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


# --- Widgets that write Django's own HTML without a template ------------------------------
# The booking form is the one form every visitor sends, and shown again with what they
# typed after a lost race; Django renders each widget through a template, a third of that
# page's time. These write the same HTML as Django's input.html, textarea.html and
# attrs.html (tests/bookings/test_forms.py compares them byte for byte) from the same
# context (Django's ``get_context``: values, ids, aria attributes).


def _attrs(attrs: dict) -> SafeString:
    # As attrs.html: True is a bare attribute, False none; values as |stringformat:'s'.
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', f"{value}"))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickInput:
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', f"{widget['value']}")
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            _attrs(widget["attrs"]),
        )


class TextInput(QuickInput, forms.TextInput):
    pass


class EmailInput(QuickInput, forms.EmailInput):
    pass


class TelInput(QuickInput, forms.TelInput):
    pass


class CheckboxInput(QuickInput, forms.CheckboxInput):
    pass


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )


class BookingForm(forms.Form):
    """The patient's details; nothing is ticked or filled in for them.

    A follow-up also asks the patient to confirm an earlier assessment, rather than
    looking the email up, which would tell anyone who is a patient of the clinic.
    """

    name = forms.CharField(
        label="Your full name",
        max_length=120,
        error_messages={"required": "Please enter your full name."},
        widget=TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We send your confirmation and a link to change the booking here.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter an email address like name@example.com.",
        },
        widget=EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        help_text="In case we need to reach you on the day.",
        error_messages={"required": "Please enter a phone number, for example 07700 900123."},
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    reason = forms.CharField(
        label="What would you like help with? (optional)",
        max_length=200,
        required=False,
        help_text="A few words, up to 200 characters. It is never put in an email.",
        widget=Textarea(attrs={"rows": 3, "maxlength": 200}),
    )
    had_assessment = forms.BooleanField(
        label="I have had an assessment at the clinic before",
        widget=CheckboxInput,
        help_text="If not, please book an initial assessment first.",
        error_messages={
            "required": (
                "Please tick the box if you have had an assessment with us before. "
                "If not, please book an initial assessment first."
            )
        },
    )
    consent = forms.BooleanField(
        widget=CheckboxInput,
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
        widget=TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
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
