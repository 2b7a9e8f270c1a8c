"""Keep patients' private links (appointments, home programmes) out of the logs.

The token in ``/appointments/<token>/`` is the only key to a patient's booking, so
Django's request warnings (every 4xx logs its path) and gunicorn's access log write
``<token>`` in its place.
"""

from __future__ import annotations

import logging
import re

try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed to serve
    _GunicornLogger = object

PRIVATE_LINK = re.compile(r"(/(?:appointments|programmes)/)[^/\s?#\"']+")
# Where a request carries a link into the access log: its path (raw and decoded) and
# the page it came from.
LINK_HOLDERS = ("RAW_URI", "PATH_INFO", "HTTP_REFERER")


def redact(text: str) -> str:
    """``text`` with every appointment token replaced by ``<token>``."""
    return PRIVATE_LINK.sub(r"\1<token>", text)


class RedactPrivateLinks(logging.Filter):
    """A handler filter: rewrites any log message that holds an appointment link."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class GunicornLogger(_GunicornLogger):
    """Gunicorn's logger with appointment tokens redacted from access-log lines."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Most lines hold no private link: rewriting their sixty-odd atoms (every header
        # and environ value) cost more than the rest of a static file's request.
        if not any(PRIVATE_LINK.search(environ.get(name, "")) for name in LINK_HOLDERS):
            return atoms
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
