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
