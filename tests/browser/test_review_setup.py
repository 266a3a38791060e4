"""The secretariat sets up review (rubric, code frame, phase), auto-assigns after a preview,
and reads progress, disagreement and agreement."""

from playwright.sync_api import expect

from evidence.models import Review
from evidence.services.agreement import AGREEMENT_JOB
from evidence.tasks import review_agreement_task
from levelup.enums import JobStatus, Role
from levelup.models import Job
from tests.browser.test_evidence_secretariat import _sign_in, _snap
from tests.factories import SubmissionFactory
from tests.factories.core import RoleGrantFactory
from tests.factories.review import CriterionFactory, ReviewFactory, ScoreFactory


def _arrange(call):
    people = [
        RoleGrantFactory(user__name=name, role=Role.REVIEWER, target=call).user
        for name in ("Hannah Okafor", "Gareth Pryce", "Rory Reviewer")
    ]
    criterion = CriterionFactory(call=call, name="Strength of evidence")
    submissions = SubmissionFactory.create_batch(6, call=call, submitted=True)
    # Four responses already read twice: three agree, one splits.
    for submission, values in zip(submissions[:4], [(4, 4), (2, 2), (3, 3), (1, 5)], strict=True):
        for person, value in zip(people[:2], values, strict=True):
            review = ReviewFactory(
                call=call, submission=submission, reviewer=person, done=True, total=value
            )
            ScoreFactory(review=review, criterion=criterion, value=value)
    return people


def test_secretariat_sets_up_review_and_auto_assigns(page, visit, submit, secretariat, call):
    _arrange(call)
    _sign_in(page, visit, submit, secretariat)
    visit(f"/manage/calls/{call.slug}/review/")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    tabs = main.get_by_role("navigation", name="Review")

    submit(tabs.get_by_role("link", name="Rubric", exact=True))
    submit(main.get_by_role("link", name="Add a criterion"))
    main.get_by_label("Name").fill("Relevance")
    main.get_by_label("Weight").fill("1.5")
    for value, label in enumerate(
        ["Not relevant", "Slightly", "Relevant", "Highly relevant", "Central"], start=1
    ):
        main.get_by_label(f"Point {value}: label").fill(label)
    _snap(page, "criterion-form")
    submit(main.get_by_role("button", name="Save criterion"))
    expect(main.get_by_role("heading", name="Relevance")).to_be_visible()
    _snap(page, "rubric")

    submit(tabs.get_by_role("link", name="Code frame"))
    main.get_by_label("Name").fill("Skills and young people")
    submit(main.get_by_role("button", name="Add theme"))
    main.get_by_label("Name").fill("Apprenticeships")
    main.get_by_label("Sub-theme of").select_option(label="Skills and young people")
    submit(main.get_by_role("button", name="Add theme"))
    frame = main.get_by_role("region", name="Skills and young people")
    expect(frame.get_by_role("link", name="Edit Apprenticeships")).to_be_visible()
    _snap(page, "code-frame")

    submit(tabs.get_by_role("link", name="Phases"))
    main.get_by_label("Name").fill("Full review")
    main.get_by_label("Reviewers see other reviewers' scores").select_option(
        label="After their own review is in"
    )
    submit(main.get_by_role("button", name="Add phase"))
    submit(main.get_by_role("button", name="Make active Full review"))
    expect(main.get_by_text("Active", exact=True)).to_be_visible()
    _snap(page, "phases")

    submit(tabs.get_by_role("link", name="Assignment"))
    main.get_by_label("Reviewers per response").fill("3")
    submit(main.get_by_role("button", name="Preview the assignment"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the assignment before it is saved"
    )
    expect(main.get_by_role("row", name="Rory Reviewer 0 6 6")).to_be_visible()
    expect(main.get_by_text("Every reviewer will have the same number of reviews.")).to_be_visible()
    assert Review.objects.filter(call=call).count() == 8
    _snap(page, "auto-assign-preview")
    submit(main.get_by_role("button", name="Confirm and assign"))
    assert Review.objects.filter(call=call).count() == 18

    expect(page.get_by_role("heading", level=1)).to_have_text("Review progress")
    # The figures are worked out by a background job, queued when reviews change (the
    # assignment above): run it as the worker would.
    expect(
        main.get_by_text("The progress figures are being worked out: reload the page in a minute.")
    ).to_be_visible()
    submit(main.get_by_role("button", name="Recalculate"))
    expect(main.get_by_text("being worked out").first).to_be_visible()
    review_agreement_task.run(
        job_id=Job.objects.filter(kind=AGREEMENT_JOB, status=JobStatus.QUEUED).get().pk
    )
    page.reload()
    expect(main.get_by_text("Figures as of")).to_be_visible()
    disagreement = main.get_by_role("table", name="Spread of totals per response")
    expect(disagreement.get_by_role("row").nth(1)).to_contain_text("4.00")
    expect(main.get_by_text("Agreement as of")).to_be_visible()
    agreement = main.get_by_role("table", name="Per criterion (ordinal scores)")
    expect(agreement.get_by_role("row", name="Strength of evidence")).to_contain_text("0.")
    expect(main.get_by_text("Krippendorff's alpha compares")).to_be_visible()
    _snap(page, "progress")
