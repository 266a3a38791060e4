"""The pages the benchmark measures (docs/benchmarks.md) run a fixed number of queries,
however many responses the call holds: 1 row and many rows give the same count."""

import re

import pytest
from django.urls import reverse

from tests.factories import PlaceFactory, QuestionFactory, SubmissionFactory

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

    # ... and the code frame's themes for bulk coding
    with django_assert_num_queries(8):
        response = client.get(url, {"status": "submitted", "channel": "online"})

    assert len(response.context["submissions"]) == min(busy_call.submissions.count() // 2, 25)


def test_secretariat_search_matches_the_trigram_index(call):
    """A name search's two tests are expressions the trigram index holds, so PostgreSQL
    answers them with a BitmapOr of that one index; emails and references are exact lookups
    on their own B-tree indexes (test_secretariat_responses.py)."""
    from django.db import connection

    from evidence.selectors import submissions_for_secretariat

    sql = str(submissions_for_secretariat(call=call, q="patel").query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'submission_search_trgm'")
        (indexdef,) = cursor.fetchone()

    for column in ("respondent_name", "organisation_name"):
        assert f'UPPER("evidence_submission"."{column}"::text)' in sql
        assert f"upper(({column})::text) gin_trgm_ops" in indexdef
    assert "respondent_email" not in sql.split("WHERE")[1]
    assert indexdef.startswith("CREATE INDEX submission_search_trgm ON public.evidence_submission")


def test_dashboard_reads_only_the_pre_aggregated_counts(call):
    """The dashboard's counts come from the materialised views (refreshed by beat), never
    from the responses themselves, so their cost does not grow with the call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evidence.selectors import call_dashboard_counts
    from evidence.services import dashboard_counts_refresh

    SubmissionFactory(call=call, submitted=True, place=PlaceFactory())
    dashboard_counts_refresh()
    with CaptureQueriesContext(connection) as queries:
        counts = call_dashboard_counts(call=call)

    tables = [re.findall(r"FROM \"?(\w+)", q["sql"])[0] for q in queries.captured_queries]
    assert tables == ["evidence_call_day_counts", "evidence_call_who_counts", "levelup_place"]
    assert counts["submitted"] == 1
