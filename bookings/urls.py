from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("book/", views.service_list, name="services"),
    path("book/<slug:service>/", views.week, name="week"),
    path("book/<slug:service>/<slug:practitioner>/<str:start>/", views.details, name="details"),
    path("appointments/<str:token>/", views.manage, name="manage"),
    path("appointments/<str:token>/move/", views.move_week, name="move_week"),
    path("appointments/<str:token>/move/<str:start>/", views.move_confirm, name="move_confirm"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
