"""After first publication, each service that changes the report writes one line in its
public changelog (in the same transaction); before publication none is written. Also the
secretariat's pages for editing a recommendation and reordering findings, and the follow-up
due date counted from publication."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, ImplementationStatus
from evidence.models import CallReport, Finding, Recommendation, ReportChange
from evidence.services.followup import (
    followup_add_update,
    followup_start,
    response_due_on_default,
)
from evidence.services.oral_evidence import (
    oral_evidence_create,
    oral_evidence_remove,
    oral_evidence_update,
)
from evidence.services.publishing import (
    call_report_publish,
    finding_create,
    finding_excerpt_quote,
    finding_excerpt_remove,
    finding_excerpts_add,
    finding_move,
    finding_update,
    recommendation_create,
    recommendation_remove,
    recommendation_update,
    report_summary_update,
)
from levelup.models import AuditEntry
from tests.evidence.publishing_helpers import publishing_world
from tests.factories import OrganisationFactory
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(body, secretariat):
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    FindingFactory(call=world.call, title="Footfall", position=1)
    FindingFactory(call=world.call, title="Parking", position=2)
    for position in range(1, 8):
        RecommendationFactory(
            call=world.call, text=f"Recommendation text {position}.", position=position
        )
    call_report_publish(actor=secretariat, call=world.call)
    world.call.refresh_from_db()
    return world


def _changes(call) -> list[str]:
    return list(
        ReportChange.objects.filter(call=call).order_by("pk").values_list("summary", flat=True)
    )


def _finding(call, title) -> Finding:
    return Finding.objects.get(call=call, title=title)


def test_finding_create_after_publication_is_noted(world, secretariat):
    finding_create(actor=secretariat, call=world.call, title="Skills gaps")

    assert _changes(world.call) == ["Finding 3 added: Skills gaps"]


def test_finding_retitled_and_rewritten_are_noted(world, secretariat):
    parking = _finding(world.call, "Parking")

    finding_update(
        actor=secretariat, finding=parking, title="Parking costs", summary="<p>What we found.</p>"
    )
    finding_update(
        actor=secretariat, finding=parking, title="Parking costs", summary="<p>New words.</p>"
    )
    finding_update(
        actor=secretariat, finding=parking, title="Parking costs", summary="<p>New words.</p>"
    )

    assert _changes(world.call) == ["Finding 2 retitled", "Finding 2: summary rewritten"]


def test_finding_move_is_noted_and_reorders(world, secretariat):
    parking = _finding(world.call, "Parking")

    finding_move(actor=secretariat, finding=parking, up=True)

    assert list(Finding.objects.filter(call=world.call).values_list("title", flat=True)) == [
        "Parking",
        "Footfall",
    ]
    assert _changes(world.call) == ["Finding 2 moved to number 1: Parking"]
    with pytest.raises(ValidationError):
        finding_move(actor=secretariat, finding=_finding(world.call, "Parking"), up=True)


def test_quote_added_and_removed_are_noted(world, secretariat):
    footfall = _finding(world.call, "Footfall")
    answer = world.named.answers.get()
    excerpt = ExcerptOfAnswerFactory(answer=answer)
    finding_excerpts_add(actor=secretariat, finding=footfall, excerpts=[excerpt])
    link = footfall.finding_excerpts.get()

    finding_excerpt_quote(actor=secretariat, link=link, quoted=True)
    link.refresh_from_db()
    finding_excerpt_remove(actor=secretariat, link=link)

    assert _changes(world.call) == [
        "Finding 1: more evidence behind it",
        f"Finding 1: quote {excerpt.anchor} added",
        f"Finding 1: quote {excerpt.anchor} removed",
    ]


def test_refused_quote_writes_nothing(world, secretariat):
    footfall = _finding(world.call, "Footfall")
    excerpt = ExcerptOfAnswerFactory(answer=world.withheld.answers.get())
    link = FindingExcerptFactory(finding=footfall, excerpt=excerpt)

    with pytest.raises(ValidationError):
        finding_excerpt_quote(actor=secretariat, link=link, quoted=True)

    assert _changes(world.call) == []


def test_recommendation_added_updated_and_removed_are_noted(world, secretariat):
    council = OrganisationFactory(name="Blackpool Council")
    recommendation_create(
        actor=secretariat, call=world.call, text="Meet monthly.", audience="other"
    )
    seventh = Recommendation.objects.get(call=world.call, text="Recommendation text 7.")

    recommendation_update(
        actor=secretariat,
        recommendation=seventh,
        text="Recommendation text 7, reworded.",
        audience="local_government",
        addressed_to=council,
    )
    recommendation_remove(
        actor=secretariat, recommendation=Recommendation.objects.get(text="Meet monthly.")
    )

    assert _changes(world.call) == [
        "Recommendation 8 added",
        "Recommendation 7 reworded; Recommendation 7 is now for Local government; "
        "Recommendation 7 is now addressed to Blackpool Council",
        "Recommendation 8 removed: Meet monthly.",
    ]
    assert AuditEntry.objects.filter(action="evidence.recommendation.update").count() == 1
    assert AuditEntry.objects.filter(action="evidence.recommendation.remove").count() == 1


def test_recommendation_with_a_response_cannot_be_removed(world, secretariat):
    recommendation = Recommendation.objects.get(call=world.call, text="Recommendation text 1.")
    recommendation.addressed_to = OrganisationFactory()
    recommendation.save()
    (followup,) = followup_start(actor=secretariat, call=world.call)
    followup_add_update(
        actor=secretariat,
        followup=followup,
        on=timezone.localdate(),
        status=ImplementationStatus.IN_PROGRESS,
    )

    with pytest.raises(ValidationError):
        recommendation_remove(actor=secretariat, recommendation=recommendation)

    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_oral_evidence_changes_are_noted_when_published(world, secretariat):
    values = {"kind": "roundtable", "held_on": datetime.date(2026, 5, 1), "hosts": "The taskforce"}
    hidden = oral_evidence_create(
        actor=secretariat, call=world.call, title="Private chat", **values
    )
    event = oral_evidence_create(
        actor=secretariat, call=world.call, title="Hearing", is_published=True, **values
    )

    event = oral_evidence_update(
        actor=secretariat, event=event, title="Hearing in Leeds", is_published=True, **values
    )
    oral_evidence_update(actor=secretariat, event=hidden, title="Private chat 2", **values)
    oral_evidence_remove(actor=secretariat, event=event)

    assert _changes(world.call) == [
        "Oral evidence added: Hearing",
        "Oral evidence updated: Hearing in Leeds",
        "Oral evidence removed: Hearing in Leeds",
    ]


def test_report_summary_change_is_noted(world, secretariat):
    report_summary_update(
        actor=secretariat, call=world.call, summary="<p>Ours.</p><script>x</script>"
    )

    assert CallReport.objects.get(call=world.call).summary == "<p>Ours.</p>"
    assert _changes(world.call) == ["The report's summary was updated"]


def test_nothing_is_noted_before_publication(body, secretariat):
    world = publishing_world(body=body, status=CallStatus.ANALYSING)
    finding = finding_create(actor=secretariat, call=world.call, title="Skills gaps")
    finding_update(actor=secretariat, finding=finding, title="Skills")
    recommendation_create(actor=secretariat, call=world.call, text="Meet.", audience="other")
    report_summary_update(actor=secretariat, call=world.call, summary="<p>Draft.</p>")

    assert _changes(world.call) == []


def test_changelog_shows_on_the_public_tracker(client, world, secretariat):
    finding_update(
        actor=secretariat, finding=_finding(world.call, "Parking"), title="Parking costs"
    )

    page = client.get(reverse("evidence:call-tracker", kwargs={"slug": world.call.slug}))

    assert "Finding 2 retitled" in page.content.decode()


# The secretariat's pages ----------------------------------------------------------------------


def test_secretariat_edits_a_recommendation(client, world, secretariat):
    seventh = Recommendation.objects.get(call=world.call, text="Recommendation text 7.")
    url = reverse(
        "evidence:manage-recommendation", kwargs={"slug": world.call.slug, "pk": seventh.pk}
    )
    client.force_login(secretariat)

    form = client.get(url)
    response = client.post(url, {"text": "Reworded.", "audience": "business"})

    seventh.refresh_from_db()
    assert form.context["form"].initial["text"] == "Recommendation text 7."
    assert response.status_code == 302
    assert seventh.text == "Reworded."
    assert _changes(world.call) == ["Recommendation 7 reworded"]


def test_secretariat_removes_a_recommendation(client, world, secretariat):
    first = Recommendation.objects.get(call=world.call, text="Recommendation text 1.")
    client.force_login(secretariat)

    response = client.post(
        reverse(
            "evidence:manage-recommendation-remove",
            kwargs={"slug": world.call.slug, "pk": first.pk},
        )
    )

    assert response.status_code == 302
    assert not Recommendation.objects.filter(pk=first.pk).exists()


def test_secretariat_moves_a_finding(client, world, secretariat):
    parking = _finding(world.call, "Parking")
    client.force_login(secretariat)

    response = client.post(
        reverse("evidence:manage-finding-move", kwargs={"slug": world.call.slug, "pk": parking.pk}),
        {"direction": "up"},
    )

    assert response.status_code == 302
    assert Finding.objects.filter(call=world.call).first() == parking


ROLES = ["anonymous", "respondent", "reviewer", "other_secretariat"]


@pytest.fixture
def others(respondent, reviewer):
    from levelup.enums import Role
    from tests.factories import BodyFactory, RoleGrantFactory, UserFactory

    other = UserFactory(name="Otto Other")
    RoleGrantFactory(user=other, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return {
        "anonymous": None,
        "respondent": respondent,
        "reviewer": reviewer,
        "other_secretariat": other,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["edit", "remove", "move"])
def test_recommendation_and_finding_actions_refused_to_others(client, world, others, role, page):
    recommendation = Recommendation.objects.filter(call=world.call).first()
    finding = _finding(world.call, "Parking")
    slug = world.call.slug
    url = {
        "edit": reverse(
            "evidence:manage-recommendation", kwargs={"slug": slug, "pk": recommendation.pk}
        ),
        "remove": reverse(
            "evidence:manage-recommendation-remove", kwargs={"slug": slug, "pk": recommendation.pk}
        ),
        "move": reverse("evidence:manage-finding-move", kwargs={"slug": slug, "pk": finding.pk}),
    }[page]
    if others[role]:
        client.force_login(others[role])

    response = client.post(url, {"text": "Hijacked.", "audience": "other", "direction": "up"})

    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert Recommendation.objects.filter(pk=recommendation.pk, text="Hijacked.").count() == 0
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()
    assert Finding.objects.filter(call=world.call).first().title == "Footfall"


# Follow-up due date ----------------------------------------------------------------------------


def test_response_due_two_months_after_publication_not_after_starting(world, secretariat):
    recommendation = Recommendation.objects.get(call=world.call, text="Recommendation text 1.")
    recommendation.addressed_to = OrganisationFactory()
    recommendation.save()
    # Written in the summer, published in September, followed up in November.
    Recommendation.objects.filter(call=world.call).update(
        created_at=datetime.datetime(2026, 8, 1, 9, 0, tzinfo=datetime.UTC)
    )
    CallReport.objects.filter(call=world.call).update(
        published_at=datetime.datetime(2026, 9, 15, 23, 30, tzinfo=datetime.UTC)
    )

    (followup,) = followup_start(actor=secretariat, call=world.call)

    # 23:30 UTC on 15 September is 00:30 on the 16th in London.
    assert followup.response_due_on == datetime.date(2026, 11, 16)


def test_recommendation_added_after_publication_is_due_two_months_after_it_was_added(
    world, secretariat
):
    CallReport.objects.filter(call=world.call).update(
        published_at=datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)
    )
    late = recommendation_create(
        actor=secretariat,
        call=world.call,
        text="Added later.",
        audience="other",
        addressed_to=OrganisationFactory(),
    )

    (followup,) = followup_start(actor=secretariat, call=world.call)

    assert followup.recommendation == late
    assert followup.response_due_on == response_due_on_default(
        published_on=timezone.localdate(late.created_at)
    )


def test_secretariat_changes_the_due_date(client, world, secretariat):
    recommendation = Recommendation.objects.get(call=world.call, text="Recommendation text 1.")
    recommendation.addressed_to = OrganisationFactory()
    recommendation.save()
    (followup,) = followup_start(actor=secretariat, call=world.call)
    url = reverse(
        "evidence:manage-followup-due", kwargs={"slug": world.call.slug, "pk": followup.pk}
    )
    client.force_login(secretariat)

    form = client.get(url)
    response = client.post(url, {"response_due_on": "2027-03-31"})

    followup.refresh_from_db()
    assert form.context["form"].initial["response_due_on"] == response_due_on_default(
        published_on=timezone.localdate()
    )
    assert response.status_code == 302
    assert followup.response_due_on == datetime.date(2027, 3, 31)
    assert AuditEntry.objects.filter(action="recommendation.due_change").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_due_date_change_refused_to_others(client, world, secretariat, others, role):
    recommendation = Recommendation.objects.get(call=world.call, text="Recommendation text 1.")
    recommendation.addressed_to = OrganisationFactory()
    recommendation.save()
    (followup,) = followup_start(actor=secretariat, call=world.call)
    url = reverse(
        "evidence:manage-followup-due", kwargs={"slug": world.call.slug, "pk": followup.pk}
    )
    if others[role]:
        client.force_login(others[role])

    response = client.post(url, {"response_due_on": "2030-01-01"})

    followup.refresh_from_db()
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert followup.response_due_on != datetime.date(2030, 1, 1)
