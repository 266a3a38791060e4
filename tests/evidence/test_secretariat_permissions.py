"""Who may open the secretariat's pages: every view, every role, refusals included.

The call is open (public), so people outside the body see it and get a 403 for its
secretariat pages; a draft call is outside their selector, so they get a 404.
"""

import pytest
from django.urls import reverse

from evidence.enums import ImportStatus
from evidence.models import CallForEvidence, ImportJob, LateSubmissionLink, Question, Section
from levelup.enums import Role
from tests.factories import (
    BodyFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    RoleGrantFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "respondent", "reviewer", "secretariat", "other_secretariat", "site_admin"]


@pytest.fixture
def other_secretariat(db):
    user = UserFactory(name="Otto Other")
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return user


@pytest.fixture
def people(respondent, reviewer, secretariat, other_secretariat, site_admin):
    return {
        "anonymous": None,
        "respondent": respondent,
        "reviewer": reviewer,
        "secretariat": secretariat,
        "other_secretariat": other_secretariat,
        "site_admin": site_admin,
    }


@pytest.fixture
def things(call, secretariat):
    question = QuestionFactory(section__call=call)
    submission = SubmissionFactory(call=call, submitted=True)
    link = LateSubmissionLink.objects.create(
        call=call, email="late@example.org", token_hash="x" * 64, expires_at=call.closes_at
    )
    job = ImportJob.objects.create(
        call=call,
        created_by=secretariat,
        file="imports/x.csv",
        file_format="csv",
        original_name="x.csv",
        sha256="0" * 64,
        columns=["Name"],
        total_rows=1,
        status=ImportStatus.CHECKED,
    )
    return {
        "question": question.pk,
        "section": question.section_id,
        "submission": submission.public_id,
        "link": link.pk,
        "job": job.pk,
    }


# (url name, extra kwargs from `things`), all opened with GET.
CALL_PAGES = [
    ("evidence:manage-call", {}),
    ("evidence:manage-call-edit", {}),
    ("evidence:manage-call-preview", {}),
    ("evidence:manage-questions", {}),
    ("evidence:manage-section-create", {}),
    ("evidence:manage-section-edit", {"pk": "section"}),
    ("evidence:manage-section-delete", {"pk": "section"}),
    ("evidence:manage-question-create", {}),
    ("evidence:manage-question-edit", {"pk": "question"}),
    ("evidence:manage-question-delete", {"pk": "question"}),
    ("evidence:manage-submissions", {}),
    ("evidence:manage-submission", {"public_id": "submission"}),
    ("evidence:manage-submission-enter", {}),
    ("evidence:manage-late-links", {}),
    ("evidence:manage-import-upload", {}),
    ("evidence:manage-import-map", {"pk": "job"}),
    ("evidence:manage-import-check", {"pk": "job"}),
    ("evidence:manage-import-progress", {"pk": "job"}),
]
# POST-only actions: a refusal must come before anything changes.
CALL_ACTIONS = [
    ("evidence:manage-section-move", {"pk": "section"}, {"direction": "up"}),
    ("evidence:manage-question-move", {"pk": "question"}, {"direction": "up"}),
    ("evidence:manage-late-link-revoke", {"pk": "link"}, {}),
    ("evidence:manage-call-transition", {}, {"to": "analysing"}),
    ("evidence:manage-import-retry", {"pk": "job"}, {}),
]

OPEN_CALL_EXPECTED = {
    "anonymous": 302,
    "respondent": 403,
    "reviewer": 403,
    "secretariat": 200,
    "other_secretariat": 403,
    "site_admin": 200,
}


def _url(call, name, kwargs, things):
    resolved = {key: things[value] for key, value in kwargs.items()}
    return reverse(name, kwargs={"slug": call.slug, **resolved})


def _login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), CALL_PAGES)
def test_call_page_permission_by_role(client, people, things, call, role, name, kwargs):
    _login(client, people[role])

    response = client.get(_url(call, name, kwargs, things))

    assert response.status_code == OPEN_CALL_EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["anonymous", "respondent", "reviewer", "other_secretariat"])
