from django.urls import path

from bookings import urls as _bookings_urls  # noqa: F401 (registers the "token" converter)

from . import views

app_name = "care"

urlpatterns = [
    path("programmes/<token:token>/", views.programme, name="programme"),
    path("programmes/<token:token>/print/", views.programme_print, name="programme_print"),
    path("programmes/<token:token>/handout.pdf", views.programme_pdf, name="programme_pdf"),
    path(
        "programmes/<token:token>/calendar.ics",
        views.programme_calendar,
        name="programme_calendar",
    ),
    path("appointments/<token:token>/intake/", views.intake, name="intake"),
]
