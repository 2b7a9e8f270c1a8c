"""The admin's history kept each appointment's name as it was, the patient's name
included; rewrite those names without it (Appointment.__str__ no longer has it)."""

from django.db import migrations


def scrub_history(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    kind = ContentType.objects.filter(app_label="bookings", model="appointment").first()
    if kind is None:
        return
    entries = LogEntry.objects.filter(content_type=kind)
    for entry in entries.only("pk", "object_id").iterator():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=f"Appointment {entry.object_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_reception_cannot_delete_appointments"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub_history, migrations.RunPython.noop)]
