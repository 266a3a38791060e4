"""Every private page × every role, and URL guessing across partnerships for every object URL."""

import pytest
from django.urls import reverse

from partnerships.services import figure_add, invitation_create
from partnerships.views.mixins import PAGE_SIZE
from tests.factories.partnerships import (
    ActionFactory,
    AgreementVersionFactory,
    AskFactory,
    DeliverableFactory,
    EngagementFactory,
    IndicatorFactory,
    MatchFactory,
    PartnershipMemberFactory,
    RepresentativeFactory,
)

from .conftest import ROLES

pytestmark = pytest.mark.django_db

# Pages every member and connector of the partnership may read.
READ_PAGES = [
    "partnership-home",
    "member-list",
    "people",
    "engagement-list",
    "ask-list",
    "deliverable-list",
    "match-board",
    "exchange-summary",
    "goal",
    "goal-history",
    "terms",
    "terms-history",
    "plan",
]
# Forms only connectors (and site administrators) may open.
RUNNER_PAGES = [
    "partnership-notes",
    "member-invite",
    "engagement-create",
    "goal-propose",
    "terms-propose",
    "exit-plan",
    "indicator-create",
]
READ_EXPECTED = {
    "anonymous": 302,
    "respondent": 404,
    "member": 200,
    "other_member": 404,
    "connector": 200,
    "other_connector": 404,
    "site_admin": 200,
}
RUNNER_EXPECTED = {**READ_EXPECTED, "member": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_PAGES)
def test_private_read_pages_by_role(client, login_as, partnership, role, name):
    login_as(role)

    response = client.get(reverse(f"partnerships:{name}", args=[partnership.slug]))

    assert response.status_code == READ_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RUNNER_PAGES)
def test_runner_form_pages_by_role(client, login_as, partnership, role, name):
    login_as(role)

    response = client.get(reverse(f"partnerships:{name}", args=[partnership.slug]))

    assert response.status_code == RUNNER_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_record_ask_and_offer_forms_by_role(client, login_as, partnership, role):
    login_as(role)

    codes = {
        client.get(reverse(f"partnerships:{name}", args=[partnership.slug])).status_code
        for name in ("ask-create", "deliverable-create")
    }

    assert codes == {READ_EXPECTED[role]}


def _objects(partnership):
    """One of each object with its own URL, all in `partnership`."""
    ask = AskFactory(member__partnership=partnership)
    member = PartnershipMemberFactory(partnership=partnership)
    return {
        "engagement-detail": EngagementFactory(partnership=partnership).pk,
        "engagement-update": EngagementFactory(partnership=partnership).pk,
        "action-done": ActionFactory(engagement__partnership=partnership).pk,
        "ask-update": ask.pk,
        "ask-match": ask.pk,
        "deliverable-update": DeliverableFactory(member__partnership=partnership).pk,
        "match-move": MatchFactory(ask=AskFactory(member__partnership=partnership)).pk,
        "member-remove": member.pk,
        "member-role": member.pk,
        "representative-remove": RepresentativeFactory(member=member).pk,
        "figure-remove": figure_add(
            actor=None, partnership=partnership, kind="ambassador", name="Someone"
        ).pk,
        "indicator-update": IndicatorFactory(partnership=partnership).pk,
        "invitation-withdraw": invitation_create(
            actor=None,
            partnership=partnership,
            organisation=member.organisation,
            role="member",
            name="Someone",
            email="someone@example.org",
            site_url="http://testserver/",
        )[0].pk,
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_guessing_another_partnerships_object_urls_is_404(
    client, connector, partnership, other_partnership, method
):
    theirs = _objects(other_partnership)
    AgreementVersionFactory(partnership=other_partnership, number=5)
    client.force_login(connector)

    codes = {
        name: getattr(client, method)(
            reverse(f"partnerships:{name}", args=[partnership.slug, pk])
        ).status_code
        for name, pk in theirs.items()
    }
    # Only a lead may endorse (a connector gets 403 on their own partnership's URL), so the
    # guess at another partnership's version is made by a lead of this one.
    from .conftest import lead_representative

    client.force_login(lead_representative(partnership))
    codes["goal-endorse"] = getattr(client, method)(
        reverse("partnerships:goal-endorse", args=[partnership.slug, 5])
    ).status_code

    allowed = {405} if method == "get" else set()
    assert {name: code for name, code in codes.items() if code not in allowed} == {
        name: 404 for name, code in codes.items() if code not in allowed
    }
    if method == "post":
        assert set(codes.values()) == {404}


@pytest.mark.parametrize("rows", [1, 30])
def test_engagement_detail_queries_constant_and_actions_paginated(
    client, connector, partnership, rows, django_assert_num_queries
):
    engagement = EngagementFactory(partnership=partnership)
    for _ in range(3):
        engagement.organisations.add(PartnershipMemberFactory(partnership=partnership))
    ActionFactory.create_batch(rows, engagement=engagement, owner=connector)
    client.force_login(connector)

    # session, user, role grants, partnership, engagement, organisations, actions (count and
    # page), owner choices (the add-action form)
    with django_assert_num_queries(9):
        response = client.get(
            reverse("partnerships:engagement-detail", args=[partnership.slug, engagement.pk])
        )

    assert len(response.context["actions"]) == min(rows, PAGE_SIZE)
    assert response.context["actions"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_goal_page_queries_constant_and_leads_paginated(
    client, connector, partnership, rows, django_assert_num_queries
):
    from partnerships.services import agreement_endorse

    from .conftest import lead_representative

    version = AgreementVersionFactory(partnership=partnership, number=1)
    for index in range(rows):
        lead = lead_representative(partnership, f"Lead {index:02}")
        agreement_endorse(actor=lead, version=version, member=lead.membership)
    PartnershipMemberFactory(partnership=partnership, lead=True)
    client.force_login(connector)

    # session, user, role grants, partnership, current version, endorsed count, represented
    # members, leads (count, page), their endorsements of the current version
    with django_assert_num_queries(10):
        response = client.get(reverse("partnerships:goal", args=[partnership.slug]))

    assert response.context["status"].endorsed_count == rows
    assert response.context["leads"].paginator.count == rows + 1
    assert len(response.context["leads"]) == min(rows + 1, PAGE_SIZE)
    assert f"{rows} of {rows + 1} lead members have endorsed" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_people_page_queries_constant_and_lists_paginated(
    client, member, partnership, rows, django_assert_num_queries
):
    from levelup.enums import Role
    from tests.factories.core import RoleGrantFactory

    for index in range(rows):
        RoleGrantFactory(role=Role.CONNECTOR, target=partnership)
        figure_add(actor=None, partnership=partnership, kind="ambassador", name=f"Amb {index}")
    client.force_login(member)

    # session, user, role grants, partnership, connectors (count, page), figures (count, page)
    with django_assert_num_queries(8):
        response = client.get(reverse("partnerships:people", args=[partnership.slug]))

    assert response.context["figures"].paginator.count == rows
    assert len(response.context["figures"]) == min(rows, PAGE_SIZE)
    assert len(response.context["connectors"]) == min(rows, PAGE_SIZE)
