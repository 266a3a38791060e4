"""Request hygiene at the edge, before any view sees the data."""

from urllib.parse import urlencode

from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import SESSION_KEY

NUL = "\x00"


class StripNulMiddleware:
    """Remove NUL characters from query strings and form fields.

    PostgreSQL cannot store NUL in text, and no keyboard types one: it arrives from a
    crafted request or a damaged paste. Stripping it (rather than refusing the request)
    keeps everything else the person typed, so the page carries on as if it were not there.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _without_nul(data: QueryDict) -> QueryDict:
    if not any(NUL in key or any(NUL in value for value in values) for key, values in data.lists()):
        return data
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    clean._mutable = False
    return clean


class TwoFactorMiddleware:
    """Until the second factor is given (or set up, where it is required), only the pages
    that give it, sign out and password reset are reachable. Reads only the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if owed and request.user.is_authenticated and not self._exempt(request.path):
            target = reverse("two-factor-verify" if owed == "verify" else "two-factor-setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = [
            reverse("two-factor-verify"),
            reverse("two-factor-setup"),
            reverse("two-factor-qr"),
            reverse("logout"),
            reverse("password-reset"),
            reverse("healthz"),
        ]
        return any(path.startswith(prefix) for prefix in exempt)
