import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from levelup.enums import EmailStatus
from levelup.models import AuditEntry, OutboundEmail
from levelup.outbox import outbound_email_send
from tests.factories import CallForEvidenceFactory, PartnershipFactory, UserFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["respondent", "reviewer", "secretariat", "connector", "member", "site_admin"]


def _sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_sign_in_with_right_password_goes_to_my_account(client):
    person = UserFactory(email="ann@example.org")

    response = _sign_in(client, "Ann@Example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_sign_in_with_wrong_password_shows_clear_message(client):
    UserFactory(email="ann@example.org")

    response = _sign_in(client, "ann@example.org", "wrong")

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The email address or password is not right." in html
    assert "<title>" in html and "Error:" in html.split("</title>")[0]
    assert "_auth_user_id" not in client.session


def test_sign_in_locks_out_after_repeated_failures_and_audits(client, settings):
    UserFactory(email="ann@example.org")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "ann@example.org", "wrong").status_code == 200
    locked = _sign_in(client, "ann@example.org", "wrong")
    still_locked = _sign_in(client, "ann@example.org", PASSWORD)

    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # One entry when the lock starts, one for the attempt refused while locked.
    entries = AuditEntry.objects.filter(action="levelup.account.lockout")
    assert [e.changes for e in entries] == [
        {"username": "ann@example.org", "ip_address": "127.0.0.1"}
    ] * 2
    # The attempt refused during the lock is not counted: it must not restart the lock.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_sign_out_needs_post_and_signs_out(client, respondent):
    client.force_login(respondent)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_password_reset_queues_email_in_outbox(client, django_capture_on_commit_callbacks):
    UserFactory(email="ann@example.org", name="Ann Example")

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("password-reset"), {"email": "Ann@example.org"})
    outbound_email_send(email_id=OutboundEmail.objects.get().pk)

    assert response.status_code == 302
    assert response["Location"] == reverse("password-reset-sent")
    email = OutboundEmail.objects.get()
    assert email.to == ["ann@example.org"]
    assert email.status == EmailStatus.SENT
    assert email.subject == "Reset your LevelUp password"
    assert "Dear Ann Example," in email.body_text
    assert "http://testserver/accounts/password-reset/" in email.body_text
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="levelup.account.password_reset_request").count() == 1


def test_password_reset_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("password-reset"), {"email": "nobody@example.org"})
    outbound_email_send(email_id=OutboundEmail.objects.get().pk)

    assert response["Location"] == reverse("password-reset-sent")
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.ABANDONED
    assert email.last_error == "Nobody to send to: no active account has this address."
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["ann@example.org", "nobody@example.org"])
def test_password_reset_request_does_the_same_work_for_any_address(
    client, email, django_assert_num_queries
):
    """Same queries, none of them reading accounts: the answer's timing reveals nothing."""
    UserFactory(email="ann@example.org")

    with django_assert_num_queries(4) as captured:
        response = client.post(reverse("password-reset"), {"email": email})

    assert response["Location"] == reverse("password-reset-sent")
    assert not [q for q in captured.captured_queries if "levelup_user" in q["sql"]]


def test_password_reset_inactive_account_gets_nothing(client, mailoutbox):
    UserFactory(email="ann@example.org", is_active=False)

    client.post(reverse("password-reset"), {"email": "ann@example.org"})
    outbound_email_send(email_id=OutboundEmail.objects.get().pk)

    assert OutboundEmail.objects.get().status == EmailStatus.ABANDONED
    assert mailoutbox == []


def test_password_reset_link_sets_new_password(client):
    person = UserFactory(email="ann@example.org")
    client.post(reverse("password-reset"), {"email": "ann@example.org"})
    outbound_email_send(email_id=OutboundEmail.objects.get().pk)
    link = re.search(r"http://testserver(\S+)", OutboundEmail.objects.get().body_text).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )

    assert response["Location"] == reverse("password-reset-complete")
    person.refresh_from_db()
    assert person.check_password("a-new-long-passphrase")


def test_password_reset_invalid_link_says_so(client):
    response = client.get(reverse("password-reset-confirm", args=["MQ", "set-password"]))

    assert "This link no longer works" in response.content.decode()


def test_account_page_refuses_anonymous(client):
    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('account')}"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("respondent", []),
        ("reviewer", [("Reviewer", "call")]),
        ("secretariat", [("Secretariat", "body")]),
        ("connector", [("Business connector", "partnership")]),
        ("member", [("Partnership member", "partnership")]),
        ("site_admin", [("Site administrator", None)]),
    ],
)
def test_account_page_lists_roles(client, request, role, expected):
    user = request.getfixturevalue(role)
    targets = {"call": "call", "body": "body", "partnership": "partnership"}
    client.force_login(user)

    response = client.get(reverse("account"))

    listed = [(held.label, held.target) for held in response.context["roles"]]
    wanted = [(label, request.getfixturevalue(targets[t]) if t else None) for label, t in expected]
    assert listed == wanted
    html = response.content.decode()
    if not expected:
        assert "You have no roles yet." in html
    for label, target in wanted:
        assert label in html
        assert (str(target) if target else "The whole site") in html


def test_account_page_shows_only_own_roles(client, respondent, secretariat):
    client.force_login(respondent)

    response = client.get(reverse("account"))

    assert response.context["roles"] == []
    assert secretariat.name not in response.content.decode()


def test_home_lists_open_calls_and_partnerships(client):
    CallForEvidenceFactory(title="Open one", open=True)
    CallForEvidenceFactory(title="Closed one", closed=True)
    CallForEvidenceFactory(title="Draft one")
    PartnershipFactory(name="Blackpool Place Partnership")

    response = client.get(reverse("home"))

    assert [c.title for c in response.context["open_calls"]] == ["Open one"]
    html = response.content.decode()
    assert "Closed one" not in html and "Draft one" not in html
    assert "Blackpool Place Partnership" in html


def test_home_empty_states_say_what_next(client):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert "No calls for evidence are open right now." in html
    assert "No partnerships have been set up yet." in html


@pytest.mark.parametrize("rows", [1, 5])
def test_home_query_count_is_constant(client, rows, django_assert_num_queries):
    CallForEvidenceFactory.create_batch(rows, open=True)
    PartnershipFactory.create_batch(rows)

    with django_assert_num_queries(2):
        response = client.get(reverse("home"))

    assert len(response.context["open_calls"]) == rows


def test_home_shows_demo_accounts_only_in_debug(client, settings):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 -- discard output

    settings.DEBUG = False
    hidden = client.get(reverse("home")).content.decode()
    settings.DEBUG = True
    shown = client.get(reverse("home")).content.decode()

    assert settings.DEMO_PASSWORD not in hidden
    assert "reviewer@demo.levelup.test" not in hidden
    assert settings.DEMO_PASSWORD in shown
    assert "reviewer@demo.levelup.test" in shown


@pytest.mark.parametrize(
    "url_name", ["home", "login", "password-reset", "password-reset-sent", "account"]
)
def test_every_page_has_strict_csp(client, respondent, url_name):
    client.force_login(respondent)

    response = client.get(reverse(url_name))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "<script>" not in response.content.decode()
    assert ' style="' not in response.content.decode()


def test_account_page_is_never_stored(client, respondent):
    client.force_login(respondent)

    response = client.get(reverse("account"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
