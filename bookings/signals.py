"""The bookings app's signal: the one thing other code hangs on when the diary changes.

``appointment_changed`` is sent by bookings/booking.py once per change (booked, moved,
cancelled, attended, no-show, booked again), after the change's transaction commits, so
a receiver never sees a change that rolled back. Its arguments:

- ``entry``: the change's AuditEntry (kind, who, when, the appointment and its time);
- ``kind``: ``entry.kind``, an ``AuditEntry.Kind``;
- ``appointment_id``;
- ``freed``: a ``FreedTime`` when the change gave a time back to the diary (a
  cancellation, or the old time of a move), else ``None``: what a waiting list offers.

Emails do not hang on it: they are queued inside the change's transaction (the outbox,
bookings/emails.py), so a crash between the commit and a receiver cannot lose one. A
receiver that must not miss a change either (a waiting list's offers) can catch up from
the audit trail, which is written in the same transaction as the change. The waiting
list's offers are enqueued by bookings/booking.py in the change's transaction for that
reason, not from a receiver.
"""

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

appointment_changed = Signal()


@dataclass(frozen=True)
class FreedTime:
    """A practitioner's time given back: [start, blocked_until), buffer included."""

    practitioner_id: int
    service_id: int
    start: datetime
    blocked_until: datetime
