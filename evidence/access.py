"""Which browser or account may open a response: the respondent's access, kept in the session.

Responding needs no account. A response is open to the account that owns it, or to a
browser that started it or opened its private link: those responses' ids (and their
private tokens, to show the link again) are remembered in the HTTP session.
"""

from django.urls import reverse

from evidence.models import Submission

SESSION_RESPONSES = "evidence_responses"
SESSION_TOKENS = "evidence_tokens"


def responses_opened_here(request) -> list[str]:
    """The public ids of the responses this browser started or opened with their link."""
    return request.session.get(SESSION_RESPONSES, [])


def remember_response(request, submission: Submission, token: str | None = None) -> None:
    """Let this browser back into the response (and show its private link, given `token`)."""
    allowed = request.session.get(SESSION_RESPONSES, [])
    if str(submission.public_id) not in allowed:
        request.session[SESSION_RESPONSES] = [*allowed, str(submission.public_id)]
    if token:
        tokens = request.session.get(SESSION_TOKENS, {})
        tokens[str(submission.public_id)] = token
        request.session[SESSION_TOKENS] = tokens


def started_here(request, submission: Submission) -> bool:
    """The response is this account's, or this browser opened it before."""
    if request.user.is_authenticated and submission.user_id == request.user.pk:
        return True
    return str(submission.public_id) in request.session.get(SESSION_RESPONSES, [])


def continue_url(request, submission: Submission) -> str | None:
    """The response's private "continue" link, when this browser holds its token."""
    token = request.session.get(SESSION_TOKENS, {}).get(str(submission.public_id))
    if not token:
        return None
    return request.build_absolute_uri(reverse("evidence:continue", kwargs={"token": token}))