@pytest.mark.parametrize(("name", "kwargs", "data"), CALL_ACTIONS)
def test_call_action_refused_by_role(client, people, things, call, role, name, kwargs, data):
    _login(client, people[role])

    response = client.post(_url(call, name, kwargs, things), data)

    assert response.status_code == (302 if role == "anonymous" else 403)
    assert LateSubmissionLink.objects.get(pk=things["link"]).revoked_at is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [("respondent", 404), ("other_secretariat", 404), ("secretariat", 200), ("site_admin", 200)],
)
def test_draft_call_is_hidden_outside_the_body(client, people, body, role, expected):
    draft = CallForEvidenceFactory(body=body)
    _login(client, people[role])

    response = client.get(reverse("evidence:manage-call", kwargs={"slug": draft.slug}))

    assert response.status_code == expected


def test_draft_call_reviewer_sees_it_but_may_not_run_it(client, body):
    draft = CallForEvidenceFactory(body=body)
    user = UserFactory()
    RoleGrantFactory(user=user, role=Role.REVIEWER, target=draft)
    client.force_login(user)

    response = client.get(reverse("evidence:manage-call-edit", kwargs={"slug": draft.slug}))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 403),
        ("reviewer", 403),
        ("secretariat", 200),
        ("other_secretariat", 200),
        ("site_admin", 200),
    ],
)
@pytest.mark.parametrize("name", ["evidence:manage-call-list", "evidence:manage-call-create"])
def test_call_list_and_create_permission_by_role(client, people, role, expected, name):
    _login(client, people[role])

    response = client.get(reverse(name))

    assert response.status_code == expected


def test_call_list_shows_only_the_bodys_calls(client, secretariat, call, other_secretariat):
    other_call = CallForEvidenceFactory(title="Someone else's call")
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-call-list"))

    assert [c.pk for c in response.context["calls"]] == [call.pk]
    assert other_call.title not in response.content.decode()


def test_objects_of_another_call_are_404(client, secretariat, call):
    foreign_question = QuestionFactory(section__call=CallForEvidenceFactory(body=call.body))
    client.force_login(secretariat)

    response = client.get(
        reverse(
            "evidence:manage-question-edit", kwargs={"slug": call.slug, "pk": foreign_question.pk}
        )
    )

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "respondent", "reviewer"])
def test_create_call_post_refused_for_people_without_a_body(client, people, body, role):
    _login(client, people[role])

    response = client.post(
        reverse("evidence:manage-call-create"),
        {"body": body.pk, "title": "Sneaky", "reference_prefix": "SNK", "max_attachments": 1},
    )

    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not CallForEvidence.objects.filter(title="Sneaky").exists()


def test_site_admin_creates_a_call_for_any_body(client, site_admin, body):
    client.force_login(site_admin)

    client.post(
        reverse("evidence:manage-call-create"),
        {"body": body.pk, "title": "By the admin", "reference_prefix": "ADM", "max_attachments": 1},
    )

    assert CallForEvidence.objects.get(title="By the admin").body == body


@pytest.mark.parametrize("rows", [1, 3])
def test_call_list_queries_constant(client, secretariat, body, rows, django_assert_num_queries):
    for call in CallForEvidenceFactory.create_batch(rows, body=body, open=True):
        SubmissionFactory.create_batch(2, call=call, submitted=True)
    client.force_login(secretariat)
    client.get(reverse("evidence:manage-call-list"))

    # session, user, role grants, count, the page of calls with their response counts
    with django_assert_num_queries(5):
        response = client.get(reverse("evidence:manage-call-list"))

    assert [c.sent_count for c in response.context["calls"]] == [2] * rows


def _call_edit_data(call):
    return {
        "title": "Taken over",
        "summary": "",
        "background": "",
        "who_should_respond": "",
        "guidance": "",
        "privacy_notice": "Changed",
        "publication_policy": "",
        "contact_email": "x@example.org",
        "reference_prefix": call.reference_prefix,
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-02-01T09:00",
        "max_attachments": "1",
    }


