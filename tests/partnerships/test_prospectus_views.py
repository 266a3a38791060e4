import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import (
    FundingStatus,
    MatchStatus,
    PartnershipStage,
    ProspectusSection,
    ProspectusVersionStatus,
)
from partnerships.models import Commitment, InvestmentLine, Priority, ProspectusComment
from partnerships.services import (
    prospectus_create,
    prospectus_pdf_render,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
    prospectus_version_start,
)
from tests.factories.evidence import FindingFactory, RecommendationFactory
from tests.factories.partnerships import (
    CommitmentFactory,
    InvestmentLineFactory,
    MatchFactory,
    PartnershipMemberFactory,
    PriorityFactory,
    ProspectusCommentFactory,
)

from .conftest import ROLES, lead_representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(partnership):
    return lead_representative(partnership, "Lena Lead")


@pytest.fixture
def draft(connector, partnership, lead):
    prospectus = prospectus_create(
        actor=connector,
        partnership=partnership,
        title="Seaside place prospectus",
        vision="<p>A seaside town where <strong>every</strong> young person finds good work.</p>",
    )
    version = prospectus.versions.get()
    PriorityFactory(version=version, title="Skills and jobs", position=1)
    return version


def _url(name, partnership, **kwargs):
    return reverse(f"partnerships:{name}", kwargs={"slug": partnership.slug, **kwargs})


def _publish(connector, lead, version):
    prospectus_version_send(actor=connector, version=version)
    prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    return prospectus_publish(actor=connector, version=version)


# Who may open the drafting page: connectors, members and the site admin; others get a 404.
DRAFT_ACCESS = {
    "anonymous": 302,
    "respondent": 404,
    "member": 200,
    "other_member": 404,
    "connector": 200,
    "other_connector": 404,
    "site_admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("prospectus-draft", {}),
        ("prospectus-history", {}),
        ("prospectus-version", {"number": 1}),
    ],
)
def test_prospectus_private_pages_access_per_role(
    client, login_as, role, partnership, draft, name, kwargs
):
    login_as(role)

    response = client.get(_url(name, partnership, **kwargs))

    assert response.status_code == DRAFT_ACCESS[role]
    if response.status_code == 200:
        assert ("Skills and jobs" in response.text) is (name != "prospectus-history")
        assert "version 1" in response.text.lower()


def test_prospectus_draft_page_offers_start_form_to_connector(client, connector, partnership):
    client.force_login(connector)

    response = client.get(_url("prospectus-draft", partnership))

    assert response.context["start_form"] is not None
    assert "Start the prospectus" in response.text


def test_prospectus_draft_page_offers_no_start_form_to_member(client, member, partnership):
    client.force_login(member)

    response = client.get(_url("prospectus-draft", partnership))

    assert response.context["start_form"] is None


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("connector", 302), ("other_connector", 404)]
)
def test_prospectus_create_per_role(client, login_as, role, status, partnership):
    login_as(role)

    response = client.post(
        _url("prospectus-create", partnership), {"title": "Seaside prospectus", "vision": ""}
    )

    assert response.status_code == status
    assert hasattr(partnership, "prospectus") is (status == 302)


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("connector", 302)])
def test_prospectus_vision_update_per_role(client, login_as, role, status, partnership, draft):
    login_as(role)

    response = client.post(
        _url("prospectus-vision", partnership),
        {"title": "New title", "vision": "<p>New vision</p><script>x()</script>"},
    )

    draft.refresh_from_db()
    assert response.status_code == status
    assert (draft.vision == "<p>New vision</p>") is (status == 302)


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("connector", 302)])
def test_priority_create_per_role(client, login_as, role, status, partnership, draft):
    login_as(role)

    response = client.post(
        _url("priority-create", partnership), {"title": "Transport", "description": ""}
    )

    assert response.status_code == status
    assert Priority.objects.filter(title="Transport").exists() is (status == 302)


def test_commitment_create_by_member_for_own_organisation(client, member, partnership, draft):
    client.force_login(member)

    response = client.post(
        _url("commitment-create", partnership),
        {
            "member": member.membership.pk,
            "description": "Ten work placements a year",
            "due_on": "2027-03-31",
            "value": "£150k",
            "priority": draft.priorities.get().pk,
        },
    )

    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.member, commitment.value, commitment.version) == (
        member.membership,
        Decimal(150_000),
        draft,
    )


