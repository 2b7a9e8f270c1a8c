"""Who may see content that is not public yet."""


def can_preview(user, model) -> bool:
    """Staff who may view this kind of content in admin may preview its drafts on the site."""
    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )
