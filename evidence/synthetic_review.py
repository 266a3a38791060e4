"""Large synthetic review data for benchmarks, on top of `generate_synthetic_evidence`.

Written with COPY like the responses: 40 reviewers, three reviews a response, a code frame
of 40 themes, three codings a response and 50,000 excerpts. Then the search vectors are
filled as the backfill command does. Not for production data: nothing is audited.
"""

import random

from django.db import connection, transaction
from django.utils import timezone

from levelup.enums import Role
from levelup.models import RoleGrant, User

from .enums import CodingSource, ReviewState, SubmissionStatus
from .models import Answer, CallForEvidence, Coding, Excerpt, Review, Submission, Theme
from .services.search import submission_search_backfill
from .synthetic import _copy

THEMES = [
    "Skills",
    "Apprenticeships",
    "Transport",
    "Housing",
    "High streets",
    "Procurement",
    "Funding",
    "Trust",
    "Young people",
    "Digital",
    "Health",
    "Culture",
]


def generate_synthetic_review(
    *,
    call: CallForEvidence,
    reviewers: int = 40,
    per_response: int = 3,
    themes: int = 40,
    excerpts: int = 50_000,
    seed: int = 7,
    stdout=None,
) -> list[User]:
    """Add reviewers, reviews, a code frame, codings and excerpts to the synthetic call."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable fake data, not secrets
    now = timezone.now()
    with transaction.atomic():
        people = []
        for index in range(reviewers):
            user, _created = User.objects.get_or_create(
                email=f"synthetic-reviewer-{index}@example.org",
                defaults={"name": f"Reviewer {index}"},
            )
            RoleGrant.objects.get_or_create(
                user=user,
                role=Role.REVIEWER,
                content_type_id=_content_type_id(),
                object_id=call.pk,
            )
            people.append(user)
        frame = []
        for index in range(themes):
            name = f"{THEMES[index % len(THEMES)]} {index // len(THEMES) + 1}"
            frame.append(
                Theme.objects.create(
                    call=call,
                    name=name,
                    description=f"Responses about {name.lower()}.",
                    position=index,
                )
            )
    sent = list(
        Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first_answers = dict(
        Answer.objects.filter(
            submission__call=call, question__position=0, question__section__position=0
        ).values_list("submission_id", "pk")
    )
    texts = dict(
        Answer.objects.filter(pk__in=list(first_answers.values())).values_list("pk", "text")
    )
    step = 10_000
    excerpt_every = max(len(sent) // excerpts, 1)
    for start in range(0, len(sent), step):
        batch = sent[start : start + step]
        reviews, codings, quotes = [], [], []
        for offset, submission_id in enumerate(batch):
            position = start + offset
            for k in range(per_response):
                reviewer = people[(position * per_response + k) % len(people)]
                state = rng.choice(ReviewState.values)
                reviews.append(
                    {
                        "created_at": now,
                        "updated_at": now,
                        "call_id": call.pk,
                        "submission_id": submission_id,
                        "reviewer_id": reviewer.pk,
                        "state": state,
                        "confidence": rng.randint(1, 4) if state != "assigned" else None,
                        "notes": "",
                        "flags": [],
                        "total": round(rng.uniform(1, 5), 2) if state != "assigned" else None,
                        "reviewed_at": now if state == ReviewState.REVIEWED else None,
                        "version": 1,
                        "due_on": None,
                        "assigned_by_id": None,
                    }
                )
            for theme in rng.sample(frame, 3):
                codings.append(
                    {
                        "created_at": now,
                        "updated_at": now,
                        "call_id": call.pk,
                        "submission_id": submission_id,
                        "theme_id": theme.pk,
                        "source": CodingSource.MANUAL,
                        "coded_by_id": people[0].pk,
                        "removed_at": None,
                        "removed_by_id": None,
                    }
                )
            answer_id = first_answers.get(submission_id)
            if answer_id and position % excerpt_every == 0 and len(quotes) < excerpts:
                text = texts[answer_id]
                end = min(len(text), 20 + rng.randint(0, 20))
                quotes.append(
                    {
                        "created_at": now,
                        "updated_at": now,
                        "call_id": call.pk,
                        "submission_id": submission_id,
                        "answer_id": answer_id,
                        "attachment_id": None,
                        "number": 1,
                        "start": 0,
                        "end": end,
                        "text": text[:end],
                        "theme_id": rng.choice(frame).pk,
                        "note": "",
                        "created_by_id": people[0].pk,
                    }
                )
        with transaction.atomic():
            _copy_dicts(Review, reviews)
            _copy_dicts(Coding, codings)
            _copy_dicts(Excerpt, quotes)
        if stdout is not None:
            stdout.write(f"{start + len(batch):,} responses reviewed")
    # A rare word, in ten answers, for searches that find almost nothing.
    rare = list(first_answers.values())[:: max(len(first_answers) // 10, 1)][:10]
    Answer.objects.filter(pk__in=rare).update(text="The old lighthouse could be a maker space.")
    submission_search_backfill(call_id=call.pk)
    with connection.cursor() as cursor:
        for model in (Review, Coding, Excerpt, Submission):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    return people


def _copy_dicts(model, rows: list[dict]) -> None:
    """COPY rows given as dicts (all with the same keys, in the same order)."""
    if rows:
        columns = list(rows[0])
        _copy(model, columns, [tuple(row[column] for column in columns) for row in rows])


def _content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(CallForEvidence).pk
