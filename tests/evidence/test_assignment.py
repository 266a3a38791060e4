"""The automatic assignment solver (min-cost flow), without the database."""

from collections import Counter

import pytest

from evidence.assignment import plan_assignment

pytestmark = pytest.mark.unit


def _reviewers_of(plan, existing=None):
    found = {r: set(s) for r, s in (existing or {}).items()}
    for response, reviewer in plan.pairs:
        found.setdefault(response, set()).add(reviewer)
    return found


def test_plan_assignment_gives_every_response_n_distinct_reviewers_balanced():
    plan = plan_assignment(
        responses=list(range(1, 101)),
        reviewers=[10, 20, 30, 40, 50, 60, 70],
        per_response=3,
        existing={},
        excluded={},
        load={},
    )

    by_response = _reviewers_of(plan)
    assert len(plan.pairs) == 300
    assert all(len(reviewers) == 3 for reviewers in by_response.values())
    assert len(set(plan.pairs)) == 300
    assert sorted(Counter(r for _, r in plan.pairs).values()) == [42, 43, 43, 43, 43, 43, 43]
    assert plan.spread == 1


def test_plan_assignment_respects_conflicts():
    excluded = {response: {1} for response in range(1, 21)}

    plan = plan_assignment(
        responses=list(range(1, 41)),
        reviewers=[1, 2, 3, 4],
        per_response=2,
        existing={},
        excluded=excluded,
        load={},
    )

    assert not [(s, r) for s, r in plan.pairs if r == 1 and s <= 20]
    assert all(len(r) == 2 for r in _reviewers_of(plan).values())
    assert plan.spread == 0


def test_plan_assignment_keeps_existing_pairs_and_balances_with_them():
    existing = {1: {1}, 2: {1}, 3: {1}, 4: {1}}

    plan = plan_assignment(
        responses=[1, 2, 3, 4, 5, 6],
        reviewers=[1, 2, 3],
        per_response=2,
        existing=existing,
        excluded={},
        load={1: 4},
    )

    assert len(plan.pairs) == 8
    assert not [p for p in plan.pairs if p[0] <= 4 and p[1] == 1]
    assert all(len(r) == 2 for r in _reviewers_of(plan, existing).values())
    assert plan.load_after == {1: 4, 2: 4, 3: 4}


def test_plan_assignment_reports_responses_that_cannot_be_covered():
    plan = plan_assignment(
        responses=[1, 2],
        reviewers=[1, 2],
        per_response=2,
        existing={},
        excluded={1: {2}},
        load={},
    )

    assert plan.short == {1: 1}
    assert sorted(plan.pairs) == [(1, 1), (2, 1), (2, 2)]


def test_plan_assignment_with_no_reviewers_assigns_nothing():
    plan = plan_assignment(
        responses=[1, 2], reviewers=[], per_response=2, existing={}, excluded={}, load={}
    )

    assert plan.pairs == []
