import pytest

from partnerships.models import Partnership
from partnerships.selectors import partnerships_for_user

from .conftest import ROLES

pytestmark = pytest.mark.django_db

VIEW_PRIVATE = {"member", "connector", "site_admin"}
RUN = {"connector", "site_admin"}


def _user(request, role):
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_view_partnership_private_by_role(request, partnership, other_partnership, role):
    user = _user(request, role)

    allowed = user.has_perm("partnerships.view_partnership_private", partnership)

    assert allowed is (role in VIEW_PRIVATE)


@pytest.mark.parametrize("role", ROLES)
def test_run_partnership_by_role(request, partnership, other_partnership, role):
    user = _user(request, role)

    allowed = user.has_perm("partnerships.run_partnership", partnership)

    assert allowed is (role in RUN)


@pytest.mark.parametrize("role", ROLES)
def test_manage_connectors_only_site_admin(request, partnership, role):
    user = _user(request, role)

    assert user.has_perm("partnerships.manage_connectors") is (role == "site_admin")


@pytest.mark.parametrize("role", ROLES[1:])
def test_partnerships_for_user_matches_predicate(request, partnership, other_partnership, role):
    user = _user(request, role)

    selected = set(partnerships_for_user(user=user))

    assert selected == {
        p
        for p in Partnership.objects.all()
        if user.has_perm("partnerships.view_partnership_private", p)
    }
