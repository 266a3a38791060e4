import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from levelup.enums import Role
from levelup.models import AuditEntry, OutboundEmail, RoleGrant, User
from partnerships.enums import MemberRole
from partnerships.models import Invitation, PartnershipMember, Representative
from partnerships.services import (
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_token_hash,
)
from tests.factories.core import PASSWORD, OrganisationFactory, UserFactory
from tests.factories.partnerships import PartnershipMemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-passphrase-9"


def _invite(connector, partnership, organisation=None, email="new.person@example.org", **kw):
    return invitation_create(
        actor=connector,
        partnership=partnership,
        organisation=organisation or OrganisationFactory(name="Fylde Foods"),
        role=kw.pop("role", MemberRole.LEAD),
        name="New Person",
        email=email,
        site_url="http://testserver/",
    )


def test_invitation_create_stores_only_hash_and_queues_email_on_commit(
    connector, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation, token = _invite(connector, partnership)

    email = OutboundEmail.objects.get()
    assert invitation.token_hash == invitation_token_hash(token)
    assert token not in invitation.token_hash
    assert email.to == ["new.person@example.org"]
    assert email.subject == f"You are invited to join {partnership.name}"
    assert f"http://testserver/partnerships/invitations/{token}/" in email.body_text
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="partnerships.invitation.create").count() == 1


def test_invitation_accept_creates_member_representative_and_grant(connector, partnership):
    invitation, token = _invite(connector, partnership)
    person = UserFactory()

    representative = invitation_accept(user=person, token=token)

    member = PartnershipMember.objects.get(partnership=partnership)
    assert representative.member == member
    assert member.role == MemberRole.LEAD
    assert member.organisation.name == "Fylde Foods"
    assert RoleGrant.objects.active().filter(user=person, role=Role.MEMBER).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_invitation_accept_joins_existing_member_keeping_its_role(connector, partnership):
    existing = PartnershipMemberFactory(partnership=partnership, role=MemberRole.OBSERVER)
    _, token = _invite(connector, partnership, organisation=existing.organisation)

    representative = invitation_accept(user=UserFactory(), token=token)

    assert representative.member == existing
    assert PartnershipMember.objects.filter(partnership=partnership).count() == 1


def test_invitation_reused_is_refused(connector, partnership):
    _, token = _invite(connector, partnership)
    invitation_accept(user=UserFactory(), token=token)

    with pytest.raises(ValidationError) as excinfo:
        invitation_accept(user=UserFactory(), token=token)

    assert excinfo.value.messages == ["This invitation has already been used."]


def test_invitation_expired_is_refused(connector, partnership):
    invitation, token = _invite(connector, partnership)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(seconds=1),
    )

    with pytest.raises(ValidationError) as excinfo:
        invitation_accept(user=UserFactory(), token=token)

    assert excinfo.value.messages == [
        "This invitation has expired. Ask the partnership's connector for a new one."
    ]
    assert Representative.objects.count() == 0


def test_invitation_unknown_token_is_refused(db):
    with pytest.raises(ValidationError) as excinfo:
        invitation_accept(user=UserFactory(), token="guessed")

    assert excinfo.value.messages == ["This invitation link is not valid."]


def test_invitation_for_someone_already_representing_is_refused(connector, partnership, member):
    with pytest.raises(ValidationError) as excinfo:
        _invite(
            connector,
            partnership,
            organisation=member.membership.organisation,
            email=member.email.upper(),
        )

    assert excinfo.value.message_dict == {
        "email": ["This person already represents this organisation here."]
    }


def _link(email: OutboundEmail) -> str:
    return re.search(r"http://testserver(/partnerships/invitations/[^/]+/)", email.body_text)[1]


