import pytest
from django.utils import timezone

from levelup.demo import load_core
from partnerships.demo import load_partnerships
from partnerships.enums import MatchStatus, PartnershipStage
from partnerships.models import (
    Action,
    AgreementVersion,
    Ask,
    Deliverable,
    Endorsement,
    Engagement,
    Match,
    Partnership,
    Representative,
)
from partnerships.selectors import agreed_goal_public, exchange_summary

pytestmark = pytest.mark.django_db

MODELS = [
    Partnership,
    Representative,
    Engagement,
    Action,
    Ask,
    Deliverable,
    Match,
    AgreementVersion,
    Endorsement,
]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_is_idempotent():
    load_core()
    load_partnerships()
    first = _counts()

    load_partnerships()

    assert _counts() == first


def test_demo_tells_the_three_stories():
    load_core()

    load_partnerships()

    blackpool, wisbech, bradford = (
        Partnership.objects.get(slug=slug) for slug in ("blackpool", "wisbech", "bradford")
    )
    assert Engagement.objects.filter(partnership=blackpool).count() == 24
    first_engagement = Engagement.objects.filter(partnership=blackpool).earliest("occurred_on")
    assert (timezone.localdate() - first_engagement.occurred_on).days >= 700  # two years
    assert blackpool.stage != PartnershipStage.FORMING
    assert agreed_goal_public(partnership=blackpool).number == 2
    summary = exchange_summary(partnership=blackpool)
    assert summary.asks_met >= 2
    assert summary.matches_by_status[MatchStatus.DELIVERED] == 2
    assert summary.matches_by_status[MatchStatus.DROPPED] == 1
    wisbech_goal = AgreementVersion.objects.get(partnership=wisbech)
    assert (wisbech_goal.agreed_at, wisbech_goal.endorsements.count()) == (None, 2)
    assert agreed_goal_public(partnership=wisbech) is None
    assert bradford.stage == PartnershipStage.FORMING
    assert Engagement.objects.filter(partnership=bradford).count() == 2
    assert {p.programme_body.slug for p in (blackpool, wisbech, bradford)} == {"place-taskforce"}


def test_demo_prospectuses_blackpool_published_wisbech_awaiting_one_sign_off():
    from partnerships.enums import ProspectusVersionStatus
    from partnerships.models import Commitment, Prospectus, ProspectusComment
    from partnerships.selectors import investment_totals, sign_off_status

    load_core()

    load_partnerships()

    blackpool = Prospectus.objects.get(partnership__slug="blackpool")
    published = blackpool.published_version
    totals = investment_totals(version=published)
    commitments = Commitment.objects.filter(version=published)
    # Its members have reported progress since, which moves it on to "delivering".
    assert blackpool.partnership.stage == PartnershipStage.DELIVERING
    assert published.number == 2
    assert 950_000_000 <= totals.total <= 1_050_000_000
    assert len(totals.by_year) >= 4 and len(totals.by_source) >= 8
    assert commitments.count() >= 20
    assert commitments.filter(match__status=MatchStatus.DELIVERED).count() >= 2
    wisbech = Prospectus.objects.get(partnership__slug="wisbech")
    version = wisbech.versions.get()
    status = sign_off_status(version=version, user=version.created_by)
    assert wisbech.published_version is None
    assert version.status == ProspectusVersionStatus.SIGN_OFF
    assert (status.signed_count, len(status.leads)) == (2, 3)
    assert ProspectusComment.objects.filter(prospectus=wisbech, resolved_at=None).count() >= 2


def test_demo_progress_on_blackpools_commitments_and_indicators():
    from partnerships.models import CommitmentUpdate, IndicatorReading, Prospectus
    from partnerships.selectors import progress_dashboard

    load_core()
    load_partnerships()
    updates = CommitmentUpdate.objects.filter(partnership__slug="blackpool")
    readings = IndicatorReading.objects.filter(partnership__slug="blackpool")
    counts = (updates.count(), readings.count())

    load_partnerships()

    prospectus = Prospectus.objects.get(partnership__slug="blackpool")
    dashboard = progress_dashboard(partnership=prospectus.partnership, prospectus=prospectus)
    published_on = timezone.localdate(prospectus.published_at)
    first = updates.earliest("reported_on").reported_on
    assert (updates.count(), readings.count()) == counts  # idempotent
    assert updates.count() >= 100 and readings.count() == 32
    assert (timezone.localdate() - first).days >= (timezone.localdate() - published_on).days - 31
    assert set(dashboard.by_status) >= {"on_track", "at_risk", "off_track", "done"}
    assert len(dashboard.stale) >= 2
    assert updates.exclude(figure=None).count() >= 20
