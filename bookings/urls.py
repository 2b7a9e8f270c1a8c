from django.urls import path, register_converter

from . import feeds, views, waitlist_views


class TokenConverter:
    """An appointment token's alphabet (``secrets.token_urlsafe``); anything else is a 404
    before the database sees it (Postgres refuses text with NUL bytes)."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "bookings"

urlpatterns = [
    path("book/", views.service_list, name="services"),
    path("book/<slug:service>/", views.week, name="week"),
    path("book/<slug:service>/<slug:practitioner>/<str:start>/", views.details, name="details"),
    path("appointments/<token:token>/", views.manage, name="manage"),
    path(
        "appointments/<token:token>/calendar.ics",
        views.appointment_calendar,
        name="appointment_calendar",
    ),
    path("appointments/<token:token>/move/", views.move_week, name="move_week"),
    path("appointments/<token:token>/move/<str:start>/", views.move_confirm, name="move_confirm"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("book/<slug:service>/waitlist/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/<token:token>/", waitlist_views.entry, name="waitlist_entry"),
    path(
        "waitlist/<token:token>/<slug:practitioner>/<str:start>/",
        waitlist_views.offer,
        name="waitlist_offer",
    ),
    path("diary/<token:token>.ics", feeds.practitioner_feed, name="practitioner_feed"),
]
