"""Every content page, with its stylesheets and pictures, weighs under 100 KB as sent
(HTML as the page cache sends it, Brotli for a page with no form; static files
compressed by WhiteNoise)."""

import gzip
import re
import urllib.request

import brotli
import pytest

pytestmark = pytest.mark.e2e

LIMIT = 100 * 1024
PAGES = [
    "/exercises/",
    "/exercises/askling-glider/",
    "/articles/tag/hamstrings/",
    "/plans/runner-strength-8-weeks/",
    "/plans/hamstring-strain-lengthening-exercises/",
    "/plans/nordic-hamstring-programme/",
]


def _fetch(url: str) -> tuple[bytes, str]:
    """The body as sent (urllib does not decompress) and its Content-Encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
        return response.read(), response.headers.get("Content-Encoding", "")


def page_weight(site, path: str) -> tuple[int, list[str]]:
    _fetch(site.url(path))  # an earlier visitor has put the page in the cache
    html, encoding = _fetch(site.url(path))
    text = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, bytes)(html).decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    assets += re.findall(r'<img [^>]*src="([^"]+)"', text)
    assets = sorted(set(assets))  # a picture shown twice is fetched once
    return len(html) + sum(len(_fetch(site.url(asset))[0]) for asset in assets), assets


@pytest.mark.parametrize("path", PAGES)
def test_a_page_with_its_pictures_is_under_100_kb(site, path):
    weight, assets = page_weight(site, path)
    print(f"{path}: {weight / 1024:.1f} KB")  # the figure for the README
    assert weight < LIMIT, f"{path}: {weight} bytes with {assets}"


def test_the_weight_counts_the_drawings(site):
    _, assets = page_weight(site, "/plans/runner-strength-8-weeks/")
    assert sum(".svg" in asset for asset in assets) == 10
