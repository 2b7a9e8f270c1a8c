import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from clinic.overload import ShedLoad

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

# Overloaded, answer "busy, try again" at once rather than after a long queue (overload.py).
application = ShedLoad(get_wsgi_application(), limit=settings.SHED_QUEUE_LENGTH)
