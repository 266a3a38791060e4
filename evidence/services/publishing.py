"""Moderation, redactions, findings, recommendations and publishing a call's report."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import (
    CallStatus,
    ModerationState,
    PublicationPreference,
    RecommendationAudience,
    RedactionReason,
    SubmissionStatus,
)
from evidence.models import (
    Answer,
    Attachment,
    CallForEvidence,
    CallReport,
    Finding,
    FindingExcerpt,
    Moderation,
    Recommendation,
    Redaction,
    ReportNotification,
    Submission,
    Theme,
)
from evidence.selectors.publishing import (
    PUBLIC_PREFERENCES,
    excerpt_unquotable_reason,
    report_figures_to_store,
    submissions_publishable,
)
from evidence.services.calls import background_clean
from evidence.services.report_pdf import report_changed, report_pdf_queue
from levelup.audit import audit_record
from levelup.models import Organisation, User
from levelup.outbox import outbox_queue

# Moderation ---------------------------------------------------------------------------------


def _moderation_locked(submission: Submission) -> Moderation:
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only submitted responses are moderated."))
    if submission.publication_preference not in PUBLIC_PREFERENCES:
        raise ValidationError(
            _("The respondent asked for this response to stay confidential: it is never published.")
        )
    moderation, _created = Moderation.objects.select_for_update().get_or_create(
        submission=submission, defaults={"call_id": submission.call_id}
    )
    return moderation


@transaction.atomic
def moderation_propose(
    *, actor: User, submission: Submission, state: str, reason: str = ""
) -> Moderation:
    """A reviewer's proposal; the secretariat decides."""
    moderation = _moderation_locked(submission)
    if state not in ModerationState.values or state == ModerationState.PENDING:
        raise ValidationError(_("Propose approval, approval with redactions or withholding."))
    moderation.proposed_state, moderation.proposed_reason = state, reason.strip()
    moderation.proposed_by = actor
    moderation.full_clean()
    moderation.save()
    audit_record(
        actor=actor,
        action="evidence.moderation.propose",
        target=submission,
        changes={"proposed_state": state},
    )
    return moderation


@transaction.atomic
def moderation_decide(
    *, actor: User, submission: Submission, state: str, reason: str = ""
) -> Moderation:
    """The secretariat's decision. Redactions must match it: "approved" means none."""
    moderation = _moderation_locked(submission)
    reason = reason.strip()
    redacted = Redaction.objects.filter(submission=submission).exists()
    if state == ModerationState.APPROVED and redacted:
        raise ValidationError(
            _("This response has redactions: approve it with redactions, or remove them first.")
        )
    if state == ModerationState.APPROVED_REDACTED and not redacted:
        raise ValidationError(_("Mark at least one span to redact first."))
    if state == ModerationState.WITHHELD and not reason:
        raise ValidationError({"reason": _("Say why the response is withheld.")})
    before = moderation.state
    moderation.state, moderation.reason = state, reason
    if state == ModerationState.PENDING:
        moderation.decided_by, moderation.decided_at = None, None
    else:
        moderation.decided_by, moderation.decided_at = actor, timezone.now()
    moderation.full_clean()
    moderation.save()
    audit_record(
        actor=actor,
        action="evidence.moderation.decide",
        target=submission,
        changes={"state": [before, state], "reason": reason},
    )
    if before != state:
        # The report's quotes follow moderation: its PDF is rendered again.
        report_changed(actor=actor, call=submission.call)
    return moderation


def _span_from(text: str, *, start, end, quoted: str) -> tuple[int, int]:
    """Offsets from a selection when they are valid, else the first place the words appear."""
    if start is not None and end is not None and 0 <= start < end <= len(text):
        return start, end
    quoted = (quoted or "").strip()
    if not quoted:
        raise ValidationError(_("Select the words to redact."))
    position = text.find(quoted)
    if position < 0:
        raise ValidationError(
            {"quoted": _("These words are not in the text: paste them exactly as they appear.")}
        )
    return position, position + len(quoted)


