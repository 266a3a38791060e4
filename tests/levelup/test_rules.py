"""Each predicate, for every role: who is allowed and who is refused."""

import pytest

from evidence import rules as evidence_rules
from levelup import rules as core_rules
from partnerships import rules as partnership_rules
from tests.factories import BodyFactory, CallForEvidenceFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "respondent", "reviewer", "secretariat", "connector", "member", "site_admin"]


def _people(request) -> dict:
    return {role: request.getfixturevalue(role) for role in ROLES}


def _allowed(predicate, people: dict, *args) -> set[str]:
    return {role for role, user in people.items() if predicate(user, *args)}


def test_is_site_admin_allows_only_admins(request):
    people = _people(request)

    assert _allowed(core_rules.is_site_admin, people) == {"site_admin"}


def test_is_authenticated_refuses_anonymous(request):
    people = _people(request)

    assert _allowed(core_rules.is_authenticated, people) == set(ROLES) - {"anonymous"}


def test_is_body_secretariat_allows_own_body_only(request, body):
    people = _people(request)
    other_body = BodyFactory()

    assert _allowed(core_rules.is_body_secretariat, people, body) == {"secretariat"}
    assert _allowed(core_rules.is_body_secretariat, people, other_body) == set()


def test_can_manage_call_allows_secretariat_of_its_body_and_admin(request, call):
    people = _people(request)
    other_call = CallForEvidenceFactory(open=True)

    assert _allowed(evidence_rules.can_manage_call, people, call) == {"secretariat", "site_admin"}
    assert _allowed(evidence_rules.can_manage_call, people, other_call) == {"site_admin"}


def test_is_call_reviewer_allows_assigned_reviewer_only(request, call):
    people = _people(request)
    other_call = CallForEvidenceFactory(body=call.body, open=True)

    assert _allowed(evidence_rules.is_call_reviewer, people, call) == {"reviewer"}
    assert _allowed(evidence_rules.is_call_reviewer, people, other_call) == set()


def test_can_view_call_hides_drafts_from_public(request, call):
    people = _people(request)
    draft = CallForEvidenceFactory(body=call.body)

    assert _allowed(evidence_rules.can_view_call, people, call) == set(ROLES)
    assert _allowed(evidence_rules.can_view_call, people, draft) == {"secretariat", "site_admin"}


def test_can_run_partnership_allows_its_connector_and_admin(request, partnership):
    people = _people(request)
    other = PartnershipFactory()

    assert _allowed(partnership_rules.can_run_partnership, people, partnership) == {
        "connector",
        "site_admin",
    }
    assert _allowed(partnership_rules.can_run_partnership, people, other) == {"site_admin"}


def test_can_view_partnership_private_allows_members_connectors_admin(request, partnership):
    people = _people(request)
    other = PartnershipFactory()

    assert _allowed(partnership_rules.can_view_partnership_private, people, partnership) == {
        "connector",
        "member",
        "site_admin",
    }
    assert _allowed(partnership_rules.can_view_partnership_private, people, other) == {"site_admin"}


def test_model_permissions_follow_predicates(request, body):
    people = _people(request)

    allowed = {role for role, user in people.items() if user.has_perm("levelup.change_body", body)}

    assert allowed == {"secretariat", "site_admin"}


def test_calls_for_user_matches_can_view_call(request, call):
    """Selector/predicate parity: the list shows exactly what the predicate allows."""
    from evidence.selectors import calls_for_user

    people = _people(request)
    draft = CallForEvidenceFactory(body=call.body)
    other_draft = CallForEvidenceFactory()
    calls = [call, draft, other_draft]

    for role, user in people.items():
        listed = set(calls_for_user(user=user))
        judged = {c for c in calls if evidence_rules.can_view_call(user, c)}
        assert listed == judged, role
