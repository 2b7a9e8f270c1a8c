"""Site-wide background tasks (see clinic/schedule.py for when they run)."""

from django.tasks import task

from . import queue


@task
def prune_finished_tasks() -> int:
    return queue.prune_finished_tasks()


@task
def back_up_site() -> dict[str, str]:
    from .backups import back_up

    backup = back_up()
    return {"database": backup.database, "media": backup.media}
