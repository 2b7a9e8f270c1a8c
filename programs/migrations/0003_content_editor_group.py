"""The "Content editor" group: writes articles, exercises and plans; nothing in bookings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Content editor"
# Besides all of programs: the clinic's contact details and hours, shown on every page.
EXTRA_PERMISSIONS = [("clinic", "change_clinicdetails"), ("clinic", "view_clinicdetails")]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to grant them.
    for app_label in ("programs", "clinic"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = list(Permission.objects.filter(content_type__app_label="programs"))
    for app_label, codename in EXTRA_PERMISSIONS:
        permissions += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_clinic_content"),
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
