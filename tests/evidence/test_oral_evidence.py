"""The secretariat's oral evidence pages: list, add, edit, remove; audited; who may use them;
how many queries the list costs."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import OralEvidence
from levelup.enums import Role
from levelup.models import AuditEntry
from tests.factories import BodyFactory, RoleGrantFactory, SubmissionFactory, UserFactory
from tests.factories.publishing import OralEvidenceFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "respondent", "reviewer", "secretariat", "other_secretariat", "site_admin"]


@pytest.fixture
def people(respondent, reviewer, secretariat, site_admin):
    other = UserFactory(name="Otto Other")
    RoleGrantFactory(user=other, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return {
        "anonymous": None,
        "respondent": respondent,
        "reviewer": reviewer,
        "secretariat": secretariat,
        "other_secretariat": other,
        "site_admin": site_admin,
    }


def _form(**overrides):
    data = {
        "kind": "roundtable",
        "title": "Roundtable with council leaders",
        "held_on": "2026-05-14",
        "hosts": "The taskforce and the councils' association",
        "speakers": "Leaders of eight councils",
        "note": "<p>Leaders spoke of <strong>trust</strong>.</p><script>alert(1)</script>",
        "informed": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def _urls(call, event):
    slug = call.slug
    return {
        "list": reverse("evidence:manage-oral-evidence", kwargs={"slug": slug}),
        "edit": reverse(
            "evidence:manage-oral-evidence-edit", kwargs={"slug": slug, "pk": event.pk}
        ),
        "remove": reverse(
            "evidence:manage-oral-evidence-remove", kwargs={"slug": slug, "pk": event.pk}
        ),
    }


@pytest.mark.parametrize("page", ["list", "edit"])
@pytest.mark.parametrize("role", ROLES)
def test_oral_evidence_pages_per_role(client, call, people, role, page):
    event = OralEvidenceFactory(call=call)
    if people[role]:
        client.force_login(people[role])
    expected = {
        "anonymous": 302,
        "respondent": 403,
        "reviewer": 403,
        "secretariat": 200,
        "other_secretariat": 403,
        "site_admin": 200,
    }[role]

    response = client.get(_urls(call, event)[page])

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "edit", "remove"])
@pytest.mark.parametrize("role", ["anonymous", "respondent", "reviewer", "other_secretariat"])
def test_oral_evidence_writes_refused_to_others(client, call, people, role, page):
    event = OralEvidenceFactory(call=call, title="Kept as it was")
    if people[role]:
        client.force_login(people[role])

    response = client.post(_urls(call, event)[page], _form(title="Changed"))

    assert response.status_code == (302 if role == "anonymous" else 403)
    assert list(OralEvidence.objects.values_list("title", flat=True)) == ["Kept as it was"]


def test_secretariat_adds_oral_evidence_with_the_responses_it_informed(client, call, secretariat):
    lga = SubmissionFactory(call=call, submitted=True, organisation_name="Councils' association")
    other = SubmissionFactory(call=call, submitted=True)
    client.force_login(secretariat)

    response = client.post(
        _urls(call, OralEvidence(pk=0))["list"],
        _form(informed=f"{lga.reference.lower()}, {other.reference}"),
    )

    event = OralEvidence.objects.get()
    assert response.status_code == 302
    assert (event.title, event.kind, event.held_on, event.is_published) == (
        "Roundtable with council leaders",
        "roundtable",
        datetime.date(2026, 5, 14),
        True,
    )
    assert event.note == "<p>Leaders spoke of <strong>trust</strong>.</p>"
    assert set(event.informed.all()) == {lga, other}
    assert AuditEntry.objects.filter(action="evidence.oral_evidence.create").count() == 1


def test_unknown_or_other_calls_references_are_refused(client, call, secretariat):
    from tests.factories import CallForEvidenceFactory

    draft = SubmissionFactory(call=CallForEvidenceFactory(body=call.body), submitted=True)
    client.force_login(secretariat)

    response = client.post(
        _urls(call, OralEvidence(pk=0))["list"], _form(informed=f"{draft.reference}, XYZ0001")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["informed"] == [
        f"No submitted response to this call has the reference {draft.reference.upper()}, XYZ0001."
    ]
    assert OralEvidence.objects.count() == 0


def test_secretariat_edits_and_removes_oral_evidence(client, call, secretariat):
    event = OralEvidenceFactory(call=call, title="Hearing")
    informed = SubmissionFactory(call=call, submitted=True)
    event.informed.add(informed)
    urls = _urls(call, event)
    client.force_login(secretariat)

    form = client.get(urls["edit"])
    edited = client.post(
        urls["edit"], _form(title="Hearing in Leeds", kind="hearing", is_published="")
    )
    event.refresh_from_db()
    removed = client.post(urls["remove"])

    assert form.context["form"].initial["informed"] == informed.reference
    assert (edited.status_code, removed.status_code) == (302, 302)
    assert (event.title, event.kind, event.is_published) == ("Hearing in Leeds", "hearing", False)
    assert list(event.informed.all()) == []
    assert OralEvidence.objects.count() == 0
    assert [
        a.action
        for a in AuditEntry.objects.filter(action__startswith="evidence.oral_evidence").order_by(
            "pk"
        )
    ] == ["evidence.oral_evidence.update", "evidence.oral_evidence.remove"]


def test_oral_evidence_of_another_call_is_404(client, call, secretariat, body):
    from tests.factories import CallForEvidenceFactory

    elsewhere = OralEvidenceFactory(call=CallForEvidenceFactory(body=body))
    client.force_login(secretariat)

    response = client.get(
        reverse(
            "evidence:manage-oral-evidence-edit", kwargs={"slug": call.slug, "pk": elsewhere.pk}
        )
    )

    assert response.status_code == 404


def _events(call, count):
    for index in range(count):
        event = OralEvidenceFactory(call=call, title=f"Event {index}")
        event.informed.add(SubmissionFactory(call=call, submitted=True))


def test_oral_evidence_list_queries_with_one_event(
    client, call, secretariat, django_assert_num_queries
):
    _events(call, 1)
    client.force_login(secretariat)
    url = reverse("evidence:manage-oral-evidence", kwargs={"slug": call.slug})

    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(response.context["events"]) == 1


def test_oral_evidence_list_queries_with_many_events(
    client, call, secretariat, django_assert_num_queries
):
    _events(call, 12)
    client.force_login(secretariat)
    url = reverse("evidence:manage-oral-evidence", kwargs={"slug": call.slug})

    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(response.context["events"]) == 12


def test_published_note_is_sanitised_rich_text_on_the_report(client, secretariat, body):
    from evidence.enums import CallStatus
    from tests.factories import CallForEvidenceFactory

    call = CallForEvidenceFactory(body=body, closed=True, status=CallStatus.PUBLISHED)
    client.force_login(secretariat)
    client.post(reverse("evidence:manage-oral-evidence", kwargs={"slug": call.slug}), _form())
    client.logout()

    body_html = client.get(call.get_absolute_url()).content.decode()

    assert "<p>Leaders spoke of <strong>trust</strong>.</p>" in body_html
    assert "alert(1)" not in body_html
