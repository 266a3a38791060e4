"""Business connectors are granted by a site administrator or by the secretariat of the body
that runs the partnership's programme (Partnership.programme_body)."""

import pytest
from django.urls import reverse

from levelup.enums import Role
from levelup.models import AuditEntry, RoleGrant
from tests.factories.core import BodyFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

GRANT_EXPECTED = {
    "anonymous": 302,
    "respondent": 404,
    "member": 403,
    "other_member": 404,
    "connector": 403,
    "other_connector": 404,
    "secretariat": 302,
    "other_secretariat": 404,
    "site_admin": 302,
}
MANAGERS = {"secretariat", "site_admin"}


@pytest.fixture
def programme_partnership(partnership, body):
    partnership.programme_body = body
    partnership.save()
    return partnership


@pytest.fixture
def other_secretariat(db):
    user = UserFactory(name="Otto Other-Secretariat")
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory())
    return user


@pytest.mark.parametrize(("role", "expected"), GRANT_EXPECTED.items())
def test_connector_grant_by_admin_or_programme_body_secretariat(
    client, login_as, programme_partnership, role, expected
):
    user = login_as(role)
    newcomer = UserFactory(email="newcomer@example.org")

    response = client.post(
        reverse("partnerships:connector-grant", args=[programme_partnership.slug]),
        {"connector-email": "newcomer@example.org"},
    )

    assert response.status_code == expected
    granted = programme_partnership.pk in newcomer.connector_partnership_ids
    assert granted is (role in MANAGERS)
    if role in MANAGERS:
        assert response["Location"] == reverse(
            "partnerships:connector-grant", args=[programme_partnership.slug]
        )
        entry = AuditEntry.objects.get(
            action="levelup.role.grant", object_id=str(RoleGrant.objects.get(user=newcomer).pk)
        )
        assert entry.actor == user


@pytest.mark.parametrize(("role", "expected"), GRANT_EXPECTED.items())
def test_connector_revoke_by_admin_or_programme_body_secretariat(
    client, login_as, programme_partnership, role, expected
):
    target = UserFactory(name="Cara Connector")
    grant = RoleGrantFactory(user=target, role=Role.CONNECTOR, target=programme_partnership)
    login_as(role)

    response = client.post(
        reverse("partnerships:connector-revoke", args=[programme_partnership.slug, grant.pk])
    )

    assert response.status_code == expected
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) is (role in MANAGERS)


def test_secretariat_of_programme_body_opens_connector_page_but_not_private_pages(
    client, secretariat, programme_partnership, connector
):
    programme_partnership.private_notes = "Only for members: the council's budget gap."
    programme_partnership.save()
    client.force_login(secretariat)

    page = client.get(reverse("partnerships:connector-grant", args=[programme_partnership.slug]))
    home = client.get(reverse("partnerships:partnership-home", args=[programme_partnership.slug]))
    public = client.get(
        reverse("partnerships:partnership-detail", args=[programme_partnership.slug])
    )

    assert page.status_code == 200
    assert [grant.user for grant in page.context["connectors"]] == [connector]
    assert "budget gap" not in page.content.decode()
    assert home.status_code == 404
    assert (
        reverse("partnerships:connector-grant", args=[programme_partnership.slug])
        in public.content.decode()
    )


def test_secretariat_without_programme_body_cannot_grant(client, secretariat, partnership):
    # The partnership belongs to no programme: only site administrators name its connectors.
    client.force_login(secretariat)
    newcomer = UserFactory(email="newcomer@example.org")

    response = client.post(
        reverse("partnerships:connector-grant", args=[partnership.slug]),
        {"connector-email": "newcomer@example.org"},
    )

    assert response.status_code == 404
    assert newcomer.connector_partnership_ids == frozenset()


def test_secretariat_cannot_revoke_a_grant_of_another_partnership(
    client, secretariat, programme_partnership, other_partnership, other_connector
):
    grant = RoleGrant.objects.get(user=other_connector, role=Role.CONNECTOR)
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:connector-revoke", args=[programme_partnership.slug, grant.pk])
    )

    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_manage_connectors_permission_by_role(request, programme_partnership):
    expected = {
        "anonymous": False,
        "respondent": False,
        "member": False,
        "connector": False,
        "secretariat": True,
        "other_secretariat": False,
        "site_admin": True,
    }

    allowed = {
        role: request.getfixturevalue(role).has_perm(
            "partnerships.manage_connectors", programme_partnership
        )
        for role in expected
    }

    assert allowed == expected


@pytest.mark.parametrize("rows", [1, 30])
def test_connector_page_queries_constant_and_paginated(
    client, secretariat, programme_partnership, rows, django_assert_num_queries
):
    RoleGrantFactory.create_batch(rows, role=Role.CONNECTOR, target=programme_partnership)
    client.force_login(secretariat)

    # session, user, role grants, partnership, connectors (count, page)
    with django_assert_num_queries(6):
        response = client.get(
            reverse("partnerships:connector-grant", args=[programme_partnership.slug])
        )

    assert response.context["connectors"].paginator.count == rows
    assert len(response.context["connectors"]) == min(rows, 25)
