"""A course: several appointments booked for one patient in one step (bookings/courses.py).
Each session is an ordinary appointment; cancelling one leaves the others."""

from django.db import models
from django.utils import timezone


class Course(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Course {self.pk}"
