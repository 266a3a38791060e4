import pytest
from django.core.exceptions import ValidationError

from evidence.enums import CallStatus, ModerationState, PublicationPreference, RedactionReason
from evidence.models import Redaction, ReportNotification
from evidence.selectors.publishing import redacted_text
from evidence.services.publishing import (
    call_report_publish,
    finding_create,
    finding_excerpt_quote,
    finding_excerpts_add,
    moderation_decide,
    moderation_propose,
    recommendation_create,
    redaction_add,
)
from levelup.models import AuditEntry, OutboundEmail
from tests.evidence.publishing_helpers import SECRET, publishing_world
from tests.factories import AnswerFactory, SubmissionFactory
from tests.factories.publishing import (
    ExcerptOfAnswerFactory,
    FindingExcerptFactory,
    FindingFactory,
    PublishingThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_redacted_text_replaces_spans_with_reason():
    reds = [
        Redaction(start=0, end=4, reason=RedactionReason.PERSONAL_DATA),
        Redaction(start=9, end=14, reason=RedactionReason.LEGAL),
    ]

    result = redacted_text("Anne and Bobby agreed.", reds)

    assert result == "[redacted: personal data] and [redacted: legal] agreed."


def test_redaction_add_by_pasted_words_finds_offsets_and_keeps_original(secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True)
    answer = AnswerFactory(submission=submission, text="Call Jo Bloggs on 07700 900123 please.")

    redaction = redaction_add(
        actor=secretariat,
        submission=submission,
        answer=answer,
        quoted="07700 900123",
        reason=RedactionReason.PERSONAL_DATA,
    )

    answer.refresh_from_db()
    assert (redaction.start, redaction.end) == (18, 30)
    assert answer.text == "Call Jo Bloggs on 07700 900123 please."
    assert AuditEntry.objects.filter(action="evidence.redaction.add").count() == 1


def test_redaction_add_refuses_words_not_in_text(secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True)
    answer = AnswerFactory(submission=submission, text="Nothing private here.")

    with pytest.raises(ValidationError) as exc:
        redaction_add(
            actor=secretariat, submission=submission, answer=answer, quoted="Jo", reason="legal"
        )

    assert "not in the text" in str(exc.value)


def test_redaction_add_by_offsets_uses_the_selection(secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True)
    answer = AnswerFactory(submission=submission, text="Jo said Jo was late.")

    redaction = redaction_add(
        actor=secretariat,
        submission=submission,
        answer=answer,
        start=8,
        end=10,
        quoted="Jo",
        reason="third_party",
    )

    assert (redaction.start, redaction.end) == (8, 10)


def test_moderation_refuses_confidential_response(secretariat, call):
    submission = SubmissionFactory(
        call=call, submitted=True, publication_preference=PublicationPreference.CONFIDENTIAL
    )

    with pytest.raises(ValidationError) as exc:
        moderation_decide(actor=secretariat, submission=submission, state="approved")

    assert "confidential" in str(exc.value)


def test_moderation_decide_needs_redactions_to_match(secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True)
    answer = AnswerFactory(submission=submission, text="Jo Bloggs runs the cafe.")

    with pytest.raises(ValidationError):
        moderation_decide(actor=secretariat, submission=submission, state="approved_redacted")
    redaction_add(
        actor=secretariat, submission=submission, answer=answer, quoted="Jo Bloggs", reason="legal"
    )
    with pytest.raises(ValidationError):
        moderation_decide(actor=secretariat, submission=submission, state="approved")
    moderation = moderation_decide(
        actor=secretariat, submission=submission, state="approved_redacted"
    )

    assert moderation.state == ModerationState.APPROVED_REDACTED
    assert moderation.decided_by == secretariat


def test_moderation_withhold_needs_a_reason(secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True)

    with pytest.raises(ValidationError) as exc:
        moderation_decide(actor=secretariat, submission=submission, state="withheld")

    assert exc.value.message_dict == {"reason": ["Say why the response is withheld."]}


def test_moderation_propose_leaves_the_decision_pending(reviewer, call):
    submission = SubmissionFactory(call=call, submitted=True)

    moderation = moderation_propose(
        actor=reviewer, submission=submission, state="withheld", reason="Names a child"
    )

    assert (moderation.state, moderation.proposed_state, moderation.proposed_by) == (
        ModerationState.PENDING,
        ModerationState.WITHHELD,
        reviewer,
    )


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("confidential", "confidential"),
        ("withheld", "withheld"),
        ("unmoderated", "not been moderated"),
        ("withdrawn", "withdrawn"),
    ],
)
def test_quoting_refuses_without_consent(secretariat, who, reason):
    world = publishing_world()
    submission = getattr(world, who)
    excerpt = ExcerptOfAnswerFactory(answer=submission.answers.get())
    finding = FindingFactory(call=world.call)
    link = FindingExcerptFactory(finding=finding, excerpt=excerpt)

    with pytest.raises(ValidationError) as exc:
        finding_excerpt_quote(actor=secretariat, link=link, quoted=True)

    assert reason in str(exc.value)
    assert "still informs the finding" in str(exc.value)
    link.refresh_from_db()
    assert link.quoted is False


