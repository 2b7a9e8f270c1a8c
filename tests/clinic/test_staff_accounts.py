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


@pytest.fixture
def second_factor(settings):
    settings.STAFF_TWO_FACTOR = True


def current_code(user) -> str:
    """What the member of staff's authenticator app shows now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_the_admin_asks_for_the_apps_code_after_the_password(client, sam, second_factor):
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    admin_home = client.get("/admin/", follow=True)
    assert admin_home.redirect_chain[-1][0].startswith("/admin/two-factor/")
    page = admin_home.content.decode()
    assert "Second step of signing in" in page
    assert "<svg" in page  # the QR code to scan, drawn on the server
    assert client.get("/admin/bookings/appointment/").status_code == 302  # not in yet


def test_a_new_member_of_staff_sets_up_the_app_then_gets_in(client, sam, second_factor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows guessing after a wrong code
    sign_in(client, "sam", PASSWORD)
    client.get("/admin/two-factor/?next=/admin/")  # the set-up page makes the device
    wrong = client.post("/admin/two-factor/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    right = client.post("/admin/two-factor/", {"code": current_code(sam), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_next_sign_in_asks_for_a_code_without_setting_up_again(client, sam, second_factor):
    sign_in(client, "sam", PASSWORD)
    client.get("/admin/two-factor/")
    client.post("/admin/two-factor/", {"code": current_code(sam)})
    client.logout()
    sign_in(client, "sam", PASSWORD)
    page = client.get("/admin/two-factor/").content.decode()
    assert "Enter the code your authenticator app shows" in page
    assert "<svg" not in page  # the key is shown once, at set-up, never again


def test_a_lost_phone_is_reset_by_a_command_and_set_up_again(client, sam, second_factor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sign_in(client, "sam", PASSWORD)
    client.get("/admin/two-factor/")
    client.post("/admin/two-factor/", {"code": current_code(sam)})
    call_command("reset_two_factor", "sam", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TOTPDevice.objects.filter(user=sam).exists()
    client.logout()
    sign_in(client, "sam", PASSWORD)
    assert "<svg" in client.get("/admin/two-factor/").content.decode()


def test_the_second_step_is_for_staff_only(client, second_factor):
    client.force_login(User.objects.create_user("pat", password=PASSWORD))
    assert client.get("/admin/two-factor/").status_code == 403


def test_the_password_alone_shows_no_drafts(client, sam, second_factor):
    from django.contrib.auth.models import Permission

    from tests.programs.factories import make_article

    sam.user_permissions.add(Permission.objects.get(codename="view_article"))
    draft = make_article(status="draft")
    sign_in(client, "sam", PASSWORD)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_half_finished_sign_in_can_be_ended(client, sam, second_factor):
    sign_in(client, "sam", PASSWORD)
    response = client.post("/admin/two-factor/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_ipv6_client_is_counted_by_its_64_like_the_booking_limit(client, sam, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{number}", "wrong", REMOTE_ADDR=f"2001:db8:1:2::{number + 1}")
    assert sign_in(client, "sam", PASSWORD, REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
