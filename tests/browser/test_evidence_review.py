"""A reviewer works through their queue: scores, confidence, themes, an excerpt, next.

With JavaScript the excerpt comes from selecting words; without it, from pasting them.
Anonymised review shows no identity anywhere; a campaign group is coded once.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from evidence.enums import CodingSource, ReviewState
from evidence.models import Coding, Excerpt, Review
from evidence.services.campaigns import campaigns_group
from evidence.services.search import submission_search_refresh
from levelup.enums import OrganisationType, Role
from tests.browser.conftest import RESULTS_DIR, CheckedPage
from tests.factories import (
    CallForEvidenceFactory,
    QuestionFactory,
    RoleGrantFactory,
    SubmissionFactory,
)
from tests.factories.core import PASSWORD
from tests.factories.review import CriterionFactory, ReviewFactory, ThemeFactory

ANSWERS = [
    "Our bakery trains six apprentices a year and buys its flour from the mill next door.",
    "The council should publish its procurement pipeline so that small firms can bid.",
]
CAMPAIGN = (
    "We ask the Taskforce to recommend fairer business rates for small traders, a fund to "
    "bring empty shops back into use and a duty on councils to involve local traders."
)


@pytest.fixture
def review_call(transactional_db):
    call = CallForEvidenceFactory(closed=True, reference_prefix="PTF", title="Regeneration")
    reviewer = RoleGrantFactory(user__name="Rory Reviewer", role=Role.REVIEWER, target=call).user
    question = QuestionFactory(section__call=call, text="What does business do for your town?")
    CriterionFactory(call=call, name="Relevance")
    CriterionFactory(call=call, name="Strength of evidence")
    ThemeFactory(call=call, name="Skills", description="Apprentices and training.")
    ThemeFactory(call=call, name="Buying locally", description="Procurement and suppliers.")
    submissions = []
    for number, text in enumerate(ANSWERS, start=1):
        submission = SubmissionFactory(
            call=call,
            submitted=True,
            number=number,
            reference=f"PTF{number:04d}",
            respondent_name=f"Zebedee Quixworth {number}",
            respondent_email=f"zq{number}@quixworth.example",
            responding_as="organisation",
            organisation_name=f"Quixworth Bakery {number}",
            organisation_type=OrganisationType.BUSINESS,
            organisation_size="small",
        )
        submission.answers.create(question=question, text=text)
        submissions.append(submission)
        ReviewFactory(submission=submission, reviewer=reviewer)
    submission_search_refresh(submission_ids=[s.pk for s in submissions])
    return {"call": call, "reviewer": reviewer, "submissions": submissions, "question": question}


class NoScriptPage(CheckedPage):
    """A page with JavaScript switched off: every document's CSP header is still checked,
    but axe cannot run (its promises and timers never fire without scripts); the same pages
    are axe-checked with JavaScript in the other tests of this module."""

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        self.unchecked.clear()
        if self.problems:
            problems, self.problems = self.problems, []
            pytest.fail("Content-Security-Policy problems:\n" + "\n".join(problems))


@pytest.fixture
def nojs_checked_page(chromium, live_server, axe_source) -> Iterator[CheckedPage]:
    """Like `page`, with JavaScript switched off."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 800},
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    try:
        checked = NoScriptPage(context.new_page(), live_server.url, axe_source)
        yield checked
        RESULTS_DIR.mkdir(exist_ok=True)
        checked.page.screenshot(path=RESULTS_DIR / "review-without-javascript.png", full_page=True)
        checked.finish()
    finally:
        context.close()


def _sign_in(page, visit, submit, user) -> None:
    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(user.email)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))


def _score(main) -> None:
    main.get_by_role("group", name="Relevance").get_by_label("4 – Strong").check()
    main.get_by_role("group", name="Strength of evidence").get_by_label("3 – Relevant").check()
    main.get_by_label("3 – Fairly sure").check()