def test_quoting_refuses_a_redacted_span_and_allows_the_rest(secretariat):
    world = publishing_world()
    answer = world.redacted.answers.get()
    over_secret = ExcerptOfAnswerFactory(answer=answer, start=0, end=12)
    after = ExcerptOfAnswerFactory(answer=answer, start=len(SECRET) + 1, end=len(SECRET) + 10)
    finding = FindingFactory(call=world.call)
    bad = FindingExcerptFactory(finding=finding, excerpt=over_secret)
    good = FindingExcerptFactory(finding=finding, excerpt=after, position=1)

    with pytest.raises(ValidationError) as exc:
        finding_excerpt_quote(actor=secretariat, link=bad, quoted=True)
    quoted = finding_excerpt_quote(actor=secretariat, link=good, quoted=True)

    assert "redacted" in str(exc.value)
    assert quoted.quoted is True


def test_finding_create_sanitises_summary_and_orders(secretariat, call):
    theme = PublishingThemeFactory(call=call)

    first = finding_create(actor=secretariat, call=call, title="One", summary="<p>a</p>")
    second = finding_create(
        actor=secretariat,
        call=call,
        title="Two",
        summary='<p onclick="x()">b<script>alert(1)</script></p>',
        themes=[theme],
    )

    assert (first.position, second.position) == (1, 2)
    assert second.summary == "<p>b</p>"
    assert list(second.themes.all()) == [theme]


def test_finding_excerpts_add_is_idempotent_and_refuses_other_calls(secretariat, call):
    finding = FindingFactory(call=call)
    excerpt = ExcerptOfAnswerFactory(answer__submission__call=call)
    other = ExcerptOfAnswerFactory()

    first = finding_excerpts_add(actor=secretariat, finding=finding, excerpts=[excerpt])
    again = finding_excerpts_add(actor=secretariat, finding=finding, excerpts=[excerpt])
    with pytest.raises(ValidationError):
        finding_excerpts_add(actor=secretariat, finding=finding, excerpts=[other])

    assert (first, again) == (1, 0)


def test_recommendation_create_links_findings(secretariat, call):
    finding = FindingFactory(call=call)

    recommendation = recommendation_create(
        actor=secretariat,
        call=call,
        text="Councils should share their data.",
        audience="local_government",
        findings=[finding],
    )

    assert list(recommendation.findings.all()) == [finding]
    assert recommendation.position == 1


def test_call_report_publish_refuses_without_findings(secretariat):
    world = publishing_world(status=CallStatus.ANALYSING)

    with pytest.raises(ValidationError) as exc:
        call_report_publish(actor=secretariat, call=world.call)

    assert exc.value.messages == ["Write at least one finding first."]


def test_call_report_publish_emails_each_respondent_once(
    secretariat, django_capture_on_commit_callbacks
):
    world = publishing_world(status=CallStatus.ANALYSING)
    FindingFactory(call=world.call)
    for submission in (world.named, world.anonymous, world.withheld):
        submission.wants_report = True
        submission.save(update_fields=["wants_report"])

    report = call_report_publish(actor=secretariat, call=world.call, base_url="https://x.test/")
    world.call.refresh_from_db()
    world.call.status = CallStatus.ANALYSING
    world.call.save(update_fields=["status"])
    call_report_publish(actor=secretariat, call=world.call, base_url="https://x.test/")

    emails = {tuple(e.to): e.body_text for e in OutboundEmail.objects.all()}
    assert report.published_at is not None
    assert ReportNotification.objects.count() == 3
    assert len(emails) == 3
    named_body = emails[(world.named.respondent_email,)]
    assert f"https://x.test/calls/{world.call.slug}/" in named_body
    assert f"/evidence/{world.named.reference}/" in named_body
    withheld_body = emails[(world.withheld.respondent_email,)]
    assert "/evidence/" not in withheld_body
    assert "not published with the report" in withheld_body
