import pytest
from django.urls import reverse

from levelup.enums import Role
from levelup.models import AuditEntry, RoleGrant
from partnerships.enums import FigureKind, MemberRole
from partnerships.models import PartnershipFigure, PartnershipMember, Representative
from partnerships.services import figure_add, member_remove
from tests.factories.core import RoleGrantFactory, UserFactory
from tests.factories.partnerships import PartnershipMemberFactory

pytestmark = pytest.mark.django_db

RUNNERS = {"connector", "site_admin"}
EXPECTED_RUN_POST = {
    "anonymous": 302,
    "respondent": 404,
    "member": 403,
    "other_member": 404,
    "connector": 302,
    "other_connector": 404,
    "site_admin": 302,
}


@pytest.mark.parametrize("role", EXPECTED_RUN_POST)
def test_member_remove_by_role_keeps_history(client, login_as, partnership, member, role):
    login_as(role)
    membership = member.membership

    response = client.post(
        reverse("partnerships:member-remove", args=[partnership.slug, membership.pk])
    )

    membership.refresh_from_db()
    assert response.status_code == EXPECTED_RUN_POST[role]
    if role in RUNNERS:
        assert membership.left_on is not None
        assert Representative.objects.get(member=membership).left_at is not None
        assert not RoleGrant.objects.active().filter(user=member, role=Role.MEMBER).exists()
        assert PartnershipMember.objects.filter(pk=membership.pk).exists()
    else:
        assert membership.left_on is None


def test_member_remove_keeps_grant_when_person_represents_another_member(connector, partnership):
    person = UserFactory()
    first = PartnershipMemberFactory(partnership=partnership)
    second = PartnershipMemberFactory(partnership=partnership)
    for membership in (first, second):
        Representative.objects.create(member=membership, user=person)
    RoleGrantFactory(user=person, role=Role.MEMBER, target=partnership)

    member_remove(actor=connector, member=first)

    assert RoleGrant.objects.active().filter(user=person, role=Role.MEMBER).count() == 1


def test_member_remove_other_partnerships_member_is_404(
    client, connector, partnership, other_member
):
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-remove", args=[partnership.slug, other_member.membership.pk])
    )

    assert response.status_code == 404
    other_member.membership.refresh_from_db()
    assert other_member.membership.left_on is None


def test_member_list_shows_former_members(client, member, partnership, connector):
    member_remove(actor=connector, member=member.membership)
    client.force_login(connector)

    response = client.get(reverse("partnerships:member-list", args=[partnership.slug]))

    assert [m.left_on is not None for m in response.context["members"]] == [True]
    assert "From " in response.content.decode()


def test_member_role_change_by_connector(client, connector, partnership, member):
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-role", args=[partnership.slug, member.membership.pk]),
        {"role": "lead"},
    )

    assert response.status_code == 302
    member.membership.refresh_from_db()
    assert member.membership.role == MemberRole.LEAD
    assert AuditEntry.objects.get(action="partnerships.member.role_change").changes == {
        "role": ["member", "lead"]
    }


def test_representative_remove_by_connector(client, connector, partnership, member):
    client.force_login(connector)
    representative = Representative.objects.get(user=member)

    response = client.post(
        reverse("partnerships:representative-remove", args=[partnership.slug, representative.pk])
    )

    assert response.status_code == 302
    representative.refresh_from_db()
    assert representative.left_at is not None
    assert not RoleGrant.objects.active().filter(user=member, role=Role.MEMBER).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 403),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_connector_grant_only_by_site_admin(client, login_as, partnership, role, expected):
    login_as(role)
    newcomer = UserFactory(email="newcomer@example.org")

    response = client.post(
        reverse("partnerships:connector-grant", args=[partnership.slug]),
        {"connector-email": "newcomer@example.org"},
    )

    assert response.status_code == expected
    assert (partnership.pk in newcomer.connector_partnership_ids) is (role == "site_admin")


def test_connector_grant_unknown_email_is_an_error(client, site_admin, partnership):
    client.force_login(site_admin)

    response = client.post(
        reverse("partnerships:connector-grant", args=[partnership.slug]),
        {"connector-email": "nobody@example.org"},
    )

    assert response.context["form"].errors == {
        "email": ["Nobody has an account with this email address."]
    }


def test_connector_revoke_by_site_admin_is_audited(client, site_admin, partnership, connector):
    client.force_login(site_admin)
    grant = RoleGrant.objects.get(user=connector, role=Role.CONNECTOR)

    response = client.post(
        reverse("partnerships:connector-revoke", args=[partnership.slug, grant.pk])
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == site_admin
    assert AuditEntry.objects.filter(action="levelup.role.revoke", actor=site_admin).count() == 1


def test_figures_champion_and_ambassadors(client, connector, partnership):
    client.force_login(connector)
    url = reverse("partnerships:people", args=[partnership.slug])

    client.post(url, {"kind": "champion", "name": "Dame Ada", "title": "Chair, Fylde Foods"})
    client.post(url, {"kind": "ambassador", "name": "Raj Patel", "title": ""})
    second = client.post(url, {"kind": "champion", "name": "Another", "title": ""})

    assert second.context["form"].non_field_errors() == ["The partnership already has a champion."]
    assert list(
        PartnershipFigure.objects.filter(partnership=partnership).values_list("kind", "name")
    ) == [(FigureKind.AMBASSADOR, "Raj Patel"), (FigureKind.CHAMPION, "Dame Ada")]


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
def test_figure_add_by_role(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.post(
        reverse("partnerships:people", args=[partnership.slug]),
        {"kind": "ambassador", "name": "Raj Patel", "title": ""},
    )

    assert response.status_code == expected
    assert PartnershipFigure.objects.count() == (1 if role in RUNNERS else 0)


def test_figure_remove_other_partnership_is_404(client, connector, partnership, other_partnership):
    figure = figure_add(
        actor=None, partnership=other_partnership, kind="ambassador", name="Someone"
    )
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:figure-remove", args=[partnership.slug, figure.pk])
    )

    assert response.status_code == 404
    assert PartnershipFigure.objects.filter(pk=figure.pk).exists()


def test_people_page_visible_to_member(client, member, partnership, connector):
    client.force_login(member)

    response = client.get(reverse("partnerships:people", args=[partnership.slug]))

    assert response.status_code == 200
    assert [g.user for g in response.context["connectors"]] == [connector]
    assert "Name a champion or ambassador" not in response.content.decode()
