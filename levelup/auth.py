"""Who is signing in, and from where: the hooks django-axes and the rate limits call."""

import ipaddress

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def axes_username(request, credentials: dict | None) -> str:
    """The email address a sign-in attempt used, in one case, so 'Ann@' and 'ann@' add up."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def client_ip(request) -> str:
    """The person's address, not our reverse proxy's.

    Each of the TRUSTED_PROXY_COUNT proxies in front of the app appends the address it was
    reached from to X-Forwarded-For, so the person's address is that many entries from the
    right. Anything further left was written by the client and is ignored. Without trusted
    proxies (development, tests) the socket's address is the person's.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def sign_in_failures_from(address: str) -> int:
    """Failed sign-ins from `address`, for any account, within the lock-out period.

    Password spraying tries a few passwords on many accounts: each account stays under the
    per-account limit, but the address adds up every failure.
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    since = timezone.now() - get_cool_off()
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def sign_in_paused_for_address(request) -> bool:
    return sign_in_failures_from(client_ip(request)) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
