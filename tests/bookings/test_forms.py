"""The booking form's widgets write Django's own HTML (bookings/forms.py), without its
templates: compared here byte for byte with Django's template-rendered widgets."""

import pytest
from django import forms as django_forms

from bookings.forms import BookingForm

from .factories import make_service

pytestmark = pytest.mark.django_db

TYPED = {
    "name": 'Ann "Nan" <O\'Neil> & co',
    "email": "not an email",
    "phone": "",
    "reason": "Left hamstring </textarea><script>x</script>\nsecond line",
    "had_assessment": "on",
    "website": "",
}


def as_django_renders_it(field) -> str:
    """The widget through Django's template of its class."""
    plain = next(
        base
        for base in type(field.field.widget).__mro__
        if base.__module__.startswith("django.forms")
    )
    widget = plain(attrs=field.field.widget.attrs)
    widget.is_required = field.field.widget.is_required
    return field.as_widget(widget=widget)


@pytest.mark.parametrize("data", [None, TYPED, {}], ids=["empty", "typed", "sent empty"])
@pytest.mark.parametrize("follow_up", [False, True])
def test_each_field_is_written_as_djangos_template_writes_it(data, follow_up):
    service = make_service(needs_previous_assessment=follow_up)
    form = BookingForm(data, service=service)
    if data is not None:
        form.is_valid()  # errors: aria-invalid on the fields
    for field in form:
        assert not isinstance(field.field.widget, django_forms.Select)
        assert str(field) == as_django_renders_it(field), field.name
