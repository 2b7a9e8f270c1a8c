"""The back office of the bookings app, one module per part of reception's work:
the diary's configuration (setup.py), appointments and their emails and history
(appointments.py), patient records (patients.py) and the waiting list (waitlist.py).
Every page that shows patient data asks bookings/access.py who may see it (base.py)."""

from . import appointments, patients, setup, waitlist

__all__ = ["appointments", "patients", "setup", "waitlist"]
