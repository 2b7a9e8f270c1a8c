"""Whole-page caching for public pages.

Anonymous GETs of content pages are served from the cache. Any save or delete in the
content apps bumps a version number that every entry is checked against, so an edit
shows at once, or within a second where a process trusts its own copy (below; share
the version across servers with CACHE_URL=redis://...). Entries also expire
after PUBLIC_PAGE_CACHE_SECONDS, which bounds how late a scheduled article appears.

The booking week pages and forms are cached the same way in their own group,
"availability", whose version any change to the diary's settings bumps (services,
practitioners, working hours, time off, closures, rules), and for
AVAILABILITY_CACHE_SECONDS only, since the clock alone moves times into the minimum
notice. Appointments are finer grained: a page also names the *parts* it was built from
(a service's week, bookings/cached_pages.py), each with a version of its own, and a
booking bumps only its own parts, so the other weeks stay cached under a steady trickle
of bookings.

An entry holds the versions it was built from and is served while they are all
current: a content page costs one round trip to the cache (its group's version and the
page in one MGET), a booking page two (the parts' versions after the entry names them).
The versions are read before the page is built, so a change that lands while it is
being built leaves the entry stale, never the reverse.

Each server process also keeps copies of the entries it served (NearCache) and asks
the cache only for their versions. A content page's copy checked less than
CONTENT_PAGE_TRUST_SECONDS ago is served without asking at all: an edit shows at once
in the process that saved it, and within that bound (1 s) in every other process and
server. Booking pages are always checked, since a time booked must vanish at once.

Pages live in a cache of their own (the "pages" alias), so a flood of them can never
push the booking rate-limit counters out of the default cache. The cache is a help,
not a dependency: when it cannot be reached, pages are built afresh.
"""

import functools
import gzip
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from functools import wraps

import brotli
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

# Headers a replayed page keeps; CSP and the other security headers are added afresh.
KEPT_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Content-Language",
    "X-Robots-Tag",
)
# Says whether a cacheable page came from the cache ("hit") or was built ("miss"), for
# operators and bench/capacity.py; pages that are never cached do not carry it.
HIT_HEADER = "X-Page-Cache"
# Page group -> what makes its pages stale: a whole app ("programs") or one model
# ("bookings.workinghours"). Models not named here (the email outbox, the task queue,
# the scheduler's clock) never empty a page. Appointments empty only the weeks they are
# in (bookings/cached_pages.py), not the whole group.
PAGE_GROUPS = {
    # The footer shows the clinic's details.
    "content": frozenset({"programs", "clinic.clinicdetails", "clinic.openinghours"}),
    "availability": frozenset(
        {
            "bookings.service",
            "bookings.practitioner",
            "bookings.practitioner_services",
            "bookings.workinghours",
            "bookings.timeoff",
            "bookings.clinicclosure",
            "bookings.bookingrules",
            "clinic.clinicdetails",
            "clinic.openinghours",
        }
    ),
}


def cache_call(method, *args, default=None, **kwargs):
    """`method(*args, **kwargs)` on a cache, or `default` when the cache cannot be
    reached: the cache makes the site faster and never holds what it cannot lose."""
    try:
        return method(*args, **kwargs)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return default


def version_key(group: str) -> str:
    return f"pages:{group}:version"


def part_key(part: str) -> str:
    return f"pages:part:{part}:version"


def fresh_version() -> int:
    """A version no key has held before: a version key lost from the cache (a restart,
    an eviction) and made again must not match the entries built before it was lost."""
    return time.time_ns()


def page_version(group: str) -> int:
    return caches["pages"].get_or_set(version_key(group), fresh_version, timeout=None)


def bump_page_versions(**kwargs) -> None:
    """Signal receiver: a model changed, so the cached pages built from its app are stale."""
    sender = kwargs.get("sender")
    groups = [
        group
        for group, senders in PAGE_GROUPS.items()
        if sender is None
        or sender._meta.app_label in senders
        or sender._meta.label_lower in senders
    ]
    if groups:
        bump_now_and_on_commit([version_key(group) for group in groups], kwargs.get("using"))


def bump_parts(parts: Iterable[str], using: str | None = None) -> None:
    """The pages built from these parts are stale (bookings/cached_pages.py names them)."""
    bump_now_and_on_commit([part_key(part) for part in parts], using)


def bump_now_and_on_commit(keys: list[str], using: str | None) -> None:
    """Bumped now, and again once the transaction commits: a page built in between, from
    what the database held before the commit, must not outlive it."""
    if keys:
        bump_versions(keys)
        transaction.on_commit(lambda: bump_versions(keys), using=using, robust=True)


