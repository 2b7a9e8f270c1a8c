"""The "Reception" staff group: runs the diary (all bookings models), reads clinic details."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Reception"
BOOKINGS_MODELS = (
    "appointment",
    "practitioner",
    "service",
    "workinghours",
    "timeoff",
    "clinicclosure",
    "bookingrules",
)


def create_group(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="bookings", content_type__model__in=BOOKINGS_MODELS
        )
    )
    permissions += list(
        Permission.objects.filter(
            content_type__app_label="clinic",
            content_type__model="clinicdetails",
            codename="view_clinicdetails",
        )
    )
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_no_overlap_on_postgres"),
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
