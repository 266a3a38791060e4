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
    user = UserFactory(name="Olly Other-Member")
    membership = PartnershipMemberFactory(partnership=other_partnership)
    RepresentativeFactory(member=membership, user=user)
    RoleGrantFactory(user=user, role=Role.MEMBER, target=other_partnership)
    user.membership = membership
    return user


@pytest.fixture
def other_connector(other_partnership):
    user = UserFactory(name="Oona Other-Connector")
    RoleGrantFactory(user=user, role=Role.CONNECTOR, target=other_partnership)
    return user


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


def lead_representative(partnership, name="Lee Lead"):
    """A person speaking for a new lead member organisation, with the member role."""
    user = UserFactory(name=name)
    membership = PartnershipMemberFactory(partnership=partnership, lead=True)
    RepresentativeFactory(member=membership, user=user)
    RoleGrantFactory(user=user, role=Role.MEMBER, target=partnership)
    user.membership = membership
    return user
