"""Who may open which respondent page: per role, including refusals, and nothing leaks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.services import attachment_add
from levelup.enums import Role
from tests.factories import (
    BodyFactory,
    QuestionFactory,
    RoleGrantFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "owner",
    "respondent",
    "reviewer",
    "secretariat",
    "other_secretariat",
    "site_admin",
]


def _login(client, request, role, owner):
    if role == "anonymous":
        return
    if role == "owner":
        client.force_login(owner)
    elif role == "other_secretariat":
        user = UserFactory()
        RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory())
        client.force_login(user)
    else:
        client.force_login(request.getfixturevalue(role))


@pytest.fixture
def owner():
    return UserFactory(name="Owner Person")


@pytest.fixture
def draft(call, owner):
    submission = SubmissionFactory(call=call, user=owner, respondent_name="Private Name")
    QuestionFactory(section__call=call, text="Q?")
    return submission


@pytest.fixture
def sent(call, owner):
    return SubmissionFactory(call=call, user=owner, submitted=True, respondent_name="Private Name")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("owner", 200),
        ("respondent", 404),
        ("reviewer", 404),
        ("secretariat", 404),
        ("other_secretariat", 404),
        ("site_admin", 404),
    ],
)
@pytest.mark.parametrize("page", ["response-details", "response-check", "response-saved"])
def test_draft_pages_only_for_their_respondent(client, request, draft, owner, role, status, page):
    _login(client, request, role, owner)

    response = client.get(reverse(f"evidence:{page}", kwargs={"public_id": draft.public_id}))

    assert response.status_code == status
    assert ("Private Name" in response.content.decode()) == (
        status == 200 and page != "response-saved"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("owner", 200),
        ("respondent", 404),
        ("reviewer", 404),
        ("secretariat", 404),
        ("other_secretariat", 404),
        ("site_admin", 404),
    ],
)
def test_section_page_only_for_its_respondent(client, request, draft, owner, role, status):
    _login(client, request, role, owner)

    response = client.get(
        reverse("evidence:response-section", kwargs={"public_id": draft.public_id, "number": 1})
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("owner", 200),
        ("respondent", 404),
        ("reviewer", 404),
        ("secretariat", 404),
        ("other_secretariat", 404),
        ("site_admin", 404),
    ],
)
@pytest.mark.parametrize("page", ["response-receipt", "response-withdraw"])
def test_receipt_and_withdraw_only_for_their_respondent(
    client, request, sent, owner, role, status, page
):
    _login(client, request, role, owner)

    response = client.get(reverse(f"evidence:{page}", kwargs={"public_id": sent.public_id}))

    assert response.status_code == status
    assert (sent.reference in response.content.decode()) == (status == 200)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_others_cannot_withdraw_or_submit(client, request, draft, sent, owner, role):
    _login(client, request, role, owner)

    withdraw = client.post(
        reverse("evidence:response-withdraw", kwargs={"public_id": sent.public_id})
    )
    submit = client.post(reverse("evidence:response-check", kwargs={"public_id": draft.public_id}))

    assert (withdraw.status_code, submit.status_code) == (404, 404)
    sent.refresh_from_db()
    draft.refresh_from_db()
    assert (sent.status, draft.status) == ("submitted", "draft")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("owner", 200),
        ("respondent", 404),
        ("reviewer", 404),
        ("secretariat", 404),
        ("other_secretariat", 404),
        ("site_admin", 404),
    ],
)
def test_attachment_download_only_for_its_respondent(client, request, draft, owner, role, status):
    attachment = attachment_add(
        actor=owner, submission=draft, upload=SimpleUploadedFile("n.txt", b"secret words")
    )
    _login(client, request, role, owner)

    response = client.get(
        reverse(
            "evidence:attachment-download",
            kwargs={"public_id": draft.public_id, "pk": attachment.pk},
        )
    )

    assert response.status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_call_list_and_open_call_page_for_everyone(client, request, call, owner, role):
    _login(client, request, role, owner)

    listing = client.get(reverse("evidence:call-list"))
    page = client.get(call.get_absolute_url())
    start = client.get(reverse("evidence:respond-start", kwargs={"slug": call.slug}))

    assert (listing.status_code, page.status_code, start.status_code) == (200, 200, 200)
    assert call.title in listing.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_my_responses_lists_only_own(client, request, draft, owner, role):
    _login(client, request, role, owner)

    response = client.get(reverse("evidence:my-responses"))

    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert [s.pk for s in response.context["responses"]] == (
            [draft.pk] if role == "owner" else []
        )
