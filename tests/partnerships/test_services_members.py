import pytest
from django.core.exceptions import ValidationError

from levelup.enums import Role
from levelup.models import AuditEntry, RoleGrant
from partnerships.services import member_add, representative_add
from tests.factories.core import OrganisationFactory, UserFactory
from tests.factories.partnerships import PartnershipMemberFactory

pytestmark = pytest.mark.django_db


def test_representative_add_grants_member_role_and_audits(connector, partnership):
    membership = PartnershipMemberFactory(partnership=partnership)
    person = UserFactory()

    representative = representative_add(actor=connector, member=membership, user=person)

    assert representative.member == membership
    assert person.member_partnership_ids == frozenset({partnership.pk})
    assert RoleGrant.objects.active().filter(user=person, role=Role.MEMBER).count() == 1
    assert list(
        AuditEntry.objects.filter(actor=connector).order_by("id").values_list("action", flat=True)
    ) == ["levelup.role.grant", "partnerships.representative.add"]


def test_representative_add_twice_for_two_organisations_keeps_one_grant(connector, partnership):
    person = UserFactory()
    representative_add(
        actor=connector, member=PartnershipMemberFactory(partnership=partnership), user=person
    )

    representative_add(
        actor=connector, member=PartnershipMemberFactory(partnership=partnership), user=person
    )

    assert RoleGrant.objects.active().filter(user=person, role=Role.MEMBER).count() == 1


def test_representative_add_same_person_twice_is_refused(connector, partnership):
    membership = PartnershipMemberFactory(partnership=partnership)
    person = UserFactory()
    representative_add(actor=connector, member=membership, user=person)

    with pytest.raises(ValidationError) as excinfo:
        representative_add(actor=connector, member=membership, user=person)

    assert excinfo.value.messages == ["This person already represents this organisation."]


def test_member_add_refuses_an_organisation_already_member(connector, partnership):
    organisation = OrganisationFactory()
    member_add(actor=connector, partnership=partnership, organisation=organisation)

    with pytest.raises(ValidationError) as excinfo:
        member_add(actor=connector, partnership=partnership, organisation=organisation)

    assert excinfo.value.messages == ["This organisation is already a member."]
