"""The programme view: the secretariat of a body sees every partnership it runs on one page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import AgreementKind, MatchStatus
from partnerships.models import Endorsement
from tests.factories.core import BodyFactory
from tests.factories.partnerships import (
    AgreementVersionFactory,
    AskFactory,
    CommitmentFactory,
    DeliverableFactory,
    EngagementFactory,
    MatchFactory,
    PartnershipFactory,
    PartnershipMemberFactory,
)

from .test_progress import _update, publish

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": 302,
    "respondent": 403,
    "member": 403,
    "connector": 403,
    "secretariat": 200,
    "site_admin": 200,
}


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_programme_view_for_secretariat_and_admins(client, login_as, role, expected):
    login_as(role)

    response = client.get(reverse("partnerships:programme"))

    assert response.status_code == expected


def test_programme_view_lists_only_the_bodys_partnerships(client, secretariat, body):
    ours = PartnershipFactory(name="Blackpool Place Partnership", programme_body=body)
    PartnershipFactory(name="Someone else's", programme_body=BodyFactory())
    PartnershipFactory(name="No programme")
    client.force_login(secretariat)

    response = client.get(reverse("partnerships:programme"))

    assert list(response.context["partnerships"]) == [ours]
    assert "Someone else" not in response.content.decode()


def test_programme_view_site_admin_sees_every_partnership(client, site_admin):
    partnerships = PartnershipFactory.create_batch(3)
    client.force_login(site_admin)

    response = client.get(reverse("partnerships:programme"))

    assert set(response.context["partnerships"]) == set(partnerships)


def test_programme_row_figures(client, secretariat, body):
    partnership = PartnershipFactory(programme_body=body)
    lead = PartnershipMemberFactory(partnership=partnership, lead=True)
    PartnershipMemberFactory(partnership=partnership, lead=True)
    met = AskFactory(member=lead, quantity=Decimal(5))
    AskFactory(member=lead, quantity=Decimal(5))  # open
    giver = PartnershipMemberFactory(partnership=partnership)
    offer = DeliverableFactory(member=giver, quantity=Decimal(10))
    MatchFactory(ask=met, deliverable=offer, quantity=Decimal(5), status=MatchStatus.DELIVERED)
    AgreementVersionFactory(partnership=partnership, number=1, kind=AgreementKind.COMMON_GOAL)
    goal = AgreementVersionFactory(partnership=partnership, number=2)
    Endorsement.objects.create(version=goal, member=lead, endorsed_by=secretariat)
    EngagementFactory(partnership=partnership, occurred_on=date(2020, 1, 1))
    client.force_login(secretariat)

    response = client.get(reverse("partnerships:programme"))

    row = response.context["partnerships"][0]
    assert (row.goal_number, row.goal_agreed_at, row.goal_endorsed, row.lead_count) == (
        2,
        None,
        1,
        2,
    )
    assert (row.asks_open, row.asks_total, row.matches_delivered) == (1, 2, 1)
    assert row.last_activity_on == timezone.localdate(offer.updated_at)
    page = response.content.decode()
    assert "Version 2: 1 of 2 lead endorsements" in page
    assert "1 of 2" in page


def test_programme_row_of_an_empty_partnership(client, secretariat, body):
    PartnershipFactory(programme_body=body)
    client.force_login(secretariat)

    response = client.get(reverse("partnerships:programme"))

    row = response.context["partnerships"][0]
    assert (row.goal_number, row.asks_open, row.matches_delivered, row.last_activity_on) == (
        None,
        0,
        0,
        None,
    )
    page = response.content.decode()
    assert "Not drafted yet" in page
    assert "None yet" in page


@pytest.mark.parametrize("rows", [1, 5])
def test_programme_view_queries_constant(
    client, secretariat, body, rows, django_assert_num_queries
):
    for _ in range(rows):
        partnership = PartnershipFactory(programme_body=body)
        prospectus = publish(partnership)
        _update(CommitmentFactory(version=prospectus.published_version), "done")
        member = PartnershipMemberFactory(partnership=partnership, lead=True)
        AskFactory(member=member)
        EngagementFactory(partnership=partnership)
        AgreementVersionFactory(partnership=partnership)
    client.force_login(secretariat)

    # session, user, role grants, the model backend's user and group permissions (for the
    # page's buttons), then every row with all its figures
    with django_assert_num_queries(6):
        response = client.get(reverse("partnerships:programme"))

    assert len(response.context["partnerships"]) == rows


def test_programme_row_prospectus_and_commitments(client, secretariat, body):
    partnership = PartnershipFactory(programme_body=body)
    prospectus = publish(partnership)
    on_track, at_risk, _none = CommitmentFactory.create_batch(
        3, version=prospectus.published_version
    )
    _update(on_track, "at_risk", days_ago=20)
    _update(on_track, "on_track", days_ago=2)
    _update(at_risk, "at_risk", days_ago=5)
    client.force_login(secretariat)

    response = client.get(reverse("partnerships:programme"))

    row = response.context["partnerships"][0]
    assert (row.prospectus_version, row.prospectus_version_status) == (1, "published")
    assert row.prospectus_published_at == prospectus.published_at
    assert row.commitments_by_status == {
        "on_track": 1,
        "at_risk": 1,
        "off_track": 0,
        "done": 0,
        "none": 1,
    }
    assert row.last_activity_on == timezone.localdate()
    page = response.content.decode()
    assert f"Published {prospectus.published_at:%-d %b %Y}" in page
    assert "At risk: 1" in page