@transaction.atomic
def redaction_add(
    *,
    actor: User,
    submission: Submission,
    reason: str,
    answer: Answer | None = None,
    attachment: Attachment | None = None,
    start: int | None = None,
    end: int | None = None,
    quoted: str = "",
) -> Redaction:
    """Hide a span of an answer or an attachment's text: by offsets, or by pasting the words."""
    _moderation_locked(submission)
    if (answer is None) == (attachment is None):
        raise ValidationError(_("Choose one answer or one attachment."))
    source = answer or attachment
    if source.submission_id != submission.pk:
        raise ValidationError(_("That text is not part of this response."))
    text = answer.text if answer else attachment.extracted_text
    start, end = _span_from(text, start=start, end=end, quoted=quoted)
    if reason not in RedactionReason.values:
        raise ValidationError({"reason": _("Choose why these words are redacted.")})
    redaction = Redaction(
        call_id=submission.call_id,
        submission=submission,
        answer=answer,
        attachment=attachment,
        start=start,
        end=end,
        reason=reason,
        created_by=actor,
    )
    redaction.full_clean()
    redaction.save()
    audit_record(
        actor=actor,
        action="evidence.redaction.add",
        target=submission,
        changes={"start": start, "end": end, "reason": reason},
    )
    report_changed(actor=actor, call=submission.call)
    return redaction


@transaction.atomic
def redaction_remove(*, actor: User, redaction: Redaction) -> None:
    submission = redaction.submission
    moderation = _moderation_locked(submission)
    if (
        moderation.state == ModerationState.APPROVED_REDACTED
        and Redaction.objects.filter(submission=submission).count() == 1
    ):
        raise ValidationError(
            _("This is the response's last redaction: decide again before removing it.")
        )
    audit_record(
        actor=actor,
        action="evidence.redaction.remove",
        target=submission,
        changes={"start": redaction.start, "end": redaction.end},
    )
    redaction.delete()
    report_changed(actor=actor, call=submission.call)


# Findings and recommendations -----------------------------------------------------------------


def finding_number(finding: Finding) -> int:
    """The finding's number in the report (its place in the call's order, from 1)."""
    earlier = Finding.objects.filter(call_id=finding.call_id).filter(
        Q(position__lt=finding.position) | Q(position=finding.position, pk__lt=finding.pk)
    )
    return earlier.count() + 1


def recommendation_number(recommendation: Recommendation) -> int:
    """The recommendation's number (its place in the call's order, from 1, as the tracker)."""
    earlier = Recommendation.objects.filter(call_id=recommendation.call_id).filter(
        Q(position__lt=recommendation.position)
        | Q(position=recommendation.position, pk__lt=recommendation.pk)
    )
    return earlier.count() + 1


def _themes_of(call: CallForEvidence, themes) -> list[Theme]:
    themes = list(themes or [])
    if any(theme.call_id != call.pk for theme in themes):
        raise ValidationError(_("A theme belongs to another call."))
    return themes


@transaction.atomic
def finding_create(
    *, actor: User, call: CallForEvidence, title: str, summary: str = "", themes=None
) -> Finding:
    position = (Finding.objects.filter(call=call).aggregate(m=Max("position"))["m"] or 0) + 1
    finding = Finding(call=call, title=title.strip(), summary=background_clean(summary))
    finding.position = position
    finding.full_clean()
    finding.save()
    finding.themes.set(_themes_of(call, themes))
    audit_record(actor=actor, action="evidence.finding.create", target=finding)
    report_changed(
        actor=actor,
        call=call,
        summary=_("Finding %(number)d added: %(title)s")
        % {"number": finding_number(finding), "title": finding.title},
    )
    return finding


@transaction.atomic
def finding_update(
    *, actor: User, finding: Finding, title: str, summary: str = "", themes=None
) -> Finding:
    before = Finding.objects.values("title", "summary").get(pk=finding.pk)
    finding.title, finding.summary = title.strip(), background_clean(summary)
    finding.full_clean()
    finding.save()
    finding.themes.set(_themes_of(finding.call, themes))
    audit_record(
        actor=actor,
        action="evidence.finding.update",
        target=finding,
        changes={"title": [before["title"], finding.title]},
    )
    number = finding_number(finding)
    retitled = before["title"] != finding.title
    rewritten = before["summary"] != finding.summary
    if retitled and rewritten:
        line = _("Finding %(number)d retitled and its summary rewritten")
    elif retitled:
        line = _("Finding %(number)d retitled")
    elif rewritten:
        line = _("Finding %(number)d: summary rewritten")
    else:
        line = ""
    if line:
        report_changed(actor=actor, call=finding.call, summary=line % {"number": number})
    return finding


