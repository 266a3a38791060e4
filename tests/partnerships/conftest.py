"""People in every role around two partnerships: `partnership` and `other_partnership`.

`member` here also represents an organisation of `partnership` (the root fixture only
grants the role), so that it can act for its organisation.
"""

import pytest

from levelup.enums import Role
from tests.factories.core import RoleGrantFactory, UserFactory
from tests.factories.partnerships import (
    PartnershipFactory,
    PartnershipMemberFactory,
    RepresentativeFactory,
)

ROLES = [
    "anonymous",
    "respondent",
    "member",
    "other_member",
    "connector",
    "other_connector",
    "site_admin",
]


@pytest.fixture
def member(member, partnership):
    membership = PartnershipMemberFactory(partnership=partnership)
    RepresentativeFactory(member=membership, user=member)
    member.membership = membership
    return member


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(private_notes="Confidential: the other partnership's plans.")


@pytest.fixture
def other_member(other_partnership):
    return member_representative(other_partnership, "Olly Other-Member")


@pytest.fixture
def other_connector(other_partnership):
    return RoleGrantFactory(
        user__name="Oona Other-Connector", role=Role.CONNECTOR, target=other_partnership
    ).user


@pytest.fixture
def login_as(client, request):
    """`login_as("connector")` signs the test client in as that role's person (or nobody)."""

    def _login(role: str):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return _login


def member_representative(partnership, name, *, lead=False):
    """A person speaking for a new member organisation, with the member role."""
    user = UserFactory(name=name)
    membership = PartnershipMemberFactory(partnership=partnership, lead=lead)
    RepresentativeFactory(member=membership, user=user)
    RoleGrantFactory(user=user, role=Role.MEMBER, target=partnership)
    user.membership = membership
    return user


def lead_representative(partnership, name="Lee Lead"):
    """A person speaking for a new lead member organisation, with the member role."""
    return member_representative(partnership, name, lead=True)
