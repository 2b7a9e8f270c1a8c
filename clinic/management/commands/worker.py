import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from clinic.schedule import start_scheduler


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background tasks (emails, reminders, the retention purge) and enqueue the "
        "periodic jobs of settings.PERIODIC_TASKS on time. Run one or more beside the web "
        "servers; django-tasks-db's options apply (--batch, --max-tasks, --interval ...)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule", action="store_true", help="Run tasks only; enqueue no periodic jobs."
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=19,
            help="Lower the worker's CPU priority by this much (default 19, the lowest): "
            "on a shared machine the web requests come first, and emails wait a moment "
            "in the queue.",
        )

    def handle(self, *args, **options):
        os.nice(options.pop("nice"))
        schedule = not options.pop("no_schedule") and not options["batch"]
        # With --reload the command runs twice: a watcher, and the worker that does the work.
        in_worker = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if schedule and in_worker:
            start_scheduler()
        super().handle(*args, **options)
