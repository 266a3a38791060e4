"""Two-factor sign-in: required for administrators and the secretariat, offered to others."""

import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from levelup.models import AuditEntry
from levelup.two_factor import SESSION_KEY
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """The code an authenticator app with `key` shows now (or `steps_ahead` × 30 s later)."""
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _secret_on(page_html: str) -> bytes:
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page_html).group(1)
    return b32decode(shown.replace(" ", ""))


def _enrol(client, user) -> tuple[bytes, list[str]]:
    setup = client.get(reverse("two-factor-setup")).content.decode()
    key = _secret_on(setup)
    page = client.post(reverse("two-factor-setup"), {"code": code_for(key)})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())
    return key, codes


def test_secretariat_must_set_up_two_factor_before_any_page(client, secretariat, required):
    signed_in = _sign_in(client, secretariat)
    elsewhere = client.get(reverse("evidence:manage-call-list"))

    assert signed_in["Location"] == f"{reverse('two-factor-setup')}?next=%2Faccounts%2F"
    assert elsewhere["Location"] == (f"{reverse('two-factor-setup')}?next=%2Fmanage%2Fcalls%2F")


def test_site_admin_cannot_reach_the_django_admin_before_two_factor(client, site_admin, required):
    _sign_in(client, site_admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-setup"))


def test_setup_shows_a_server_drawn_qr_code_and_the_key(client, secretariat, required):
    _sign_in(client, secretariat)

    page = client.get(reverse("two-factor-setup"))
    qr = client.get(reverse("two-factor-qr"))

    html = page.content.decode()
    assert len(_secret_on(html)) == 20
    assert f'<img src="{reverse("two-factor-qr")}"' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_setup_with_the_right_code_turns_it_on_and_shows_recovery_codes(
    client, secretariat, required
):
    _sign_in(client, secretariat)

    _key, codes = _enrol(client, secretariat)
    account = client.get(reverse("account"))

    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=secretariat).confirmed is True
    assert StaticToken.objects.filter(device__user=secretariat).count() == 10
    assert SESSION_KEY not in client.session
    assert account.status_code == 200
    assert "You have 10 recovery codes left." in account.content.decode()
    assert AuditEntry.objects.filter(action="levelup.two_factor.enable").count() == 1


def test_setup_with_a_wrong_code_says_so_and_stays_off(client, secretariat, required):
    _sign_in(client, secretariat)
    client.get(reverse("two-factor-setup"))

    response = client.post(reverse("two-factor-setup"), {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()


def test_sign_in_after_setup_asks_for_a_code_and_accepts_the_apps(client, secretariat, required):
    _sign_in(client, secretariat)
    key, _codes = _enrol(client, secretariat)
    client.post(reverse("logout"))

    signed_in = _sign_in(client, secretariat)
    blocked = client.get(reverse("account"))
    wrong = client.post(signed_in["Location"], {"code": "123456"})
    right = client.post(signed_in["Location"], {"code": code_for(key, steps_ahead=1)})

    assert signed_in["Location"] == f"{reverse('two-factor-verify')}?next=%2Faccounts%2F"
    assert blocked["Location"].startswith(reverse("two-factor-verify"))
    assert "That code is not right." in wrong.content.decode()
    assert right["Location"] == reverse("account")
    assert client.get(reverse("account")).status_code == 200


def test_a_recovery_code_works_once(client, reviewer, required):
    client.force_login(reviewer)
    _key, codes = _enrol(client, reviewer)
    client.post(reverse("logout"))

    _sign_in(client, reviewer)
    first = client.post(reverse("two-factor-verify"), {"code": codes[0].upper()})
    client.post(reverse("logout"))
    _sign_in(client, reviewer)
    again = client.post(reverse("two-factor-verify"), {"code": codes[0]})

    assert first["Location"] == reverse("account")
    assert again.status_code == 200
    assert "That code is not right." in again.content.decode()
    assert AuditEntry.objects.filter(action="levelup.two_factor.recovery_code_used").count() == 1


def test_password_alone_cannot_replace_the_authenticator(client, secretariat, required):
    _sign_in(client, secretariat)
    _enrol(client, secretariat)
    client.post(reverse("logout"))
    _sign_in(client, secretariat)

    setup = client.get(reverse("two-factor-setup"))
    qr = client.get(reverse("two-factor-qr"))
    post = client.post(reverse("two-factor-setup"), {"code": "000000"})

    assert [setup["Location"], qr["Location"], post["Location"]] == [
        reverse("two-factor-verify")
    ] * 3
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_reviewer_is_offered_two_factor_but_not_made_to(client, reviewer, required):
    signed_in = _sign_in(client, reviewer)

    account = client.get(reverse("account")).content.decode()

    assert signed_in["Location"] == reverse("account")
    assert "Set up two-factor sign-in" in account


def test_respondent_without_roles_is_not_offered_two_factor(client, respondent):
    client.force_login(respondent)

    assert "Two-factor sign-in" not in client.get(reverse("account")).content.decode()


def test_development_setting_lets_the_secretariat_sign_in_with_a_password(client, secretariat):
    signed_in = _sign_in(client, secretariat)

    assert signed_in["Location"] == reverse("account")
    assert client.get(reverse("evidence:manage-call-list")).status_code == 200


def test_reviewer_can_turn_two_factor_off_but_secretariat_cannot(
    client, reviewer, secretariat, required
):
    client.force_login(reviewer)
    _enrol(client, reviewer)
    off = client.post(reverse("two-factor-disable"), follow=True)
    client.post(reverse("logout"))
    _sign_in(client, secretariat)
    _enrol(client, secretariat)
    refused = client.post(reverse("two-factor-disable"), follow=True)

    assert "Two-factor sign-in is now off." in off.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert "cannot be turned off" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(client, reviewer):
    client.force_login(reviewer)
    _key, old = _enrol(client, reviewer)

    page = client.post(reverse("two-factor-recovery-codes")).content.decode()

    new = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_next_outside_the_site_is_ignored(client, reviewer):
    client.force_login(reviewer)
    key, _codes = _enrol(client, reviewer)
    client.post(reverse("logout"))
    _sign_in(client, reviewer)

    response = client.post(
        f"{reverse('two-factor-verify')}?next=https://evil.example/",
        {"code": code_for(key, steps_ahead=1)},
    )

    assert response["Location"] == reverse("account")
