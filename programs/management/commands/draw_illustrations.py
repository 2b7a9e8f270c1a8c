from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from programs.drawing.poses import DRAWINGS
from programs.models.exercises import ILLUSTRATIONS_DIR


def illustrations_folder() -> Path:
    return Path(settings.BASE_DIR) / "static" / ILLUSTRATIONS_DIR


class Command(BaseCommand):
    help = "Draw each exercise's start and end positions as SVG (programs/drawing/poses.py)."

    def handle(self, *args, **options):
        folder = illustrations_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for slug, drawing in DRAWINGS.items():
            (folder / f"{slug}.svg").write_text(drawing.svg())
        self.stdout.write(f"{len(DRAWINGS)} drawings in {folder}")
