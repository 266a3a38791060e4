"""Writes on the place prospectus: drafting in versions, comments, sign-off and publishing."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.models import Finding, Recommendation
from evidence.selectors import is_published_finding, is_published_recommendation
from levelup.audit import audit_diff, audit_record
from levelup.jobs import job_enqueue
from levelup.models import User
from levelup.outbox import outbox_queue
from levelup.rich_text import RICH_TEXT_TAGS, rich_text_clean
from partnerships.enums import (
    PDF_JOB_KIND,
    STAGE_ORDER,
    MatchStatus,
    PartnershipStage,
    ProspectusSection,
    ProspectusVersionStatus,
)
from partnerships.models import (
    Commitment,
    InvestmentLine,
    Match,
    Partnership,
    PartnershipMember,
    Priority,
    Prospectus,
    ProspectusComment,
    ProspectusVersion,
    Representative,
    SignOff,
)
from partnerships.selectors.agreements import lead_members
from partnerships.selectors.prospectus import prospectus_latest_version

VISION_TAGS = RICH_TEXT_TAGS
# Matches a commitment may be created from: the two sides have agreed, or more.
COMMITTABLE_MATCH_STATUSES = {MatchStatus.AGREED, MatchStatus.IN_DELIVERY, MatchStatus.DELIVERED}
# The PDF is rendered in steps: read the content, lay out the PDF, store it.
PDF_STEPS = 3
COMMITMENT_FIELDS = ["member", "priority", "description", "due_on", "value"]
LINE_FIELDS = ["project", "amount", "source", "status", "year"]


def vision_clean(html: str) -> str:
    """Keep basic structure and links; drop scripts, styles, handlers and everything else."""
    return rich_text_clean(html).strip()


def _editable(version: ProspectusVersion) -> None:
    """Refuse changes to a version that is no longer a draft (as stored: locked till commit)."""
    status = (
        ProspectusVersion.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=version.pk)
    )
    if status != ProspectusVersionStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)s has been sent for sign-off and can no longer change. "
                "Start a new version to make changes."
            )
            % {"number": version.number}
        )


@transaction.atomic
def prospectus_create(
    *, actor: User, partnership: Partnership, title: str, vision: str = ""
) -> Prospectus:
    """Start the partnership's prospectus with an empty draft, version 1."""
    if Prospectus.objects.filter(partnership=partnership).exists():
        raise ValidationError(_("This partnership already has a prospectus."))
    prospectus = Prospectus(partnership=partnership, title=title.strip())
    prospectus.full_clean()
    prospectus.save()
    version = ProspectusVersion(
        prospectus=prospectus, number=1, vision=vision_clean(vision), created_by=actor
    )
    version.full_clean()
    version.save()
    audit_record(actor=actor, action="partnerships.prospectus.create", target=prospectus)
    return prospectus


@transaction.atomic
def prospectus_vision_update(
    *, actor: User, version: ProspectusVersion, vision: str, title: str | None = None
) -> ProspectusVersion:
    _editable(version)
    before = {"vision": version.vision}
    version.vision = vision_clean(vision)
    version.full_clean()
    version.save(update_fields=["vision", "updated_at"])
    changes = audit_diff(before, version, ["vision"])
    prospectus = version.prospectus
    if title is not None and title.strip() != prospectus.title:
        changes["title"] = [prospectus.title, title.strip()]
        prospectus.title = title.strip()
        prospectus.full_clean()
        prospectus.save(update_fields=["title", "updated_at"])
    audit_record(
        actor=actor, action="partnerships.prospectus.vision_update", target=version, changes=changes
    )
    return version


@transaction.atomic
def priority_create(
    *, actor: User, version: ProspectusVersion, title: str, description: str = ""
) -> Priority:
    _editable(version)
    position = version.priorities.count() + 1
    priority = Priority(
        version=version, position=position, title=title.strip(), description=description.strip()
    )
    priority.full_clean()
    priority.save()
    audit_record(actor=actor, action="partnerships.priority.create", target=priority)
    return priority


@transaction.atomic
def priority_update(
    *, actor: User, priority: Priority, title: str, description: str = ""
) -> Priority:
    _editable(priority.version)
    before = {"title": priority.title, "description": priority.description}
    priority.title, priority.description = title.strip(), description.strip()
    priority.full_clean()
    priority.save()
    audit_record(
        actor=actor,
        action="partnerships.priority.update",
        target=priority,
        changes=audit_diff(before, priority, ["title", "description"]),
    )
    return priority


