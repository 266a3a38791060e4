"""Rich text stored without going through a form (the admin, an import, a fix by hand) is
still sanitised when a page prints it: scripts and event handlers never reach the browser."""

import pytest
from django.urls import reverse

from evidence.models import CallForEvidence, CallReport, Finding, OralEvidence
from tests.evidence.publishing_helpers import publishing_world
from tests.factories.publishing import FindingFactory, OralEvidenceFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Kept <strong>words</strong></p><script>alert("boom")</script>'
    '<img src=x onerror=alert("img")><a href="javascript:alert(\'link\')">click</a>'
)
KEPT = "<p>Kept <strong>words</strong></p>"


def assert_inert(html: str) -> None:
    assert KEPT in html
    for marker in ('alert("boom")', "onerror", 'alert("img")', "javascript:", "onclick"):
        assert marker not in html


def test_call_background_written_directly_renders_inert_on_the_call_page(client, call):
    CallForEvidence.objects.filter(pk=call.pk).update(background=HOSTILE)

    response = client.get(reverse("evidence:call-detail", kwargs={"slug": call.slug}))

    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_call_background_written_directly_renders_inert_on_the_secretariat_preview(
    client, call, secretariat
):
    CallForEvidence.objects.filter(pk=call.pk).update(background=HOSTILE)
    client.force_login(secretariat)

    response = client.get(reverse("evidence:manage-call-preview", kwargs={"slug": call.slug}))

    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_report_and_finding_summaries_written_directly_render_inert_on_the_report(client):
    world = publishing_world()
    finding = FindingFactory(call=world.call, title="Footfall matters")
    CallReport.objects.create(call=world.call, summary="")
    CallReport.objects.filter(call=world.call).update(summary=HOSTILE.replace("Kept", "Report"))
    Finding.objects.filter(pk=finding.pk).update(summary=HOSTILE)
    oral = OralEvidenceFactory(call=world.call)
    OralEvidence.objects.filter(pk=oral.pk).update(
        note='<p>Heard <em>this</em></p><script>alert("note")</script>', is_published=True
    )

    response = client.get(world.call.get_absolute_url())

    html = response.content.decode()
    assert response.templates[0].name == "evidence/report/report.html"
    assert "<p>Report <strong>words</strong></p>" in html
    assert_inert(html)
    # The oral evidence note is rich text too.
    assert "<p>Heard <em>this</em></p>" in html
    assert 'alert("note")' not in html
