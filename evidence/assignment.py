"""Automatic assignment of reviewers to responses, solved as a min-cost flow (OR-Tools).

Like HotCRP's autoassigner: pairs already assigned are kept, conflicts are never assigned,
and each selected response is given reviewers until it has `per_response` of them.

The network: source → response group → reviewer → sink.

- Responses that need the same number of reviewers and may go to the same set of
  reviewers are interchangeable, so they form one *group* node (a fresh call of 100,000
  responses with few conflicts has a handful of groups, not 100,000 nodes). A group's arc
  to a reviewer carries at most one review per response in it.
- A reviewer's arcs to the sink cost nothing up to the balanced load, then one unit per
  review above it, increasing (a convex cost): the cheapest flow spreads the work so that
  final workloads differ by at most one whenever conflicts allow it.

A group's flow to each reviewer is then dealt to its responses round-robin, which gives
every response distinct reviewers (no reviewer gets more units than the group has
responses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow


@dataclass
class AssignmentPlan:
    """The new pairs to create and what the workloads will be once they are."""

    pairs: list[tuple[int, int]] = field(default_factory=list)  # (response id, reviewer id)
    load_before: dict[int, int] = field(default_factory=dict)
    load_after: dict[int, int] = field(default_factory=dict)
    # Responses that could not get enough reviewers (too many conflicts), with the shortfall.
    short: dict[int, int] = field(default_factory=dict)

    @property
    def spread(self) -> int:
        loads = list(self.load_after.values())
        return max(loads) - min(loads) if loads else 0


def plan_assignment(
    *,
    responses: list[int],
    reviewers: list[int],
    per_response: int,
    existing: dict[int, set[int]],
    excluded: dict[int, set[int]],
    load: dict[int, int],
) -> AssignmentPlan:
    """Choose new (response, reviewer) pairs.

    `existing[response]`: reviewers already assigned (kept, and counted towards
    `per_response`); `excluded[response]`: reviewers in conflict with it; `load[reviewer]`:
    reviews the reviewer already holds in the call (all of them, selected or not).
    """
    reviewers = sorted(set(reviewers))
    plan = AssignmentPlan(load_before={r: load.get(r, 0) for r in reviewers})
    if not reviewers or per_response <= 0:
        plan.load_after = dict(plan.load_before)
        return plan
    reviewer_set = frozenset(reviewers)

    # Group interchangeable responses: same need, same reviewers they may go to.
    groups: dict[tuple[int, frozenset[int]], list[int]] = defaultdict(list)
    for response in responses:
        have = existing.get(response, set())
        need = per_response - len(have & reviewer_set)
        if need <= 0:
            continue
        eligible = reviewer_set - have - excluded.get(response, set())
        if len(eligible) < need:
            plan.short[response] = need - len(eligible)
            need = len(eligible)
            if need == 0:
                continue
        groups[(need, frozenset(eligible))].append(response)

    demand = sum(need * len(members) for (need, _), members in groups.items())
    if demand == 0:
        plan.load_after = dict(plan.load_before)
        return plan

    # The balanced level: the final load every reviewer would have if work split evenly.
    total = demand + sum(plan.load_before.values())
    level = total // len(reviewers)

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    reviewer_node = {r: 2 + i for i, r in enumerate(reviewers)}
    first_group = 2 + len(reviewers)
    group_arcs: list[tuple[list[int], int, list[tuple[int, int]]]] = []
    for index, ((need, eligible), members) in enumerate(groups.items()):
        node = first_group + index
        flow.add_arc_with_capacity_and_unit_cost(source, node, need * len(members), 0)
        arcs = []
        for reviewer in sorted(eligible):
            arc = flow.add_arc_with_capacity_and_unit_cost(
                node, reviewer_node[reviewer], len(members), 0
            )
            arcs.append((arc, reviewer))
        group_arcs.append((members, need, arcs))
    for reviewer in reviewers:
        node = reviewer_node[reviewer]
        before = plan.load_before[reviewer]
        free = max(0, level - before)
        if free:
            flow.add_arc_with_capacity_and_unit_cost(node, sink, free, 0)
        # Above the level, each further review costs more than the one before (convex).
        start = max(before, level)
        extra = max(0, min(demand - free, demand))
        # One arc per step for the first steps, then one wide arc for the rest: keeps the
        # graph small while the steps that matter for balance stay exact.
        steps = min(extra, 64)
        for step in range(steps):
            cost = (start + step + 1 - level) * 1000
            flow.add_arc_with_capacity_and_unit_cost(node, sink, 1, cost)
        if extra > steps:
            cost = (start + steps + 1 - level) * 1000 * 1000
            flow.add_arc_with_capacity_and_unit_cost(node, sink, extra - steps, cost)
    flow.set_node_supply(source, demand)
    flow.set_node_supply(sink, -demand)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The assignment solver stopped: status {status}.")

    load_after = dict(plan.load_before)
    for members, _need, arcs in group_arcs:
        # Deal the group's units round-robin over its responses: each reviewer's units
        # (never more than the number of responses) land on distinct responses.
        sequence: list[int] = []
        for arc, reviewer in arcs:
            units = flow.flow(arc)
            sequence.extend([reviewer] * units)
            load_after[reviewer] += units
        count = len(members)
        for position, reviewer in enumerate(sequence):
            plan.pairs.append((members[position % count], reviewer))
    plan.load_after = load_after
    return plan
