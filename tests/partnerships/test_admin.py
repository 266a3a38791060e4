import pytest
from django.urls import reverse

from tests.factories.partnerships import RepresentativeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "partnership",
        "partnershipmember",
        "representative",
        "invitation",
        "engagement",
        "agreementversion",
    ],
)
def test_admin_changelists_open_for_superuser(client, model):
    from tests.factories.core import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    RepresentativeFactory()
    client.force_login(admin_user)

    response = client.get(reverse(f"admin:partnerships_{model}_changelist"))

    assert response.status_code == 200


def test_admin_member_is_read_only(client):
    from tests.factories.core import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.get(reverse("admin:partnerships_partnershipmember_add"))

    assert response.status_code == 403


def test_admin_add_change_and_delete_partnership_are_audited(client):
    from levelup.models import AuditEntry
    from partnerships.models import Partnership
    from tests.factories.core import BodyFactory, PlaceFactory, UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    place, body = PlaceFactory(name="Seaton"), BodyFactory(name="Coastal Programme")
    client.force_login(admin_user)
    fields = {"place": place.pk, "name": "Seaton Partnership", "slug": "seaton", "purpose": ""}

    client.post(reverse("admin:partnerships_partnership_add"), {**fields, "stage": "forming"})
    partnership = Partnership.objects.get(slug="seaton")
    client.post(
        reverse("admin:partnerships_partnership_change", args=[partnership.pk]),
        {**fields, "stage": "active", "programme_body": body.pk},
    )
    client.post(
        reverse("admin:partnerships_partnership_delete", args=[partnership.pk]), {"post": "yes"}
    )

    entries = AuditEntry.objects.filter(object_id=str(partnership.pk)).order_by("id")
    assert [(e.action, e.actor) for e in entries] == [
        ("partnerships.partnership.create", admin_user),
        ("partnerships.partnership.update", admin_user),
        ("partnerships.partnership.delete", admin_user),
    ]
    assert entries[1].changes == {
        "stage": ["forming", "active"],
        "programme_body_id": [None, body.pk],
    }
    assert not Partnership.objects.filter(pk=partnership.pk).exists()


def test_partnership_delete_revokes_its_grants(site_admin, connector, member, partnership):
    from levelup.models import AuditEntry, RoleGrant
    from partnerships import services

    services.partnership_delete(actor=site_admin, partnership=partnership)

    assert RoleGrant.objects.active().filter(user__in=[connector, member]).count() == 0
    assert AuditEntry.objects.filter(action="levelup.role.revoke").count() == 2
