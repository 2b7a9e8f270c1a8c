from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import staff, views
from .cache import cache_public_page
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", cache_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/two-factor/", staff.two_factor, name="two_factor"),
    path("admin/two-factor/sign-out/", staff.sign_out, name="two_factor_sign_out"),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("bookings.urls")),
    path("", include("care.urls")),
]

# Uploaded images (hero images, exercise photos, practitioners): Django serves them in
# development; in production the proxy serves MEDIA_ROOT at /media/.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "clinic.views.server_error"
