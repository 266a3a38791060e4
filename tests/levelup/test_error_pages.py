"""The 403 and 404 pages: in the site's layout, saying what happened and what to do next.

Tests run with DEBUG off, so Django's own handlers render `403.html` and `404.html`.
"""

import re

import pytest
from django.urls import reverse

from tests.factories import CallForEvidenceFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = "<h1>Page not found</h1>"
FORBIDDEN = "<h1>You cannot use this page</h1>"


def _html(response) -> str:
    return response.content.decode()


def _without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_404_for_anonymous_is_friendly_and_offers_sign_in(client):
    response = client.get("/calls/no-such-call/")

    html = _html(response)
    assert response.status_code == 404
    assert NOT_FOUND in html
    assert "Page not found" in html.split("</title>")[0]
    assert f'href="{reverse("login")}?next=/calls/no-such-call/"' in html
    assert f'href="{reverse("home")}"' in html
    assert 'href="mailto:feedback@levelup.example"' in html
    assert "Go to My account" not in html


def test_404_for_signed_in_person_is_friendly_and_offers_my_account(client, respondent):
    client.force_login(respondent)

    response = client.get(reverse("evidence:manage-call", kwargs={"slug": "no-such-call"}))

    html = _html(response)
    assert response.status_code == 404
    assert NOT_FOUND in html
    assert f'<a href="{reverse("account")}">Go to My account</a>' in html
    assert "?next=" not in html


def test_404_for_a_private_thing_reads_the_same_as_for_nothing(client, respondent):
    draft = CallForEvidenceFactory(title="Secret draft call")  # a draft: outside the selector
    client.force_login(respondent)

    hidden = client.get(reverse("evidence:manage-call", kwargs={"slug": draft.slug}))
    missing = client.get(reverse("evidence:manage-call", kwargs={"slug": "no-such-call"}))

    assert hidden.status_code == missing.status_code == 404
    assert "Secret draft call" not in _html(hidden)
    assert _without_csrf_token(_html(hidden)).replace(
        draft.slug, "no-such-call"
    ) == _without_csrf_token(_html(missing))


def test_403_from_a_rules_view_for_signed_in_person_is_friendly(client, respondent, call):
    client.force_login(respondent)

    response = client.get(reverse("evidence:manage-call", kwargs={"slug": call.slug}))

    html = _html(response)
    assert response.status_code == 403
    assert FORBIDDEN in html
    assert "Your account does not give you access to this page" in html
    assert f'<a href="{reverse("account")}">Go to My account</a>' in html
    assert 'href="mailto:feedback@levelup.example"' in html


def test_403_from_a_partnership_page_for_signed_in_person_is_friendly(client, member, partnership):
    client.force_login(member)

    response = client.get(
        reverse("partnerships:connector-grant", kwargs={"slug": partnership.slug})
    )

    assert response.status_code == 403
    assert FORBIDDEN in _html(response)


def test_404_from_a_partnership_page_for_signed_in_person_is_friendly(
    client, respondent, partnership
):
    client.force_login(respondent)

    response = client.get(
        reverse("partnerships:partnership-home", kwargs={"slug": partnership.slug})
    )

    assert response.status_code == 404
    assert NOT_FOUND in _html(response)


@pytest.mark.urls("tests.levelup.urls_forbidden")
def test_403_for_anonymous_is_friendly_and_offers_sign_in(client):
    response = client.get("/test-forbidden/")

    html = _html(response)
    assert response.status_code == 403
    assert FORBIDDEN in html
    assert "You need to sign in, with an account that has access, to use this page." in html
    assert f'href="{reverse("login")}?next=/test-forbidden/"' in html
    assert f'href="{reverse("home")}"' in html
    assert "No one may use this page." not in html
