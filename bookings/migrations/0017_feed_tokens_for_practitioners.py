"""Each practitioner gets a private calendar-feed token (unique from 0018 on), and
Reception manages the waiting list: sees, edits and removes entries, sees their offers."""

import secrets

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECEPTION = "Reception"
RECEPTION_PERMISSIONS = [
    "view_waitlistentry",
    "change_waitlistentry",
    "delete_waitlistentry",
    "view_waitlistoffer",
]


def forwards(apps, schema_editor):
    Practitioner = apps.get_model("bookings", "Practitioner")
    for practitioner in Practitioner.objects.filter(feed_token__isnull=True):
        practitioner.feed_token = secrets.token_urlsafe(32)
        practitioner.save(update_fields=["feed_token"])
    app_config = apps.get_app_config("bookings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    reception = apps.get_model("auth", "Group").objects.filter(name=RECEPTION).first()
    if reception is not None:
        Permission = apps.get_model("auth", "Permission")
        reception.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="bookings", codename__in=RECEPTION_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0016_courses_waitlist_feeds"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
