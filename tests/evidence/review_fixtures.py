"""A call under review, shared by the review tests: two criteria, two themes, a reviewer
with three assigned responses (one answer each) and one response not assigned to them."""

import pytest

from evidence.services.search import submission_search_refresh
from levelup.enums import OrganisationType, Role
from tests.factories import QuestionFactory, RoleGrantFactory, SubmissionFactory, UserFactory
from tests.factories.review import CriterionFactory, ReviewFactory, ThemeFactory

TEXTS = [
    "Our bakery trains six apprentices a year and buys flour from the mill next door.",
    "The council should publish its procurement pipeline so small firms can bid.",
    "Volunteers run the library; business sponsorship would keep it open on Saturdays.",
]


@pytest.fixture
def review_setup(call, reviewer):
    question = QuestionFactory(section__call=call, text="What does business do for your town?")
    criteria = [
        CriterionFactory(call=call, name="Relevance"),
        CriterionFactory(call=call, name="Strength of evidence"),
    ]
    themes = [
        ThemeFactory(call=call, name="Skills", description="Apprentices, training, skills."),
        ThemeFactory(call=call, name="Procurement", description="Buying locally, supply chains."),
    ]
    submissions = []
    for number, text in enumerate(TEXTS, start=1):
        submission = SubmissionFactory(
            call=call,
            submitted=True,
            number=number,
            reference=f"TST{number:04d}",
            respondent_name=f"Person {number}",
            organisation_name=f"Firm {number} Ltd",
            organisation_type=OrganisationType.BUSINESS,
            organisation_size="small",
            responding_as="organisation",
        )
        submission.answers.create(question=question, text=text)
        submissions.append(submission)
    other = SubmissionFactory(call=call, submitted=True, number=9, reference="TST0009")
    other.answers.create(question=question, text="Apprentices everywhere, but not assigned.")
    submission_search_refresh(submission_ids=[s.pk for s in [*submissions, other]])
    reviews = [ReviewFactory(submission=s, reviewer=reviewer) for s in submissions]
    someone = RoleGrantFactory(
        user=UserFactory(name="Other Reviewer"), role=Role.REVIEWER, target=call
    ).user
    ReviewFactory(submission=other, reviewer=someone)
    return {
        "call": call,
        "question": question,
        "criteria": criteria,
        "themes": themes,
        "submissions": submissions,
        "reviews": reviews,
        "other": other,
        "other_reviewer": someone,
    }
