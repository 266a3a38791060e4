"""Sign-in locks: how long they last, whose address they count, and password spraying."""

from datetime import timedelta

import axes.attempts
import axes.handlers.proxy
import pytest
from django.urls import reverse
from django.utils import timezone

from levelup.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


class Clock:
    def __init__(self, now):
        self.now = now

    def advance(self, delta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    """One clock for Django and for django-axes, which imports `now` by name."""
    clock = Clock(timezone.now().replace(microsecond=0))
    for module in (timezone, axes.handlers.proxy, axes.attempts):
        monkeypatch.setattr(module, "now", lambda: clock.now)
    return clock


def _sign_in(client, email, password, **headers):
    return client.post(reverse("login"), {"username": email, "password": password}, headers=headers)


def test_lock_ends_fifteen_minutes_after_it_started_despite_tries_during_it(client, clock):
    UserFactory(email="ann@example.org")
    for _ in range(5):
        _sign_in(client, "ann@example.org", "wrong")
    refused = []

    # One try a minute, alternately wrong and right, while the lock lasts.
    for minute in range(1, 15):
        clock.advance(MINUTE)
        password = PASSWORD if minute % 2 else "wrong"
        refused.append(_sign_in(client, "ann@example.org", password).status_code)
    clock.advance(MINUTE + timedelta(seconds=1))
    after = _sign_in(client, "ann@example.org", PASSWORD)

    assert refused == [429] * 14
    assert after.status_code == 302
    assert after["Location"] == reverse("account")


def test_lock_still_holds_just_before_fifteen_minutes(client, clock):
    UserFactory(email="ann@example.org")
    for _ in range(5):
        _sign_in(client, "ann@example.org", "wrong")

    clock.advance(15 * MINUTE - timedelta(seconds=1))
    response = _sign_in(client, "ann@example.org", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_proxy_attacker_lock_does_not_lock_out_the_real_user(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ann@example.org")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "ann@example.org", "password": "wrong"},
            headers={"x-forwarded-for": "203.0.113.9"},
            **proxy,
        )
    attacker = client.post(
        reverse("login"),
        {"username": "ann@example.org", "password": PASSWORD},
        headers={"x-forwarded-for": "203.0.113.9"},
        **proxy,
    )

    real_user = client.post(
        reverse("login"),
        {"username": "ann@example.org", "password": PASSWORD},
        headers={"x-forwarded-for": "198.51.100.7"},
        **proxy,
    )

    assert attacker.status_code == 429
    assert real_user.status_code == 302
    lockout = AuditEntry.objects.filter(action="levelup.account.lockout").first()
    assert lockout.changes == {"username": "ann@example.org", "ip_address": "203.0.113.9"}


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),
        (1, "203.0.113.9", "203.0.113.9"),
        # The client wrote the left entry itself; our proxy appended the right one.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.9", "203.0.113.9"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_client_ip_reads_the_trusted_proxy_entry(rf, settings, count, forwarded, expected):
    from levelup.auth import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_password_spraying_from_one_address_is_paused(client, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
    UserFactory(email="real@example.org")
    # Two tries on each of ten accounts: no account reaches its own limit of five.
    for number in range(10):
        for _ in range(2):
            _sign_in(client, f"person{number}@example.org", "Summer2026!")

    sprayer = _sign_in(client, "real@example.org", PASSWORD)
    elsewhere = client.post(
        reverse("login"),
        {"username": "real@example.org", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.50",
    )

    assert sprayer.status_code == 429
    assert "Signing in is paused" in sprayer.content.decode()
    assert elsewhere.status_code == 302
    entry = AuditEntry.objects.get(action="levelup.account.address_paused")
    assert entry.changes == {"ip_address": "127.0.0.1"}


def test_address_pause_ends_after_the_cool_off(client, settings, clock):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
    UserFactory(email="real@example.org")
    for number in range(20):
        _sign_in(client, f"person{number}@example.org", "Summer2026!")
    assert _sign_in(client, "real@example.org", PASSWORD).status_code == 429

    clock.advance(15 * MINUTE + timedelta(seconds=1))
    response = _sign_in(client, "real@example.org", PASSWORD)

    assert response.status_code == 302