@transaction.atomic
def finding_move(*, actor: User, finding: Finding, up: bool) -> Finding:
    """Swap the finding with the one before it (`up`) or after it in the report's order."""
    findings = list(
        Finding.objects.select_for_update()
        .filter(call_id=finding.call_id)
        .order_by("position", "pk")
    )
    index = next(i for i, f in enumerate(findings) if f.pk == finding.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(findings):
        raise ValidationError(
            _("This finding is already first.") if up else _("This finding is already last.")
        )
    findings[index], findings[other] = findings[other], findings[index]
    for position, item in enumerate(findings, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])
    moved = findings[other]
    audit_record(
        actor=actor,
        action="evidence.finding.move",
        target=moved,
        changes={"number": [index + 1, other + 1]},
    )
    report_changed(
        actor=actor,
        call=moved.call,
        summary=_("Finding %(old)d moved to number %(new)d: %(title)s")
        % {"old": index + 1, "new": other + 1, "title": moved.title},
    )
    return moved


@transaction.atomic
def finding_excerpts_add(*, actor: User, finding: Finding, excerpts) -> int:
    """Back the finding with these excerpts (not quoted yet); returns how many were new."""
    excerpts = list(excerpts)
    if any(excerpt.call_id != finding.call_id for excerpt in excerpts):
        raise ValidationError(_("An excerpt belongs to another call."))
    position = finding.finding_excerpts.aggregate(m=Max("position"))["m"] or 0
    added = 0
    for excerpt in excerpts:
        _link, created = FindingExcerpt.objects.get_or_create(
            finding=finding,
            excerpt=excerpt,
            defaults={"added_by": actor, "position": position + added + 1},
        )
        added += created
    audit_record(
        actor=actor,
        action="evidence.finding.excerpts_add",
        target=finding,
        changes={"excerpts": [e.pk for e in excerpts]},
    )
    if added:
        report_changed(
            actor=actor,
            call=finding.call,
            summary=_("Finding %(number)d: more evidence behind it")
            % {"number": finding_number(finding)},
        )
    return added


