from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import m2m_changed, post_delete, post_save


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic details"

    def ready(self):
        from .cache import bump_page_versions
        from .checks import check_second_factor, check_shared_cache, check_site_url

        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)
        checks.register(check_site_url, checks.Tags.security, deploy=True)
        checks.register(check_second_factor, checks.Tags.security, deploy=True)

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(bump_page_versions, dispatch_uid=f"clinic-pages-{signal!r}")


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that asks for a second factor (clinic/staff.py)."""

    default = False  # named in INSTALLED_APPS; "clinic" itself is ClinicConfig
    default_site = "clinic.staff.StaffAdminSite"
