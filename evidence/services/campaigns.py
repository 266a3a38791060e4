"""Campaigns and duplicates: near-identical responses grouped so they are read and coded once.

Similarity is the Jaccard similarity of the responses' word 3-grams (what they wrote, never
who they are), estimated with MinHash and found with locality-sensitive hashing, so a call of
100,000 responses is grouped in one pass without comparing every pair. Responses at least as
similar as the call's `campaign_threshold` join one group; the earliest sent is its
representative. Coding the representative codes the group (see `submission_code`). A person
can split a response out of its group; the grouping job leaves it out from then on.
"""

import random
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import CodingSource, SubmissionStatus
from evidence.models import Answer, CallForEvidence, CampaignGroup, Coding, Submission
from levelup.audit import audit_record
from levelup.jobs import job_enqueue
from levelup.models import User

CAMPAIGN_JOB = "evidence.campaigns_group"

# MinHash signature: SIGNATURE values, compared in BANDS bands of ROWS values (LSH). With 6
# bands of 4, two responses 80% alike become candidates 96% of the time, 50% alike 32%;
# every candidate pair is then checked against the threshold on the whole signature.
BANDS, ROWS = 8, 4
SIGNATURE = BANDS * ROWS
_MASKS = [random.Random(7919 + i).getrandbits(32) for i in range(SIGNATURE)]  # noqa: S311
_WORD = re.compile(r"[a-z0-9']+")
SHINGLE = 3
MIN_WORDS = 8  # shorter answers ("Yes", "No comment") are not campaigns, however alike


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return set()
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        for i in range(len(words) - SHINGLE + 1)
    }


def signature(text: str) -> tuple[int, ...] | None:
    """The MinHash signature of a text (None when it is too short to compare)."""
    shingles = _shingles(text)
    if not shingles:
        return None
    values = list(shingles)
    return tuple(min([value ^ mask for value in values]) for mask in _MASKS)


