"""Members see only their own partnership: every private URL, taken from the urlconf.

The URL patterns are read from partnerships/urls.py, so a new private URL is covered
automatically: if it takes an object id this file does not know yet, the tests fail until
`_object_kwargs` learns how to make one.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, reverse

from levelup.enums import Role
from partnerships import urls as partnership_urls
from partnerships.services import figure_add, invitation_create
from tests.factories.core import BodyFactory, RoleGrantFactory
from tests.factories.partnerships import (
    ActionFactory,
    AgreementVersionFactory,
    AskFactory,
    CommitmentFactory,
    DeliverableFactory,
    EngagementFactory,
    IndicatorFactory,
    InvestmentLineFactory,
    MatchFactory,
    PartnershipMemberFactory,
    PriorityFactory,
    ProspectusCommentFactory,
    ProspectusVersionFactory,
    RepresentativeFactory,
)

from .conftest import lead_representative

pytestmark = pytest.mark.django_db

# Pages anyone may open, and pages about the signed-in person rather than one partnership.
PUBLIC = {
    "partnership-list",
    "partnership-detail",
    "invitation-accept",
    "prospectus-public",
    "prospectus-pdf",
    "progress-public",
    "commitment-public",
}
PERSONAL = {"partnership-mine", "action-mine"}
# Pages for running a programme across places (site administrators, a body's secretariat).
PROGRAMME = {"programme", "partnership-create", "place-create", "organisation-create"}


def _patterns() -> list[URLPattern]:
    return [p for p in partnership_urls.urlpatterns if isinstance(p, URLPattern)]


PRIVATE = sorted(
    p.name for p in _patterns() if "slug" in p.pattern.converters and p.name not in PUBLIC
)
# Private URLs that also name an object (by id, or a version by number).
OBJECT_URLS = sorted(
    p.name for p in _patterns() if p.name in PRIVATE and set(p.pattern.converters) - {"slug"}
)


def test_every_url_is_classified():
    assert len(OBJECT_URLS) >= 17
    names = {p.name for p in _patterns()}

    unclassified = {
        p.name
        for p in _patterns()
        if p.name not in PUBLIC | PERSONAL | PROGRAMME and "slug" not in p.pattern.converters
    }

    assert unclassified == set()
    assert set(PRIVATE) | PUBLIC | PERSONAL | PROGRAMME == names
    assert len(PRIVATE) == len(names) - len(PUBLIC | PERSONAL | PROGRAMME)


def _object_kwargs(partnership) -> dict[str, dict]:
    """For each private URL, the extra URL arguments naming an object of `partnership`."""
    ask = AskFactory(member__partnership=partnership)
    member = PartnershipMemberFactory(partnership=partnership)
    AgreementVersionFactory(partnership=partnership, number=1)
    AgreementVersionFactory(partnership=partnership, number=1, terms=True)
    invitation, _token = invitation_create(
        actor=None,
        partnership=partnership,
        organisation=member.organisation,
        role="member",
        name="Someone",
        email="someone@example.org",
        site_url="http://testserver/",
    )
    grant = RoleGrantFactory(role=Role.CONNECTOR, target=partnership)
    version = ProspectusVersionFactory(prospectus__partnership=partnership, number=1)
    priority = PriorityFactory(version=version)
    return {
        "priority-update": {"pk": priority.pk},
        "priority-cite": {"pk": priority.pk},
        "priority-delete": {"pk": priority.pk},
        "commitment-update": {"pk": CommitmentFactory(version=version).pk},
        "commitment-delete": {"pk": CommitmentFactory(version=version).pk},
        "investment-line-update": {"pk": InvestmentLineFactory(version=version).pk},
        "investment-line-delete": {"pk": InvestmentLineFactory(version=version).pk},
        "prospectus-comment-resolve": {"pk": ProspectusCommentFactory(version=version).pk},
        "prospectus-version": {"number": 1},
        "prospectus-sign-off": {"number": 1},
        "prospectus-publish": {"number": 1},
        "engagement-detail": {"pk": EngagementFactory(partnership=partnership).pk},
        "engagement-update": {"pk": EngagementFactory(partnership=partnership).pk},
        "action-done": {"pk": ActionFactory(engagement__partnership=partnership).pk},
        "ask-update": {"pk": ask.pk},
        "ask-match": {"pk": ask.pk},
        "deliverable-update": {"pk": DeliverableFactory(member__partnership=partnership).pk},
        "match-move": {"pk": MatchFactory(ask=AskFactory(member__partnership=partnership)).pk},
        "member-remove": {"pk": member.pk},
        "member-role": {"pk": member.pk},
        "representative-remove": {"pk": RepresentativeFactory(member=member).pk},
        "figure-remove": {
            "pk": figure_add(
                actor=None, partnership=partnership, kind="ambassador", name="Someone"
            ).pk
        },
        "connector-revoke": {"pk": grant.pk},
        "indicator-update": {"pk": IndicatorFactory(partnership=partnership).pk},
        "invitation-withdraw": {"pk": invitation.pk},
        "invitation-resend": {"pk": invitation.pk},
        "commitment-update-create": {"key": _published_commitment(version.prospectus).key},
        "indicator-reading-create": {"pk": IndicatorFactory(partnership=partnership).pk},
        "goal-endorse": {"number": 1},
        "terms-endorse": {"number": 1},
    }


def _published_commitment(prospectus):
    """A commitment of a version 2 of `prospectus`, published (version 1 stays a draft)."""
    from django.utils import timezone

    from partnerships.enums import ProspectusVersionStatus
    from tests.factories.partnerships import CommitmentFactory

    now = timezone.now()
    published = ProspectusVersionFactory(
        prospectus=prospectus,
        number=2,
        status=ProspectusVersionStatus.PUBLISHED,
        sent_at=now,
        published_at=now,
    )
    prospectus.published_version, prospectus.published_at = published, now
    prospectus.save()
    return CommitmentFactory(version=published)


def _url(name: str, partnership, objects: dict[str, dict], slug=None) -> str:
    pattern = next(p for p in _patterns() if p.name == name)
    extra = set(pattern.pattern.converters) - {"slug"}
    kwargs = objects.get(name, {}) if extra else {}
    assert set(kwargs) == extra, f"teach _object_kwargs the arguments of {name}"
    return reverse(f"partnerships:{name}", kwargs={"slug": slug or partnership.slug, **kwargs})


@pytest.fixture
def theirs(other_partnership):
    return _object_kwargs(other_partnership)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("role", ["member", "connector"])
def test_member_or_connector_of_one_partnership_gets_404_on_another(
    client, login_as, other_partnership, theirs, role, name, method
):
    login_as(role)

    response = getattr(client, method)(_url(name, other_partnership, theirs))

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_partnerships_object_under_own_slug_is_404(
    client, partnership, other_partnership, theirs, name, method
):
    # A lead representative, connector and programme-body secretariat of `partnership` (so
    # every action is allowed on their own partnership) guesses `other_partnership`'s ids.
    user = lead_representative(partnership)
    RoleGrantFactory(user=user, role=Role.CONNECTOR, target=partnership)
    partnership.programme_body = BodyFactory()
    partnership.save()
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=partnership.programme_body)
    client.force_login(user)
    if name in {"prospectus-version", "prospectus-sign-off", "prospectus-publish"}:
        # Their prospectus has a version 7; their guesser's own partnership has a prospectus
        # with version 1 only.
        ProspectusVersionFactory(prospectus=other_partnership.prospectus, number=7)
        ProspectusVersionFactory(prospectus__partnership=partnership, number=1)
        theirs = {**theirs, name: {"number": 7}}
    if name.endswith("-endorse"):
        # Version 1 exists in both partnerships; version 7 only in the other one.
        AgreementVersionFactory(
            partnership=other_partnership, number=7, terms=name.startswith("terms")
        )
        theirs = {**theirs, name: {"number": 7}}

    response = getattr(client, method)(_url(name, other_partnership, theirs, slug=partnership.slug))

    assert response.status_code in ({404, 405} if method == "get" else {404})


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", PRIVATE + sorted(PERSONAL) + sorted(PROGRAMME))
def test_anonymous_is_sent_to_sign_in(client, partnership, name, method):
    objects = _object_kwargs(partnership)
    url = (
        reverse(f"partnerships:{name}")
        if name in PERSONAL | PROGRAMME
        else _url(name, partnership, objects)
    )

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"
