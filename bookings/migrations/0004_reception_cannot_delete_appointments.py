"""Reception cancels appointments (the patient is told, the record stays); it does not
delete them. Deleting is left to an administrator, for example on an erasure request."""

from django.db import migrations

GROUP = "Reception"


def revoke_delete(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="bookings", codename="delete_appointment"
            )
        )


def grant_delete(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="bookings", codename="delete_appointment"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_reception_group")]

    operations = [migrations.RunPython(revoke_delete, grant_delete)]