def test_reviewer_works_through_the_queue(page, visit, submit, review_call):
    reviewer = review_call["reviewer"]
    _sign_in(page, visit, submit, reviewer)
    submit(page.get_by_role("link", name="My reviews"))
    submit(page.get_by_role("link", name="Regeneration"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Regeneration")
    main = page.get_by_role("main")
    main.get_by_label("Search the answers (optional)").fill("apprentices")
    submit(main.get_by_role("button", name="Apply"))
    expect(main.locator("mark")).to_have_text("apprentices")
    page.screenshot(path=RESULTS_DIR / "review-queue-search.png", full_page=True)
    submit(main.get_by_role("link", name="Clear"))
    submit(main.get_by_role("link", name="PTF0001"))

    # Select "six apprentices" in the answer: the form gets its offsets and words.
    page.evaluate(
        """() => {
            const box = document.querySelector("[data-excerpt-source]");
            const text = box.firstChild;
            const start = text.data.indexOf("six apprentices");
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + "six apprentices".length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }"""
    )
    expect(main.get_by_label("Words to quote")).to_have_value("six apprentices")
    expect(main.locator("input[name=start]")).to_have_value("18")
    main.get_by_label("Theme (optional)").select_option(label="Skills")
    submit(main.get_by_role("button", name="Save excerpt"))
    expect(main.get_by_text("PTF0001-E1 – Skills")).to_be_visible()

    _score(main)
    main.get_by_role("group", name="Themes").get_by_label("Skills").check()
    submit(main.get_by_role("button", name="Mark reviewed and go to the next"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Response PTF0002")

    first = Review.objects.get(submission=review_call["submissions"][0])
    assert (first.state, str(first.total), first.confidence) == (ReviewState.REVIEWED, "3.50", 3)
    excerpt = Excerpt.objects.get()
    assert (excerpt.text, excerpt.start, excerpt.end) == ("six apprentices", 18, 33)
    assert list(Coding.objects.values_list("theme__name", flat=True)) == ["Skills"]

    submit(page.get_by_role("link", name="Previous response"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Response PTF0001")


def test_reviewer_without_javascript_pastes_the_excerpt(nojs_checked_page, review_call):
    page, visit, submit = nojs_checked_page.page, nojs_checked_page.visit, nojs_checked_page.submit
    _sign_in(page, visit, submit, review_call["reviewer"])
    visit(f"/reviews/{review_call['call'].slug}/")
    main = page.get_by_role("main")
    submit(main.get_by_role("link", name="PTF0002"))

    main.get_by_label("Words to quote").fill("publish  its\nprocurement pipeline")
    main.get_by_label("Theme (optional)").select_option(label="Buying locally")
    submit(main.get_by_role("button", name="Save excerpt"))
    expect(main.get_by_text("PTF0002-E1 – Buying locally")).to_be_visible()

    main.get_by_label("Words to quote").fill("a pipeline of nonsense")
    submit(main.get_by_role("button", name="Save excerpt"))
    expect(main.get_by_text("We could not find those words in that answer.")).to_be_visible()

    _score(main)
    submit(main.get_by_role("button", name="Save and mark reviewed"))
    expect(page.get_by_text("Review of PTF0002 saved and marked done.")).to_be_visible()

    excerpt = Excerpt.objects.get()
    assert excerpt.text == "publish its procurement pipeline"
    review = Review.objects.get(submission=review_call["submissions"][1])
    assert review.state == ReviewState.REVIEWED


def test_anonymised_review_shows_no_identity(page, visit, submit, review_call):
    call = review_call["call"]
    call.anonymised_review = True
    call.save()
    _sign_in(page, visit, submit, review_call["reviewer"])

    visit(f"/reviews/{call.slug}/")
    queue = page.content()
    submit(page.get_by_role("main").get_by_role("link", name="PTF0001"))
    detail = page.content()

    for html in (queue, detail):
        assert "Quixworth" not in html
        assert "quixworth.example" not in html
    expect(page.get_by_role("main")).to_contain_text("Business")


def test_campaign_group_is_coded_once(page, visit, submit, review_call):
    call, reviewer = review_call["call"], review_call["reviewer"]
    members = []
    for number, opening in enumerate(["", "Hello. ", "Dear Taskforce, "], start=10):
        submission = SubmissionFactory(
            call=call, submitted=True, number=number, reference=f"PTF{number:04d}"
        )
        submission.answers.create(question=review_call["question"], text=opening + CAMPAIGN)
        ReviewFactory(submission=submission, reviewer=reviewer)
        members.append(submission)
    campaigns_group(call=call)
    _sign_in(page, visit, submit, reviewer)

    visit(f"/reviews/{call.slug}/?campaign=&sort=")
    main = page.get_by_role("main")
    submit(main.get_by_role("link", name="PTF0010"))
    expect(main).to_contain_text("Part of a campaign of 3 near-identical responses.")
    main.get_by_role("group", name="Themes").get_by_label("Buying locally").check()
    submit(main.get_by_role("button", name="Save", exact=True))

    assert sorted(
        Coding.objects.filter(theme__name="Buying locally").values_list(
            "submission__reference", "source"
        )
    ) == [
        ("PTF0010", CodingSource.MANUAL),
        ("PTF0011", CodingSource.CAMPAIGN),
        ("PTF0012", CodingSource.CAMPAIGN),
    ]
    visit(f"/reviews/{call.slug}/{members[1].public_id}/")
    expect(main).to_contain_text(re.compile("Buying locally: Coded through its campaign group"))
