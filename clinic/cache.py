"""Whole-page caching for public pages that staff change rarely.

Anonymous GETs of content pages are served from the cache. Any save or delete in the
content apps bumps a version number that is part of every key, so an edit shows at
once (share the version across servers with CACHE_URL=redis://...). Entries also expire
after PUBLIC_PAGE_CACHE_SECONDS, which bounds how late a scheduled article appears.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "public-pages:version"
# Headers a replayed page keeps; CSP and the other security headers are added afresh.
KEPT_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Content-Language",
    "X-Robots-Tag",
)
CONTENT_APPS = frozenset({"programs", "clinic"})


def content_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_content_version(**kwargs) -> None:
    """Signal receiver: a content model changed, so every cached page is stale."""
    sender = kwargs.get("sender")
    if sender is not None and sender._meta.app_label not in CONTENT_APPS:
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates old keys
        cache.set(VERSION_KEY, 2, timeout=None)


def is_cacheable(request) -> bool:
    # Staff see drafts and previews: they always get a fresh page. Query strings are
    # unbounded (?x=1, ?x=2...): caching them would let anyone flood the cache and evict
    # what shares it, such as the booking rate-limit counters.
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not request.user.is_authenticated
        # A visitor's own message ("Your appointment is cancelled") is for them alone.
        and not messages.get_messages(request)
        and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
    )


def cache_public_page(view):
    """Serve anonymous GETs of `view` from the cache until content changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cacheable(request):
            return view(request, *args, **kwargs)
        # Scheme and host too: pages hold absolute links (canonical, Open Graph, JSON-LD).
        key = f"public-page:{content_version()}:{request.build_absolute_uri()}"
        cached = cache.get(key)
        if cached is not None:
            body, headers = cached
            response = HttpResponse(body, status=200)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        nonce_used = "nonce=" in response.content.decode(errors="ignore")
        if response.status_code == 200 and not response.streaming and not nonce_used:
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(key, (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper
