"""Priorities cite findings and recommendations of published calls, shown both ways."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from evidence.enums import CallStatus
from evidence.selectors import findings_published, recommendations_published
from partnerships.selectors import priorities_citing
from partnerships.services import (
    priority_citations_set,
    prospectus_create,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
    prospectus_version_start,
)
from tests.factories.evidence import (
    CallForEvidenceFactory,
    FindingFactory,
    RecommendationFactory,
)
from tests.factories.partnerships import PriorityFactory

from .conftest import lead_representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(partnership):
    return lead_representative(partnership, "Lena Lead")


@pytest.fixture
def draft(connector, partnership):
    prospectus = prospectus_create(
        actor=connector, partnership=partnership, title="Seaside prospectus", vision="<p>V</p>"
    )
    return prospectus.versions.get()


@pytest.fixture
def priority(draft):
    return PriorityFactory(version=draft, title="Jobs for school leavers")


@pytest.fixture
def unpublished_finding():
    return FindingFactory(
        call=CallForEvidenceFactory(closed=True, status=CallStatus.ANALYSING),
        title="Draft finding still being written",
    )


def _publish(connector, lead, version):
    prospectus_version_send(actor=connector, version=version)
    prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    return prospectus_publish(actor=connector, version=version)


def test_published_findings_and_recommendations_only(unpublished_finding):
    finding = FindingFactory(title="Routes into work are unclear")
    recommendation = RecommendationFactory(text="Open the doors to school leavers")
    RecommendationFactory(call=unpublished_finding.call, text="Not yet public")

    assert list(findings_published()) == [finding]
    assert list(findings_published(search="routes into")) == [finding]
    assert list(findings_published(search="nothing like this")) == []
    assert list(recommendations_published()) == [recommendation]


def test_priority_cites_published_finding_and_recommendation(connector, priority):
    finding, recommendation = FindingFactory(), RecommendationFactory()

    priority_citations_set(
        actor=connector, priority=priority, findings=[finding], recommendations=[recommendation]
    )

    assert list(priority.findings.all()) == [finding]
    assert list(priority.recommendations.all()) == [recommendation]


def test_priority_citing_unpublished_finding_is_refused(connector, priority, unpublished_finding):
    with pytest.raises(ValidationError) as excinfo:
        priority_citations_set(actor=connector, priority=priority, findings=[unpublished_finding])

    assert excinfo.value.messages == [
        "“Draft finding still being written” is not published yet: a priority can cite only "
        "the findings and recommendations of published calls."
    ]
    assert priority.findings.count() == 0


def test_priority_citing_unpublished_finding_in_the_form_is_refused_and_choice_kept(
    client, connector, partnership, priority, unpublished_finding
):
    published = FindingFactory(title="Routes into work are unclear")
    client.force_login(connector)

    response = client.post(
        reverse("partnerships:priority-cite", kwargs={"slug": partnership.slug, "pk": priority.pk}),
        {"findings": [published.pk, unpublished_finding.pk]},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "“Draft finding still being written” is not published yet: a priority can cite only "
        "the findings and recommendations of published calls."
    ]
    assert response.context["chosen_findings"] == {str(published.pk), str(unpublished_finding.pk)}
    assert priority.findings.count() == 0


def test_priority_cite_page_lists_published_findings_only(
    client, connector, partnership, priority, unpublished_finding
):
    published = FindingFactory(title="Routes into work are unclear")
    client.force_login(connector)

    response = client.get(
        reverse("partnerships:priority-cite", kwargs={"slug": partnership.slug, "pk": priority.pk})
    )

    assert response.context["findings"] == [published]
    assert "Draft finding still being written" not in response.text


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("other_connector", 404)])
def test_priority_cite_refused_to_others(client, login_as, role, status, partnership, priority):
    finding = FindingFactory()
    login_as(role)

    response = client.post(
        reverse("partnerships:priority-cite", kwargs={"slug": partnership.slug, "pk": priority.pk}),
        {"findings": [finding.pk]},
    )

    assert response.status_code == status
    assert priority.findings.count() == 0


def test_citations_follow_a_priority_into_the_next_version(connector, draft, priority):
    finding = FindingFactory()
    priority_citations_set(actor=connector, priority=priority, findings=[finding])
    prospectus_version_send(actor=connector, version=draft)

    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)

    assert list(second.priorities.get().findings.all()) == [finding]


def test_cited_by_shows_only_published_prospectus_priorities(
    client, connector, lead, partnership, draft, priority
):
    finding = FindingFactory()
    priority_citations_set(actor=connector, priority=priority, findings=[finding])
    assert list(priorities_citing(finding=finding)) == []
    _publish(connector, lead, draft)
    second = prospectus_version_start(actor=connector, prospectus=draft.prospectus)
    copy = second.priorities.get()
    priority_citations_set(actor=connector, priority=copy, findings=[finding])

    html = Template(
        "{% load prospectus_citations %}{% cited_by_priorities finding=finding %}"
    ).render(Context({"finding": finding}))

    assert list(priorities_citing(finding=finding)) == [priority]
    assert "Cited by these prospectus priorities:" in html
    assert f"/partnerships/{partnership.slug}/prospectus/#priority-{priority.pk}" in html


def test_public_prospectus_shows_the_evidence_a_priority_cites(
    client, connector, lead, partnership, draft, priority
):
    finding = FindingFactory(title="Routes into work are unclear")
    recommendation = RecommendationFactory(text="Open the doors to school leavers")
    priority_citations_set(
        actor=connector, priority=priority, findings=[finding], recommendations=[recommendation]
    )
    _publish(connector, lead, draft)

    response = client.get(reverse("partnerships:prospectus-public", args=[partnership.slug]))

    assert "Finding:" in response.text
    assert "Routes into work are unclear" in response.text
    assert "Open the doors to school leavers" in response.text
    assert finding.call.get_absolute_url() in response.text
