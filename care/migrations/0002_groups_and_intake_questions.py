"""Who may do what with health data (care/access.py reads these permissions), and the
intake form's first questions (the clinic edits them in admin).

Physiotherapist: prescribes and changes home programmes, reads their logs and intake
answers, edits the intake questions. Reception: nothing here (it sees whether an intake
is complete through the appointment, never the answers). Content editors: nothing.
The access log (who read what) is for superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PHYSIOTHERAPIST = "Physiotherapist"
PHYSIOTHERAPIST_PERMISSIONS = [
    "add_programme",
    "change_programme",
    "view_programme",
    "add_programmeexercise",
    "change_programmeexercise",
    "delete_programmeexercise",
    "view_programmeexercise",
    "view_sessionlog",
    "view_intake",
    "view_intakeanswer",
    "add_intakequestion",
    "change_intakequestion",
    "view_intakequestion",
]

URGENT = (
    "Please do not wait for your appointment: call NHS 111 now, or 999 if it is an "
    "emergency. We have let our reception team know, and they will phone you."
)
QUESTIONS = [
    ("What is the injury or problem?", "", "short", False),
    ("Where is it? (for example left knee, lower back)", "", "short", False),
    ("Since when? (a date, or how many weeks)", "", "short", False),
    ("How much do you run now? (kilometres or sessions a week)", "", "short", False),
    ("What would you like to get back to, or achieve?", "", "long", False),
    (
        "Do you have numbness around your bottom or genitals, or new trouble passing "
        "urine or controlling your bowels?",
        "",
        "yes_no",
        True,
    ),
    (
        "Have you had chest pain, fainting or unusual breathlessness while running?",
        "",
        "yes_no",
        True,
    ),
    (
        "Have you lost weight without trying, or had a fever or pain that wakes you at night?",
        "",
        "yes_no",
        True,
    ),
]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("care")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    physiotherapist, _ = Group.objects.get_or_create(name=PHYSIOTHERAPIST)
    physiotherapist.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="care", codename__in=PHYSIOTHERAPIST_PERMISSIONS
        )
    )
    IntakeQuestion = apps.get_model("care", "IntakeQuestion")
    if not IntakeQuestion.objects.exists():
        IntakeQuestion.objects.bulk_create(
            IntakeQuestion(
                text=text,
                help_text=help_text,
                kind=kind,
                required=kind == "yes_no" or position == 0,
                yes_needs_urgent_care=urgent,
                urgent_message=URGENT if urgent else "",
                position=position,
            )
            for position, (text, help_text, kind, urgent) in enumerate(QUESTIONS)
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    physiotherapist = Group.objects.filter(name=PHYSIOTHERAPIST).first()
    if physiotherapist is not None:
        physiotherapist.permissions.remove(
            *Permission.objects.filter(content_type__app_label="care")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("bookings", "0012_physiotherapist_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
