"""Calendar files sent before 0014 numbered their SEQUENCE in seconds since the booking;
existing appointments start their counter there, so a later move or cancellation still
outranks what their patients' calendars hold."""

from django.db import migrations
from django.utils import timezone


def start_after_the_clock(apps, schema_editor):
    Appointment = apps.get_model("bookings", "Appointment")
    now = timezone.now()
    for appointment in Appointment.objects.only("pk", "created_at").iterator():
        seconds = max(0, int((now - appointment.created_at).total_seconds()))
        Appointment.objects.filter(pk=appointment.pk).update(sequence=seconds)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0014_calendar_sequence")]

    operations = [migrations.RunPython(start_after_the_clock, migrations.RunPython.noop)]
