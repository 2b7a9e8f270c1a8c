"""The free-text opening hours become rows (one per day and interval); lines that do not
read as "<day>[ to <day>] H:MM to H:MM" or "<day>[ to <day>] closed" stay as notes.
Content editors edit the hours with the clinic's details; reception may read them."""

import re
from datetime import time

from django.contrib.auth.management import create_permissions
from django.db import migrations

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAY = "(" + "|".join(DAYS) + ")"
OPEN = re.compile(
    rf"^{DAY}(?: to {DAY})?:? (\d{{1,2}})[:.](\d{{2}}) to (\d{{1,2}})[:.](\d{{2}})$", re.I
)
CLOSED = re.compile(rf"^{DAY}(?: to {DAY})?:? closed$", re.I)


def days(first: str, last: str | None) -> range:
    start = DAYS.index(first.lower())
    return range(start, DAYS.index((last or first).lower()) + 1)


def hours_as_rows(apps, schema_editor):
    ClinicDetails = apps.get_model("clinic", "ClinicDetails")
    OpeningHours = apps.get_model("clinic", "OpeningHours")
    clinic = ClinicDetails.objects.filter(pk=1).first()
    if clinic is None:
        clinic = ClinicDetails.objects.create(
            pk=1,
            opening_hours="Monday to Friday 8:00 to 19:00\nSaturday 9:00 to 13:00\nSunday closed",
        )
    notes = []
    for line in (line.strip() for line in clinic.opening_hours.splitlines()):
        if match := OPEN.match(line):
            first, last, h1, m1, h2, m2 = match.groups()
            for day in days(first, last):
                OpeningHours.objects.create(
                    clinic=clinic,
                    weekday=day,
                    opens=time(int(h1), int(m1)),
                    closes=time(int(h2), int(m2)),
                )
        elif not CLOSED.match(line) and line:
            notes.append(line)
    clinic.opening_hours = "\n".join(notes)
    clinic.save(update_fields=["opening_hours"])


def grant(apps, schema_editor):
    app_config = apps.get_app_config("clinic")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in (
        ("Content editor", ["add", "change", "delete", "view"]),
        ("Reception", ["view"]),
    ):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            codenames = [f"{action}_openinghours" for action in actions]
            group.permissions.add(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_opening_hours"),
        ("programs", "0003_content_editor_group"),
        ("bookings", "0003_reception_group"),
    ]

    operations = [
        migrations.RunPython(hours_as_rows, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
