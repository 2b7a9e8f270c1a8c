import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client):
    return client.get("/", secure=True)


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def test_csp_allows_only_our_own_scripts_and_styles(home):
    directives = csp_directives(home)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'self'" in directives["script-src"]
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_csp_forbids_framing_and_third_party_origins(home):
    directives = csp_directives(home)
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "http" not in home["Content-Security-Policy"]


def test_browser_hardening_headers_are_sent(home):
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "same-origin"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"
    assert home["X-Frame-Options"] == "DENY"
    assert "camera=()" in home["Permissions-Policy"]
    assert "geolocation=()" in home["Permissions-Policy"]


def test_https_responses_carry_a_year_of_hsts(home):
    hsts = home["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 31_536_000
    assert "includeSubDomains" in hsts


def test_plain_http_is_redirected_to_https_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 200


def test_pages_load_no_third_party_assets(home):
    page = home.content.decode()
    assert "cdn" not in page.lower()
    assert 'src="http' not in page
    assert 'rel="stylesheet" href="http' not in page
    assert "@import" not in page
