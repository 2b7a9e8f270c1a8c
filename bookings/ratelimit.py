"""A small per-IP rate limit for the booking forms, counted in the Django cache.

Fixed windows: ``"10/h"`` allows ten POSTs per client address per clock hour. With
``CACHE_URL=redis://...`` every server counts in the same place.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from clinic.cache import cache_call

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/h"`` -> (10, 3600). Also accepts ``"100/5m"``."""
    count, _, period = rate.strip().partition("/")
    multiplier = int(period[:-1]) if period[:-1] else 1
    return int(count), multiplier * PERIODS[period[-1]]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies recorded.

    X-Forwarded-For is trusted only as far as ``BOOKING_TRUSTED_PROXY_COUNT`` proxies
    of ours append to it: anything further left could be written by the client.
    """
    trusted = settings.BOOKING_TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "unknown")


def client_ip_address(request: HttpRequest) -> str | None:
    """The client as django-axes counts failed staff sign-ins: as the rate limit counts it
    (an IPv6 client by its /64, given as that network's first address), or None when there
    is no address to give (axes stores an IP address)."""
    key = client_key(client_ip(request))
    try:
        return str(ipaddress.ip_network(key, strict=False).network_address)
    except ValueError:
        return None


def client_key(address: str) -> str:
    """What one client is counted under: its IPv4 address, or its IPv6 /64 network
    (one home or phone gets a whole /64 and may pick a new address for each request)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def hit(scope: str, key: str, rate: str, now: float | None = None) -> bool:
    """Count one attempt; False once the limit for this window is passed."""
    limit, period = parse_rate(rate)
    window = int((now if now is not None else time.time()) // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    # The cache away (None): a booking matters more than the count.
    count = cache_call(count_attempt, cache_key, period)
    return count is None or count <= limit


def count_attempt(cache_key: str, period: int) -> int:
    if hasattr(cache, "count"):  # Redis (clinic/redis_cache.py): one round trip
        return cache.count(cache_key, period + 5)
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 5)
        return 1


def seconds_left(rate: str, now: float | None = None) -> int:
    """Seconds until the current window ends and the count starts afresh."""
    period = parse_rate(rate)[1]
    now = now if now is not None else time.time()
    return max(1, int(period - now % period + 0.999))


def too_many_requests(retry_after: int) -> HttpResponse:
    from clinic.models import ClinicDetails

    clinic = ClinicDetails.current()
    response = HttpResponse(
        "Too many attempts from your connection. Please wait a while and try again, "
        f"or phone us on {clinic.phone}.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit_posts(view: Callable) -> Callable:
    """Answer 429 when a client sends more POSTs than ``BOOKING_RATE_LIMIT`` allows."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "POST" and not hit(
            "bookings", client_key(client_ip(request)), settings.BOOKING_RATE_LIMIT
        ):
            return too_many_requests(seconds_left(settings.BOOKING_RATE_LIMIT))
        return view(request, *args, **kwargs)

    return wrapper
