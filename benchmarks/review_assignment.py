"""Benchmark: automatic assignment of 100,000 responses × 3 reviewers among 40 reviewers.

Not part of the test suite. It uses its own database (`levelup_bench_assign`) on the embedded
PostgreSQL (127.0.0.1:54329), writes the responses, reviewers and conflicts with
`bulk_create` (not the HTTP path), then times `reviews_assign_automatic`: reading the call,
solving the min-cost flow with OR-Tools and writing the 300,000 reviews. Prints the time of
each part and the workloads it produced.

    .venv/bin/python benchmarks/review_assignment.py                   # 100,000 × 3 among 40
    .venv/bin/python benchmarks/review_assignment.py --responses 5000  # a quick run

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_assign"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def fill(*, responses: int, reviewers: int, organisations: int):
    """A fresh call with `responses` sent responses, `reviewers` reviewers, one conflict each."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from evidence.enums import SubmissionStatus
    from evidence.models import CallForEvidence, Review, ReviewerConflict, Submission
    from evidence.selectors.review import conflict_key
    from levelup.enums import Role
    from levelup.models import Body, RoleGrant, User

    body, _ = Body.objects.get_or_create(slug="bench-body", defaults={"name": "Bench body"})
    old = CallForEvidence.objects.filter(slug="bench-assignment").first()
    if old is not None:
        # Raw deletes: the ORM's collector would load 100,000 responses to cascade.
        with connection.cursor() as cursor:
            for table in ("evidence_review", "evidence_reviewerconflict", "evidence_submission"):
                cursor.execute(f"DELETE FROM {table} WHERE call_id = %s", [old.pk])  # noqa: S608
        RoleGrant.objects.filter(role=Role.REVIEWER, object_id=old.pk).delete()
        old.delete()
    now = timezone.now()
    call = CallForEvidence.objects.create(
        body=body,
        title="Benchmark call",
        slug="bench-assignment",
        reference_prefix="BEN",
        opens_at=now - timezone.timedelta(days=60),
        closes_at=now - timezone.timedelta(days=1),
    )
    names = [f"Benchmark Organisation {n}" for n in range(organisations)]
    Submission.objects.bulk_create(
        (
            Submission(
                call=call,
                status=SubmissionStatus.SUBMITTED,
                number=n,
                reference=f"BEN{n:06d}",
                respondent_name=f"Respondent {n}",
                organisation_name=names[n % organisations] if n % 3 else "",
                submitted_at=now,
            )
            for n in range(1, responses + 1)
        ),
        batch_size=10000,
    )
    users = []
    for n in range(reviewers):
        email = f"bench.reviewer.{n}@example.org"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, name=f"Reviewer {n:02d}", password=None
        )
        users.append(user)
    RoleGrant.objects.bulk_create(
        RoleGrant(
            user=user,
            role=Role.REVIEWER,
            content_type=ContentType.objects.get_for_model(CallForEvidence),
            object_id=call.pk,
        )
        for user in users
    )
    ReviewerConflict.objects.bulk_create(
        ReviewerConflict(
            call=call, reviewer=user, organisation_name=names[i], name_key=conflict_key(names[i])
        )
        for i, user in enumerate(users)
    )
    assert not Review.objects.filter(call=call).exists()
    return call, users


def reuse():
    """Last run's call with its reviews removed and every response new again."""
    from django.db import connection

    from evidence.models import CallForEvidence
    from evidence.selectors.review_setup import reviewers_for_call

    call = CallForEvidence.objects.get(slug="bench-assignment")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evidence_review WHERE call_id = %s", [call.pk])
        cursor.execute(
            "UPDATE evidence_submission SET review_state = 'new' WHERE call_id = %s", [call.pk]
        )
        cursor.execute("VACUUM ANALYZE evidence_review")
        cursor.execute("VACUUM ANALYZE evidence_submission")
    return call, list(reviewers_for_call(call=call))


def timed_steps(module, names: list[str]) -> dict[str, float]:
    """Wrap the module's functions `names` to add up the time spent in each."""
    spent = dict.fromkeys(names, 0.0)
    for name in names:
        original = getattr(module, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(module, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--per-response", type=int, default=3)
    parser.add_argument("--organisations", type=int, default=2_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the responses from last time; clear reviews"
    )
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from collections import Counter

    from evidence.models import Review
    from evidence.selectors.review import conflicted_submission_ids
    from evidence.services import review_setup

    started = time.perf_counter()
    if args.reuse:
        call, users = reuse()
    else:
        call, users = fill(
            responses=args.responses, reviewers=args.reviewers, organisations=args.organisations
        )
    filled = time.perf_counter() - started
    print(
        f"Prepared {call.submissions.count():,} responses, {len(users)} reviewers: {filled:.1f} s"
    )

    started = time.perf_counter()
    plan = review_setup.assignment_plan(
        call=call, submission_ids=None, per_response=args.per_response
    )
    planned = time.perf_counter() - started
    print(f"Plan (read + solve), nothing written: {planned:.1f} s, {len(plan.pairs):,} pairs")

    steps = timed_steps(review_setup, ["_reviews_copy", "_submissions_mark_in_review"])
    started = time.perf_counter()
    plan = review_setup.reviews_assign_automatic(
        actor=None, call=call, submission_ids=None, per_response=args.per_response
    )
    total = time.perf_counter() - started
    loads = Counter(Review.objects.filter(call=call).values_list("reviewer_id", flat=True))
    per_response = Counter(
        Counter(Review.objects.filter(call=call).values_list("submission_id", flat=True)).values()
    )
    conflicts_broken = sum(
        Review.objects.filter(
            call=call,
            reviewer=user,
            submission_id__in=conflicted_submission_ids(call=call, reviewer=user),
        ).count()
        for user in users
    )
    print(f"Assign (read + solve + write {len(plan.pairs):,} reviews): {total:.1f} s")
    print(f"  of which COPY of the reviews: {steps['_reviews_copy']:.1f} s")
    print(
        f"  of which marking the responses in review: {steps['_submissions_mark_in_review']:.1f} s"
    )
    rest = total - sum(steps.values())
    print(f"  the rest (plan again under the lock, audit, commit): {rest:.1f} s")
    print(f"Workloads: min {min(loads.values()):,}, max {max(loads.values()):,}")
    print(f"Reviewers per response: {dict(per_response)}")
    print(f"Pairs breaking a conflict: {conflicts_broken}")


if __name__ == "__main__":
    main()
