import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from levelup.enums import Role
from levelup.models import Organisation, RoleGrant, User
from tests.factories import OrganisationFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_email_is_unique_ignoring_case():
    UserFactory(email="Ann@Example.org")

    with pytest.raises(IntegrityError):
        UserFactory(email="ann@example.org")


def test_user_signs_in_by_email_in_any_case():
    user = User.objects.create_user(email="Ben@Example.ORG", password="pw-123456", name="Ben")

    assert User.objects.get_by_natural_key("BEN@example.org") == user
    assert user.email == "ben@example.org"


def test_organisation_size_only_allowed_for_business():
    org = OrganisationFactory.build(type="community", size="small")

    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()

    assert "Only a business has a size." in excinfo.value.messages


def test_organisation_business_size_is_stored():
    org = OrganisationFactory(business=True)

    assert Organisation.objects.get(pk=org.pk).size == "small"


def test_role_grant_admin_cannot_have_target(body):
    with pytest.raises(IntegrityError):
        RoleGrantFactory(role=Role.ADMIN, target=body)


def test_role_grant_object_role_needs_target():
    with pytest.raises(IntegrityError):
        RoleGrantFactory(role=Role.SECRETARIAT, target=None)


def test_role_grant_active_twice_is_refused(body):
    user = UserFactory()
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=body)

    with pytest.raises(IntegrityError):
        RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=body)


def test_user_role_ids_come_from_active_grants(body, call, partnership, django_assert_num_queries):
    user = UserFactory()
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=body)
    RoleGrantFactory(user=user, role=Role.REVIEWER, target=call)
    RoleGrantFactory(user=user, role=Role.CONNECTOR, target=partnership)
    revoked = RoleGrantFactory(user=user, role=Role.MEMBER, target=partnership)
    RoleGrant.objects.filter(pk=revoked.pk).update(revoked_at="2026-01-01T00:00Z")
    user = User.objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        ids = (
            user.secretariat_body_ids,
            user.reviewer_call_ids,
            user.connector_partnership_ids,
            user.member_partnership_ids,
            user.is_site_admin,
        )

    assert ids == ({body.pk}, {call.pk}, {partnership.pk}, frozenset(), False)
