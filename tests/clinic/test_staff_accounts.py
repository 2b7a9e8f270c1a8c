"""Staff accounts: sign-in throttled before any password is hashed, unlockable by a
superuser, landing in the back office, and sessions that end."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "a-long-staff-passphrase-42"


@pytest.fixture
def sam(db):
    return User.objects.create_user("sam", password=PASSWORD, is_staff=True)


def sign_in(client, username, password, **extra):
    return client.post(
        LOGIN + "?next=/admin/", {"username": username, "password": password}, **extra
    )


@pytest.fixture
def passwords_checked(monkeypatch):
    """How often a password was actually checked (each check hashes: about a second)."""
    calls = []
    authenticate = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return calls


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    client, sam, settings, passwords_checked
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "sam", "wrong-guess").status_code == 200  # "try again"
    assert sign_in(client, "sam", "wrong-guess").status_code == 429  # the fifth locks
    locked = sign_in(client, "sam", PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in locked for now" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The locked tries never reached the password check.
    assert len(passwords_checked) == settings.AXES_FAILURE_LIMIT


def test_one_client_guessing_many_usernames_is_locked_out_too(client, sam, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{number}", "wrong-guess", REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, "sam", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    # Sam, from elsewhere, still signs in.
    assert sign_in(client, "sam", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_superuser_can_unlock_an_account(client, sam, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sam", "wrong-guess")
    call_command("axes_reset_username", "sam", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = sign_in(client, "sam", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_unsafe_next_lands_in_the_back_office(client, sam):
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "sam", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_staff_session_ends_with_the_browser_and_after_hours_idle(client, sam, settings):
    response = sign_in(client, "sam", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert client.session.get_expiry_age() <= 4 * 3600
    # Each request starts the idle clock again.
    assert settings.SESSION_SAVE_EVERY_REQUEST
