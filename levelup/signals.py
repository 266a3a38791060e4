"""Hooks into third-party apps only; our own flows call services, never signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .audit import audit_record
from .two_factor import SESSION_KEY, two_factor_owed_at_sign_in


@receiver(user_locked_out, dispatch_uid="levelup.audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    audit_record(
        actor=None,
        action="levelup.account.lockout",
        changes={"username": username or "", "ip_address": ip_address or ""},
    )


@receiver(user_logged_in, dispatch_uid="levelup.two_factor_at_sign_in")
def two_factor_at_sign_in(sender, request, user, **kwargs) -> None:
    """Every way of signing in (our form, the admin's) owes the second factor if set up."""
    if request is None or not hasattr(request, "session"):
        return
    owed = two_factor_owed_at_sign_in(user)
    if owed:
        request.session[SESSION_KEY] = owed
    else:
        request.session.pop(SESSION_KEY, None)