@transaction.atomic
def finding_excerpt_quote(*, actor: User, link: FindingExcerpt, quoted: bool) -> FindingExcerpt:
    """Quote an excerpt in the public report, only when its respondent's consent allows it."""
    link = (
        FindingExcerpt.objects.select_for_update()
        .select_related("excerpt__submission")
        .get(pk=link.pk)
    )
    if quoted:
        reason = excerpt_unquotable_reason(link.excerpt)
        if reason:
            raise ValidationError(
                _("%(anchor)s cannot be quoted publicly: %(reason)s. It still informs the finding.")
                % {"anchor": link.excerpt.anchor, "reason": reason}
            )
    was_quoted = link.quoted
    link.quoted = quoted
    link.save(update_fields=["quoted", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.finding.quote" if quoted else "evidence.finding.unquote",
        target=link.finding,
        changes={"excerpt": link.excerpt.anchor},
    )
    if was_quoted != quoted:
        line = (
            _("Finding %(number)d: quote %(anchor)s added")
            if quoted
            else _("Finding %(number)d: quote %(anchor)s removed")
        )
        report_changed(
            actor=actor,
            call=link.finding.call,
            summary=line % {"number": finding_number(link.finding), "anchor": link.excerpt.anchor},
        )
    return link


@transaction.atomic
def finding_excerpt_remove(*, actor: User, link: FindingExcerpt) -> None:
    finding = link.finding
    audit_record(
        actor=actor,
        action="evidence.finding.excerpt_remove",
        target=finding,
        changes={"excerpt": link.excerpt_id},
    )
    line = (
        _("Finding %(number)d: quote %(anchor)s removed")
        if link.quoted
        else _("Finding %(number)d: excerpt %(anchor)s no longer counted in its evidence")
    )
    summary = line % {"number": finding_number(finding), "anchor": link.excerpt.anchor}
    link.delete()
    report_changed(actor=actor, call=finding.call, summary=summary)


@transaction.atomic
def recommendation_create(
    *,
    actor: User,
    call: CallForEvidence,
    text: str,
    audience: str,
    addressed_to: Organisation | None = None,
    findings=None,
) -> Recommendation:
    if audience not in RecommendationAudience.values:
        raise ValidationError({"audience": _("Choose who the recommendation is for.")})
    findings = list(findings or [])
    if any(finding.call_id != call.pk for finding in findings):
        raise ValidationError(_("A finding belongs to another call."))
    position = (Recommendation.objects.filter(call=call).aggregate(m=Max("position"))["m"] or 0) + 1
    recommendation = Recommendation(
        call=call,
        text=text.strip(),
        audience=audience,
        addressed_to=addressed_to,
        position=position,
    )
    recommendation.full_clean()
    recommendation.save()
    recommendation.findings.set(findings)
    audit_record(actor=actor, action="evidence.recommendation.create", target=recommendation)
    report_changed(
        actor=actor,
        call=call,
        summary=_("Recommendation %(number)d added")
        % {"number": recommendation_number(recommendation)},
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    text: str,
    audience: str,
    addressed_to: Organisation | None = None,
    findings=None,
) -> Recommendation:
    """Change a recommendation; once the report is published the changelog says what changed."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if audience not in RecommendationAudience.values:
        raise ValidationError({"audience": _("Choose who the recommendation is for.")})
    findings = list(findings or [])
    if any(finding.call_id != recommendation.call_id for finding in findings):
        raise ValidationError(_("A finding belongs to another call."))
    before = {
        "text": recommendation.text,
        "audience": recommendation.audience,
        "addressed_to": recommendation.addressed_to_id,
    }
    recommendation.text = text.strip()
    recommendation.audience = audience
    recommendation.addressed_to = addressed_to
    recommendation.full_clean()
    recommendation.save()
    recommendation.findings.set(findings)
    after = {
        "text": recommendation.text,
        "audience": recommendation.audience,
        "addressed_to": recommendation.addressed_to_id,
    }
    audit_record(
        actor=actor,
        action="evidence.recommendation.update",
        target=recommendation,
        changes={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    number = recommendation_number(recommendation)
    lines = []
    if before["text"] != after["text"]:
        lines.append(_("Recommendation %(number)d reworded") % {"number": number})
    if before["audience"] != after["audience"]:
        lines.append(
            _("Recommendation %(number)d is now for %(audience)s")
            % {"number": number, "audience": recommendation.get_audience_display()}
        )
    if before["addressed_to"] != after["addressed_to"]:
        lines.append(
            _("Recommendation %(number)d is now addressed to %(name)s")
            % {"number": number, "name": addressed_to.name}
            if addressed_to
            else _("Recommendation %(number)d is no longer addressed to anyone")
            % {"number": number}
        )
    if lines:
        report_changed(actor=actor, call=recommendation.call, summary="; ".join(lines))
    return recommendation


@transaction.atomic
def recommendation_remove(*, actor: User, recommendation: Recommendation) -> None:
    """Remove a recommendation, unless its addressee has responded or it has updates."""
    from evidence.models import RecommendationFollowUp

    followup = RecommendationFollowUp.objects.filter(recommendation=recommendation).first()
    if followup is not None and (followup.response or followup.updates.exists()):
        raise ValidationError(
            _("This recommendation has a recorded response or updates: it cannot be removed.")
        )
    call = recommendation.call
    number = recommendation_number(recommendation)
    audit_record(
        actor=actor,
        action="evidence.recommendation.remove",
        target=call,
        changes={"recommendation": recommendation.pk, "text": recommendation.text},
    )
    recommendation.delete()
    report_changed(
        actor=actor,
        call=call,
        summary=_("Recommendation %(number)d removed: %(text)s")
        % {"number": number, "text": recommendation.text[:200]},
    )


@transaction.atomic
def report_summary_update(*, actor: User, call: CallForEvidence, summary: str) -> CallReport:
    """The report's summary (sanitised rich text), before or after publication."""
    report, _created = CallReport.objects.select_for_update().get_or_create(call=call)
    before = report.summary
    report.summary = background_clean(summary)
    report.full_clean()
    report.save(update_fields=["summary", "updated_at"])
    audit_record(actor=actor, action="evidence.report.summary_update", target=call)
    if before != report.summary:
        report_changed(actor=actor, call=call, summary=_("The report's summary was updated"))
    return report


# Publishing ---------------------------------------------------------------------------------


def report_held_back(*, call: CallForEvidence) -> dict:
    """What publishing will keep private, and why (the confirmation page)."""
    submitted = Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED)
    return {
        "publishable": submissions_publishable(call=call).count(),
        "confidential": submitted.filter(
            publication_preference=PublicationPreference.CONFIDENTIAL
        ).count()
        + submitted.filter(publication_preference="").count(),
        "withheld": submitted.filter(moderation__state=ModerationState.WITHHELD).count(),
        "unmoderated": submitted.filter(publication_preference__in=PUBLIC_PREFERENCES)
        .exclude(
            moderation__state__in=[
                ModerationState.APPROVED,
                ModerationState.APPROVED_REDACTED,
                ModerationState.WITHHELD,
            ]
        )
        .count(),
        "withdrawn": Submission.objects.filter(
            call=call, status=SubmissionStatus.WITHDRAWN
        ).count(),
        "anonymous": submissions_publishable(call=call)
        .filter(publication_preference=PublicationPreference.ANONYMOUS)
        .count(),
        "redacted": submissions_publishable(call=call)
        .filter(moderation__state=ModerationState.APPROVED_REDACTED)
        .count(),
        "findings": Finding.objects.filter(call=call).count(),
        "recommendations": Recommendation.objects.filter(call=call).count(),
    }


