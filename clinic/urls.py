from django.contrib import admin
from django.urls import include, path

from . import views
from .cache import cache_public_page

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("bookings.urls")),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = "Physio and Fitness Clinic: back office"
admin.site.site_title = "Clinic back office"
admin.site.index_title = "Diary and content"
