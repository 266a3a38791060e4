"""Writes on partnerships. Keyword-only, one transaction, an audit entry each."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from levelup.audit import audit_diff, audit_record
from levelup.enums import Role
from levelup.models import Body, Organisation, Place, RoleGrant, User
from levelup.outbox import outbox_queue
from levelup.services import organisation_create, role_grant, role_revoke, unique_slug, user_create
from partnerships.enums import STAGE_ORDER, MemberRole, PartnershipStage
from partnerships.models import (
    CommitmentUpdate,
    Invitation,
    Partnership,
    PartnershipFigure,
    PartnershipMember,
    Representative,
)
from partnerships.rules import forget_represented_members
from partnerships.selectors.partnerships import partnership_grants
from partnerships.selectors.prospectus import partnership_has_published_prospectus
from partnerships.services.agreements import agreements_recheck

# Paths under /partnerships/ that a partnership's slug must not take.
RESERVED_SLUGS = {"new", "mine", "programme", "places", "organisations", "actions", "invitations"}

PARTNERSHIP_PUBLIC_FIELDS = ["place_id", "name", "slug", "purpose", "stage", "programme_body_id"]


@transaction.atomic
def partnership_save(
    *, actor: User, partnership: Partnership, before: dict | None = None
) -> Partnership:
    """Create a partnership, or save changes to its details (site administrators, in the
    admin). `before` holds the changed fields' old values, by attribute name."""
    created = partnership.pk is None
    partnership.full_clean()
    partnership.save()
    if created:
        changes = {name: getattr(partnership, name) for name in PARTNERSHIP_PUBLIC_FIELDS}
    else:
        before = before or {}
        changes = audit_diff(before, partnership, list(before))
    audit_record(
        actor=actor,
        action="partnerships.partnership.create" if created else "partnerships.partnership.update",
        target=partnership,
        changes=changes,
    )
    return partnership


@transaction.atomic
def partnership_create(
    *,
    actor: User,
    place: Place,
    name: str,
    purpose: str = "",
    programme_body: Body | None = None,
) -> Partnership:
    """Start a partnership in `place`, at the stage "forming" (a programme's secretariat or a
    site administrator). Its connectors are named next; they bring in the members."""
    slug_text = f"{name} partnership" if slugify(name) in RESERVED_SLUGS else name
    partnership = Partnership(
        place=place,
        name=" ".join(name.split()),
        slug=unique_slug(Partnership, slug_text, max_length=120),
        purpose=purpose.strip(),
        stage=PartnershipStage.FORMING,
        programme_body=programme_body,
    )
    return partnership_save(actor=actor, partnership=partnership)


@transaction.atomic
def partnership_delete(*, actor: User, partnership: Partnership) -> None:
    """Delete a partnership made by mistake, with everything in it (site administrators).

    Its connector and member grants are revoked first (audited), so that no active grant
    is left pointing at a partnership that no longer exists.
    """
    grants = partnership_grants(partnership=partnership)
    for grant in grants.select_related("user"):
        role_revoke(actor=actor, grant=grant)
    audit_record(
        actor=actor,
        action="partnerships.partnership.delete",
        target=partnership,
        changes={"name": partnership.name, "slug": partnership.slug},
    )
    partnership.delete()


