"""A member edits only their own organisation's asks and deliverables (offers), even inside
their own partnership; connectors and site administrators edit any."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import Ask, Deliverable
from tests.factories.partnerships import (
    AskFactory,
    DeliverableFactory,
    PartnershipMemberFactory,
)

pytestmark = pytest.mark.django_db

POST = {"kind": "skills", "description": "Changed by someone", "quantity": "3", "unit": ""}
KINDS = {
    "ask": (AskFactory, Ask),
    "deliverable": (DeliverableFactory, Deliverable),
}


@pytest.fixture
def neighbour(partnership):
    """Another member organisation of the same partnership."""
    return PartnershipMemberFactory(partnership=partnership)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_member_cannot_open_or_edit_another_organisations_item(
    client, member, partnership, neighbour, kind, method
):
    factory, _model = KINDS[kind]
    item = factory(member=neighbour, kind="skills", quantity=Decimal(20), description="Theirs")
    client.force_login(member)

    response = getattr(client, method)(
        reverse(f"partnerships:{kind}-update", args=[partnership.slug, item.pk]),
        {**POST, "member": member.membership.pk},
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.member, item.description, item.quantity) == (neighbour, "Theirs", 20)


@pytest.mark.parametrize("kind", KINDS)
def test_member_cannot_hand_own_item_to_another_organisation(
    client, member, partnership, neighbour, kind
):
    factory, _model = KINDS[kind]
    item = factory(member=member.membership, kind="skills", quantity=Decimal(20))
    client.force_login(member)

    response = client.post(
        reverse(f"partnerships:{kind}-update", args=[partnership.slug, item.pk]),
        {**POST, "member": neighbour.pk},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    item.refresh_from_db()
    assert item.member == member.membership


@pytest.mark.parametrize("kind", KINDS)
def test_member_cannot_record_for_another_organisation(
    client, member, partnership, neighbour, kind
):
    _factory, model = KINDS[kind]
    client.force_login(member)

    response = client.post(
        reverse(f"partnerships:{kind}-create", args=[partnership.slug]),
        {**POST, "member": neighbour.pk},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    assert model.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_member_form_offers_only_own_organisation(client, member, partnership, neighbour, kind):
    client.force_login(member)

    response = client.get(reverse(f"partnerships:{kind}-create", args=[partnership.slug]))

    assert list(response.context["form"].fields["member"].queryset) == [member.membership]


@pytest.mark.parametrize("kind", KINDS)
def test_member_edits_own_organisations_item(client, member, partnership, kind):
    factory, _model = KINDS[kind]
    item = factory(member=member.membership, kind="skills", quantity=Decimal(20))
    client.force_login(member)

    response = client.post(
        reverse(f"partnerships:{kind}-update", args=[partnership.slug, item.pk]),
        {**POST, "member": member.membership.pk},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.description, item.quantity) == ("Changed by someone", 3)


@pytest.mark.parametrize("role", ["connector", "site_admin"])
@pytest.mark.parametrize("kind", KINDS)
def test_runners_edit_any_organisations_item(client, login_as, partnership, neighbour, role, kind):
    factory, _model = KINDS[kind]
    item = factory(member=neighbour, kind="skills", quantity=Decimal(20))
    login_as(role)

    response = client.post(
        reverse(f"partnerships:{kind}-update", args=[partnership.slug, item.pk]),
        {**POST, "member": neighbour.pk},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.description == "Changed by someone"


@pytest.mark.parametrize("kind", KINDS)
def test_list_offers_edit_links_only_for_own_organisation(
    client, member, partnership, neighbour, kind
):
    factory, _model = KINDS[kind]
    mine = factory(member=member.membership)
    theirs = factory(member=neighbour)
    client.force_login(member)
    list_name = "ask-list" if kind == "ask" else "deliverable-list"

    content = client.get(reverse(f"partnerships:{list_name}", args=[partnership.slug])).content

    assert reverse(f"partnerships:{kind}-update", args=[partnership.slug, mine.pk]) in (
        content.decode()
    )
    assert reverse(f"partnerships:{kind}-update", args=[partnership.slug, theirs.pk]) not in (
        content.decode()
    )
