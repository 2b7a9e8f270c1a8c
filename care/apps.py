from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care: home programmes and intake"

    def ready(self):
        from bookings.patients import register_patient_data

        from . import records

        register_patient_data("care", export=records.export, erase=records.erase)