@transaction.atomic
def priority_citations_set(
    *,
    actor: User,
    priority: Priority,
    findings: list[Finding] | None = None,
    recommendations: list[Recommendation] | None = None,
) -> Priority:
    """The findings and recommendations `priority` cites, replacing those it cited before.

    Only those of published calls can be cited: a citation is public once the prospectus is.
    """
    _editable(priority.version)
    findings, recommendations = list(findings or []), list(recommendations or [])
    unpublished = [str(f) for f in findings if not is_published_finding(f)] + [
        str(r) for r in recommendations if not is_published_recommendation(r)
    ]
    if unpublished:
        raise ValidationError(
            ngettext(
                "“%(titles)s” is not published yet: a priority can cite only the findings and "
                "recommendations of published calls.",
                "“%(titles)s” are not published yet: a priority can cite only the findings and "
                "recommendations of published calls.",
                len(unpublished),
            )
            % {"titles": "”, “".join(unpublished)}
        )
    before = {
        "findings": sorted(priority.findings.values_list("pk", flat=True)),
        "recommendations": sorted(priority.recommendations.values_list("pk", flat=True)),
    }
    priority.findings.set(findings)
    priority.recommendations.set(recommendations)
    after = {
        "findings": sorted(f.pk for f in findings),
        "recommendations": sorted(r.pk for r in recommendations),
    }
    audit_record(
        actor=actor,
        action="partnerships.priority.cite",
        target=priority,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return priority


@transaction.atomic
def priority_delete(*, actor: User, priority: Priority) -> None:
    _editable(priority.version)
    audit_record(actor=actor, action="partnerships.priority.delete", target=priority)
    priority.delete()


def _check_commitment(commitment: Commitment) -> None:
    version = commitment.version
    errors = {}
    member = commitment.member
    if member.partnership_id != commitment.partnership_id or not member.is_active:
        errors["member"] = _("Choose a current member organisation of this partnership.")
    if commitment.priority_id and commitment.priority.version_id != version.pk:
        errors["priority"] = _("Choose one of this version's priorities.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def commitment_create(
    *,
    actor: User,
    version: ProspectusVersion,
    member: PartnershipMember,
    description: str,
    due_on: date,
    value: Decimal | None = None,
    priority: Priority | None = None,
    match: Match | None = None,
) -> Commitment:
    """Record what `member` commits to in the draft `version`.

    From a `match`, the match must belong to this partnership and be agreed, in delivery or
    delivered; the commitment then links it.
    """
    _editable(version)
    partnership_id = version.prospectus.partnership_id
    if match is not None:
        if match.partnership_id != partnership_id:
            raise ValidationError(_("This match belongs to another partnership."))
        if match.status not in COMMITTABLE_MATCH_STATUSES:
            raise ValidationError(
                _(
                    "Only an agreed, in-delivery or delivered match can become a commitment; "
                    "this one is %(status)s."
                )
                % {"status": MatchStatus(match.status).label.lower()}
            )
    commitment = Commitment(
        version=version,
        partnership_id=partnership_id,
        member=member,
        priority=priority,
        description=description.strip(),
        due_on=due_on,
        value=value,
        match=match,
        created_by=actor,
    )
    _check_commitment(commitment)
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        action="partnerships.commitment.create",
        target=commitment,
        changes={
            "organisation": str(member),
            "value": value,
            "due_on": due_on,
            "match": match.pk if match else None,
        },
    )
    return commitment


@transaction.atomic
def commitment_update(*, actor: User, commitment: Commitment, **fields) -> Commitment:
    _editable(commitment.version)
    before = {name: getattr(commitment, name) for name in COMMITMENT_FIELDS}
    for name in COMMITMENT_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(commitment, name, value.strip() if isinstance(value, str) else value)
    _check_commitment(commitment)
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        action="partnerships.commitment.update",
        target=commitment,
        changes=audit_diff(before, commitment, COMMITMENT_FIELDS),
    )
    return commitment


