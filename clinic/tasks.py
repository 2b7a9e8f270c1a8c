"""Site-wide background tasks (see clinic/schedule.py for when they run)."""

from django.tasks import task

from . import queue


@task
def prune_finished_tasks() -> int:
    return queue.prune_finished_tasks()
