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
