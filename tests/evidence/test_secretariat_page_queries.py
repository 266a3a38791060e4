"""The pages the benchmark measures (docs/benchmarks.md) run a fixed number of queries,
however many responses the call holds: 1 row and many rows give the same count."""

import pytest
from django.urls import reverse

from tests.factories import QuestionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[1, 40])
def busy_call(request, call):
    QuestionFactory(section__call=call, text="What works?")
    SubmissionFactory.create_batch(request.param, call=call, submitted=True)
    SubmissionFactory.create_batch(request.param, call=call)
    return call


def test_public_call_page_queries_constant(client, busy_call, django_assert_num_queries):
    # call, sections, questions
    with django_assert_num_queries(3):
        response = client.get(busy_call.get_absolute_url())

    assert response.status_code == 200


def test_respondent_form_queries_constant(client, busy_call, django_assert_num_queries):
    started = client.post(reverse("evidence:respond-start", kwargs={"slug": busy_call.slug}))
    public_id = started["Location"].strip("/").split("/")[-2]
    section = reverse("evidence:response-section", kwargs={"public_id": public_id, "number": 1})
    client.get(section)

    # session, the response with its call, sections, questions, answers, attachments
    with django_assert_num_queries(6):
        response = client.get(section)

    assert response.status_code == 200


def test_secretariat_list_queries_constant(
    client, secretariat, busy_call, django_assert_num_queries
):
    client.force_login(secretariat)
    url = reverse("evidence:manage-submissions", kwargs={"slug": busy_call.slug})
    client.get(url)

    with django_assert_num_queries(7):
        response = client.get(url, {"status": "submitted", "channel": "online"})

    assert len(response.context["submissions"]) == min(busy_call.submissions.count() // 2, 25)
