"""Who may open which respondent page: per role, including refusals, and nothing leaks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import Submission
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


@pytest.fixture
def attachment(draft, owner):
    return attachment_add(
        actor=owner, submission=draft, upload=SimpleUploadedFile("n.txt", b"secret words")
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
def test_attachment_download_only_for_its_respondent(
    client, request, draft, attachment, owner, role, status
):
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


WRITE_REFUSED = [
    ("anonymous", 404),
    ("owner", 302),
    ("respondent", 404),
    ("reviewer", 404),
    ("secretariat", 404),
    ("other_secretariat", 404),
    ("site_admin", 404),
]


@pytest.mark.parametrize(("role", "status"), WRITE_REFUSED)
def test_details_and_answers_change_only_for_their_respondent(
    client, request, draft, owner, role, status
):
    question = draft.call.questions.get(text="Q?")
    _login(client, request, role, owner)

    details = client.post(
        reverse("evidence:response-details", kwargs={"public_id": draft.public_id}),
        {
            "respondent_name": "Changed Name",
            "respondent_email": "changed@example.org",
            "responding_as": "individual",
            "publication_preference": "named",
            "consent": "on",
        },
    )
    answers = client.post(
        reverse("evidence:response-section", kwargs={"public_id": draft.public_id, "number": 1}),
        {f"q{question.pk}": "Changed answer", "action": "save"},
    )

    assert (details.status_code, answers.status_code) == (status, status)
    draft.refresh_from_db()
    changed = status == 302
    assert (draft.respondent_name == "Changed Name") is changed
    assert list(draft.answers.values_list("text", flat=True)) == (
        ["Changed answer"] if changed else []
    )


@pytest.mark.parametrize(("role", "status"), WRITE_REFUSED)
def test_attachment_remove_only_for_its_respondent(
    client, request, draft, attachment, owner, role, status
):
    _login(client, request, role, owner)

    response = client.post(
        reverse(
            "evidence:attachment-remove",
            kwargs={"public_id": draft.public_id, "pk": attachment.pk},
        )
    )

    assert response.status_code == status
    assert draft.attachments.exists() is (status != 302)


def test_attachment_of_another_response_not_found_through_your_own(client, call, draft, attachment):
    other = UserFactory()
    own = SubmissionFactory(call=call, user=other)
    client.force_login(other)
    kwargs = {"public_id": own.public_id, "pk": attachment.pk}

    download = client.get(reverse("evidence:attachment-download", kwargs=kwargs))
    remove = client.post(reverse("evidence:attachment-remove", kwargs=kwargs))

    assert (download.status_code, remove.status_code) == (404, 404)
    assert b"secret words" not in download.content
    assert draft.attachments.count() == 1


def test_attachment_of_an_anonymous_draft_needs_its_link(client, call):
    draft = SubmissionFactory(call=call, user=None)
    attachment = attachment_add(
        actor=None, submission=draft, upload=SimpleUploadedFile("n.txt", b"secret words")
    )
    url = reverse(
        "evidence:attachment-download", kwargs={"public_id": draft.public_id, "pk": attachment.pk}
    )

    stranger = client.get(url)
    session = client.session
    session["evidence_responses"] = [str(draft.public_id)]
    session.save()
    holder = client.get(url)

    assert stranger.status_code == 404
    assert b"".join(holder.streaming_content) == b"secret words"


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_start_a_response_to_an_open_call(client, request, call, owner, role):
    _login(client, request, role, owner)

    response = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))

    submission = Submission.objects.get(call=call)
    assert response.url == reverse(
        "evidence:response-details", kwargs={"public_id": submission.public_id}
    )
    signed_in = response.wsgi_request.user
    assert submission.user == (signed_in if signed_in.is_authenticated else None)