def test_commitment_create_by_member_for_another_organisation_is_refused(
    client, member, partnership, draft
):
    other = PartnershipMemberFactory(partnership=partnership)
    client.force_login(member)

    response = client.post(
        _url("commitment-create", partnership),
        {"member": other.pk, "description": "Not ours", "due_on": "2027-03-31", "value": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "member": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert Commitment.objects.count() == 0


def test_commitment_bad_value_is_refused_and_the_rest_kept(client, member, partnership, draft):
    client.force_login(member)

    response = client.post(
        _url("commitment-create", partnership),
        {
            "member": member.membership.pk,
            "description": "Ten work placements a year",
            "due_on": "2027-03-31",
            "value": "-£150k",
        },
    )

    form = response.context["form"]
    assert form.errors == {"value": ["Enter an amount of £0 or more."]}
    assert (form["description"].value(), form["due_on"].value()) == (
        "Ten work placements a year",
        "2027-03-31",
    )
    assert Commitment.objects.count() == 0


def test_commitment_update_by_member_of_another_organisation_is_forbidden(
    client, member, partnership, draft
):
    commitment = CommitmentFactory(version=draft, description="Theirs")
    client.force_login(member)

    response = client.post(
        _url("commitment-update", partnership, pk=commitment.pk),
        {"member": member.membership.pk, "description": "Mine now", "due_on": "2027-03-31"},
    )

    commitment.refresh_from_db()
    assert response.status_code == 403
    assert commitment.description == "Theirs"


def test_commitment_update_by_member_of_own_organisation(client, member, partnership, draft):
    commitment = CommitmentFactory(version=draft, member=member.membership)
    client.force_login(member)

    response = client.post(
        _url("commitment-update", partnership, pk=commitment.pk),
        {
            "member": member.membership.pk,
            "description": "Twelve placements",
            "due_on": "2027-06-30",
            "value": "1,200,000.00",
        },
    )

    commitment.refresh_from_db()
    assert response.status_code == 302
    assert (commitment.description, commitment.due_on, commitment.value) == (
        "Twelve placements",
        date(2027, 6, 30),
        Decimal(1_200_000),
    )


def test_commitment_create_from_match_prefills_and_links(client, connector, partnership, draft):
    match = MatchFactory(
        ask__member__partnership=partnership,
        status=MatchStatus.DELIVERED,
        deliverable__description="Mentoring by our engineers",
    )
    client.force_login(connector)
    url = _url("commitment-create", partnership) + f"?match={match.pk}"

    page = client.get(url)
    response = client.post(
        url,
        {
            "member": match.deliverable.member_id,
            "description": page.context["form"].initial["description"],
            "due_on": "2027-03-31",
            "value": "",
        },
    )

    assert page.context["form"].initial["member"] == match.deliverable.member_id
    assert response.status_code == 302
    assert Commitment.objects.get().match == match


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("£1,200,000", "1200000"), ("1.2m", "1200000"), ("1,200,000.00", "1200000")],
)
def test_investment_line_amounts_typed_the_british_way(
    client, connector, partnership, draft, typed, amount
):
    client.force_login(connector)

    response = client.post(
        _url("investment-line-create", partnership),
        {
            "project": "Seafront",
            "amount": typed,
            "source": "Town Deal",
            "status": FundingStatus.SECURED,
            "year": "2026",
        },
    )

    assert response.status_code == 302
    assert InvestmentLine.objects.get().amount == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5000", "Enter an amount of £0 or more."),
        ("lots", "Enter an amount in pounds, like £150,000, 1.2m or £1.2bn."),
        ("£500bn", "That amount is more than £100bn: check for extra zeros."),
        ("0", "The amount must be more than £0."),
    ],
)
def test_investment_line_bad_amount_is_refused_and_form_kept(
    client, connector, partnership, draft, typed, message
):
    client.force_login(connector)

    response = client.post(
        _url("investment-line-create", partnership),
        {
            "project": "Seafront lido",
            "amount": typed,
            "source": "Town Deal",
            "status": FundingStatus.PIPELINE,
            "year": "2027",
        },
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert [*form.errors.get("amount", []), *form.non_field_errors()] == [message]
    assert (form["project"].value(), form["source"].value(), form["year"].value()) == (
        "Seafront lido",
        "Town Deal",
        "2027",
    )
    assert InvestmentLine.objects.count() == 0


def test_investment_line_create_by_member_is_forbidden(client, member, partnership, draft):
    client.force_login(member)

    response = client.post(
        _url("investment-line-create", partnership),
        {"project": "X", "amount": "1m", "source": "Y", "status": "secured", "year": "2026"},
    )

    assert response.status_code == 403
    assert InvestmentLine.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("lead", 403), ("connector", 302)])
def test_prospectus_send_per_role(client, role, status, request, partnership, draft):
    client.force_login(request.getfixturevalue(role))

    response = client.post(_url("prospectus-send", partnership))

    draft.refresh_from_db()
    assert response.status_code == status
    assert (draft.status == ProspectusVersionStatus.SIGN_OFF) is (status == 302)