def test_invite_view_sends_email_and_accept_view_creates_account(client, connector, partnership):
    organisation = OrganisationFactory(name="Blackpool Bakers")
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:member-invite", args=[partnership.slug]),
        {
            "organisation": organisation.pk,
            "role": "member",
            "name": "Bea Baker",
            "email": "bea@bakers.example",
        },
    )
    assert response.status_code == 302
    link = _link(OutboundEmail.objects.get())
    client.logout()

    page = client.get(link)
    joined = client.post(
        link,
        {
            "name": "Bea Baker",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    assert page.status_code == 200
    assert "Create my account and join" in page.content.decode()
    assert joined.status_code == 302
    assert joined.url == reverse("partnerships:partnership-home", args=[partnership.slug])
    bea = User.objects.get(email="bea@bakers.example")
    assert bea.name == "Bea Baker"
    assert bea.member_partnership_ids == frozenset({partnership.pk})
    assert client.get(joined.url).status_code == 200
    assert client.get(link).status_code == 410


def test_accept_view_signed_in_user_joins(client, connector, partnership, respondent):
    _, token = _invite(connector, partnership)
    client.force_login(respondent)

    response = client.post(reverse("partnerships:invitation-accept", args=[token]))

    assert response.status_code == 302
    assert Representative.objects.get().user == respondent


def test_accept_view_refuses_existing_email_for_new_account(client, connector, partnership):
    UserFactory(email="new.person@example.org")
    _, token = _invite(connector, partnership)

    response = client.post(
        reverse("partnerships:invitation-accept", args=[token]),
        {
            "name": "Imposter",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["An account already uses this email address. Sign in instead."]
    }
    assert Representative.objects.count() == 0


def test_accept_view_password_mismatch_shows_error(client, connector, partnership):
    _, token = _invite(connector, partnership)

    response = client.post(
        reverse("partnerships:invitation-accept", args=[token]),
        {"name": "Bea", "password1": NEW_PASSWORD, "password2": PASSWORD},
    )

    assert response.context["form"].errors == {"password2": ["The two passwords are not the same."]}


def test_accept_view_expired_link_is_gone(client, connector, partnership):
    invitation, token = _invite(connector, partnership)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )

    response = client.get(reverse("partnerships:invitation-accept", args=[token]))

    assert response.status_code == 410
    assert "This invitation cannot be used" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_invite_view_by_role(client, login_as, partnership, role, expected):
    login_as(role)
    organisation = OrganisationFactory()

    response = client.post(
        reverse("partnerships:member-invite", args=[partnership.slug]),
        {"organisation": organisation.pk, "role": "lead", "name": "X", "email": "x@example.org"},
    )

    assert response.status_code == expected
    assert Invitation.objects.count() == (1 if role in {"connector", "site_admin"} else 0)


def test_accept_page_offers_sign_in_that_returns_here(client, connector, partnership):
    _, token = _invite(connector, partnership)
    url = reverse("partnerships:invitation-accept", args=[token])

    response = client.get(url)

    assert f'href="/accounts/sign-in/?next={url}"' in response.content.decode().replace("%2F", "/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_invitation_withdraw_by_role_then_link_is_gone(
    client, login_as, connector, partnership, role, expected
):
    invitation, token = _invite(connector, partnership)
    login_as(role)

    response = client.post(
        reverse("partnerships:invitation-withdraw", args=[partnership.slug, invitation.pk])
    )

    assert response.status_code == expected
    withdrawn = role in {"connector", "site_admin"}
    client.logout()
    link = client.get(reverse("partnerships:invitation-accept", args=[token]))
    assert link.status_code == (410 if withdrawn else 200)


def test_invitation_resend_gives_a_new_link_and_the_old_one_stops_working(
    connector, partnership, django_capture_on_commit_callbacks
):
    invitation, old_token = _invite(connector, partnership)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitation, new_token = invitation_resend(
            actor=connector, invitation=invitation, site_url="http://testserver/"
        )

    emails = OutboundEmail.objects.filter(to=["new.person@example.org"]).order_by("id")
    assert new_token != old_token
    assert invitation_for_token(old_token) is None
    assert invitation_for_token(new_token) == invitation
    assert emails.count() == 2
    assert f"/partnerships/invitations/{new_token}/" in emails.last().body_text
    assert f"/partnerships/invitations/{old_token}/" not in emails.last().body_text
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    entry = AuditEntry.objects.get(action="partnerships.invitation.resend")
    assert (entry.actor, entry.object_id) == (connector, str(invitation.pk))
    with pytest.raises(ValidationError, match="not valid"):
        invitation_accept(user=UserFactory(), token=old_token)
    assert invitation_accept(user=UserFactory(), token=new_token).member.partnership == partnership


def test_invitation_resend_of_an_expired_invitation_works_again(connector, partnership):
    invitation, _old = _invite(connector, partnership)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=30),
        expires_at=timezone.now() - timedelta(days=16),
    )

    _invitation, token = invitation_resend(
        actor=connector, invitation=invitation, site_url="http://testserver/"
    )

    assert invitation_for_token(token) is not None


def test_invitation_resend_of_a_used_invitation_is_refused(connector, partnership):
    invitation, token = _invite(connector, partnership)
    invitation_accept(user=UserFactory(), token=token)

    with pytest.raises(ValidationError, match="already been used"):
        invitation_resend(actor=connector, invitation=invitation, site_url="http://testserver/")

    assert not AuditEntry.objects.filter(action="partnerships.invitation.resend").exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("respondent", 404),
        ("member", 403),
        ("other_member", 404),
        ("connector", 302),
        ("other_connector", 404),
        ("site_admin", 302),
    ],
)
def test_invitation_resend_view_by_role(client, login_as, connector, partnership, role, expected):
    invitation, old_token = _invite(connector, partnership)
    login_as(role)

    response = client.post(
        reverse("partnerships:invitation-resend", args=[partnership.slug, invitation.pk])
    )

    assert response.status_code == expected
    resent = role in {"connector", "site_admin"}
    assert OutboundEmail.objects.filter(to=["new.person@example.org"]).count() == (
        2 if resent else 1
    )
    client.logout()
    old_link = client.get(reverse("partnerships:invitation-accept", args=[old_token]))
    assert old_link.status_code == (410 if resent else 200)


def test_member_list_shows_send_again_button_to_connector(client, connector, partnership):
    invitation, _token = _invite(connector, partnership)
    client.force_login(connector)

    response = client.get(reverse("partnerships:member-list", args=[partnership.slug]))

    assert (
        reverse("partnerships:invitation-resend", args=[partnership.slug, invitation.pk])
        in response.content.decode()
    )
