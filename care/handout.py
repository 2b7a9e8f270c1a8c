"""The programme as a printable A4 handout (HTML), and the same as a PDF (WeasyPrint).

WeasyPrint fetches the pictures and the stylesheet itself; ``local_path`` gives it our
own media and static files from disk and refuses everything else, so making a PDF never
reaches out to the network. WeasyPrint is imported when a PDF is asked for, not by every
server process at start.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from clinic.models import ClinicDetails

from .models import Programme

BASE_URL = "https://handout.invalid/"


def local_path(url: str) -> Path | None:
    """The file on disk behind one of our media or static URLs, or None."""
    path = url.removeprefix(BASE_URL.rstrip("/"))
    if ".." in path:
        return None
    if path.startswith(settings.MEDIA_URL):
        found = Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)
    elif path.startswith(settings.STATIC_URL):
        name = path.removeprefix(settings.STATIC_URL)
        # In production the name is hashed (manifest storage): the file is in STATIC_ROOT.
        collected = Path(settings.STATIC_ROOT) / name
        found = collected if collected.is_file() else Path(finders.find(name) or "")
    else:
        return None
    return found if found.is_file() else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFiles(URLFetcher):
        def fetch(self, url, headers=None):
            found = local_path(url)
            if found is None:
                raise ValueError(f"Not one of our files: {url}")
            mimetype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                found.as_uri(), found.read_bytes(), {"Content-Type": mimetype}
            )

    return LocalFiles()


def handout_html(context: dict) -> str:
    # Rendered without a request (for the PDF too): the clinic's details are passed in.
    return render_to_string("care/handout.html", {"clinic": ClinicDetails.current(), **context})


def handout_pdf(context: dict) -> bytes:
    """The handout as an A4 PDF, with the exercises' pictures."""
    from weasyprint import HTML

    return HTML(
        string=handout_html({**context, "for_pdf": True}),
        base_url=BASE_URL,
        url_fetcher=_fetcher(),
    ).write_pdf()


def filename(programme: Programme) -> str:
    return f"home-programme-{programme.start_date:%Y-%m-%d}.pdf"
