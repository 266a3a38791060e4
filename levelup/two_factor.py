"""Two-factor sign-in: an authenticator app (TOTP) and one-use recovery codes.

Required for site administrators and the secretariat when TWO_FACTOR_REQUIRED is on (always
in production); offered to everyone else who holds a role. Whoever has set it up is asked for
a code at every sign-in. The session remembers, from the moment of sign-in, what is still
owed (`SESSION_KEY`: "verify" or "setup"); `TwoFactorMiddleware` sends the person there
until it is done, so no page (the Django admin included) is reachable halfway.
"""

from base64 import b32encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import User

SESSION_KEY = "levelup_two_factor"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user: User) -> bool:
    return bool(settings.TWO_FACTOR_REQUIRED and (user.is_site_admin or user.secretariat_body_ids))


def two_factor_offered(user: User) -> bool:
    return bool(
        user.is_site_admin
        or user.secretariat_body_ids
        or user.reviewer_call_ids
        or user.connector_partnership_ids
        or user.member_partnership_ids
    )


def two_factor_enabled(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def two_factor_owed_at_sign_in(user: User) -> str | None:
    """What a person must do after their password: "verify", "setup" or nothing."""
    if two_factor_enabled(user):
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


def totp_secret(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def totp_device_start(*, actor: User) -> TOTPDevice:
    """The person's unconfirmed authenticator, made now unless one is waiting already."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor: User, request, token: str) -> list[str]:
    """Turn two-factor sign-in on with the code the new authenticator shows.

    Replaces any earlier authenticator and recovery codes; marks this session verified.
    Returns the new recovery codes, to be shown once. ValidationError: the code is wrong.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        raise ValidationError(
            _("That code is not right. Enter the 6-digit code your app shows now."),
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(actor)
    audit_record(actor=actor, action="levelup.two_factor.enable", target=actor)
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)
    return codes


@transaction.atomic
def two_factor_verify(*, actor: User, request, token: str) -> None:
    """Accept a code from the authenticator or a recovery code (each of those works once).

    django-otp slows down repeated wrong codes on each device (throttling).
    """
    device = match_token(actor, "".join(token.split()).lower())
    if device is None:
        audit_record(actor=actor, action="levelup.two_factor.verify_failed", target=actor)
        raise ValidationError(
            _(
                "That code is not right. Enter the 6-digit code your app shows now, or one "
                "of your recovery codes. After several wrong codes you must wait a little "
                "longer before each try."
            ),
            code="wrong_code",
        )
    if isinstance(device, StaticDevice):
        audit_record(actor=actor, action="levelup.two_factor.recovery_code_used", target=actor)
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


@transaction.atomic
def recovery_codes_replace(*, actor: User) -> list[str]:
    if not two_factor_enabled(actor):
        raise ValidationError(_("Turn on two-factor sign-in first."))
    codes = _recovery_codes_replace(actor)
    audit_record(actor=actor, action="levelup.two_factor.recovery_codes_replace", target=actor)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User) -> None:
    if two_factor_required(actor):
        raise ValidationError(
            _("Your role needs two-factor sign-in, so it cannot be turned off."),
            code="required",
        )
    for device in devices_for_user(actor, confirmed=None):
        device.delete()
    audit_record(actor=actor, action="levelup.two_factor.disable", target=actor)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(token: str) -> str:
    return "".join(character for character in token if character.isdigit())