@transaction.atomic
def commitment_delete(*, actor: User, commitment: Commitment) -> None:
    _editable(commitment.version)
    audit_record(actor=actor, action="partnerships.commitment.delete", target=commitment)
    commitment.delete()


@transaction.atomic
def investment_line_create(*, actor: User, version: ProspectusVersion, **fields) -> InvestmentLine:
    _editable(version)
    line = InvestmentLine(
        version=version,
        **{name: (v.strip() if isinstance(v, str) else v) for name, v in fields.items()},
    )
    line.full_clean()
    line.save()
    audit_record(
        actor=actor,
        action="partnerships.investment_line.create",
        target=line,
        changes={name: getattr(line, name) for name in LINE_FIELDS},
    )
    return line


@transaction.atomic
def investment_line_update(*, actor: User, line: InvestmentLine, **fields) -> InvestmentLine:
    _editable(line.version)
    before = {name: getattr(line, name) for name in LINE_FIELDS}
    for name in LINE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(line, name, value.strip() if isinstance(value, str) else value)
    line.full_clean()
    line.save()
    audit_record(
        actor=actor,
        action="partnerships.investment_line.update",
        target=line,
        changes=audit_diff(before, line, LINE_FIELDS),
    )
    return line


@transaction.atomic
def investment_line_delete(*, actor: User, line: InvestmentLine) -> None:
    _editable(line.version)
    audit_record(actor=actor, action="partnerships.investment_line.delete", target=line)
    line.delete()


@transaction.atomic
def prospectus_version_start(*, actor: User, prospectus: Prospectus) -> ProspectusVersion:
    """A new draft: a copy of the newest version, which it supersedes.

    Sign-offs stay with the version they were given for, so they no longer count. Copied
    commitments keep their `key`, so their history follows them.
    """
    Prospectus.objects.select_for_update().get(pk=prospectus.pk)
    latest = prospectus_latest_version(prospectus=prospectus)
    if latest.status == ProspectusVersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is still a draft: change it instead.") % {"number": latest.number}
        )
    version = ProspectusVersion(
        prospectus=prospectus, number=latest.number + 1, vision=latest.vision, created_by=actor
    )
    version.full_clean()
    version.save()
    priorities = {}
    for old in latest.priorities.prefetch_related("findings", "recommendations"):
        priorities[old.pk] = Priority.objects.create(
            version=version, position=old.position, title=old.title, description=old.description
        )
        priorities[old.pk].findings.set(old.findings.all())
        priorities[old.pk].recommendations.set(old.recommendations.all())
    Commitment.objects.bulk_create(
        Commitment(
            version=version,
            partnership_id=old.partnership_id,
            key=old.key,
            member_id=old.member_id,
            priority=priorities.get(old.priority_id),
            description=old.description,
            due_on=old.due_on,
            value=old.value,
            match_id=old.match_id,
            created_by_id=old.created_by_id,
        )
        for old in latest.commitments.all()
    )
    InvestmentLine.objects.bulk_create(
        InvestmentLine(
            version=version,
            project=old.project,
            amount=old.amount,
            source=old.source,
            status=old.status,
            year=old.year,
        )
        for old in latest.investment_lines.all()
    )
    audit_record(
        actor=actor,
        action="partnerships.prospectus.version_start",
        target=version,
        changes={"number": version.number, "from": latest.number},
    )
    return version


