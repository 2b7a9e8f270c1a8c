"""Health data, in one app: home programmes and their logs (programmes.py), the intake
form and its answers, and the log of who read them (intake.py)."""

from .intake import HealthDataAccess, Intake, IntakeAnswer, IntakeQuestion
from .programmes import Programme, ProgrammeExercise, ProgrammeQuerySet, SessionLog

__all__ = [
    "HealthDataAccess",
    "Intake",
    "IntakeAnswer",
    "IntakeQuestion",
    "Programme",
    "ProgrammeExercise",
    "ProgrammeQuerySet",
    "SessionLog",
]
