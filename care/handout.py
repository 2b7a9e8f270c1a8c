"""The programme as a printable A4 handout (HTML), and the same as a PDF (WeasyPrint).

WeasyPrint fetches the pictures itself; ``local_files`` gives it our own media and static
files from disk and refuses everything else, so a PDF never reaches out to the network.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .models import Programme

BASE_URL = "https://handout.invalid/"


def local_files(url: str, *args, **kwargs):
    """Our media and static files from disk; anything else is refused."""
    from weasyprint import default_url_fetcher

    path = url.removeprefix(BASE_URL.rstrip("/"))
    found: str | None = None
    if path.startswith(settings.MEDIA_URL):
        candidate = (Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)).resolve()
        if candidate.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
            found = str(candidate)
    elif path.startswith(settings.STATIC_URL):
        name = path.removeprefix(settings.STATIC_URL)
        # In production the name is hashed (manifest storage): the file is in STATIC_ROOT.
        collected = Path(settings.STATIC_ROOT) / name
        found = str(collected) if ".." not in name and collected.is_file() else finders.find(name)
    if not found or not Path(found).is_file():
        raise ValueError(f"Not one of our files: {url}")
    return default_url_fetcher(Path(found).as_uri(), *args, **kwargs)


def handout_html(context: dict) -> str:
    return render_to_string("care/handout.html", context)


def handout_pdf(context: dict) -> bytes:
    """The handout as an A4 PDF, with the exercises' pictures."""
    from weasyprint import HTML  # loaded when a PDF is asked for, not by every server

    return HTML(
        string=handout_html({**context, "for_pdf": True}),
        base_url=BASE_URL,
        url_fetcher=local_files,
    ).write_pdf()


def filename(programme: Programme) -> str:
    return f"home-programme-{programme.start_date:%Y-%m-%d}.pdf"
