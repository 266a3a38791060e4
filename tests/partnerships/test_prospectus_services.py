from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from levelup.enums import JobStatus
from levelup.models import AuditEntry, Job, OutboundEmail
from partnerships.enums import (
    FundingStatus,
    MatchStatus,
    PartnershipStage,
    ProspectusSection,
    ProspectusVersionStatus,
)
from partnerships.models import Commitment, ProspectusVersion
from partnerships.selectors import investment_totals, prospectus_version_diff
from partnerships.services import (
    commitment_create,
    commitment_update,
    investment_line_create,
    priority_create,
    prospectus_comment_add,
    prospectus_comment_resolve,
    prospectus_create,
    prospectus_pdf_render,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
    prospectus_version_start,
    prospectus_vision_update,
)
from tests.factories.partnerships import MatchFactory, PartnershipMemberFactory

from .conftest import lead_representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(partnership):
    return [
        lead_representative(partnership, "Lena Lead"),
        lead_representative(partnership, "Lars Lead"),
    ]


@pytest.fixture
def draft(connector, partnership):
    prospectus = prospectus_create(
        actor=connector,
        partnership=partnership,
        title="Seaside prospectus",
        vision="<p>A town that works for everyone.</p>",
    )
    version = prospectus.versions.get()
    priority_create(actor=connector, version=version, title="Skills", description="Young people.")
    return version


def _sent(connector, version):
    return prospectus_version_send(actor=connector, version=version)


def test_prospectus_create_starts_a_draft_version_one(connector, partnership):
    prospectus = prospectus_create(
        actor=connector, partnership=partnership, title="  Seaside prospectus "
    )

    version = prospectus.versions.get()
    assert (prospectus.title, version.number, version.status) == (
        "Seaside prospectus",
        1,
        ProspectusVersionStatus.DRAFT,
    )
    assert AuditEntry.objects.filter(action="partnerships.prospectus.create").count() == 1


def test_prospectus_create_twice_is_refused(connector, partnership, draft):
    with pytest.raises(ValidationError) as excinfo:
        prospectus_create(actor=connector, partnership=partnership, title="Another")

    assert excinfo.value.messages == ["This partnership already has a prospectus."]


def test_prospectus_vision_is_sanitised(connector, draft):
    prospectus_vision_update(
        actor=connector,
        version=draft,
        vision='<p onclick="x()">Jobs <script>alert(1)</script><a href="javascript:x">link</a></p>',
    )

    draft.refresh_from_db()
    assert draft.vision == '<p>Jobs <a rel="noopener noreferrer">link</a></p>'


def test_prospectus_sent_version_cannot_change(connector, draft):
    _sent(connector, draft)

    with pytest.raises(ValidationError) as excinfo:
        priority_create(actor=connector, version=draft, title="Transport")

    assert excinfo.value.messages == [
        "Version 1 has been sent for sign-off and can no longer change. "
        "Start a new version to make changes."
    ]


def test_prospectus_send_emails_lead_members(connector, draft, leads):
    _sent(connector, draft)

    email = OutboundEmail.objects.get()
    assert sorted(email.to) == sorted(u.email for u in leads)
    assert draft.status == ProspectusVersionStatus.SIGN_OFF


def test_prospectus_publish_without_every_sign_off_is_refused(connector, draft, leads):
    _sent(connector, draft)
    prospectus_sign_off(actor=leads[0], version=draft, member=leads[0].membership)

    with pytest.raises(ValidationError) as excinfo:
        prospectus_publish(actor=connector, version=draft)

    assert excinfo.value.messages == [
        "Every lead member must sign off version 1 first. Still to sign: "
        f"{leads[1].membership.organisation.name}."
    ]
    draft.refresh_from_db()
    assert draft.status == ProspectusVersionStatus.SIGN_OFF


def test_prospectus_publish_with_every_sign_off_moves_stage_and_queues_pdf(
    connector, partnership, draft, leads, django_capture_on_commit_callbacks
):
    _sent(connector, draft)
    for lead in leads:
        prospectus_sign_off(actor=lead, version=draft, member=lead.membership)

    with django_capture_on_commit_callbacks():
        prospectus = prospectus_publish(actor=connector, version=draft)

    partnership.refresh_from_db()
    job = Job.objects.get()
    assert prospectus.published_version == draft
    assert partnership.stage == PartnershipStage.PROSPECTUS_PUBLISHED
    assert (job.kind, job.status, job.target, job.params) == (
        "partnerships.prospectus_pdf_render",
        JobStatus.QUEUED,
        prospectus,
        {"version_id": draft.pk},
    )


