"""Background tasks of the bookings app: thin, each loads by id and calls the concept
function. Run by `python manage.py worker`; the periodic ones are scheduled in
settings.PERIODIC_TASKS."""

from datetime import datetime

from django.tasks import task

from . import emails, reminders, retention, waitlist


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


@task
def offer_freed_time(practitioner_id: int, start: str, end: str) -> int:
    return waitlist.offer_freed_time(
        practitioner_id, datetime.fromisoformat(start), datetime.fromisoformat(end)
    )


@task
def send_waitlist_emails(entry_ids: list[int], offer_ids: list[int]) -> int:
    return waitlist.deliver(entry_ids, offer_ids)
