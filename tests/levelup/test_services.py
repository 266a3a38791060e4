import pytest
from django.core.exceptions import ValidationError

from levelup.enums import Role
from levelup.models import AuditEntry, RoleGrant, User
from levelup.services import role_grant, role_revoke, user_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_role_grant_writes_audit_entry(site_admin, body):
    person = UserFactory(email="sam@example.org")

    grant = role_grant(actor=site_admin, user=person, role=Role.SECRETARIAT, target=body)

    entry = AuditEntry.objects.get(action="levelup.role.grant")
    assert (entry.actor, entry.object_id, entry.changes) == (
        site_admin,
        str(grant.pk),
        {"user": "sam@example.org", "role": "secretariat", "on": body.name},
    )
    assert grant.granted_by == site_admin


def test_role_grant_updates_cached_role_ids(site_admin, body):
    person = UserFactory()
    assert person.secretariat_body_ids == frozenset()

    role_grant(actor=site_admin, user=person, role=Role.SECRETARIAT, target=body)

    assert person.secretariat_body_ids == {body.pk}


def test_role_grant_admin_is_site_wide(site_admin):
    person = UserFactory()

    role_grant(actor=site_admin, user=person, role=Role.ADMIN)

    assert User.objects.get(pk=person.pk).is_site_admin is True


def test_role_grant_on_wrong_kind_of_object_is_refused(site_admin, body):
    person = UserFactory()

    with pytest.raises(ValidationError) as excinfo:
        role_grant(actor=site_admin, user=person, role=Role.REVIEWER, target=body)

    assert excinfo.value.messages == ["This role cannot be granted on that kind of object."]
    assert not RoleGrant.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action="levelup.role.grant").exists()


def test_role_grant_twice_is_refused_with_message(site_admin, body):
    person = UserFactory()
    role_grant(actor=site_admin, user=person, role=Role.SECRETARIAT, target=body)

    with pytest.raises(ValidationError) as excinfo:
        role_grant(actor=site_admin, user=person, role=Role.SECRETARIAT, target=body)

    assert excinfo.value.messages == ["This person already holds this role here."]


def test_role_revoke_writes_audit_entry_and_keeps_history(site_admin, partnership):
    person = UserFactory(email="mo@example.org")
    grant = role_grant(actor=site_admin, user=person, role=Role.MEMBER, target=partnership)

    role_revoke(actor=site_admin, grant=grant)

    grant.refresh_from_db()
    entry = AuditEntry.objects.get(action="levelup.role.revoke")
    assert (entry.actor, entry.object_id, entry.changes) == (
        site_admin,
        str(grant.pk),
        {"user": "mo@example.org", "role": "member", "on": partnership.name},
    )
    assert grant.revoked_by == site_admin
    assert grant.revoked_at is not None
    assert User.objects.get(pk=person.pk).member_partnership_ids == frozenset()


def test_role_revoke_twice_is_refused(site_admin, partnership):
    grant = role_grant(actor=site_admin, user=UserFactory(), role=Role.MEMBER, target=partnership)
    role_revoke(actor=site_admin, grant=grant)

    with pytest.raises(ValidationError) as excinfo:
        role_revoke(actor=site_admin, grant=grant)

    assert excinfo.value.messages == ["This role has already been removed."]
    assert AuditEntry.objects.filter(action="levelup.role.revoke").count() == 1


def test_role_regrant_after_revoke_is_allowed(site_admin, call):
    person = UserFactory()
    first = role_grant(actor=site_admin, user=person, role=Role.REVIEWER, target=call)
    role_revoke(actor=site_admin, grant=first)

    again = role_grant(actor=site_admin, user=person, role=Role.REVIEWER, target=call)

    assert again.pk != first.pk
    assert User.objects.get(pk=person.pk).reviewer_call_ids == {call.pk}


def test_user_create_normalises_email_and_audits():
    user = user_create(actor=None, email="New.Person@Example.ORG", name="New Person", password="x")

    assert user.email == "new.person@example.org"
    assert user.check_password("x")
    assert AuditEntry.objects.get(action="levelup.user.create").object_id == str(user.pk)
