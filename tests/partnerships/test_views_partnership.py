import pytest
from django.urls import reverse

from levelup.models import AuditEntry
from partnerships.enums import PartnershipStage
from tests.factories.core import OrganisationFactory, PlaceFactory
from tests.factories.partnerships import (
    PartnershipFactory,
    PartnershipMemberFactory,
    RepresentativeFactory,
)

from .conftest import ROLES

pytestmark = pytest.mark.django_db


def test_partnership_list_shows_each_partnership_with_place_and_stage(client):
    PartnershipFactory(
        name="Wisbech Together", place=PlaceFactory(name="Wisbech"), stage=PartnershipStage.ACTIVE
    )

    response = client.get(reverse("partnerships:partnership-list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Wisbech Together" in content
    assert ">Wisbech</a>" in content
    assert "Active" in content


@pytest.mark.parametrize("rows", [1, 3])
def test_partnership_list_queries_constant(client, rows, django_assert_num_queries):
    PartnershipFactory.create_batch(rows)

    with django_assert_num_queries(2):
        response = client.get(reverse("partnerships:partnership-list"))

    assert len(response.context["partnerships"]) == rows


def test_partnership_list_is_paginated(client):
    PartnershipFactory.create_batch(26)

    response = client.get(reverse("partnerships:partnership-list"), {"page": 2})

    assert len(response.context["partnerships"]) == 1
    assert response.context["page_obj"].number == 2


def test_partnership_list_filters_by_place(client):
    bradford = PlaceFactory(name="Bradford", slug="bradford")
    PartnershipFactory(name="Bradford Partnership", place=bradford)
    PartnershipFactory(name="Elsewhere Partnership")

    response = client.get(reverse("partnerships:partnership-list"), {"place": "bradford"})

    assert [p.name for p in response.context["partnerships"]] == ["Bradford Partnership"]


def test_partnership_list_unknown_place_is_404(client):
    response = client.get(reverse("partnerships:partnership-list"), {"place": "atlantis"})

    assert response.status_code == 404


def test_partnership_detail_shows_only_public_fields(client, partnership, connector):
    partnership.private_notes = "Secret: the council is about to change its leader."
    partnership.save()
    membership = PartnershipMemberFactory(
        partnership=partnership, organisation=OrganisationFactory(name="Fylde Coast College")
    )
    RepresentativeFactory(member=membership, user__name="Priya Representative")
    PartnershipMemberFactory(
        partnership=partnership,
        organisation=OrganisationFactory(name="Gone Ltd"),
        joined_on="2024-01-01",
        left_on="2025-01-01",
    )

    response = client.get(reverse("partnerships:partnership-detail", args=[partnership.slug]))

    content = response.content.decode()
    assert list(response.context["member_names"]) == ["Fylde Coast College"]
    assert partnership.name in content
    assert partnership.place.name in content
    assert "Secret" not in content
    assert "Priya Representative" not in content
    assert "Connie Connector" not in content
    assert "Gone Ltd" not in content
    assert "The members have not agreed a common goal yet." in content


def test_partnership_detail_unknown_slug_is_404(client):
    response = client.get(reverse("partnerships:partnership-detail", args=["nowhere"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 200),
        ("other_member", 404),
        ("connector", 200),
        ("other_connector", 404),
        ("site_admin", 200),
    ],
)
def test_partnership_home_access_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))


def test_partnership_home_does_not_leak_other_partnership(
    client, member, partnership, other_partnership, other_member
):
    partnership.private_notes = "Our own notes."
    partnership.save()
    client.force_login(member)

    response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    content = response.content.decode()
    assert "Our own notes." in content
    assert other_partnership.private_notes not in content
    assert other_member.membership.organisation.name not in content
    assert member.membership.organisation.name in content


def test_partnership_home_lists_members_without_representative_for_connector(
    client, connector, partnership
):
    PartnershipMemberFactory(partnership=partnership)
    client.force_login(connector)

    response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    assert [item.text for item in response.context["attention"]] == [
        "1 member organisation(s) have nobody representing them."
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_partnership_notes_update_by_role(client, login_as, partnership, role, expected):
    user = login_as(role)

    response = client.post(
        reverse("partnerships:partnership-notes", args=[partnership.slug]),
        {"private_notes": "Meet the college in May."},
    )

    partnership.refresh_from_db()
    assert response.status_code == expected
    allowed = role in {"connector", "site_admin"}
    assert (partnership.private_notes == "Meet the college in May.") is allowed
    if allowed:
        entry = AuditEntry.objects.get(action="partnerships.partnership.notes_update")
        assert entry.actor == user
        assert entry.changes == {"private_notes": ["", "Meet the college in May."]}


@pytest.mark.parametrize("rows", [1, 3])
def test_partnership_mine_lists_only_own_queries_constant(
    client, connector, partnership, other_partnership, rows, django_assert_num_queries
):
    from levelup.enums import Role
    from tests.factories.core import RoleGrantFactory

    for _ in range(rows - 1):
        RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=PartnershipFactory())
    client.force_login(connector)

    # session, user, role grants, count, page of partnerships
    with django_assert_num_queries(5):
        response = client.get(reverse("partnerships:partnership-mine"))

    assert len(response.context["partnerships"]) == rows
    assert other_partnership not in response.context["partnerships"]