def test_prospectus_sign_off_superseded_version_is_refused(connector, draft, leads):
    _sent(connector, draft)
    prospectus_version_start(actor=connector, prospectus=draft.prospectus)

    with pytest.raises(ValidationError) as excinfo:
        prospectus_sign_off(actor=leads[0], version=draft, member=leads[0].membership)

    assert excinfo.value.messages == [
        "Version 1 has been replaced by version 2. Read and sign off version 2 instead."
    ]


def test_prospectus_sign_off_of_a_draft_is_refused(draft, leads):
    with pytest.raises(ValidationError) as excinfo:
        prospectus_sign_off(actor=leads[0], version=draft, member=leads[0].membership)

    assert excinfo.value.messages == [
        "Version 1 is still being drafted: it cannot be signed off yet."
    ]


def test_prospectus_sign_off_for_an_organisation_not_represented_is_refused(
    connector, draft, leads
):
    _sent(connector, draft)

    with pytest.raises(ValidationError) as excinfo:
        prospectus_sign_off(actor=leads[0], version=draft, member=leads[1].membership)

    assert excinfo.value.messages == ["You do not represent this organisation."]


def test_prospectus_new_version_copies_content_and_keeps_commitment_keys(
    connector, partnership, draft
):
    member = PartnershipMemberFactory(partnership=partnership)
    priority = draft.priorities.get()
    commitment = commitment_create(
        actor=connector,
        version=draft,
        member=member,
        description="Twenty apprenticeships",
        due_on=date(2027, 3, 31),
        value=Decimal(150_000),
        priority=priority,
    )
    investment_line_create(
        actor=connector,
        version=draft,
        project="Seafront",
        amount=Decimal(2_000_000),
        source="Town Deal",
        status=FundingStatus.SECURED,
        year=2026,
    )
    _sent(connector, draft)

    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)

    copy = second.commitments.get()
    assert (second.number, second.vision, second.priorities.get().title) == (
        2,
        draft.vision,
        "Skills",
    )
    assert copy.key == commitment.key and copy.pk != commitment.pk
    assert copy.priority.version == second
    assert second.investment_lines.get().amount == Decimal(2_000_000)


def test_prospectus_version_diff_shows_words_changed(connector, draft):
    _sent(connector, draft)
    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    prospectus_vision_update(
        actor=connector, version=second, vision="<p>A town that works for all.</p>"
    )

    diff = prospectus_version_diff(old=draft, new=second)

    changed = [(s.op, s.text) for s in diff if s.op != "equal"]
    assert changed == [("delete", "everyone."), ("insert", "all.")]


def test_commitment_from_delivered_match_links_it(connector, partnership, draft):
    match = MatchFactory(ask__member__partnership=partnership, status=MatchStatus.DELIVERED)

    commitment = commitment_create(
        actor=connector,
        version=draft,
        member=match.deliverable.member,
        description="Placements for ten young people",
        due_on=date(2027, 3, 31),
        match=match,
    )

    assert commitment.match == match
    assert list(match.commitments.all()) == [commitment]


def test_commitment_from_proposed_match_is_refused(connector, partnership, draft):
    match = MatchFactory(ask__member__partnership=partnership, status=MatchStatus.PROPOSED)

    with pytest.raises(ValidationError) as excinfo:
        commitment_create(
            actor=connector,
            version=draft,
            member=match.deliverable.member,
            description="Placements",
            due_on=date(2027, 3, 31),
            match=match,
        )

    assert excinfo.value.messages == [
        "Only an agreed, in-delivery or delivered match can become a commitment; "
        "this one is proposed."
    ]
    assert Commitment.objects.count() == 0


def test_commitment_update_to_another_partnerships_member_is_refused(connector, draft):
    member = PartnershipMemberFactory(partnership=draft.prospectus.partnership)
    commitment = commitment_create(
        actor=connector,
        version=draft,
        member=member,
        description="Mentoring",
        due_on=date(2027, 3, 31),
    )

    with pytest.raises(ValidationError) as excinfo:
        commitment_update(actor=connector, commitment=commitment, member=PartnershipMemberFactory())

    assert excinfo.value.message_dict == {
        "member": ["Choose a current member organisation of this partnership."]
    }


