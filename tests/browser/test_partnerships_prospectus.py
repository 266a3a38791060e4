"""The issue's "done when" for drafting: a connector drafts a prospectus citing a published
finding, a member comments, the lead members sign off, the connector publishes it, and the
public reads the page and the PDF (rendered by a real Celery worker as a background job)."""

import io
import queue
import time

import pypdf
from celery.signals import task_postrun
from playwright.sync_api import expect

from levelup.enums import Role
from partnerships.enums import MemberRole
from partnerships.models import Prospectus
from partnerships.services import member_add, representative_add
from tests.factories.core import OrganisationFactory, RoleGrantFactory, UserFactory
from tests.factories.evidence import FindingFactory
from tests.factories.partnerships import PartnershipFactory

from .test_partnerships_members import sign_in, sign_out


def _people():
    partnership = PartnershipFactory(name="Seaton Partnership", slug="seaton")
    connector = UserFactory(name="Connie Connector")
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    people = {"connector": connector}
    for key, organisation, role in [
        ("college", "Seaton College", MemberRole.LEAD),
        ("council", "Seaton Town Council", MemberRole.LEAD),
        ("printer", "Harbour Print", MemberRole.MEMBER),
    ]:
        member = member_add(
            actor=None,
            partnership=partnership,
            organisation=OrganisationFactory(name=organisation),
            role=role,
        )
        person = UserFactory(name=f"{organisation} rep")
        representative_add(actor=None, member=member, user=person)
        people[key] = person
    return partnership, people


def test_prospectus_drafted_commented_signed_off_published_and_read(
    page, visit, submit, celery_worker_thread, settings, tmp_path
):
    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path)
    partnership, people = _people()
    FindingFactory(
        title="School leavers cannot see a route into local work",
        call__title="The role of business in place-based regeneration",
    )
    draft = f"/partnerships/{partnership.slug}/prospectus/draft/"
    rendered: queue.Queue = queue.Queue()

    def record_rendered(sender=None, **extra):
        if sender.name == "partnerships.prospectus_pdf_render":
            rendered.put(True)

    task_postrun.connect(record_rendered, weak=False)
    try:
        # The connector starts the prospectus and drafts each part.
        sign_in(page, visit, submit, email=people["connector"].email)
        visit(draft)
        page.get_by_label("Title").fill("Seaton place prospectus")
        page.get_by_label("Vision (optional for now)").fill(
            "<p>A harbour town where every young person finds good work.</p>"
        )
        submit(page.get_by_role("button", name="Start the prospectus"))
        submit(page.get_by_role("link", name="Add a priority"))
        page.locator("#id_title").fill("Jobs for school leavers")
        submit(page.get_by_role("button", name="Save"))
        submit(page.get_by_role("link", name="Cite evidence for Jobs for school leavers"))
        page.get_by_label("Search the published findings and recommendations").fill("route")
        submit(page.get_by_role("button", name="Search", exact=True))
        page.get_by_label("School leavers cannot see a route into local work").check()
        submit(page.get_by_role("button", name="Save the evidence"))
        expect(page.get_by_text("Backed by the evidence:")).to_be_visible()
        submit(page.get_by_role("link", name="Add a commitment"))
        page.get_by_label("Organisation").select_option(label="Seaton College")
        page.get_by_label("What it commits to").fill("Forty apprenticeships a year")
        page.get_by_label("By when").fill("2028-07-31")
        page.get_by_label("Value in pounds (optional)").fill("£250k")
        page.get_by_label("Priority it serves (optional)").select_option(
            label="Jobs for school leavers"
        )
        submit(page.get_by_role("button", name="Save the commitment"))
        submit(page.get_by_role("link", name="Add an investment line"))
        page.get_by_label("Project").fill("Harbour skills centre")
        page.get_by_label("Amount in pounds").fill("-3m")
        page.get_by_label("Funding source").fill("Town Deal")
        page.get_by_label("Secured").check()
        page.get_by_label("Financial year it starts in").fill("2026")
        submit(page.get_by_role("button", name="Save"))
        expect(page.get_by_text("Enter an amount of £0 or more.").first).to_be_visible()
        expect(page.get_by_label("Project")).to_have_value("Harbour skills centre")
        page.get_by_label("Amount in pounds").fill("1.2m")
        submit(page.get_by_role("button", name="Save"))
        expect(page.get_by_role("cell", name="£1,200,000").first).to_be_visible()
        expect(page.get_by_role("img", name="Investment by year")).to_be_visible()
        submit(page.get_by_role("button", name="Send version 1 for sign-off"))
        sign_out(page, submit)

        # A member comments on the commitments.
        sign_in(page, visit, submit, email=people["printer"].email)
        visit(draft)
        page.get_by_label("Section").select_option(label="Commitments")
        page.locator("#id_text").fill("Harbour Print can add two placements.")
        submit(page.get_by_role("button", name="Add the comment"))
        expect(page.get_by_text("Harbour Print can add two placements.")).to_be_visible()
        sign_out(page, submit)

        # Both lead members sign off version 1.
        for key, organisation in [
            ("college", "Seaton College"),
            ("council", "Seaton Town Council"),
        ]:
            sign_in(page, visit, submit, email=people[key].email)
            visit(draft)
            submit(page.get_by_role("button", name=f"Sign off version 1 for {organisation}"))
            expect(
                page.get_by_text(f"You have signed off version 1 for {organisation}.")
            ).to_be_visible()
            sign_out(page, submit)

        # The connector publishes; the worker renders the PDF.
        sign_in(page, visit, submit, email=people["connector"].email)
        visit(draft)
        expect(page.get_by_text("2 of 2 lead members have signed off version 1.")).to_be_visible()
        submit(page.get_by_role("button", name="Publish version 1"))
        expect(page.get_by_text("Version 1 is published.")).to_be_visible()
        # Each run of the job's task ends in `rendered`; on a busy machine an attempt may be
        # retried, so wait until the PDF of this version is stored.
        deadline = time.monotonic() + 240
        while not Prospectus.objects.get(partnership=partnership).has_current_pdf:
            rendered.get(timeout=max(1, deadline - time.monotonic()))
        sign_out(page, submit)
    finally:
        task_postrun.disconnect(record_rendered)

    # The public reads the page and downloads the PDF.
    visit(f"/partnerships/{partnership.slug}/")
    submit(page.get_by_role("link", name="Seaton place prospectus"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Seaton place prospectus")
    expect(page.get_by_text("Forty apprenticeships a year")).to_be_visible()
    expect(
        page.get_by_role("link", name="School leavers cannot see a route into local work")
    ).to_be_visible()
    expect(page.get_by_text("Harbour Print can add two placements.")).to_have_count(0)
    link = page.get_by_role("link", name="Download the prospectus (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pages = pypdf.PdfReader(io.BytesIO(response.body())).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Seaton place prospectus" in text
    assert "Forty apprenticeships a year" in text
    assert "£1,200,000" in text
    assert "School leavers cannot see a route into local work" in text