@transaction.atomic
def prospectus_version_send(
    *, actor: User, version: ProspectusVersion, site_url: str = ""
) -> ProspectusVersion:
    """Freeze the draft and ask every lead member to sign it off (by email)."""
    _editable(version)
    if not version.vision.strip():
        raise ValidationError(_("Write the vision before sending the prospectus for sign-off."))
    if not version.priorities.exists():
        raise ValidationError(_("Add at least one priority before sending for sign-off."))
    version.status = ProspectusVersionStatus.SIGN_OFF
    version.sent_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["status", "sent_at", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.prospectus.send",
        target=version,
        changes={"number": version.number},
    )
    partnership = version.prospectus.partnership
    emails = sorted(
        set(
            Representative.objects.active()
            .filter(member__in=lead_members(partnership=partnership), user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    if emails:
        outbox_queue(
            template="partnerships/prospectus_sign_off",
            to=emails,
            context={
                "version": version,
                "partnership": partnership,
                "author": actor,
                "url": site_url.rstrip("/")
                + reverse("partnerships:prospectus-draft", kwargs={"slug": partnership.slug}),
            },
        )
    return version


@transaction.atomic
def prospectus_sign_off(
    *, actor: User, version: ProspectusVersion, member: PartnershipMember
) -> SignOff:
    """`actor` signs off `version` on behalf of the lead member `member`.

    Refused for a draft, a superseded or already published version, a member that is not a
    current lead of this partnership, someone who does not represent it, and a second sign-off.
    """
    version = ProspectusVersion.objects.select_for_update().get(pk=version.pk)
    latest = prospectus_latest_version(prospectus=version.prospectus)
    if latest.pk != version.pk:
        raise ValidationError(
            _(
                "Version %(old)s has been replaced by version %(new)s. Read and sign off "
                "version %(new)s instead."
            )
            % {"old": version.number, "new": latest.number}
        )
    if version.status == ProspectusVersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is still being drafted: it cannot be signed off yet.")
            % {"number": version.number}
        )
    if version.status == ProspectusVersionStatus.PUBLISHED:
        raise ValidationError(
            _("Version %(number)s is already published.") % {"number": version.number}
        )
    if (
        member.partnership_id != version.prospectus.partnership_id
        or not member.is_active
        or member.role != "lead"
    ):
        raise ValidationError(_("Only a current lead member can sign off."))
    if not member.representatives.filter(user=actor, left_at__isnull=True).exists():
        raise ValidationError(_("You do not represent this organisation."))
    if version.sign_offs.filter(member=member).exists():
        raise ValidationError(_("Your organisation has already signed off this version."))
    sign_off = SignOff(version=version, member=member, signed_by=actor)
    sign_off.full_clean()
    sign_off.save()
    audit_record(
        actor=actor,
        action="partnerships.prospectus.sign_off",
        target=version,
        changes={"number": version.number, "on_behalf_of": str(member)},
    )
    return sign_off


def _missing_sign_offs(version: ProspectusVersion) -> list[str]:
    leads = lead_members(partnership=version.prospectus.partnership).exclude(
        sign_offs__version=version
    )
    return sorted(leads.values_list("organisation__name", flat=True))


@transaction.atomic
def prospectus_publish(*, actor: User, version: ProspectusVersion) -> Prospectus:
    """Publish `version`: it becomes the public prospectus, the partnership reaches the stage
    "prospectus published" (if it is not further on), and the PDF is rendered after commit.

    Needs every current lead member's sign-off of this exact version.
    """
    version = ProspectusVersion.objects.select_for_update().get(pk=version.pk)
    prospectus = Prospectus.objects.select_for_update().get(pk=version.prospectus_id)
    latest = prospectus_latest_version(prospectus=prospectus)
    if latest.pk != version.pk:
        raise ValidationError(
            _("Version %(old)s has been replaced by version %(new)s.")
            % {"old": version.number, "new": latest.number}
        )
    if version.status != ProspectusVersionStatus.SIGN_OFF:
        raise ValidationError(
            _("Send version %(number)s for sign-off first.") % {"number": version.number}
            if version.status == ProspectusVersionStatus.DRAFT
            else _("Version %(number)s is already published.") % {"number": version.number}
        )
    partnership = prospectus.partnership
    if not lead_members(partnership=partnership).exists():
        raise ValidationError(_("The partnership has no lead members to sign it off."))
    missing = _missing_sign_offs(version)
    if missing:
        raise ValidationError(
            _("Every lead member must sign off version %(number)s first. Still to sign: %(names)s.")
            % {"number": version.number, "names": ", ".join(missing)}
        )
    now = timezone.now()
    version.status, version.published_at = ProspectusVersionStatus.PUBLISHED, now
    version.full_clean()
    version.save(update_fields=["status", "published_at", "updated_at"])
    prospectus.published_version, prospectus.published_at = version, now
    prospectus.full_clean()
    prospectus.save(update_fields=["published_version", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="partnerships.prospectus.publish",
        target=prospectus,
        changes={"number": version.number},
    )
    order = [str(stage) for stage in STAGE_ORDER]
    if order.index(partnership.stage) < order.index(PartnershipStage.PROSPECTUS_PUBLISHED):
        before = partnership.stage
        partnership.stage = PartnershipStage.PROSPECTUS_PUBLISHED
        partnership.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=actor,
            action="partnerships.partnership.stage_change",
            target=partnership,
            changes={"stage": [before, partnership.stage]},
        )
    job_enqueue(
        actor=actor,
        kind=PDF_JOB_KIND,
        target=prospectus,
        params={"version_id": version.pk},
        total=PDF_STEPS,
    )
    return prospectus


@transaction.atomic
def prospectus_comment_add(
    *,
    actor: User,
    version: ProspectusVersion,
    section: str,
    text: str,
    parent: ProspectusComment | None = None,
) -> ProspectusComment:
    """A comment on a section of a version that is not yet published, or a reply to a thread."""
    if version.status == ProspectusVersionStatus.PUBLISHED:
        raise ValidationError(_("This version is published: comments are closed."))
    if parent is not None:
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.prospectus_id != version.prospectus_id:
            raise ValidationError(_("Reply to a comment on this prospectus."))
        if parent.resolved_at is not None:
            raise ValidationError(_("This thread is resolved: start a new comment instead."))
        section = parent.section
    if section not in ProspectusSection.values:
        raise ValidationError({"section": _("Choose the section you are commenting on.")})
    comment = ProspectusComment(
        prospectus_id=version.prospectus_id,
        version=version,
        section=section,
        parent=parent,
        author=actor,
        text=text.strip(),
    )
    comment.full_clean()
    comment.save()
    audit_record(
        actor=actor,
        action="partnerships.prospectus.comment",
        target=comment,
        changes={"section": section, "reply_to": parent.pk if parent else None},
    )
    return comment


@transaction.atomic
def prospectus_comment_resolve(*, actor: User, comment: ProspectusComment) -> ProspectusComment:
    if comment.parent_id is not None:
        raise ValidationError(_("Resolve the whole thread, from its first comment."))
    if comment.resolved_at is not None:
        raise ValidationError(_("This thread is already resolved."))
    comment.resolved_at, comment.resolved_by = timezone.now(), actor
    comment.full_clean()
    comment.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    audit_record(actor=actor, action="partnerships.prospectus.comment_resolve", target=comment)
    return comment


def prospectus_pdf_render(
    *, prospectus_id: int, version_id: int, progress: Callable[[int], None] | None = None
) -> Prospectus | None:
    """Render the published `version_id` of the prospectus as a PDF and store it.

    Idempotent: nothing is done when the PDF of that version is already stored, or when the
    version is no longer the published one (a newer publication renders its own). Rendering
    takes seconds, so it runs outside the transaction that records the file. `progress(done)`
    is told after each of the `PDF_STEPS` steps.
    """
    progress = progress or (lambda done: None)
    from django.utils.text import slugify

    from levelup.pdf import render_pdf
    from partnerships.selectors.prospectus import prospectus_content

    prospectus = Prospectus.objects.select_related("partnership__place", "published_version").get(
        pk=prospectus_id
    )
    if prospectus.published_version_id != version_id or (
        prospectus.pdf_version_id == version_id and prospectus.pdf
    ):
        return None
    version = prospectus.published_version
    version.prospectus = prospectus
    content = prospectus_content(version=version)
    progress(1)
    pdf = render_pdf(
        template_name="partnerships/prospectus/pdf.html",
        context={
            "prospectus": prospectus,
            "partnership": prospectus.partnership,
            "content": content,
        },
        title=prospectus.title,
    )
    progress(2)
    with transaction.atomic():
        prospectus = Prospectus.objects.select_for_update().get(pk=prospectus_id)
        if prospectus.published_version_id != version_id:
            return None
        old = prospectus.pdf.name if prospectus.pdf else ""
        name = f"{slugify(prospectus.title)[:80] or 'prospectus'}-v{version.number}.pdf"
        prospectus.pdf.save(name, ContentFile(pdf), save=False)
        prospectus.pdf_version_id = version_id
        prospectus.save(update_fields=["pdf", "pdf_version", "updated_at"])
        audit_record(
            actor=None,
            action="partnerships.prospectus.pdf_render",
            target=prospectus,
            changes={"number": version.number, "bytes": len(pdf)},
        )
        if old and old != prospectus.pdf.name:
            transaction.on_commit(partial(prospectus.pdf.storage.delete, old))
    progress(PDF_STEPS)
    return prospectus