def test_partnership_mine_needs_sign_in(client):
    response = client.get(reverse("partnerships:partnership-mine"))

    assert response.status_code == 302


@pytest.mark.parametrize("rows", [1, 30])
def test_member_list_queries_constant(
    client, connector, partnership, rows, django_assert_num_queries
):
    from partnerships.services import invitation_create

    for index in range(rows):
        member = PartnershipMemberFactory(partnership=partnership)
        RepresentativeFactory(member=member)
        invitation_create(
            actor=connector,
            partnership=partnership,
            organisation=member.organisation,
            role="member",
            name=f"Invitee {index}",
            email=f"invitee{index}@example.org",
            site_url="http://testserver/",
        )
    client.force_login(connector)

    # session, user, role grants, partnership, members (count, page), representatives,
    # pending invitations (count, page)
    with django_assert_num_queries(9):
        response = client.get(reverse("partnerships:member-list", args=[partnership.slug]))

    assert len(response.context["members"]) == min(rows, 25)
    assert response.context["invitations"].paginator.count == rows
    assert len(response.context["invitations"]) == min(rows, 25)
    assert ("invitations_page=2" in response.content.decode()) is (rows > 25)


@pytest.mark.parametrize("role", ROLES)
def test_member_list_access_by_role(client, login_as, partnership, role):
    login_as(role)

    response = client.get(reverse("partnerships:member-list", args=[partnership.slug]))

    expected = {
        "anonymous": 302,
        "respondent": 404,
        "member": 200,
        "other_member": 404,
        "connector": 200,
        "other_connector": 404,
        "site_admin": 200,
    }[role]
    assert response.status_code == expected


@pytest.mark.parametrize("rows", [1, 3])
def test_partnership_home_queries_constant(
    client, connector, partnership, rows, django_assert_num_queries
):
    from tests.factories.partnerships import ActionFactory, AgreementVersionFactory

    AgreementVersionFactory(partnership=partnership)
    for _ in range(rows):
        membership = PartnershipMemberFactory(partnership=partnership)
        RepresentativeFactory(member=membership)
        ActionFactory(engagement__partnership=partnership, owner=connector, overdue=True)
    client.force_login(connector)

    # session, user, role grants, partnership, unrepresented members, my actions, represented
    # members, current agreement versions, proposed matches, overdue actions, members,
    # representatives
    with django_assert_num_queries(12):
        response = client.get(reverse("partnerships:partnership-home", args=[partnership.slug]))

    assert len(response.context["members"]) == rows
    assert response.context["attention"][0].text == (
        "You have 1 overdue action." if rows == 1 else f"You have {rows} overdue actions."
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_partnership_stage_change_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:partnership-stage", args=[partnership.slug]),
        {"stage": "forming"},
    )

    partnership.refresh_from_db()
    assert response.status_code == expected
    moved = role in {"connector", "site_admin"}
    assert partnership.stage == ("forming" if moved else "active")
    if moved:
        assert AuditEntry.objects.get(action="partnerships.partnership.stage_change").changes == {
            "stage": ["active", "forming"]
        }


def test_partnership_stage_prospectus_published_by_hand_is_refused(client, connector, partnership):
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:partnership-stage", args=[partnership.slug]),
        {"stage": "prospectus_published"},
        follow=True,
    )

    partnership.refresh_from_db()
    assert partnership.stage == "active"
    assert [str(m) for m in response.context["messages"]] == [
        "A partnership reaches “prospectus published” by publishing its prospectus, once every "
        "lead member has signed it off."
    ]


def test_partnership_stage_change_skipping_a_stage_is_refused(client, connector, partnership):
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:partnership-stage", args=[partnership.slug]),
        {"stage": "closed"},
        follow=True,
    )

    partnership.refresh_from_db()
    assert partnership.stage == "active"
    assert [str(m) for m in response.context["messages"]] == [
        "A partnership moves one stage at a time: from active it can go to forming or "
        "prospectus published."
    ]


@pytest.mark.parametrize("rows", [1, 30])
def test_partnership_detail_queries_constant_and_members_paginated(
    client, partnership, rows, django_assert_num_queries
):
    PartnershipMemberFactory.create_batch(rows, partnership=partnership)
    url = reverse("partnerships:partnership-detail", args=[partnership.slug])

    # partnership, member names (count, page), agreed goal, published prospectus
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.context["member_names"].paginator.count == rows
    assert len(response.context["member_names"]) == min(rows, 25)
    assert ("page=2" in response.content.decode()) is (rows > 25)
