"""The back office of the bookings app, one module per part of reception's work:
the diary's configuration (setup.py), appointments and their emails and history
(appointments.py), and patient records (patients.py). Every page that shows patient
data asks bookings/access.py who may see it (base.py)."""

from . import appointments, patients, setup

__all__ = ["appointments", "patients", "setup"]
