"""Oral evidence: roundtables and hearings the secretariat records beside the written evidence.

A published event shows on the report, the evidence index and the PDF; once the report is
published, adding, changing or removing one is noted in the public changelog.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evidence.enums import OralEvidenceKind, SubmissionStatus
from evidence.models import CallForEvidence, OralEvidence, Submission
from evidence.services.calls import background_clean
from evidence.services.report_pdf import report_changed
from levelup.audit import audit_record
from levelup.models import User

FIELDS = ["kind", "title", "held_on", "hosts", "speakers", "note", "is_published"]


def _informed_of(call: CallForEvidence, informed) -> list[Submission]:
    informed = list(informed or [])
    if any(s.call_id != call.pk or s.status != SubmissionStatus.SUBMITTED for s in informed):
        raise ValidationError({"informed": _("Choose submitted responses to this call.")})
    return informed


def _apply(event: OralEvidence, values: dict) -> None:
    if values["kind"] not in OralEvidenceKind.values:
        raise ValidationError({"kind": _("Choose a roundtable or a hearing.")})
    event.kind = values["kind"]
    event.title = values["title"].strip()
    event.held_on = values["held_on"]
    event.hosts = values["hosts"].strip()
    event.speakers = values.get("speakers", "").strip()
    event.note = background_clean(values.get("note", ""))
    event.is_published = bool(values.get("is_published"))
    event.full_clean()


@transaction.atomic
def oral_evidence_create(
    *,
    actor: User,
    call: CallForEvidence,
    kind: str,
    title: str,
    held_on,
    hosts: str,
    speakers: str = "",
    note: str = "",
    is_published: bool = False,
    informed=None,
) -> OralEvidence:
    event = OralEvidence(call=call)
    _apply(
        event,
        {
            "kind": kind,
            "title": title,
            "held_on": held_on,
            "hosts": hosts,
            "speakers": speakers,
            "note": note,
            "is_published": is_published,
        },
    )
    informed = _informed_of(call, informed)
    event.save()
    event.informed.set(informed)
    audit_record(
        actor=actor,
        action="evidence.oral_evidence.create",
        target=event,
        changes={"title": event.title, "is_published": event.is_published},
    )
    if event.is_published:
        report_changed(
            actor=actor, call=call, summary=_("Oral evidence added: %(title)s") % {"title": title}
        )
    return event


@transaction.atomic
def oral_evidence_update(
    *,
    actor: User,
    event: OralEvidence,
    kind: str,
    title: str,
    held_on,
    hosts: str,
    speakers: str = "",
    note: str = "",
    is_published: bool = False,
    informed=None,
) -> OralEvidence:
    event = OralEvidence.objects.select_for_update().select_related("call").get(pk=event.pk)
    before = {field: getattr(event, field) for field in FIELDS}
    before_informed = set(event.informed.values_list("pk", flat=True))
    _apply(
        event,
        {
            "kind": kind,
            "title": title,
            "held_on": held_on,
            "hosts": hosts,
            "speakers": speakers,
            "note": note,
            "is_published": is_published,
        },
    )
    informed = _informed_of(event.call, informed)
    event.save()
    event.informed.set(informed)
    changes = {
        field: [str(before[field]), str(getattr(event, field))]
        for field in FIELDS
        if before[field] != getattr(event, field)
    }
    if before_informed != {s.pk for s in informed}:
        changes["informed"] = [sorted(before_informed), sorted(s.pk for s in informed)]
    audit_record(actor=actor, action="evidence.oral_evidence.update", target=event, changes=changes)
    if changes and (before["is_published"] or event.is_published):
        if not before["is_published"]:
            line = _("Oral evidence added: %(title)s")
        elif not event.is_published:
            line = _("Oral evidence removed: %(title)s")
        else:
            line = _("Oral evidence updated: %(title)s")
        report_changed(actor=actor, call=event.call, summary=line % {"title": event.title})
    return event


@transaction.atomic
def oral_evidence_remove(*, actor: User, event: OralEvidence) -> None:
    call, title, was_published = event.call, event.title, event.is_published
    audit_record(
        actor=actor,
        action="evidence.oral_evidence.remove",
        target=call,
        changes={"oral_evidence": event.pk, "title": title},
    )
    event.delete()
    if was_published:
        report_changed(
            actor=actor, call=call, summary=_("Oral evidence removed: %(title)s") % {"title": title}
        )


__all__ = ["oral_evidence_create", "oral_evidence_remove", "oral_evidence_update"]
