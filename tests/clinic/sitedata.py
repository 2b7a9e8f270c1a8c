"""Run in a separate process against a throw-away site (tests/clinic/test_backup_restore.py):
``python -m tests.clinic.sitedata fill`` puts records and uploads in, ``change`` adds one
record, ``snapshot`` prints everything a restore must bring back, as JSON."""

import hashlib
import json
import sys
from datetime import timedelta
from io import BytesIO
from pathlib import Path


def png(colour: str) -> bytes:
    from PIL import Image

    image = BytesIO()
    Image.new("RGB", (4, 4), colour).save(image, "PNG")
    return image.getvalue()


def fill() -> None:
    """Demo data, three appointments of two patients, and one upload of each kind."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from tests.bookings.factories import (
        make_appointment,
        make_patient,
        make_practitioner,
        make_service,
    )
    from tests.programs.factories import make_article, make_exercise

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    service = make_service(slug="backup-assessment")
    practitioner = make_practitioner(service, slug="backup-physio")
    practitioner.photo_alt = "The physio"
    practitioner.photo.save("physio.png", ContentFile(png("navy")))
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    ann = make_patient(name="Ann Backup", email="ann.backup@example.com")
    bob = make_patient(name="Bob Backup", email="bob.backup@example.com")
    make_appointment(practitioner, service, start, patient=ann, reason="Left knee")
    make_appointment(practitioner, service, start + timedelta(hours=2), patient=bob)
    make_appointment(practitioner, service, start + timedelta(days=7), patient=ann)
    exercise = make_exercise(slug="backup-exercise", image_alt="A calf raise")
    exercise.image.save("calf raise.png", ContentFile(png("green")))
    article = make_article(slug="backup-article", hero_image_alt="A runner")
    article.hero_image.save("hero.png", ContentFile(png("red")))


def change() -> None:
    """A record added after the backup."""
    from tests.bookings.factories import make_patient

    make_patient(name="Carl After", email="carl.after@example.com")


def snapshot() -> dict:
    """Every model's rows (a count and a digest of their primary keys), the appointments in
    detail, and every file under MEDIA_ROOT with its SHA-256."""
    from django.apps import apps
    from django.conf import settings

    from bookings.models import Appointment

    tables = {}
    for model in apps.get_models():
        keys = sorted(str(pk) for pk in model._default_manager.values_list("pk", flat=True))
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        tables[model._meta.label] = {"rows": len(keys), "keys": digest}
    appointments = [
        {
            "id": appointment.pk,
            "start": appointment.start.isoformat(),
            "patient": appointment.patient.name,
            "reason": appointment.reason,
            "status": appointment.status,
            "token": appointment.token,
        }
        for appointment in Appointment.objects.select_related("patient").order_by("pk")
    ]
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    return {"tables": tables, "appointments": appointments, "files": files}


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "snapshot":
        print(json.dumps(snapshot()))
    else:
        {"fill": fill, "change": change}[sys.argv[1]]()
