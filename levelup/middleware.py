"""Request hygiene at the edge, before any view sees the data."""

from django.http import QueryDict

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
