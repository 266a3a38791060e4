def axes_username(request, credentials: dict | None) -> str:
    """The email address a sign-in attempt used, in one case, so 'Ann@' and 'ann@' add up."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()
