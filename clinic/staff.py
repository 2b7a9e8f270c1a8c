"""Staff accounts: the admin asks for a second factor (TOTP, django-otp) after the password.

``StaffAdminSite`` is the project's admin site (``clinic.apps.ClinicAdminConfig``): a
member of staff is let in once their session is verified by an authenticator app.
``two_factor`` is the page between the password and the admin: it sets the app up on the
first sign-in (a QR code and the key to type) and asks for its current code on every
sign-in after.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


def needs_second_factor(user) -> bool:
    """A member of staff whose session no authenticator app has verified yet."""
    return (
        settings.STAFF_TWO_FACTOR
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user.is_verified()
    )


class StaffAdminSite(admin.AdminSite):
    site_header = "Physio and Fitness Clinic: back office"
    site_title = "Clinic back office"
    index_title = "Diary and content"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not needs_second_factor(request.user)

    def index(self, request: HttpRequest, extra_context=None):
        """Staff whose group has a landing page (settings.ADMIN_LANDING_PAGES) go there;
        ``?menu=1`` shows the index to them too."""
        if "menu" not in request.GET and not request.user.is_superuser:
            groups = set(request.user.groups.values_list("name", flat=True))
            for group, page in settings.ADMIN_LANDING_PAGES.items():
                if group in groups:
                    return redirect(page)
        return super().index(request, extra_context)

    def login(self, request: HttpRequest, extra_context=None):
        # The password is right; the app's code is still to come.
        if needs_second_factor(request.user):
            wanted = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': wanted})}")
        return super().login(request, extra_context)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="The 6-digit code your authenticator app shows",
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app (first sign-in) or check its code (every sign-in)."""
    user = request.user
    if not user.is_staff:
        raise PermissionDenied
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        wanted = reverse("admin:index")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        device = device or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(wanted)
        form.add_error("code", "That code is not right: enter the one your app shows now.")
    if form.errors:
        status = 400
    context = {"form": form, "setting_up": setting_up, "next": wanted}
    if setting_up:
        context["key"] = " ".join(
            b32encode(device.bin_key).decode()[i : i + 4] for i in range(0, 32, 4)
        )
        qr = segno.make(device.config_url, error="m")
        context["qr_code"] = mark_safe(qr.svg_inline(scale=4, title="Code to scan"))  # noqa: S308
    return render(request, "registration/two_factor.html", context, status=status)


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """End a half-finished sign-in (password given, no code yet): the admin's own logout
    sits behind the second factor."""
    logout(request)
    return redirect("admin:login")
