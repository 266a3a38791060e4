from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import CallForEvidence
from tests.factories import CallForEvidenceFactory, QuestionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def test_call_list_groups_open_upcoming_and_closed(client):
    CallForEvidenceFactory(open=True, title="Open call")
    CallForEvidenceFactory(upcoming=True, title="Soon call")
    CallForEvidenceFactory(closed=True, title="Old call")
    CallForEvidenceFactory(title="Draft call")

    response = client.get(reverse("evidence:call-list"))

    assert [c.title for c in response.context["open_calls"]] == ["Open call"]
    assert [c.title for c in response.context["upcoming_calls"]] == ["Soon call"]
    assert [c.title for c in response.context["closed_calls"]] == ["Old call"]
    assert "Draft call" not in response.content.decode()


def test_call_list_treats_call_past_its_closing_time_as_closed(client):
    call = CallForEvidenceFactory(open=True, title="Just closed")
    CallForEvidence.objects.filter(pk=call.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("evidence:call-list"))

    assert [c.title for c in response.context["open_calls"]] == []
    assert [c.title for c in response.context["closed_calls"]] == ["Just closed"]


@pytest.mark.parametrize("rows", [1, 3])
def test_call_list_queries_constant(client, rows, django_assert_num_queries):
    CallForEvidenceFactory.create_batch(rows, open=True)
    CallForEvidenceFactory.create_batch(rows, closed=True)

    with django_assert_num_queries(3):
        response = client.get(reverse("evidence:call-list"))

    assert len(response.context["open_calls"]) == rows


def test_call_detail_shows_deadline_in_words_and_questions(client):
    closes = timezone.make_aware(timezone.datetime(2099, 9, 12, 17, 0))
    call = CallForEvidenceFactory(
        open=True,
        closes_at=closes,
        background="<p>Why <strong>places</strong> matter</p>",
        publication_policy="We publish what you allow.",
    )
    QuestionFactory(section__call=call, text="What has worked where you live?", required=True)

    response = client.get(call.get_absolute_url())

    html = response.content.decode()
    assert "5pm on 12 September 2099" in html
    assert "Closes in " in html
    assert "What has worked where you live?" in html
    assert "<strong>places</strong>" in html
    assert "We publish what you allow." in html
    assert "Respond to this call" in html


def test_call_detail_closed_names_contact_and_offers_no_form(client):
    call = CallForEvidenceFactory(closed=True, contact_email="team@example.org")

    response = client.get(call.get_absolute_url())

    html = response.content.decode()
    assert "Respond to this call" not in html
    assert "team@example.org" in html


@pytest.mark.parametrize("rows", [1, 3])
def test_call_detail_queries_constant(client, rows, django_assert_num_queries):
    call = CallForEvidenceFactory(open=True)
    for _ in range(rows):
        QuestionFactory(section__call=call)

    with django_assert_num_queries(3):
        response = client.get(call.get_absolute_url())

    assert response.status_code == 200


def test_call_detail_draft_is_not_found_for_public(client):
    call = CallForEvidenceFactory(title="Secret draft")

    response = client.get(call.get_absolute_url())

    assert response.status_code == 404
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("respondent", 404),
        ("reviewer", 200),
        ("secretariat", 200),
        ("other_secretariat", 404),
        ("site_admin", 200),
    ],
)
def test_call_detail_draft_permissions(client, request, role, status, call, body):
    from levelup.enums import Role
    from tests.factories import BodyFactory, RoleGrantFactory, UserFactory

    call.status = "draft"
    call.save()
    if role == "other_secretariat":
        user = UserFactory()
        RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory())
    elif role != "anonymous":
        user = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(user)

    response = client.get(call.get_absolute_url())

    assert response.status_code == status


@pytest.mark.parametrize("rows", [1, 3])
def test_call_pages_queries_do_not_grow_with_responses(client, rows, django_assert_num_queries):
    call = CallForEvidenceFactory(open=True)
    QuestionFactory(section__call=call)
    SubmissionFactory.create_batch(rows, call=call, submitted=True)
    CallForEvidenceFactory.create_batch(rows, closed=True)

    # call list: open, upcoming, closed; call page: call, sections, questions
    with django_assert_num_queries(6):
        listing = client.get(reverse("evidence:call-list"))
        page = client.get(call.get_absolute_url())

    assert len(listing.context["closed_calls"]) == rows
    assert page.context["call"] == call
