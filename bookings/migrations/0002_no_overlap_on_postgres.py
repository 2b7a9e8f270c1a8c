"""The database refuses two active appointments of one practitioner whose times overlap.

Postgres only: an exclusion constraint over (practitioner, [start, blocked_until)),
blocked_until being the end plus the service's buffer, for every appointment that is
not cancelled. It needs btree_gist (equality on an integer inside a GiST index).
SQLite has no exclusion constraints; there the booking transaction (IMMEDIATE mode
plus the re-check under the practitioner lock) keeps bookings apart.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointment
    ADD CONSTRAINT appointment_no_overlap
    EXCLUDE USING gist (
        practitioner_id WITH =,
        tstzrange(start, blocked_until, '[)') WITH &&
    ) WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
