"""Who may see content that is not public yet, and what they are told about it."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime


def can_preview(user: AbstractBaseUser | AnonymousUser, model: type[Model]) -> bool:
    """Staff who may view this kind of content in admin may preview its drafts on the site."""
    from clinic.staff import needs_second_factor

    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_staff
        and not needs_second_factor(user)  # the password alone shows no drafts
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def preview_notice(obj: Model) -> dict[str, str] | None:
    """What the staff banner says on a page the public cannot see yet (None when public)."""
    if obj.is_public:
        return None
    opts = obj._meta
    admin_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    published_at = getattr(obj, "published_at", None)
    if getattr(obj, "is_scheduled", False) and published_at:
        when = date_format(localtime(published_at), "j F Y, H:i")
        return {
            "label": "Scheduled",
            "admin_url": admin_url,
            "message": f"the public will see this page from {when}.",
        }
    return {
        "label": "Draft",
        "admin_url": admin_url,
        "message": "only staff can see this page until it is published.",
    }
