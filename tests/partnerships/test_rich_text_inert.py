"""A prospectus vision stored without going through the form (the admin, a fix by hand) is
still sanitised when a page prints it."""

import pytest
from django.urls import reverse

from partnerships.models import ProspectusVersion
from partnerships.services import (
    prospectus_create,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
)
from tests.factories.partnerships import PriorityFactory

from .conftest import lead_representative

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Kept <strong>words</strong></p><script>alert("boom")</script>'
    '<img src=x onerror=alert("img")><a href="javascript:alert(\'link\')">click</a>'
)


def _assert_inert(html: str) -> None:
    assert "<p>Kept <strong>words</strong></p>" in html
    for marker in ('alert("boom")', "onerror", 'alert("img")', "javascript:", "onclick"):
        assert marker not in html


@pytest.fixture
def version(connector, partnership):
    prospectus = prospectus_create(
        actor=connector, partnership=partnership, title="Seaside prospectus", vision="<p>x</p>"
    )
    version = prospectus.versions.get()
    PriorityFactory(version=version, title="Skills and jobs", position=1)
    ProspectusVersion.objects.filter(pk=version.pk).update(vision=HOSTILE)
    return version


def test_vision_written_directly_renders_inert_on_the_draft_and_version_pages(
    client, connector, partnership, version
):
    client.force_login(connector)
    kwargs = {"slug": partnership.slug}

    pages = [
        client.get(reverse("partnerships:prospectus-draft", kwargs=kwargs)),
        client.get(reverse("partnerships:prospectus-version", kwargs={**kwargs, "number": 1})),
    ]

    assert [page.status_code for page in pages] == [200, 200]
    for page in pages:
        _assert_inert(page.content.decode())


def test_vision_written_directly_renders_inert_on_the_public_page(
    client, connector, partnership, version
):
    lead = lead_representative(partnership, "Lena Lead")
    prospectus_version_send(actor=connector, version=version)
    prospectus_sign_off(actor=lead, version=version, member=lead.membership)
    prospectus_publish(actor=connector, version=version)
    ProspectusVersion.objects.filter(pk=version.pk).update(vision=HOSTILE)

    response = client.get(
        reverse("partnerships:prospectus-public", kwargs={"slug": partnership.slug})
    )

    assert response.status_code == 200
    _assert_inert(response.content.decode())
