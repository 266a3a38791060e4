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


# --- Object permissions: role × action ---

EDIT_OWN_ASK = {"member", "connector", "site_admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["ask", "deliverable"])
def test_change_exchange_of_own_organisation_by_role(request, partnership, member, role, model):
    from tests.factories.partnerships import AskFactory, DeliverableFactory

    factory = AskFactory if model == "ask" else DeliverableFactory
    own = factory(member=member.membership)
    someone_elses = factory(member__partnership=partnership)
    user = _user(request, role)

    allowed_own = user.has_perm(f"partnerships.change_{model}", own)
    allowed_other = user.has_perm(f"partnerships.change_{model}", someone_elses)

    assert allowed_own is (role in EDIT_OWN_ASK)
    assert allowed_other is (role in RUN)


@pytest.mark.parametrize("role", ROLES)
def test_record_exchange_by_role(request, partnership, role):
    user = _user(request, role)

    allowed = user.has_perm("partnerships.record_exchange", partnership)

    assert allowed is (role in EDIT_OWN_ASK)


@pytest.mark.parametrize("role", ROLES)
def test_change_engagement_and_match_only_runners(request, partnership, role):
    from tests.factories.partnerships import AskFactory, EngagementFactory, MatchFactory

    engagement = EngagementFactory(partnership=partnership)
    match = MatchFactory(ask=AskFactory(member__partnership=partnership))
    user = _user(request, role)

    assert user.has_perm("partnerships.change_engagement", engagement) is (role in RUN)
    assert user.has_perm("partnerships.change_match", match) is (role in RUN)


@pytest.mark.parametrize("role", ROLES)
def test_change_action_owner_or_runner(request, partnership, member, role):
    from tests.factories.partnerships import ActionFactory

    owned_by_member = ActionFactory(engagement__partnership=partnership, owner=member)
    user = _user(request, role)

    allowed = user.has_perm("partnerships.change_action", owned_by_member)

    assert allowed is (role in {"member", "connector", "site_admin"})


@pytest.mark.parametrize("role", [*ROLES, "lead"])
def test_endorse_agreement_only_lead_representatives(request, partnership, role):
    from .conftest import lead_representative

    user = lead_representative(partnership) if role == "lead" else _user(request, role)

    allowed = user.has_perm("partnerships.endorse_agreement", partnership)

    assert allowed is (role == "lead")