def test_prospectus_sign_off_by_lead(client, connector, lead, partnership, draft):
    prospectus_version_send(actor=connector, version=draft)
    client.force_login(lead)

    response = client.post(
        _url("prospectus-sign-off", partnership, number=1), {"member": lead.membership.pk}
    )

    assert response.status_code == 302
    assert list(draft.sign_offs.values_list("member", flat=True)) == [lead.membership.pk]


@pytest.mark.parametrize("role", ["member", "connector"])
def test_prospectus_sign_off_by_non_lead_is_forbidden(
    client, login_as, role, lead, connector, partnership, draft
):
    prospectus_version_send(actor=connector, version=draft)
    login_as(role)

    response = client.post(
        _url("prospectus-sign-off", partnership, number=1), {"member": lead.membership.pk}
    )

    assert response.status_code == 403
    assert draft.sign_offs.count() == 0


def test_prospectus_sign_off_superseded_version_shows_message(
    client, connector, lead, partnership, draft
):
    prospectus_version_send(actor=connector, version=draft)
    prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    client.force_login(lead)

    response = client.post(
        _url("prospectus-sign-off", partnership, number=1),
        {"member": lead.membership.pk},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Version 1 has been replaced by version 2. Read and sign off version 2 instead."
    ]
    assert draft.sign_offs.count() == 0


def test_prospectus_publish_without_every_sign_off_shows_message(
    client, connector, lead, partnership, draft
):
    prospectus_version_send(actor=connector, version=draft)
    client.force_login(connector)

    response = client.post(_url("prospectus-publish", partnership, number=1), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Every lead member must sign off version 1 first. Still to sign: "
        f"{lead.membership.organisation.name}."
    ]
    partnership.refresh_from_db()
    assert partnership.stage == PartnershipStage.ACTIVE


def test_prospectus_publish_by_member_is_forbidden(client, connector, lead, partnership, draft):
    prospectus_version_send(actor=connector, version=draft)
    prospectus_sign_off(actor=lead, version=draft, member=lead.membership)
    client.force_login(lead)

    response = client.post(_url("prospectus-publish", partnership, number=1))

    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.status == ProspectusVersionStatus.SIGN_OFF


def test_prospectus_publish_by_connector(client, connector, lead, partnership, draft):
    prospectus_version_send(actor=connector, version=draft)
    prospectus_sign_off(actor=lead, version=draft, member=lead.membership)
    client.force_login(connector)

    response = client.post(_url("prospectus-publish", partnership, number=1))

    partnership.refresh_from_db()
    assert response.status_code == 302
    assert partnership.prospectus.published_version == draft
    assert partnership.stage == PartnershipStage.PROSPECTUS_PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_prospectus_public_page_is_404_before_publishing(
    client, login_as, role, partnership, draft
):
    login_as(role)

    response = client.get(_url("prospectus-public", partnership))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_prospectus_public_page_shows_published_version_to_everyone(
    client, login_as, role, connector, lead, partnership, draft
):
    _publish(connector, lead, draft)
    login_as(role)

    response = client.get(_url("prospectus-public", partnership))

    assert response.status_code == 200
    assert response.context["version"] == draft
    assert "Skills and jobs" in response.text


def test_prospectus_public_page_does_not_leak_the_next_draft_or_comments(
    client, connector, lead, member, partnership, draft
):
    _publish(connector, lead, draft)
    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    PriorityFactory(version=second, title="Secret new priority")
    ProspectusCommentFactory(version=second, text="A private remark about the council")

    response = client.get(_url("prospectus-public", partnership))

    assert "Skills and jobs" in response.text
    assert "Secret new priority" not in response.text
    assert "A private remark" not in response.text


def test_prospectus_pdf_is_404_until_rendered_then_served(
    client, connector, lead, partnership, draft, settings, tmp_path
):
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path)
    InvestmentLineFactory(version=draft, amount=Decimal(2_500_000), source="Town Deal")
    prospectus = _publish(connector, lead, draft)

    before = client.get(_url("prospectus-pdf", partnership))
    prospectus_pdf_render(prospectus_id=prospectus.pk, version_id=draft.pk)
    response = client.get(_url("prospectus-pdf", partnership))

    assert before.status_code == 404
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Seaside place prospectus" in text
    assert "Skills and jobs" in text
    assert "£2,500,000" in text
    assert reader.metadata.title == "Seaside place prospectus"
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) is True
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_prospectus_comment_by_member(client, member, partnership, draft):
    client.force_login(member)

    response = client.post(
        _url("prospectus-comment", partnership),
        {"section": ProspectusSection.COMMITMENTS, "text": "Add the college's offer."},
    )

    comment = ProspectusComment.objects.get()
    assert response.status_code == 302
    assert (comment.author, comment.section, comment.version) == (
        member,
        ProspectusSection.COMMITMENTS,
        draft,
    )


