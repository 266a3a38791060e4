"""Writes on texts the lead members agree: the common goal and the terms of reference."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from levelup.audit import audit_record
from levelup.models import User
from levelup.outbox import outbox_queue
from partnerships.enums import AgreementKind, MemberRole
from partnerships.models import (
    AgreementVersion,
    Endorsement,
    Partnership,
    PartnershipMember,
    Representative,
)
from partnerships.selectors.agreements import agreement_current, lead_members

TEXT_FIELDS = ["text", "purpose", "membership", "decision_making", "meeting_rhythm"]


@transaction.atomic
def agreement_propose(
    *, actor: User, partnership: Partnership, kind: str, site_url: str = "", **texts
) -> AgreementVersion:
    """Draft a new version. Endorsements of earlier versions stop counting; leads are emailed."""
    # Lock the partnership so that two connectors cannot both draft version N.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    current = agreement_current(partnership=partnership, kind=kind)
    version = AgreementVersion(
        partnership=partnership,
        kind=kind,
        number=(current.number + 1) if current else 1,
        created_by=actor,
        **{name: (texts.get(name) or "").strip() for name in TEXT_FIELDS},
    )
    if current is not None and version.as_text() == current.as_text():
        raise ValidationError(
            _("This is the same as version %(number)s. Change the text first.")
            % {"number": current.number}
        )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=f"partnerships.{kind}.propose",
        target=version,
        changes={"number": version.number},
    )
    emails = sorted(
        set(
            Representative.objects.active()
            .filter(member__in=lead_members(partnership=partnership), user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    if emails:
        outbox_queue(
            template="partnerships/agreement_new_version",
            to=emails,
            context={
                "version": version,
                "partnership": partnership,
                "kind_label": AgreementKind(kind).label,
                "url": site_url.rstrip("/") + _agreement_path(partnership, kind),
            },
        )
    return version


def _agreement_path(partnership: Partnership, kind: str) -> str:
    name = "goal" if kind == AgreementKind.COMMON_GOAL else "terms"
    return reverse(f"partnerships:{name}", kwargs={"slug": partnership.slug})


@transaction.atomic
def agreement_endorse(
    *, actor: User, version: AgreementVersion, member: PartnershipMember
) -> Endorsement:
    """`actor` endorses `version` on behalf of the lead member `member`.

    Refused for a superseded version, a member that is not a current lead of this partnership,
    someone who does not represent it, and a second endorsement. The last lead's endorsement
    marks the version agreed.
    """
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    current = agreement_current(partnership=version.partnership, kind=version.kind)
    if current.pk != version.pk:
        raise ValidationError(
            _(
                "Version %(old)s has been replaced by version %(new)s. Read and endorse "
                "version %(new)s instead."
            )
            % {"old": version.number, "new": current.number}
        )
    if (
        member.partnership_id != version.partnership_id
        or not member.is_active
        or member.role != MemberRole.LEAD
    ):
        raise ValidationError(_("Only a current lead member can endorse."))
    if not member.representatives.filter(user=actor, left_at__isnull=True).exists():
        raise ValidationError(_("You do not represent this organisation."))
    if version.endorsements.filter(member=member).exists():
        raise ValidationError(_("Your organisation has already endorsed this version."))
    endorsement = Endorsement(version=version, member=member, endorsed_by=actor)
    endorsement.full_clean()
    endorsement.save()
    audit_record(
        actor=actor,
        action=f"partnerships.{version.kind}.endorse",
        target=version,
        changes={"number": version.number, "on_behalf_of": str(member)},
    )
    _agree_if_complete(actor=actor, version=version)
    return endorsement


def _agree_if_complete(*, actor: User | None, version: AgreementVersion) -> bool:
    """Mark `version` agreed if every current lead member has endorsed it."""
    leads = set(lead_members(partnership=version.partnership).values_list("pk", flat=True))
    endorsed = set(version.endorsements.values_list("member_id", flat=True))
    if not leads or not leads <= endorsed or version.agreed_at is not None:
        return False
    version.agreed_at = timezone.now()
    version.save(update_fields=["agreed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"partnerships.{version.kind}.agree",
        target=version,
        changes={"number": version.number},
    )
    return True


def agreements_recheck(*, actor: User | None, partnership: Partnership) -> None:
    """After the lead members change, a current version may now have every lead's endorsement."""
    for kind in AgreementKind.values:
        current = agreement_current(partnership=partnership, kind=kind)
        if current is not None and current.agreed_at is None:
            _agree_if_complete(
                actor=actor, version=AgreementVersion.objects.select_for_update().get(pk=current.pk)
            )