# Every write the secretariat may make on a call, with data that would succeed for them.
CALL_WRITES = [
    ("evidence:manage-call-edit", {}, "call_edit"),
    ("evidence:manage-section-create", {}, {"title": "Sneaky section"}),
    ("evidence:manage-section-edit", {"pk": "section"}, {"title": "Renamed"}),
    ("evidence:manage-section-delete", {"pk": "section"}, {}),
    ("evidence:manage-question-create", {}, "question"),
    ("evidence:manage-question-edit", {"pk": "question"}, "question"),
    ("evidence:manage-question-delete", {"pk": "question"}, {}),
    ("evidence:manage-question-move", {"pk": "question"}, {"direction": "down"}),
    ("evidence:manage-section-move", {"pk": "section"}, {"direction": "down"}),
    ("evidence:manage-call-transition", {}, {"to": "analysing"}),
    (
        "evidence:manage-late-links",
        {},
        {"email": "a@example.org", "expires_at": "2031-01-01T09:00"},
    ),
    ("evidence:manage-late-link-revoke", {"pk": "link"}, {}),
    ("evidence:manage-import-check", {"pk": "job"}, {}),
    ("evidence:manage-import-retry", {"pk": "job"}, {}),
]


@pytest.mark.parametrize(
    "role", ["anonymous", "respondent", "reviewer", "other_secretariat", "partnership_member"]
)
@pytest.mark.parametrize(("name", "kwargs", "data"), CALL_WRITES)
def test_nobody_outside_the_body_can_edit_the_call(
    client, people, member, things, call, role, name, kwargs, data
):
    from levelup.models import AuditEntry

    if data == "call_edit":
        data = _call_edit_data(call)
    elif data == "question":
        data = {"section": things["section"], "text": "Changed?", "kind": "short_text"}
    _login(client, member if role == "partnership_member" else people[role])
    audit_before = AuditEntry.objects.count()
    before = CallForEvidence.objects.values().get(pk=call.pk)
    sections_before = list(Section.objects.filter(call=call).values())
    questions_before = list(Question.objects.filter(call=call).values())

    response = client.post(_url(call, name, kwargs, things), data)

    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert CallForEvidence.objects.values().get(pk=call.pk) == before
    assert AuditEntry.objects.count() == audit_before
    assert list(Section.objects.filter(call=call).values()) == sections_before
    assert list(Question.objects.filter(call=call).values()) == questions_before
    assert LateSubmissionLink.objects.filter(call=call).count() == 1
    assert ImportJob.objects.get(pk=things["job"]).status == ImportStatus.CHECKED


@pytest.mark.parametrize("role", ["secretariat", "site_admin"])
def test_the_body_secretariat_and_admins_can_edit_the_call(client, people, call, role):
    _login(client, people[role])

    response = client.post(
        reverse("evidence:manage-call-edit", kwargs={"slug": call.slug}), _call_edit_data(call)
    )

    call.refresh_from_db()
    assert response.status_code == 302
    assert (call.title, call.privacy_notice_version) == ("Taken over", 2)


@pytest.mark.parametrize("role", ["reviewer", "other_secretariat"])
def test_draft_call_edit_by_reviewer_or_other_body_changes_nothing(client, people, body, role):
    draft = CallForEvidenceFactory(body=body, title="Still mine")
    RoleGrantFactory(user=people["reviewer"], role=Role.REVIEWER, target=draft)
    _login(client, people[role])

    response = client.post(
        reverse("evidence:manage-call-edit", kwargs={"slug": draft.slug}), _call_edit_data(draft)
    )

    draft.refresh_from_db()
    # The draft's reviewer can see it (403); another body cannot even find it (404).
    assert response.status_code == {"reviewer": 403, "other_secretariat": 404}[role]
    assert draft.title == "Still mine"
