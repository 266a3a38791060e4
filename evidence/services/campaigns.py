"""Campaigns and duplicates: near-identical responses grouped so they are read and coded once.

Similarity is the Jaccard similarity of the responses' word 3-grams (what they wrote, never
who they are), estimated with MinHash and found with locality-sensitive hashing, so a call of
100,000 responses is grouped in one pass without comparing every pair. Responses at least as
similar as the call's `campaign_threshold` join one group; the earliest sent is its
representative. Coding the representative codes the group (see `submission_code`). A person
can split a response out of its group; the grouping job leaves it out from then on.
"""

import re
import zlib
from collections.abc import Callable, Iterator

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import CodingSource, SubmissionStatus
from evidence.models import CallForEvidence, CampaignGroup, Coding, Submission
from levelup.audit import audit_record
from levelup.jobs import job_enqueue
from levelup.models import User

CAMPAIGN_JOB = "evidence.campaigns_group"

# MinHash signature: SIGNATURE values. Candidates are found with the first BANDS × ROWS of
# them in BANDS bands of ROWS values (LSH): with 8 bands of 4, two responses 80% alike become
# candidates 96% of the time, 50% alike 40%. Every candidate pair is then checked against the
# threshold on the whole signature (64 values: fine enough to tell 96% alike from 99%).
BANDS, ROWS = 8, 4
SIGNATURE = 64
_MASKS = (
    np.random.default_rng(7919)
    .integers(0, 2**32, size=SIGNATURE, dtype=np.uint64)
    .astype(np.uint32)
)
_WORD = re.compile(r"[a-z0-9']+")
SHINGLE = 3
MIN_WORDS = 8  # shorter answers ("Yes", "No comment") are not campaigns, however alike
CHUNK = 1000  # responses hashed together (NumPy works on a chunk's shingles at once)
# Multipliers that combine three word hashes into one 3-gram hash (mod 2**32).
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(1))


