"""Hooks into third-party apps only; our own flows call services, never signals."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_locked_out, dispatch_uid="levelup.audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    audit_record(
        actor=None,
        action="levelup.account.lockout",
        changes={"username": username or "", "ip_address": ip_address or ""},
    )
