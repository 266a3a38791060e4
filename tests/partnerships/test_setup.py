"""Setting partnerships up without the Django admin: places (site administrators),
partnerships and organisations (a programme's secretariat and site administrators), member
organisations (connectors), with the duplicate check on organisation names."""

import pytest
from django.urls import reverse

from levelup.enums import OrganisationType, Role
from levelup.models import AuditEntry, Organisation, Place
from levelup.selectors import organisations_similar
from partnerships.enums import MemberRole, PartnershipStage
from partnerships.models import Partnership, PartnershipMember
from partnerships.services import partnership_create
from tests.factories.core import BodyFactory, OrganisationFactory, PlaceFactory, RoleGrantFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "respondent",
    "member",
    "connector",
    "secretariat",
    "site_admin",
]


@pytest.fixture
def blackpool(db):
    return PlaceFactory(name="Blackpool", slug="blackpool")


def _expected(role: str, allowed: set[str]) -> int:
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 403


# Places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_place_create_page_only_for_site_admins(client, login_as, role):
    login_as(role)

    response = client.get(reverse("partnerships:place-create"))

    assert response.status_code == _expected(role, {"site_admin"})


@pytest.mark.parametrize("role", ["secretariat", "connector"])
def test_place_create_post_refused_for_others(client, login_as, role):
    login_as(role)

    response = client.post(
        reverse("partnerships:place-create"),
        {"name": "Wisbech", "local_authority": "Fenland", "region": "East of England"},
    )

    assert response.status_code == 403
    assert not Place.objects.filter(name="Wisbech").exists()


def test_site_admin_creates_a_place_audited(client, site_admin):
    client.force_login(site_admin)

    response = client.post(
        reverse("partnerships:place-create"),
        {
            "name": "Wisbech",
            "local_authority": "Fenland District Council",
            "region": "East of England",
            "ons_code": "e07000010",
        },
    )

    place = Place.objects.get(name="Wisbech")
    assert (place.slug, place.ons_code) == ("wisbech", "E07000010")
    assert response["Location"] == reverse("partnerships:partnership-create") + "?place=wisbech"
    entry = AuditEntry.objects.get(action="levelup.place.create")
    assert (entry.actor, entry.object_repr) == (site_admin, "Wisbech")


def test_place_slug_unique_when_names_repeat(client, site_admin, blackpool):
    client.force_login(site_admin)

    client.post(
        reverse("partnerships:place-create"),
        {"name": "Blackpool", "local_authority": "Blackpool Council", "region": "North West"},
    )

    assert list(Place.objects.order_by("slug").values_list("slug", flat=True)) == [
        "blackpool",
        "blackpool-2",
    ]


# Partnerships ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_partnership_create_page_for_secretariat_and_admins(client, login_as, role):
    login_as(role)

    response = client.get(reverse("partnerships:partnership-create"))

    assert response.status_code == _expected(role, {"secretariat", "site_admin"})


def test_secretariat_starts_a_partnership_in_their_programme(client, secretariat, body, blackpool):
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:partnership-create"),
        {
            "place": blackpool.pk,
            "name": "Blackpool Place Partnership",
            "purpose": "One plan for the town.",
            "programme_body": body.pk,
        },
    )

    partnership = Partnership.objects.get(name="Blackpool Place Partnership")
    assert (partnership.slug, partnership.stage, partnership.programme_body) == (
        "blackpool-place-partnership",
        PartnershipStage.FORMING,
        body,
    )
    assert response["Location"] == reverse(
        "partnerships:connector-grant", args=["blackpool-place-partnership"]
    )
    entry = AuditEntry.objects.get(action="partnerships.partnership.create")
    assert entry.actor == secretariat
    assert entry.changes["name"] == "Blackpool Place Partnership"


def test_secretariat_cannot_start_a_partnership_in_another_body(
    client, secretariat, body, blackpool
):
    other_body = BodyFactory(name="Another taskforce")
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:partnership-create"),
        {"place": blackpool.pk, "name": "Not ours", "programme_body": other_body.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "programme_body": [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    }
    assert response.context["form"]["name"].value() == "Not ours"
    assert not Partnership.objects.filter(name="Not ours").exists()


def test_secretariat_must_name_the_programme(client, secretariat, blackpool):
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:partnership-create"), {"place": blackpool.pk, "name": "Ours"}
    )

    assert response.context["form"].errors == {"programme_body": ["This field is required."]}


