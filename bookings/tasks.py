"""Background tasks of the bookings app: thin, each loads by id and calls the concept
function. Run by `python manage.py worker`; the periodic ones are scheduled in
settings.PERIODIC_TASKS."""

from django.tasks import task

from . import emails, reminders, retention


@task
def send_emails(email_ids: list[int]) -> dict[int, str]:
    return emails.deliver(email_ids)


@task
def retry_emails() -> int:
    return emails.retry_lost()


@task
def queue_reminders() -> int:
    return reminders.queue_reminders()


@task
def purge_appointments() -> int:
    return retention.purge_appointments()