@transaction.atomic
def partnership_notes_update(
    *, actor: User, partnership: Partnership, private_notes: str
) -> Partnership:
    before = {"private_notes": partnership.private_notes}
    partnership.private_notes = private_notes
    partnership.full_clean()
    partnership.save(update_fields=["private_notes", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.partnership.notes_update",
        target=partnership,
        changes=audit_diff(before, partnership, ["private_notes"]),
    )
    return partnership


@transaction.atomic
def partnership_stage_change(*, actor: User, partnership: Partnership, stage: str) -> Partnership:
    """Move the partnership one step along its lifecycle, forwards or back (to undo a slip)."""
    order = [str(s) for s in STAGE_ORDER]
    if stage not in order:
        raise ValidationError({"stage": _("Choose a stage.")})
    if abs(order.index(stage) - order.index(partnership.stage)) != 1:
        raise ValidationError(
            {
                "stage": _(
                    "A partnership moves one stage at a time: from %(now)s it can go to %(next)s."
                )
                % {
                    "now": PartnershipStage(partnership.stage).label.lower(),
                    "next": _(" or ").join(
                        str(PartnershipStage(order[i]).label).lower()
                        for i in (
                            order.index(partnership.stage) - 1,
                            order.index(partnership.stage) + 1,
                        )
                        if 0 <= i < len(order)
                    ),
                }
            }
        )
    if stage == PartnershipStage.PROSPECTUS_PUBLISHED and not partnership_has_published_prospectus(
        partnership=partnership
    ):
        raise ValidationError(
            {
                "stage": _(
                    "A partnership reaches “prospectus published” by publishing its prospectus, "
                    "once every lead member has signed it off."
                )
            }
        )
    if (
        stage == PartnershipStage.DELIVERING
        and not CommitmentUpdate.objects.filter(partnership=partnership).exists()
    ):
        raise ValidationError(
            {
                "stage": _(
                    "A partnership reaches “delivering” when its members report progress on "
                    "the commitments of its published prospectus."
                )
            }
        )
    before = {"stage": partnership.stage}
    partnership.stage = stage
    partnership.full_clean()
    partnership.save(update_fields=["stage", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.partnership.stage_change",
        target=partnership,
        changes=audit_diff(before, partnership, ["stage"]),
    )
    return partnership


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    """Stop a pending invitation's link from working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has already been used or has expired."))
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at", "updated_at"])
    audit_record(actor=actor, action="partnerships.invitation.withdraw", target=invitation)
    return invitation


@transaction.atomic
def member_add(
    *,
    actor: User | None,
    partnership: Partnership,
    organisation: Organisation,
    role: str = MemberRole.MEMBER,
) -> PartnershipMember:
    member = PartnershipMember(partnership=partnership, organisation=organisation, role=role)
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action="partnerships.member.add",
        target=member,
        changes={"partnership": partnership.name, "role": role},
    )
    return member


@transaction.atomic
def member_add_new_organisation(
    *,
    actor: User,
    partnership: Partnership,
    role: str = MemberRole.MEMBER,
    **organisation_fields,
) -> PartnershipMember:
    """Create an organisation and make it a member, both or neither (a connector)."""
    organisation = organisation_create(actor=actor, **organisation_fields)
    return member_add(actor=actor, partnership=partnership, organisation=organisation, role=role)


@transaction.atomic
def representative_add(
    *, actor: User | None, member: PartnershipMember, user: User
) -> Representative:
    """`user` speaks for `member` from now on, and gets RoleGrant(member) on the partnership."""
    if not member.is_active:
        raise ValidationError(_("This organisation is no longer a member."))
    representative = Representative(member=member, user=user)
    representative.full_clean()
    representative.save()
    _member_grant_sync(actor=actor, user=user, partnership=member.partnership)
    audit_record(
        actor=actor,
        action="partnerships.representative.add",
        target=representative,
        changes={"user": user.email, "organisation": str(member.organisation)},
    )
    return representative


@transaction.atomic
def member_role_change(*, actor: User, member: PartnershipMember, role: str) -> PartnershipMember:
    if not member.is_active:
        raise ValidationError(_("This organisation is no longer a member."))
    before = {"role": member.role}
    member.role = role
    member.full_clean()
    member.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.member.role_change",
        target=member,
        changes=audit_diff(before, member, ["role"]),
    )
    # The actor's cached view of the organisations they speak for now has a stale role.
    if actor is not None:
        forget_represented_members(actor)
    agreements_recheck(actor=actor, partnership=member.partnership)
    return member


@transaction.atomic
def member_remove(*, actor: User, member: PartnershipMember) -> PartnershipMember:
    """The organisation leaves. Its rows (asks, endorsements, engagements) stay as history.

    Its representatives stop representing it, and lose the member role unless they speak
    for another organisation of the same partnership.
    """
    member = PartnershipMember.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(_("This organisation has already left the partnership."))
    member.left_on = timezone.localdate()
    member.full_clean()
    member.save(update_fields=["left_on", "updated_at"])
    now = timezone.now()
    for representative in member.representatives.filter(left_at__isnull=True).select_related(
        "user"
    ):
        representative.left_at = now
        representative.save(update_fields=["left_at", "updated_at"])
        _member_grant_sync(actor=actor, user=representative.user, partnership=member.partnership)
    audit_record(actor=actor, action="partnerships.member.remove", target=member)
    agreements_recheck(actor=actor, partnership=member.partnership)
    return member


@transaction.atomic
def representative_remove(*, actor: User, representative: Representative) -> Representative:
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    if representative.left_at is not None:
        raise ValidationError(_("This person no longer represents the organisation."))
    representative.left_at = timezone.now()
    representative.save(update_fields=["left_at", "updated_at"])
    _member_grant_sync(
        actor=actor, user=representative.user, partnership=representative.member.partnership
    )
    audit_record(actor=actor, action="partnerships.representative.remove", target=representative)
    return representative


INVITATION_VALID_FOR = timedelta(days=14)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    partnership: Partnership,
    organisation: Organisation,
    role: str,
    name: str,
    email: str,
    site_url: str,
) -> tuple[Invitation, str]:
    """Invite `email` to represent `organisation`; returns the invitation and its raw token.

    The raw token only leaves in the email (queued through the outbox); the row stores its hash.
    """
    email = email.strip().lower()
    already = Representative.objects.active().filter(
        member__partnership=partnership,
        member__organisation=organisation,
        user__email__iexact=email,
    )
    if already.exists():
        raise ValidationError(
            {"email": _("This person already represents this organisation here.")}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        partnership=partnership,
        organisation=organisation,
        role=role,
        name=name,
        email=email,
        token_hash=invitation_token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
        invited_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="partnerships.invitation.create",
        target=invitation,
        changes={"email": email, "organisation": str(organisation), "role": role},
    )
    _invitation_email(invitation=invitation, token=token, inviter=actor, site_url=site_url)
    return invitation, token


@transaction.atomic
def invitation_resend(
    *, actor: User, invitation: Invitation, site_url: str
) -> tuple[Invitation, str]:
    """Email the invitation again with a new link, valid for another 14 days.

    The old link stops working (its token's hash is replaced). A used invitation cannot be
    sent again.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("partnership", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    token = secrets.token_urlsafe(32)
    before = {"expires_at": invitation.expires_at}
    invitation.token_hash = invitation_token_hash(token)
    invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
    invitation.full_clean()
    invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.invitation.resend",
        target=invitation,
        changes={"email": invitation.email, **audit_diff(before, invitation, ["expires_at"])},
    )
    _invitation_email(invitation=invitation, token=token, inviter=actor, site_url=site_url)
    return invitation, token


def _invitation_email(*, invitation: Invitation, token: str, inviter: User, site_url: str) -> None:
    outbox_queue(
        template="partnerships/invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "partnership": invitation.partnership,
            "inviter": inviter,
            "accept_url": site_url.rstrip("/")
            + reverse("partnerships:invitation-accept", kwargs={"token": token}),
        },
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation behind a raw token, or None (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("partnership", "organisation")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Representative:
    """`user` joins as a representative. Works once, before the invitation expires."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if timezone.now() >= invitation.expires_at:
        raise ValidationError(
            _("This invitation has expired. Ask the partnership's connector for a new one.")
        )
    member = (
        PartnershipMember.objects.active()
        .filter(partnership=invitation.partnership, organisation=invitation.organisation)
        .first()
    )
    if member is None:
        member = member_add(
            actor=user,
            partnership=invitation.partnership,
            organisation=invitation.organisation,
            role=invitation.role,
        )
    if member.representatives.filter(user=user, left_at__isnull=True).exists():
        raise ValidationError(_("You already represent this organisation in this partnership."))
    representative = representative_add(actor=user, member=member, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(actor=user, action="partnerships.invitation.accept", target=invitation)
    return representative


@transaction.atomic
def invitation_accept_with_new_account(
    *, token: str, name: str, email: str, password: str
) -> Representative:
    """Create the invitee's account and accept, in one transaction (both or neither)."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account already uses this email address. Sign in instead.")}
        )
    user = user_create(actor=None, email=email, name=name, password=password)
    return invitation_accept(user=user, token=token)


@transaction.atomic
def connector_grant(*, actor: User, partnership: Partnership, user: User) -> RoleGrant:
    return role_grant(actor=actor, user=user, role=Role.CONNECTOR, target=partnership)


@transaction.atomic
def connector_revoke(*, actor: User, partnership: Partnership, grant: RoleGrant) -> RoleGrant:
    if grant.role != Role.CONNECTOR or grant.object_id != partnership.pk:
        raise ValidationError(_("This is not a connector of this partnership."))
    return role_revoke(actor=actor, grant=grant)


@transaction.atomic
def figure_add(
    *, actor: User, partnership: Partnership, kind: str, name: str, title: str = ""
) -> PartnershipFigure:
    figure = PartnershipFigure(partnership=partnership, kind=kind, name=name, title=title)
    figure.full_clean()
    figure.save()
    audit_record(
        actor=actor,
        action="partnerships.figure.add",
        target=figure,
        changes={"kind": kind, "name": name, "title": title},
    )
    return figure


@transaction.atomic
def figure_remove(*, actor: User, figure: PartnershipFigure) -> None:
    audit_record(
        actor=actor,
        action="partnerships.figure.remove",
        target=figure,
        changes={"kind": figure.kind, "name": figure.name},
    )
    figure.delete()


def _member_grant_sync(*, actor: User | None, user: User, partnership: Partnership) -> None:
    """Keep RoleGrant(member) in step: held exactly while `user` represents some member."""
    represents = Representative.objects.active().filter(user=user, member__partnership=partnership)
    grants = partnership_grants(partnership=partnership).filter(user=user, role=Role.MEMBER)
    if represents.exists():
        if not grants.exists():
            role_grant(actor=actor, user=user, role=Role.MEMBER, target=partnership)
    else:
        for grant in grants:
            role_revoke(actor=actor, grant=grant)
    forget_represented_members(user)