def test_site_admin_starts_a_partnership_without_a_programme(client, site_admin, blackpool):
    client.force_login(site_admin)

    client.post(reverse("partnerships:partnership-create"), {"place": blackpool.pk, "name": "Mine"})

    assert Partnership.objects.get(name="Mine").programme_body is None


def test_partnership_create_slug_avoids_reserved_paths(site_admin, blackpool):
    partnership = partnership_create(actor=site_admin, place=blackpool, name="New")

    assert partnership.slug == "new-partnership"


# Organisations --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_organisation_create_page_for_secretariat_and_admins(client, login_as, role):
    login_as(role)

    response = client.get(reverse("partnerships:organisation-create"))

    assert response.status_code == _expected(role, {"secretariat", "site_admin"})


def test_organisations_similar_finds_near_names_in_the_same_place_only(blackpool):
    OrganisationFactory(name="Fylde Coast College", place=blackpool)
    OrganisationFactory(name="Blackpool Council", place=blackpool)
    OrganisationFactory(name="Fylde Coast Colleges", place=PlaceFactory())

    similar = organisations_similar(name="fylde coast colege", place=blackpool)

    assert [o.name for o in similar] == ["Fylde Coast College"]


def test_organisation_create_offers_similar_names_first(client, secretariat, blackpool):
    OrganisationFactory(name="Fylde Coast College", place=blackpool)
    client.force_login(secretariat)
    data = {"name": "Fylde Coast Colege", "type": OrganisationType.EDUCATION, "place": blackpool.pk}

    response = client.post(reverse("partnerships:organisation-create"), data)

    assert response.status_code == 200
    assert [o.name for o in response.context["form"].similar] == ["Fylde Coast College"]
    assert "Is it one of these?" in response.content.decode()
    assert response.context["form"]["name"].value() == "Fylde Coast Colege"
    assert Organisation.objects.count() == 1


def test_organisation_create_after_confirming_none_is_it(client, secretariat, blackpool):
    OrganisationFactory(name="Fylde Coast College", place=blackpool)
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:organisation-create"),
        {
            "name": "Fylde Coast Academy",
            "type": OrganisationType.EDUCATION,
            "place": blackpool.pk,
            "create_anyway": "on",
        },
    )

    assert response["Location"] == reverse("partnerships:programme")
    organisation = Organisation.objects.get(name="Fylde Coast Academy")
    assert (organisation.slug, organisation.place) == ("fylde-coast-academy", blackpool)
    entry = AuditEntry.objects.get(action="levelup.organisation.create")
    assert (entry.actor, entry.object_repr) == (secretariat, "Fylde Coast Academy")


def test_organisation_create_without_similar_names_needs_no_confirmation(
    client, site_admin, blackpool
):
    client.force_login(site_admin)

    client.post(
        reverse("partnerships:organisation-create"),
        {
            "name": "Promenade Print Co.",
            "type": OrganisationType.BUSINESS,
            "size": "small",
            "place": blackpool.pk,
        },
    )

    assert Organisation.objects.get(name="Promenade Print Co.").size == "small"


def test_organisation_exact_duplicate_refused_even_when_confirmed(client, secretariat, blackpool):
    OrganisationFactory(name="Blackpool Council", place=blackpool)
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:organisation-create"),
        {
            "name": "blackpool  council",
            "type": OrganisationType.LOCAL_AUTHORITY,
            "place": blackpool.pk,
            "create_anyway": "on",
        },
    )

    assert response.context["form"].errors == {
        "name": ["An organisation with this name already exists in this place."]
    }
    assert Organisation.objects.count() == 1


def test_organisation_size_only_for_a_business(client, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("partnerships:organisation-create"),
        {"name": "Youth Network", "type": OrganisationType.COMMUNITY, "size": "small"},
    )

    assert response.context["form"].errors == {"size": ["Only a business has a size."]}


# Members --------------------------------------------------------------------------------------

MEMBER_ADD_EXPECTED = {
    "anonymous": 302,
    "respondent": 404,
    "secretariat": 404,
    "member": 403,
    "connector": 200,
    "site_admin": 200,
}


@pytest.mark.parametrize(("role", "expected"), MEMBER_ADD_EXPECTED.items())
def test_member_add_page_for_connectors_and_admins(client, login_as, partnership, role, expected):
    login_as(role)

    response = client.get(reverse("partnerships:member-add", args=[partnership.slug]))

    assert response.status_code == expected


