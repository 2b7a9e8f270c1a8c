"""Site-wide background tasks (see clinic/schedule.py for when they run)."""

import logging

from django.tasks import task

from . import queue

logger = logging.getLogger(__name__)


@task
def prune_finished_tasks() -> int:
    return queue.prune_finished_tasks()


@task
def back_up_site() -> dict[str, str]:
    from .backups import back_up

    try:
        backup = back_up()
    except Exception:
        logger.exception("The nightly backup failed")  # the operator's alert
        raise
    return {"database": backup.database, "media": backup.media}
