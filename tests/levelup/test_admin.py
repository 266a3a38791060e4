import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from levelup.enums import EmailStatus, Role
from levelup.models import AuditEntry, RoleGrant
from tests.factories import OutboundEmailFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, email="root@example.org")
    client.force_login(admin)
    client.admin = admin
    return client


def test_admin_role_grant_goes_through_service_and_is_audited(admin_client, body):
    person = UserFactory()

    response = admin_client.post(
        reverse("admin:levelup_rolegrant_add"),
        {
            "user": person.pk,
            "role": Role.SECRETARIAT,
            "content_type": ContentType.objects.get_for_model(body).pk,
            "object_id": body.pk,
        },
    )

    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.object_id, grant.granted_by) == (
        Role.SECRETARIAT,
        body.pk,
        admin_client.admin,
    )
    entry = AuditEntry.objects.get(action="levelup.role.grant")
    assert entry.actor == admin_client.admin


def test_admin_role_revoke_action_is_audited(admin_client, secretariat):
    grant = RoleGrant.objects.get(user=secretariat)

    admin_client.post(
        reverse("admin:levelup_rolegrant_changelist"),
        {"action": "revoke_selected", "_selected_action": [grant.pk]},
    )

    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEntry.objects.get(action="levelup.role.revoke").actor == admin_client.admin


def test_admin_role_grant_cannot_be_deleted(admin_client, secretariat):
    grant = RoleGrant.objects.get(user=secretariat)

    response = admin_client.post(
        reverse("admin:levelup_rolegrant_delete", args=[grant.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_admin_outbox_shows_each_email_state(admin_client):
    OutboundEmailFactory(subject="Queued one")
    OutboundEmailFactory(subject="Sent one", status=EmailStatus.SENT, sent_at=timezone.now())
    OutboundEmailFactory(
        subject="Failing one", status=EmailStatus.FAILED, attempts=2, last_error="SMTPConnectError"
    )

    response = admin_client.get(reverse("admin:levelup_outboundemail_changelist"))

    html = response.content.decode()
    for text in ["Queued one", "Sent one", "Failing one", "Failed, will retry", "Sent", "Queued"]:
        assert text in html
    assert response.context["cl"].result_count == 3


def test_admin_outbox_is_read_only(admin_client):
    email = OutboundEmailFactory()

    response = admin_client.post(
        reverse("admin:levelup_outboundemail_change", args=[email.pk]), {"subject": "Changed"}
    )

    assert response.status_code == 403


def test_admin_refuses_non_staff(client, respondent):
    client.force_login(respondent)

    response = client.get(reverse("admin:levelup_outboundemail_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