def test_investment_totals_are_computed_by_year_source_and_status(connector, draft):
    for project, amount, source, status, year in [
        ("Seafront", "2000000", "Town Deal", FundingStatus.SECURED, 2026),
        ("Station", "500000", "Town Deal", FundingStatus.PIPELINE, 2026),
        ("Hotel", "7000000", "Private investment", FundingStatus.PIPELINE, 2027),
    ]:
        investment_line_create(
            actor=connector,
            version=draft,
            project=project,
            amount=Decimal(amount),
            source=source,
            status=status,
            year=year,
        )

    totals = investment_totals(version=draft)

    assert (totals.total, totals.secured, totals.pipeline) == (
        Decimal(9_500_000),
        Decimal(2_000_000),
        Decimal(7_500_000),
    )
    assert totals.by_year == [
        (2026, Decimal(2_000_000), Decimal(500_000)),
        (2027, Decimal(0), Decimal(7_000_000)),
    ]
    assert totals.by_source == [
        ("Private investment", Decimal(0), Decimal(7_000_000)),
        ("Town Deal", Decimal(2_000_000), Decimal(500_000)),
    ]


def test_prospectus_comment_threads_and_resolve(connector, member, draft):
    thread = prospectus_comment_add(
        actor=member, version=draft, section=ProspectusSection.VISION, text="Name the seafront."
    )
    reply = prospectus_comment_add(
        actor=connector, version=draft, section="", text="Done in v2.", parent=thread
    )

    prospectus_comment_resolve(actor=connector, comment=thread)

    thread.refresh_from_db()
    assert (reply.section, reply.parent) == (ProspectusSection.VISION, thread)
    assert thread.resolved_by == connector
    with pytest.raises(ValidationError) as excinfo:
        prospectus_comment_add(actor=member, version=draft, section="", text="+1", parent=thread)
    assert excinfo.value.messages == ["This thread is resolved: start a new comment instead."]


def test_prospectus_version_numbers_unique(draft):
    assert ProspectusVersion.objects.filter(prospectus=draft.prospectus).count() == 1


def test_prospectus_pdf_render_is_idempotent_and_skips_superseded_versions(
    connector, draft, leads, settings, tmp_path
):
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path)
    _sent(connector, draft)
    for lead in leads:
        prospectus_sign_off(actor=lead, version=draft, member=lead.membership)
    prospectus = prospectus_publish(actor=connector, version=draft)

    first = prospectus_pdf_render(prospectus_id=prospectus.pk, version_id=draft.pk)
    again = prospectus_pdf_render(prospectus_id=prospectus.pk, version_id=draft.pk)
    stale = prospectus_pdf_render(prospectus_id=prospectus.pk, version_id=draft.pk + 1000)

    assert first.has_current_pdf
    assert (
        first.pdf.name
        == f"prospectus/{draft.prospectus.partnership.slug}/seaside-prospectus-v1.pdf"
    )
    assert (again, stale) == (None, None)
    assert AuditEntry.objects.filter(action="partnerships.prospectus.pdf_render").count() == 1


def test_prospectus_publish_renders_the_pdf_in_a_worker(
    connector, partnership, leads, celery_worker_thread, settings, tmp_path
):
    import queue

    from celery.signals import task_postrun

    from partnerships.models import Prospectus

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path)
    prospectus = prospectus_create(
        actor=connector, partnership=partnership, title="Seaside prospectus", vision="<p>V</p>"
    )
    version = prospectus.versions.get()
    priority_create(actor=connector, version=version, title="Skills")
    _sent(connector, version)
    for lead in leads:
        prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    done: queue.Queue = queue.Queue()

    def record(sender=None, kwargs=None, retval=None, **extra):
        if sender.name == "partnerships.prospectus_pdf_render":
            done.put((kwargs, retval))

    task_postrun.connect(record, weak=False)
    try:
        prospectus_publish(actor=connector, version=version)
        kwargs, _result = done.get(timeout=60)
    finally:
        task_postrun.disconnect(record)

    job = Job.objects.get(pk=kwargs["job_id"])
    assert (job.status, job.progress_done, job.progress_total, job.result) == (
        JobStatus.DONE,
        3,
        3,
        {"rendered": True},
    )
    assert Prospectus.objects.get(pk=prospectus.pk).has_current_pdf
