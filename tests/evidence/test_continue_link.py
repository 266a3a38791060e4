"""The continue-link email: one per response (enforced by the database), rate-limited
per address and per client address, and never at the cost of the draft."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from evidence.models import Submission
from levelup.models import AuditEntry, OutboundEmail
from tests.evidence.test_views_respond import DETAILS, _start, _url, open_call  # noqa: F401

LINK = "evidence/continue_link"


def _details(client, submission, **changes):
    return client.post(_url("response-details", submission), {**DETAILS, **changes})


@pytest.mark.django_db
def test_double_click_on_details_sends_one_email(client, open_call):  # noqa: F811
    submission = _start(client, open_call)

    _details(client, submission)
    _details(client, submission)

    assert OutboundEmail.objects.filter(template=LINK).count() == 1


@pytest.mark.django_db
def test_changing_the_address_sends_no_second_email(client, open_call):  # noqa: F811
    submission = _start(client, open_call)

    _details(client, submission)
    _details(client, submission, respondent_email="someone.else@example.org")

    assert list(OutboundEmail.objects.filter(template=LINK).values_list("to", flat=True)) == [
        ["pat@example.org"]
    ]


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_details_posts_send_one_email(open_call):  # noqa: F811
    starter = Client()
    submission = _start(starter, open_call)
    cookie = starter.cookies["sessionid"].value
    barrier = threading.Barrier(20)
    statuses = []

    def post():
        browser = Client()
        browser.cookies["sessionid"] = cookie
        barrier.wait()
        try:
            statuses.append(_details(browser, submission).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302] * 20
    assert OutboundEmail.objects.filter(template=LINK).count() == 1
    assert Submission.objects.get(pk=submission.pk).continue_link_sent_at is not None


@pytest.mark.django_db
def test_link_emails_to_one_address_are_limited_per_hour(open_call, settings):  # noqa: F811
    settings.CONTINUE_LINK_EMAILS_PER_ADDRESS_HOUR = 3
    pages = []

    for number in range(4):
        browser = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        submission = _start_another(browser, open_call)
        pages.append(_details(browser, submission))

    assert OutboundEmail.objects.filter(template=LINK).count() == 3
    last = [str(m) for m in get_messages(pages[-1].wsgi_request)]
    assert last == [
        "Your draft is saved. We cannot email its private link just now: copy the link shown "
        "on this page to come back to it."
    ]
    assert pages[-1]["Location"] == _url("response-section", submission, number=1)
    assert (
        AuditEntry.objects.filter(action="evidence.submission.continue_link_limited").count() == 1
    )


@pytest.mark.django_db
def test_link_emails_from_one_client_address_are_limited_per_hour(open_call, settings):  # noqa: F811
    settings.CONTINUE_LINK_EMAILS_PER_IP_HOUR = 3

    for number in range(4):
        browser = Client(REMOTE_ADDR="198.51.100.7")
        submission = _start_another(browser, open_call)
        _details(browser, submission, respondent_email=f"person{number}@example.org")
    elsewhere = Client(REMOTE_ADDR="203.0.113.5")
    _details(elsewhere, _start_another(elsewhere, open_call), respondent_email="x@example.org")

    sent = OutboundEmail.objects.filter(template=LINK).order_by("pk")
    assert [email.to for email in sent] == [
        ["person0@example.org"],
        ["person1@example.org"],
        ["person2@example.org"],
        ["x@example.org"],
    ]


def _start_another(browser, call) -> Submission:
    browser.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    return Submission.objects.filter(call=call).order_by("-pk").first()