@pytest.mark.parametrize("role", ["member", "secretariat"])
def test_member_add_post_refused(client, login_as, partnership, role):
    login_as(role)
    organisation = OrganisationFactory()

    client.post(
        reverse("partnerships:member-add", args=[partnership.slug]),
        {"existing-organisation": organisation.pk, "existing-role": MemberRole.MEMBER},
    )

    assert not PartnershipMember.objects.filter(organisation=organisation).exists()


def test_connector_adds_an_existing_organisation(client, connector, partnership):
    organisation = OrganisationFactory(name="Seafront Hotels Group")
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-add", args=[partnership.slug]),
        {"existing-organisation": organisation.pk, "existing-role": MemberRole.LEAD},
    )

    assert response["Location"] == reverse("partnerships:member-list", args=[partnership.slug])
    member = PartnershipMember.objects.get(partnership=partnership, organisation=organisation)
    assert member.role == MemberRole.LEAD
    assert AuditEntry.objects.filter(action="partnerships.member.add", actor=connector).count() == 1


def test_member_add_lists_only_organisations_not_yet_members(client, connector, partnership):
    joined = OrganisationFactory(name="Already In")
    PartnershipMember.objects.create(partnership=partnership, organisation=joined)
    waiting = OrganisationFactory(name="Not Yet")
    client.force_login(connector)

    response = client.get(reverse("partnerships:member-add", args=[partnership.slug]))

    choices = list(response.context["existing_form"].fields["organisation"].queryset)
    assert choices == [waiting]


def test_connector_adds_a_new_organisation_after_the_duplicate_check(
    client, connector, partnership
):
    OrganisationFactory(name="Northern Lights Energy plc", place=partnership.place)
    client.force_login(connector)
    url = reverse("partnerships:member-add", args=[partnership.slug])
    data = {
        "new-name": "Northern Lights Energy",
        "new-type": OrganisationType.BUSINESS,
        "new-size": "large",
        "new-place": partnership.place.pk,
        "new-role": MemberRole.MEMBER,
    }

    offered = client.post(url, data)
    created = client.post(url, {**data, "new-create_anyway": "on"})

    assert [o.name for o in offered.context["new_form"].similar] == ["Northern Lights Energy plc"]
    assert "Add this one" in offered.content.decode()
    assert created["Location"] == reverse("partnerships:member-list", args=[partnership.slug])
    member = PartnershipMember.objects.get(
        partnership=partnership, organisation__name="Northern Lights Energy"
    )
    assert member.organisation.size == "large"
    assert set(AuditEntry.objects.filter(actor=connector).values_list("action", flat=True)) == {
        "levelup.organisation.create",
        "partnerships.member.add",
    }


def test_member_add_new_keeps_the_form_on_error(client, connector, partnership):
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-add", args=[partnership.slug]),
        {"new-name": "Youth Hub", "new-type": "", "new-role": MemberRole.MEMBER},
    )

    assert response.context["new_form"].errors == {"type": ["This field is required."]}
    assert response.context["new_form"]["name"].value() == "Youth Hub"
    assert not Organisation.objects.filter(name="Youth Hub").exists()


def test_connector_of_another_partnership_cannot_create_organisations_page(client, partnership):
    other_connector = RoleGrantFactory(role=Role.CONNECTOR, target=partnership).user
    client.force_login(other_connector)

    response = client.get(reverse("partnerships:organisation-create"))

    assert response.status_code == 403


def test_member_add_similar_names_say_which_are_members_already(client, connector, partnership):
    joined = OrganisationFactory(name="Blackpool Youth Network", place=partnership.place)
    PartnershipMember.objects.create(partnership=partnership, organisation=joined)
    OrganisationFactory(name="Blackpool Youth Networks", place=partnership.place)
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-add", args=[partnership.slug]),
        {
            "new-name": "Blackpool Youth Network CIC",
            "new-type": OrganisationType.COMMUNITY,
            "new-place": partnership.place.pk,
            "new-role": MemberRole.MEMBER,
        },
    )

    similar = response.context["new_form"].similar
    assert [(o.name, o.is_member) for o in similar] == [
        ("Blackpool Youth Network", True),
        ("Blackpool Youth Networks", False),
    ]
    page = response.content.decode()
    assert page.count("Add this one") == 1
    assert "(already a member)" in page