def similarity(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / SIGNATURE


def _texts(call: CallForEvidence) -> Iterator[tuple[int, str]]:
    """(submission id, what it wrote) for the call's sent responses not split out by hand."""
    rows = (
        Answer.objects.filter(
            submission__call=call,
            submission__status=SubmissionStatus.SUBMITTED,
            submission__campaign_split_at__isnull=True,
        )
        .exclude(text="")
        .order_by("submission_id", "question_id")
        .values_list("submission_id", "text")
    )
    current, parts = None, []
    for submission_id, text in rows.iterator(chunk_size=5000):
        if submission_id != current:
            if current is not None:
                yield current, "\n".join(parts)
            current, parts = submission_id, []
        parts.append(text)
    if current is not None:
        yield current, "\n".join(parts)


class _Groups:
    """Union-find over response ids."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent.get(item, item)
        return root

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def campaign_components(call: CallForEvidence, progress=None) -> list[list[int]]:
    """Groups (two responses or more) of near-identical responses, each sorted by id."""
    threshold = call.campaign_threshold
    signatures: dict[int, tuple[int, ...]] = {}
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for count, (submission_id, text) in enumerate(_texts(call), start=1):
        sig = signature(text)
        if sig is None:
            continue
        signatures[submission_id] = sig
        for band in range(BANDS):
            buckets[(band, *sig[band * ROWS : (band + 1) * ROWS])].append(submission_id)
        if progress is not None and count % 5000 == 0:
            progress(count)
    groups = _Groups()
    for members in buckets.values():
        if len(members) < 2:
            continue
        # Compare each member with the bucket's first and with its neighbour: identical
        # campaigns fill one bucket with thousands of ids, so never every pair.
        first = members[0]
        for previous, member in pairwise(members):
            if groups.find(member) == groups.find(first):
                continue
            if similarity(signatures[first], signatures[member]) >= threshold:
                groups.union(first, member)
            elif similarity(signatures[previous], signatures[member]) >= threshold:
                groups.union(previous, member)
    components: dict[int, list[int]] = defaultdict(list)
    for submission_id in groups.parent:
        components[groups.find(submission_id)].append(submission_id)
    for root in list(components):
        if root not in components[root]:
            components[root].append(root)
    return [sorted(ids) for ids in components.values() if len(ids) > 1]


@transaction.atomic
def campaigns_group(*, call: CallForEvidence, progress=None) -> dict[str, int]:
    """Group the call's near-identical responses again. Idempotent: a group keeps its row
    and its representative while that response is still in it; groups that no longer
    exist are removed; new members are given the themes their representative has."""
    components = campaign_components(call, progress=progress)
    numbers = dict(
        Submission.objects.filter(call=call, number__isnull=False).values_list("pk", "number")
    )
    existing = {group.representative_id: group for group in CampaignGroup.objects.filter(call=call)}
    kept: set[int] = set()
    assignments: dict[int, int] = {}
    for ids in components:
        ids.sort(key=lambda pk: (numbers.get(pk, 0), pk))
        group = next((existing[pk] for pk in ids if pk in existing), None)
        if group is None:
            group = CampaignGroup.objects.create(
                call=call,
                representative_id=ids[0],
                similarity=call.campaign_threshold,
                size=len(ids),
                label=_("Campaign %(reference)s") % {"reference": _reference(ids[0])},
            )
        else:
            group.size = len(ids)
            group.similarity = call.campaign_threshold
            group.save(update_fields=["size", "similarity", "updated_at"])
        kept.add(group.pk)
        for pk in ids:
            assignments[pk] = group.pk
    Submission.objects.filter(call=call, campaign_group__isnull=False).exclude(
        pk__in=list(assignments)
    ).update(campaign_group=None)
    by_group: dict[int, list[int]] = defaultdict(list)
    for pk, group_id in assignments.items():
        by_group[group_id].append(pk)
    for group_id, ids in by_group.items():
        Submission.objects.filter(pk__in=ids).exclude(campaign_group_id=group_id).update(
            campaign_group_id=group_id
        )
    stale = CampaignGroup.objects.filter(call=call).exclude(pk__in=kept)
    removed = stale.count()
    stale.delete()
    copied = _copy_representative_codings(call)
    result = {
        "groups": len(kept),
        "grouped": len(assignments),
        "removed_groups": removed,
        "codings_copied": copied,
    }
    audit_record(actor=None, action="evidence.campaigns.group", target=call, changes=result)
    return result


def _reference(submission_id: int) -> str:
    return Submission.objects.filter(pk=submission_id).values_list("reference", flat=True)[0]


def _copy_representative_codings(call: CallForEvidence) -> int:
    """Give each group member the representative's current themes it does not have yet."""
    current = Coding.objects.filter(call=call, removed_at__isnull=True)
    wanted = []
    for group in CampaignGroup.objects.filter(call=call):
        themes = set(
            current.filter(submission_id=group.representative_id).values_list("theme_id", flat=True)
        )
        if not themes:
            continue
        members = list(
            Submission.objects.filter(campaign_group=group)
            .exclude(pk=group.representative_id)
            .values_list("pk", flat=True)
        )
        have = set(
            current.filter(submission_id__in=members).values_list("submission_id", "theme_id")
        )
        coded_by = (
            current.filter(submission_id=group.representative_id)
            .values_list("coded_by_id", flat=True)
            .first()
        )
        wanted += [
            Coding(
                call=call,
                submission_id=member,
                theme_id=theme,
                source=CodingSource.CAMPAIGN,
                coded_by_id=coded_by,
            )
            for member in members
            for theme in themes
            if (member, theme) not in have
        ]
    Coding.objects.bulk_create(wanted, batch_size=2000)
    return len(wanted)


@transaction.atomic
def campaigns_group_start(*, actor: User, call: CallForEvidence):
    """Queue the grouping job for the call (it runs in the background)."""
    return job_enqueue(actor=actor, kind=CAMPAIGN_JOB, target=call, params={"call_id": call.pk})


@transaction.atomic
def campaign_split(*, actor: User, submission: Submission) -> Submission:
    """Take a response out of its campaign group: it is read and coded on its own from now
    on (the themes it had through the group are taken off), and grouping leaves it out."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    group = locked.campaign_group
    if group is None:
        raise ValidationError(_("This response is not part of a campaign group."))
    group = CampaignGroup.objects.select_for_update().get(pk=group.pk)
    now = timezone.now()
    locked.campaign_group = None
    locked.campaign_split_at = now
    locked.save(update_fields=["campaign_group", "campaign_split_at", "updated_at"])
    Coding.objects.filter(
        submission=locked, source=CodingSource.CAMPAIGN, removed_at__isnull=True
    ).update(removed_at=now, removed_by=actor)
    remaining = Submission.objects.filter(campaign_group=group)
    size = remaining.count()
    if size < 2:
        remaining.update(campaign_group=None)
        group.delete()
    else:
        if group.representative_id == locked.pk:
            group.representative_id = remaining.order_by("number", "pk").values_list(
                "pk", flat=True
            )[0]
        group.size = size
        group.save(update_fields=["representative", "size", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.campaign.split",
        target=locked,
        changes={"group": group.pk, "left": size},
    )
    return locked