def bump_versions(keys: list[str]) -> None:
    # This process shows its own change at once; the others within their trust bound. A
    # booking (a part's version) leaves the trusted content copies trusted.
    if version_key("content") in keys:
        _near.distrust()
    # An unreachable cache must not undo the save that called this.
    pages = caches["pages"]
    if hasattr(pages, "incr_many"):  # Redis (clinic/redis_cache.py): one round trip
        cache_call(pages.incr_many, keys, fresh_version)
        return
    for key in keys:
        cache_call(bump_version, key)


def bump_version(key: str) -> None:
    pages = caches["pages"]
    try:
        pages.incr(key)
    except ValueError:  # not set yet (or lost): any new value invalidates old entries
        pages.set(key, fresh_version(), timeout=None)


def is_cacheable(request) -> bool:
    # Staff see drafts and previews: they always get a fresh page.
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        # A visitor's own message ("Your appointment is cancelled") is for them alone.
        and not messages.get_messages(request)
    )


def known_host(request) -> str | None:
    """The Host header when it names this site exactly, else None (the page is built
    afresh, not cached). ALLOWED_HOSTS ignores the port, so ``localhost:1``,
    ``localhost:2`` ... all pass it: keyed as they come, a flood of them would fill the
    cache with copies of one page. Only a host listed in ALLOWED_HOSTS, with no port or
    the port this server listens on, is cached."""
    host = request.get_host()
    name, port = split_domain_port(host)
    if name not in settings.ALLOWED_HOSTS:  # wildcard entries never match exactly
        return None
    if port and port != request.META.get("SERVER_PORT"):
        return None
    return host


def cache_public_page(view):
    """Serve anonymous GETs of `view` from the cache until content changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Query strings are unbounded (?x=1, ?x=2...): caching them would let anyone
        # flood the cache and push out the pages worth keeping.
        if request.META.get("QUERY_STRING"):
            return view(request, *args, **kwargs)
        return cached_page(request, request.path, lambda: view(request, *args, **kwargs))

    wrapper.page_cache_name = _path_name  # ServeCachedPages may answer for it
    return wrapper


def _path_name(request, *args, **kwargs) -> tuple[str, str] | None:
    """A content page's group and name in the cache: its path (query strings are never
    cached)."""
    return None if request.META.get("QUERY_STRING") else ("content", request.path)


def page_key(group: str, scheme: str, host: str, name: str) -> str:
    # "v3": entries of (body, headers, versions, compressed copies, expiry); a deploy
    # ignores older ones.
    # Scheme and host too: pages hold absolute links (canonical, Open Graph, JSON-LD).
    return f"page:v3:{group}:{scheme}://{host}{name}"


ACCEPTS = {e: re.compile(rf"\b{e}\b", re.IGNORECASE) for e in ("br", "gzip")}
# A form's CSRF token is stored as this marker and filled in afresh for each visitor.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARKER = b"[csrf-token]"


def cached_page(
    request,
    name: str,
    build,
    *,
    group: str = "content",
    seconds: int | None = None,
    parts: Sequence[str] | Callable[[], Sequence[str]] = (),
):
    """The response of `build()` for this anonymous GET, from the cache when it is there.

    `name` says which page this is; callers build it from checked values only, so
    nobody can fill the cache with pages of their own invention. Only 200s are kept.
    A page with a form is kept without its CSRF token; each visitor gets their own.
    `parts` are what the page may be built from besides its group (or a function that
    names them, called only when the page is built); the response may name fewer
    (``response.cache_parts``) once it knows what it used.
    """
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS if seconds is None else seconds
    host = known_host(request)
    if (
        seconds <= 0
        or host is None
        or getattr(request, "page_cache_away", False)  # ServeCachedPages found it away
        or not is_cacheable(request)
    ):
        return build()
    pages = caches["pages"]
    key = page_key(group, request.scheme, host, name)
    group_key = version_key(group)
    try:
        group_version, entry = _lookup(pages, group, key)
        if entry is not None:
            return replay(request, entry)
        # Read before building: a change made while the page is built leaves it stale.
        versions = {group_key: group_version}
        parts = parts() if callable(parts) else parts
        if parts:
            read = pages.get_many([part_key(part) for part in parts])
            versions.update({part_key(part): read.get(part_key(part)) for part in parts})
    except Exception:  # the cache is away: build the page as if it had never been cached
        logger.warning("Page cache unavailable", exc_info=True)
        return build()
    response = build()
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    nonce_used = "nonce=" in response.content.decode(errors="ignore")
    used = getattr(response, "cache_parts", parts)
    # A part the page read but whose version was not read before: never kept.
    unread = any(part_key(part) not in versions for part in used)
    if response.status_code == 200 and not response.streaming and not nonce_used and not unread:
        kept = {group_key: versions[group_key]} | {
            part_key(part): versions[part_key(part)] for part in used
        }
        body = CSRF_FIELD.sub(rb"\1" + CSRF_MARKER + rb"\2", response.content)
        if CSRF_MARKER not in body and not response.has_header("ETag"):
            # Once, rather than an MD5 of the body on every replay (ConditionalGetMiddleware).
            set_response_etag(response)
        headers = {header: response[header] for header in KEPT_HEADERS if header in response}
        # A page with no form holds no secret, so compressing it cannot leak one (BREACH):
        # kept compressed too, for ServeCachedPages to send to browsers that take it.
        packed = None if CSRF_MARKER in body else compressed_copies(body)
        entry = (body, headers, kept, packed, time.time() + seconds)
        cache_call(pages.set, key, entry, seconds)
    response[HIT_HEADER] = "miss"
    return response


def _lookup(pages, group: str, key: str):
    """The group's version (made if it is missing), and the entry at ``key`` when every
    version it was built from is still the current one (else None).

    An entry this process read before is checked, not read again: only its versions
    are asked for (one round trip either way, without the page itself), and not even
    those while a content page's copy was checked a moment ago (_trust_seconds)."""
    group_key = version_key(group)
    entry = _near.get(key)
    if entry is not None:
        versions = entry[2]
        if _near.trusted(key, _trust_seconds(group)):
            return versions[group_key], entry
        found = pages.get_many(list(versions))
        if found.get(group_key) is not None and all(
            found.get(name) == version for name, version in versions.items()
        ):
            _near.checked(key)
            return found[group_key], entry
        _near.drop(key)
    found = pages.get_many([group_key, key])
    if group_key not in found:
        pages.add(group_key, fresh_version(), timeout=None)
        found[group_key] = pages.get(group_key)
    entry = found.get(key)
    if entry is not None and not _still_current(pages, entry[2], group_key, found[group_key]):
        entry = None
    if entry is not None:
        _near.keep(key, entry)
        _near.checked(key)
    return found[group_key], entry