class _WordHashes(dict):
    """A word's CRC-32, worked out once per distinct word of the call."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode())
        return value


def _shingles(text: str, words: _WordHashes) -> np.ndarray | None:
    """The hashes of the text's word 3-grams (None when it is too short to compare)."""
    found = _WORD.findall(text.lower())
    if len(found) < MIN_WORDS:
        return None
    hashes = np.fromiter((words[w] for w in found), dtype=np.uint64, count=len(found))
    mixed = hashes[:-2] * _MIX[0] + hashes[1:-1] * _MIX[1] + hashes[2:] * _MIX[2]
    return np.unique((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _signatures(shingle_sets: list[np.ndarray]) -> np.ndarray:
    """MinHash signatures of many texts at once: one row of SIGNATURE values per text."""
    sizes = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    flat = np.concatenate(shingle_sets)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return np.minimum.reduceat(flat[:, None] ^ _MASKS[None, :], offsets, axis=0)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text (None when it is too short to compare)."""
    shingles = _shingles(text, _WordHashes())
    return None if shingles is None else _signatures([shingles])[0]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(first == second)) / SIGNATURE


# Each sent response's answers in one row, streamed from a server-side cursor.
TEXTS_SQL = """
    SELECT a.submission_id, string_agg(a.text, E'\n' ORDER BY a.question_id)
    FROM evidence_answer AS a
    JOIN evidence_submission AS s ON s.id = a.submission_id
    WHERE s.call_id = %s AND s.status = %s AND s.campaign_split_at IS NULL AND a.text <> ''
    GROUP BY a.submission_id
"""


def _texts(call: CallForEvidence) -> Iterator[tuple[int, str]]:
    """(submission id, what it wrote) for the call's sent responses not split out by hand."""
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(TEXTS_SQL, [call.pk, SubmissionStatus.SUBMITTED.value])
        while rows := cursor.fetchmany(5000):
            yield from rows


def _components(ids: np.ndarray, edges_from: np.ndarray, edges_to: np.ndarray) -> list[list[int]]:
    """Connected groups (two or more) of the graph on positions 0..n-1, as response ids:
    minimum-label propagation with pointer jumping, in NumPy."""
    labels = np.arange(len(ids))
    if len(edges_from):
        while True:
            low = np.minimum(labels[edges_from], labels[edges_to])
            before = labels.copy()
            np.minimum.at(labels, edges_from, low)
            np.minimum.at(labels, edges_to, low)
            labels = labels[labels]
            if np.array_equal(labels, before):
                break
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.diff(sorted_labels, prepend=-1))
    groups = []
    for members in np.split(order, starts[1:]):
        if len(members) > 1:
            groups.append(sorted(int(pk) for pk in ids[members]))
    return groups


def campaign_components(
    call: CallForEvidence, progress: Callable[[int], None] | None = None
) -> list[list[int]]:
    """Groups (two responses or more) of near-identical responses, each sorted by id."""
    threshold = float(call.campaign_threshold)
    words = _WordHashes()
    ids: list[int] = []
    blocks: list[np.ndarray] = []
    pending_ids: list[int] = []
    pending: list[np.ndarray] = []

    def flush() -> None:
        if pending:
            blocks.append(_signatures(pending))
            ids.extend(pending_ids)
            pending.clear()
            pending_ids.clear()

    for count, (submission_id, text) in enumerate(_texts(call), start=1):
        shingles = _shingles(text, words)
        if shingles is not None:
            pending.append(shingles)
            pending_ids.append(submission_id)
            if len(pending) >= CHUNK:
                flush()
        if progress is not None and count % 5000 == 0:
            progress(count)
    flush()
    if not ids:
        return []
    order = np.argsort(np.array(ids, dtype=np.int64), kind="stable")
    id_array = np.array(ids, dtype=np.int64)[order]
    signatures = np.concatenate(blocks)[order]
    need = int(np.ceil(threshold * SIGNATURE - 1e-9))
    starts_all, ends_all = [], []
    for band in range(BANDS):
        # Responses whose band of ROWS values is identical share a bucket: sort by the band.
        keys = signatures[:, band * ROWS : (band + 1) * ROWS]
        order = np.lexsort(keys.T[::-1])
        keys = keys[order]
        new_bucket = np.ones(len(order), dtype=bool)
        new_bucket[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        first = order[np.maximum.accumulate(np.where(new_bucket, np.arange(len(order)), 0))]
        previous = np.empty_like(order)
        previous[0], previous[1:] = order[0], order[:-1]
        members = order[~new_bucket]
        # Compare each member with its bucket's first and with its neighbour in the bucket:
        # identical campaigns fill one bucket with thousands of ids, so never every pair.
        for other in (first[~new_bucket], previous[~new_bucket]):
            alike = np.count_nonzero(signatures[members] == signatures[other], axis=1) >= need
            starts_all.append(other[alike])
            ends_all.append(members[alike])
    return _components(id_array, np.concatenate(starts_all), np.concatenate(ends_all))


# One statement puts each grouped response in its group and takes the others out.
ASSIGN_SQL = """
    UPDATE evidence_submission AS s SET campaign_group_id = chosen.group_id
    FROM unnest(%s::bigint[], %s::bigint[]) AS chosen(id, group_id)
    WHERE s.id = chosen.id AND s.campaign_group_id IS DISTINCT FROM chosen.group_id
"""


@transaction.atomic
def campaigns_group(*, call: CallForEvidence, progress=None) -> dict[str, int]:
    """Group the call's near-identical responses again. Idempotent: a group keeps its row
    and its representative while that response is still in it; groups that no longer
    exist are removed; new members are given the themes their representative has."""
    components = campaign_components(call, progress=progress)
    grouped = {pk for ids in components for pk in ids}
    numbers, references = {}, {}
    for pk, number, reference in Submission.objects.filter(
        pk__in=list(grouped), number__isnull=False
    ).values_list("pk", "number", "reference"):
        numbers[pk], references[pk] = number, reference
    existing = {group.representative_id: group for group in CampaignGroup.objects.filter(call=call)}
    kept: set[int] = set()
    assignments: dict[int, CampaignGroup] = {}
    changed, created = [], []
    for ids in components:
        ids.sort(key=lambda pk: (numbers.get(pk, 0), pk))
        group = next((existing[pk] for pk in ids if pk in existing), None)
        if group is None:
            group = CampaignGroup(
                call=call,
                representative_id=ids[0],
                similarity=call.campaign_threshold,
                size=len(ids),
                label=_("Campaign %(reference)s") % {"reference": references.get(ids[0], "")},
            )
            created.append(group)
        else:
            group.size = len(ids)
            group.similarity = call.campaign_threshold
            group.updated_at = timezone.now()
            changed.append(group)
            kept.add(group.pk)
        for pk in ids:
            assignments[pk] = group
    CampaignGroup.objects.bulk_create(created, batch_size=2000)
    CampaignGroup.objects.bulk_update(
        changed, ["size", "similarity", "updated_at"], batch_size=2000
    )
    kept.update(group.pk for group in created)
    Submission.objects.filter(call=call, campaign_group__isnull=False).exclude(
        pk__in=list(assignments)
    ).update(campaign_group=None)
    with connection.cursor() as cursor:
        cursor.execute(
            ASSIGN_SQL,
            [list(assignments), [group.pk for group in assignments.values()]],
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


# Each group member gets the representative's current themes it does not have yet (the
# "one current coding per response and theme" constraint skips those it has).
COPY_CODINGS_SQL = """
    INSERT INTO evidence_coding
        (call_id, submission_id, theme_id, source, coded_by_id, created_at, updated_at)
    SELECT g.call_id, s.id, c.theme_id, %s, c.coded_by_id, %s, %s
    FROM evidence_campaigngroup AS g
    JOIN evidence_coding AS c ON c.submission_id = g.representative_id AND c.removed_at IS NULL
    JOIN evidence_submission AS s ON s.campaign_group_id = g.id AND s.id <> g.representative_id
    WHERE g.call_id = %s
    ON CONFLICT DO NOTHING
"""


def _copy_representative_codings(call: CallForEvidence) -> int:
    """Give each group member the representative's current themes it does not have yet:
    one statement."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(COPY_CODINGS_SQL, [CodingSource.CAMPAIGN.value, now, now, call.pk])
        return cursor.rowcount


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
