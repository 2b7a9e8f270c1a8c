"""Reception sees the email outbox and may try a failed email again; confirmations that
never went out under the old after-commit sending join the outbox (the worker's
retry job sends them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("bookings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reception = Group.objects.filter(name="Reception").first()
    if reception is not None:
        reception.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="bookings",
                codename__in=["view_appointmentemail", "change_appointmentemail"],
            )
        )

    Appointment = apps.get_model("bookings", "Appointment")
    AppointmentEmail = apps.get_model("bookings", "AppointmentEmail")
    now = timezone.now()
    unsent = Appointment.objects.filter(
        status="confirmed", confirmation_sent_at__isnull=True, start__gt=now
    ).exclude(patient_email="")
    AppointmentEmail.objects.bulk_create(
        AppointmentEmail(
            appointment=appointment,
            kind="confirmation",
            about_start=appointment.start,
            next_attempt_at=now,
        )
        for appointment in unsent
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_email_outbox"),
        ("bookings", "0003_reception_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
