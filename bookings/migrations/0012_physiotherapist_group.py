"""Who may do what with patient records (bookings/access.py reads these permissions).

Reception: finds, edits, merges and splits patient records, exports everything held on
one, and erases one (anonymises it); reads the audit trail. It deletes none of them.
Physiotherapist (a new group): reads patient records, appointments and the audit trail,
and changes nothing in the diary or its configuration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECEPTION = "Reception"
PHYSIOTHERAPIST = "Physiotherapist"
RECEPTION_PERMISSIONS = [
    "add_patient",
    "change_patient",
    "view_patient",
    "export_patient",
    "erase_patient",
    "view_auditentry",
]
PHYSIOTHERAPIST_PERMISSIONS = ["view_patient", "view_appointment", "view_auditentry"]


def bookings_permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="bookings", codename__in=codenames)


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("bookings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    reception = Group.objects.filter(name=RECEPTION).first()
    if reception is not None:
        reception.permissions.add(*bookings_permissions(apps, RECEPTION_PERMISSIONS))
    physiotherapist, _ = Group.objects.get_or_create(name=PHYSIOTHERAPIST)
    physiotherapist.permissions.add(*bookings_permissions(apps, PHYSIOTHERAPIST_PERMISSIONS))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=PHYSIOTHERAPIST).delete()
    reception = Group.objects.filter(name=RECEPTION).first()
    if reception is not None:
        reception.permissions.remove(*bookings_permissions(apps, RECEPTION_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0011_contact_details_only_on_patients"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