@transaction.atomic
def call_report_publish(
    *, actor: User, call: CallForEvidence, base_url: str = "", summary: str | None = None
) -> CallReport:
    """Publish the call's report: the public page becomes the report, approved evidence
    becomes public, and each respondent who asked to hear back gets one email.

    The call must be analysing (or closed) and have at least one finding. Emails are queued
    in the outbox once per response, enforced by `ReportNotification`'s unique response.
    """
    call = CallForEvidence.objects.select_for_update().get(pk=call.pk)
    if call.current_status not in (CallStatus.CLOSED, CallStatus.ANALYSING):
        raise ValidationError(_("Only a closed call being analysed can have its report published."))
    if not Finding.objects.filter(call=call).exists():
        raise ValidationError(_("Write at least one finding first."))
    before = call.status
    call.status = CallStatus.PUBLISHED
    call.full_clean()
    call.save(update_fields=["status", "updated_at"])
    report, _created = CallReport.objects.get_or_create(call=call)
    if summary is not None:
        report.summary = background_clean(summary)
    report.published_at, report.published_by = timezone.now(), actor
    report.figures = report_figures_to_store(call=call)
    report.content_version += 1
    report.save()
    report_pdf_queue(actor=actor, report=report)
    report_url = base_url.rstrip("/") + call.get_absolute_url()
    notified = 0
    publishable = set(submissions_publishable(call=call).values_list("pk", flat=True))
    for submission in (
        Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED, wants_report=True)
        .exclude(respondent_email="")
        .exclude(report_notification__isnull=False)
    ):
        evidence_url = ""
        if submission.pk in publishable:
            evidence_url = f"{report_url}evidence/{submission.reference}/"
        email = outbox_queue(
            template="evidence/report_published",
            to=[submission.respondent_email],
            context={
                "call": call,
                "name": submission.respondent_name,
                "report_url": report_url,
                "evidence_url": evidence_url,
                "reference": submission.reference,
            },
        )
        ReportNotification.objects.create(submission=submission, email=email)
        notified += 1
    audit_record(
        actor=actor,
        action="evidence.call.report_publish",
        target=call,
        changes={"status": [before, call.status], "notified": notified},
    )
    return report


__all__ = [
    "call_report_publish",
    "finding_create",
    "finding_excerpt_quote",
    "finding_excerpt_remove",
    "finding_excerpts_add",
    "finding_move",
    "finding_number",
    "finding_update",
    "moderation_decide",
    "moderation_propose",
    "recommendation_create",
    "recommendation_number",
    "recommendation_remove",
    "recommendation_update",
    "redaction_add",
    "redaction_remove",
    "report_held_back",
    "report_summary_update",
]
