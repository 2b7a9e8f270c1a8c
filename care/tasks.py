"""Background tasks of the care app: thin, each loads by id and calls the concept function."""

from django.tasks import task

from . import programmes


@task
def send_programme_link(programme_id: int) -> bool:
    return programmes.send_link_email(programme_id)