def test_prospectus_comment_empty_is_refused_and_section_kept(client, member, partnership, draft):
    client.force_login(member)

    response = client.post(
        _url("prospectus-comment", partnership),
        {"section": ProspectusSection.INVESTMENT_PLAN, "text": "  "},
    )

    form = response.context["comment_form"]
    assert response.status_code == 200
    assert form.errors == {"text": ["This field is required."]}
    assert form["section"].value() == ProspectusSection.INVESTMENT_PLAN
    assert ProspectusComment.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("other_member", 404), ("anonymous", 302)])
def test_prospectus_comment_by_outsiders_is_refused(
    client, login_as, role, status, partnership, draft
):
    login_as(role)

    response = client.post(
        _url("prospectus-comment", partnership),
        {"section": ProspectusSection.VISION, "text": "Hello"},
    )

    assert response.status_code == status
    assert ProspectusComment.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("connector", 302)])
def test_prospectus_comment_resolve_per_role(client, login_as, role, status, partnership, draft):
    comment = ProspectusCommentFactory(version=draft)
    login_as(role)

    response = client.post(_url("prospectus-comment-resolve", partnership, pk=comment.pk))

    comment.refresh_from_db()
    assert response.status_code == status
    assert (comment.resolved_at is not None) is (status == 302)


def test_prospectus_version_page_shows_word_diff(client, connector, member, partnership, draft):
    prospectus_version_send(actor=connector, version=draft)
    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    second.priorities.update(title="Skills and good jobs")
    client.force_login(member)

    response = client.get(_url("prospectus-version", partnership, number=2))

    changed = [(s.op, s.text) for s in response.context["diff"] if s.op != "equal"]
    assert changed == [("insert", "good ")]
    assert "<ins>" in response.text


def _cited_priority(version):
    priority = PriorityFactory(version=version)
    priority.findings.add(FindingFactory())
    priority.recommendations.add(RecommendationFactory())
    return priority


@pytest.mark.parametrize("rows", [1, 3])
def test_prospectus_draft_page_queries_constant(
    client, connector, partnership, draft, rows, django_assert_num_queries
):
    for _ in range(rows):
        _cited_priority(draft)
        CommitmentFactory(version=draft, priority=draft.priorities.first())
        InvestmentLineFactory(version=draft)
        ProspectusCommentFactory(version=draft)
    client.force_login(connector)

    # Session, user and roles; the partnership, prospectus and version; the priorities and
    # what they cite (three); commitments, lines, totals; who the user speaks for; the leads
    # and their sign-offs; comment threads and their replies.
    with django_assert_num_queries(17):
        response = client.get(_url("prospectus-draft", partnership))

    assert len(response.context["content"].commitments) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_prospectus_public_page_queries_constant(
    client, connector, lead, partnership, draft, rows, django_assert_num_queries
):
    for _ in range(rows):
        _cited_priority(draft)
        CommitmentFactory(version=draft, priority=draft.priorities.first())
        InvestmentLineFactory(version=draft)
    _publish(connector, lead, draft)

    # The partnership, the prospectus, the priorities and what they cite (three), the
    # commitments, the lines and the totals.
    with django_assert_num_queries(8):
        response = client.get(_url("prospectus-public", partnership))

    assert len(response.context["content"].lines) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_prospectus_history_queries_constant(
    client, connector, partnership, draft, rows, django_assert_num_queries
):
    for _ in range(rows - 1):
        prospectus_version_send(actor=connector, version=draft.prospectus.versions.first())
        prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    client.force_login(connector)

    with django_assert_num_queries(8):
        response = client.get(_url("prospectus-history", partnership))

    assert len(response.context["versions"]) == rows


def test_prospectus_draft_page_shows_pdf_progress_then_failure_and_retry(
    client, connector, lead, partnership, draft
):
    from levelup.enums import JobStatus
    from levelup.models import Job

    _publish(connector, lead, draft)
    client.force_login(connector)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        progress_done=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=1,
    )

    running = client.get(_url("prospectus-draft", partnership))
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error="The disk is full.", finished_at=timezone.now()
    )
    failed = client.get(_url("prospectus-draft", partnership))
    retry = client.post(_url("prospectus-pdf-retry", partnership))

    job.refresh_from_db()
    assert "The PDF is being prepared (Running: step 1 of 3)" in running.text
    assert "The PDF could not be made. The disk is full." in " ".join(failed.text.split())
    assert retry.status_code == 302
    assert job.status == JobStatus.QUEUED


def test_prospectus_pdf_retry_by_member_is_forbidden(
    client, connector, lead, member, partnership, draft
):
    _publish(connector, lead, draft)
    client.force_login(member)

    response = client.post(_url("prospectus-pdf-retry", partnership))

    assert response.status_code == 403