class NearCache:
    """This process's copies of the cache entries it served, the most recent first, up to
    ``limit`` bytes of page. A copy is served once its versions are checked in the shared
    cache, or without a check for ``trusted`` seconds after the last one; each copy
    lapses when its entry would have."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.entries: dict[str, tuple] = {}  # in use order, oldest first
        self.size = 0
        self.clock = clock
        self.checked_at: dict[str, float] = {}  # key -> when its versions were last current

    def checked(self, key: str) -> None:
        """The copy at ``key`` was found current in the shared cache just now."""
        self.checked_at[key] = self.clock()

    def trusted(self, key: str, seconds: float) -> bool:
        """Whether the copy at ``key`` was found current less than ``seconds`` ago."""
        at = self.checked_at.get(key)
        return at is not None and self.clock() - at < seconds

    def distrust(self) -> None:
        """This process changed something: check every copy again before serving it."""
        self.checked_at.clear()

    def get(self, key: str):
        entry = self.entries.pop(key, None)
        if entry is None:
            return None
        if entry[4] <= time.time():
            self.size -= _entry_size(entry)
            return None
        self.entries[key] = entry  # now the most recent
        return entry

    def keep(self, key: str, entry) -> None:
        self.drop(key)
        size = _entry_size(entry)
        if size > self.limit // 8:  # one huge page never empties the rest
            return
        self.entries[key] = entry
        self.size += size
        while self.size > self.limit:
            oldest = next(iter(self.entries))
            self.drop(oldest)

    def drop(self, key: str) -> None:
        self.checked_at.pop(key, None)
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= _entry_size(entry)

    def clear(self) -> None:
        self.entries.clear()
        self.checked_at.clear()
        self.size = 0


def _trust_seconds(group: str) -> float:
    """How long a near copy of this group's page, once found current, is served without
    asking the shared cache again. Content changes seldom and a second late is harmless;
    booking pages are never trusted (a taken time must go at once)."""
    return settings.CONTENT_PAGE_TRUST_SECONDS if group == "content" else 0


def _entry_size(entry) -> int:
    body, _, _, packed, _ = entry
    return len(body) + sum(map(len, (packed or {}).values()))


# 8 MB of pages in each server process: some 400 pages at their usual 20 KB with copies.
_near = NearCache(limit=8 * 1024 * 1024)


def forget_near_copies() -> None:
    """This process drops its copies of pages, as a newly started server has none."""
    _near.clear()


@receiver(setting_changed)
def _forget_near_copies(setting, **kwargs):
    if setting == "CACHES":  # the test suite's other "servers"
        forget_near_copies()


def _still_current(pages, versions: dict, group_key: str, group_version) -> bool:
    """Whether every version an entry was built from is the one the cache holds now."""
    if versions.get(group_key) != group_version:
        return False
    others = [key for key in versions if key != group_key]
    if not others:
        return True
    now = pages.get_many(others)
    return all(now.get(key) == versions[key] for key in others)


def compressed_copies(body: bytes) -> dict[str, bytes]:
    """The body in Brotli (quality 5: quick, and about gzip's best) and gzip."""
    return {
        "br": brotli.compress(body, quality=5),
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
    }


def replay(request, entry, encoding: str = "") -> HttpResponse:
    """The cached page as a response; ``encoding``: its copy in that encoding."""
    body, headers, _, packed, _ = entry
    if CSRF_MARKER in body:
        body = body.replace(CSRF_MARKER, get_token(request).encode())
    response = HttpResponse(packed[encoding] if encoding else body, status=200)
    for header, value in headers.items():
        response[header] = value
    if packed is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    if encoding:
        response["Content-Encoding"] = encoding
        if response.has_header("ETag"):  # another body, another tag (as GZipMiddleware)
            response["ETag"] = "W/" + response["ETag"].removeprefix("W/")
    response[HIT_HEADER] = "hit"
    return response


def accepted_encoding(request, packed: dict | None) -> str:
    """ "br" or "gzip" when the browser takes it and the entry has it, else ""."""
    accepts = request.headers.get("Accept-Encoding", "")
    return next((e for e in ("br", "gzip") if packed and ACCEPTS[e].search(accepts)), "")


class ServeCachedPages:
    """Middleware, before the session's: a cached page for an anonymous GET, answered
    without the session, authentication, second-factor, messages and lockout middleware,
    which would find nothing to do (profiling found them a third of a cached page's
    time). Only a visitor with no session and no messages cookie is served here, only a
    page whose view names its cache entry (``page_cache_name``: content pages, the
    booking week) and only a page without a form; everyone else goes the usual way, to
    ``cached_page`` or a fresh page. The answer is the one the usual way gives: the same
    body and headers, ``Vary: Cookie``, X-Frame-Options, and 304 for a matching ETag.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.messages_cookie = CookieStorage.cookie_name

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and self.messages_cookie not in request.COOKIES
            and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        ):
            try:
                entry = _current_entry(request)
            except Exception:  # the cache is away (or hangs): ask it once per request only
                logger.warning("Page cache unavailable", exc_info=True)
                request.page_cache_away = True
                entry = None
            if entry is not None and CSRF_MARKER not in entry[0]:
                response = replay(request, entry, accepted_encoding(request, entry[3]))
                patch_vary_headers(response, ("Cookie",))
                response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
                if request.method != "GET":  # as ConditionalGetMiddleware
                    return response
                modified = parse_http_date_safe(response.get("Last-Modified", ""))
                conditional = get_conditional_response(
                    request, etag=response.get("ETag"), last_modified=modified, response=response
                )
                return conditional or response
        return self.get_response(request)


@functools.lru_cache(maxsize=2048)
def _view_naming(path: str):
    """The ``page_cache_name`` of the view at ``path`` (or None) and its arguments.
    Resolving a URL was a twentieth of a cached page's time; the URLs do not change
    while the server runs, and the cache is bounded whatever paths are asked for."""
    match = resolve(path)
    return getattr(match.func, "page_cache_name", None), match.args, match.kwargs


@receiver(setting_changed)
def _forget_views(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # as Django forgets its own URL caches (tests)
        _view_naming.cache_clear()


def _current_entry(request):
    """The current cache entry of the page asked for, when its view names it (views
    wrapped by cache_public_page, and those with a ``page_cache_name`` of their own), or
    None."""
    try:
        host = known_host(request)
        naming, args, kwargs = _view_naming(request.path_info)
    except (DisallowedHost, Resolver404):  # answered the usual way
        return None
    named = naming(request, *args, **kwargs) if naming and host else None
    if named is None:
        return None
    group, name = named
    return _lookup(caches["pages"], group, page_key(group, request.scheme, host, name))[1]
