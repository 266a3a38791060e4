"""Large synthetic data for benchmarks: one open call with questions and many responses.

Rows are written with PostgreSQL's COPY (through psycopg 3), in batches, which writes
100,000 responses and their answers in well under a minute; by default each batch also
carries its review and publishing data (evidence/synthetic_review.py). The search vectors
are written with the rows (computed once for each distinct text). Not for production data:
no services run and nothing is audited; it exists to measure pages at scale.
"""

import random
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.core.management.base import OutputWrapper
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from levelup.enums import BusinessSize, OrganisationType
from levelup.models import Body, Place

from .enums import (
    CallStatus,
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    ScaleValue,
    SubmissionChannel,
    SubmissionStatus,
)
from .models import Answer, CallForEvidence, Question, ReferenceCounter, Section, Submission
from .services.dashboard import dashboard_counts_refresh

SYNTHETIC_SLUG = "synthetic-benchmark-call"
PLACES = [
    ("Blackpool", "North West"),
    ("Wisbech", "East of England"),
    ("Bradford", "Yorkshire and the Humber"),
    ("Hastings", "South East"),
    ("Middlesbrough", "North East"),
    ("Stoke-on-Trent", "West Midlands"),
    ("Great Yarmouth", "East of England"),
    ("Merthyr Tydfil", "Wales"),
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hamza", "Isla", "Jack"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Khan", "Patel", "Smith", "Wilson"]
PHRASES = [
    "Our high street has lost footfall since the bus routes were cut.",
    "Local firms would take on apprentices if the college ran evening courses.",
    "The council and businesses meet, but nobody owns the follow-up.",
    "Empty shop units could become workspace for start-ups.",
    "Young people leave because there are few skilled jobs nearby.",
    "A business connector helped us find three partners in a month.",
]
# A rare sentence, in ten responses, for searches that find almost nothing.
RARE = "The old lighthouse could be a maker space."


def _places() -> list[Place]:
    places = []
    for name, region in PLACES:
        place, _created = Place.objects.get_or_create(
            slug=f"synthetic-{name.lower().replace(' ', '-')}",
            defaults={"name": name, "local_authority": f"{name} Council", "region": region},
        )
        places.append(place)
    return places


def _copy(model, columns: list[str], rows: list[tuple]) -> None:
    """COPY rows (tuples in `columns` order, values psycopg adapts) into the model's table."""
    if not rows:
        return
    table = model._meta.db_table
    quoted = ", ".join(f'"{column}"' for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


class _Progress:
    """A one-line progress bar on a terminal (a line per step when not a terminal)."""

    def __init__(self, stdout, total: int, what: str = "responses"):
        self.stdout, self.total, self.started = stdout, total, time.monotonic()
        self.what = what
        self.tty = bool(stdout) and getattr(stdout, "isatty", lambda: False)()

    def update(self, done: int) -> None:
        if self.stdout is None:
            return
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0
        left = (self.total - done) / rate if rate else 0
        filled = int(30 * done / self.total) if self.total else 30
        line = (
            f"[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} {self.what} "
            f"({100 * done / max(self.total, 1):.0f}%), {elapsed:.0f} s, about {left:.0f} s left"
        )
        text = f"\r{line}" if self.tty else f"{line}\n"
        if self.tty and done >= self.total:
            text += "\n"
        if isinstance(self.stdout, OutputWrapper):
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(text)
        self.stdout.flush()

    def step(self, text: str) -> None:
        """A line for a step after the bar, with the time so far."""
        if self.stdout is None:
            return
        line = f"{text} ({time.monotonic() - self.started:.0f} s)"
        if isinstance(self.stdout, OutputWrapper):
            self.stdout.write(line)
        else:
            self.stdout.write(f"{line}\n")
        self.stdout.flush()


def _call(body: Body) -> tuple[CallForEvidence, list[Question]]:
    now = timezone.now()
    call = CallForEvidence.objects.create(
        body=body,
        title="Synthetic call for benchmarks",
        slug=SYNTHETIC_SLUG,
        summary="A large call used to measure how fast pages are.",
        background="<p>Generated data. Nothing here is real.</p>",
        reference_prefix="SYN",
        contact_email="benchmarks@example.org",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=30),
        status=CallStatus.OPEN,
        word_limit=500,
    )
    about = Section.objects.create(call=call, title="Your experience", position=0)
    ideas = Section.objects.create(call=call, title="What should change", position=1)

    def question(section, position, kind, text, **extra):
        return Question.objects.create(
            call=call, section=section, position=position, kind=kind, text=text, **extra
        )

    questions = [
        question(about, 0, QuestionKind.LONG_TEXT, "What has worked in your place?", required=True),
        question(
            about, 1, QuestionKind.SCALE, "Businesses and the council work well together here."
        ),
        question(
            about,
            2,
            QuestionKind.MULTIPLE_CHOICE,
            "Which barriers matter most?",
            choices=["Skills", "Transport", "Housing", "Funding"],
        ),
        question(ideas, 0, QuestionKind.LONG_TEXT, "What should business do differently?"),
        question(ideas, 1, QuestionKind.NUMBER, "How many staff do you employ locally?"),
        question(ideas, 2, QuestionKind.FILE, "Attach any supporting document."),
    ]
    return call, questions


def generate_synthetic_evidence(
    *,
    submissions: int,
    batch_size: int = 10_000,
    seed: int = 42,
    review: bool = True,
    stdout=None,
) -> CallForEvidence:
    """Replace the synthetic call with a new one holding `submissions` responses
    (about 95% sent, 5% drafts), each answering three questions; with `review`, also the
    review and publishing data of evidence/synthetic_review.py."""
    from .synthetic_review import SyntheticReview, synthetic_review_delete

    rng = random.Random(seed)  # noqa: S311 -- repeatable fake data, not secrets
    progress = _Progress(stdout, submissions)
    with transaction.atomic():
        old = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
        if old is not None:
            with _without_key_checks():
                synthetic_review_delete(call_id=old.pk)
                Submission.objects.filter(call=old).delete()
                old.delete()
            progress.step("The previous synthetic call removed")
        body, _created = Body.objects.get_or_create(
            slug="synthetic-taskforce", defaults={"name": "Synthetic Taskforce"}
        )
        places = _places()
        call, questions = _call(body)
        reviewing = SyntheticReview(call=call) if review else None
    now = timezone.now()
    org_types = list(OrganisationType.values)
    sizes = list(BusinessSize.values)
    scale = list(ScaleValue.values)
    preferences = list(PublicationPreference.values)
    place_ids = [place.pk for place in places]
    long_text, agreement, barriers = questions[0], questions[1], questions[2]
    columns = [
        "id", "created_at", "updated_at", "call_id", "public_id", "status", "reference",
        "number", "respondent_name", "respondent_email", "responding_as", "organisation_name",
        "organisation_type", "organisation_size", "place_id", "publication_preference",
        "consent_version", "consented_at", "continue_token_hash", "submitted_at",
        "withdrawn_at", "channel", "import_key", "moderation_approved", "search_vector",
    ]  # fmt: skip
    answer_columns = [
        "id", "created_at", "updated_at", "submission_id", "question_id", "text", "values",
    ]  # fmt: skip
    empty = Jsonb([])
    as_organisation, as_individual = RespondingAs.ORGANISATION.value, RespondingAs.INDIVIDUAL.value
    vectors = _SearchVectors()
    rare_every = max(submissions // 10, 1)
    number = 0
    start_time = now - timedelta(days=30)
    for start in range(0, submissions, batch_size):
        count = min(batch_size, submissions - start)
        subs, answers, documents = [], [], []
        ids = _reserve_ids(Submission, count)
        answer_ids = _reserve_ids(Answer, 3 * count)
        for offset in range(count):
            pk = ids[offset]
            created = start_time + timedelta(seconds=rng.randrange(30 * 86400))
            sent = rng.random() < 0.95
            organisation = rng.random() < 0.6
            org_type = rng.choice(org_types) if organisation else ""
            if sent:
                number += 1
            preference = rng.choice(preferences)
            index = start + offset
            rare = index % rare_every == rare_every - 1 and index // rare_every < 10
            text = RARE if rare else rng.choice(PHRASES)
            agrees = rng.choice(scale)
            chosen = rng.sample(barriers.choices, 2)
            # The document the search indexes, as evidence/search.py's ANSWERS_SQL builds it.
            document = f"{text} \n{agrees} \n {' '.join(chosen)}"
            documents.append(document)
            subs.append(
                [
                    pk, created, created, call.pk, uuid.UUID(int=rng.getrandbits(128), version=4),
                    SubmissionStatus.SUBMITTED.value if sent else SubmissionStatus.DRAFT.value,
                    f"SYN{number:04d}" if sent else "",
                    number if sent else None,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    f"respondent{index}@example.org",
                    as_organisation if organisation else as_individual,
                    _organisation_name(rng) if organisation else "",
                    org_type,
                    rng.choice(sizes) if org_type == OrganisationType.BUSINESS else "",
                    rng.choice(place_ids) if rng.random() < 0.9 else None,
                    preference,
                    1, created, "",
                    created + timedelta(minutes=20) if sent else None,
                    None, SubmissionChannel.ONLINE.value, "", False, document,
                ]
            )  # fmt: skip
            first = answer_ids[3 * offset]
            answers.append((first, created, created, pk, long_text.pk, text, empty))
            answers.append(
                (answer_ids[3 * offset + 1], created, created, pk, agreement.pk, agrees, empty)
            )
            answers.append(
                (answer_ids[3 * offset + 2], created, created, pk, barriers.pk, "", Jsonb(chosen))
            )
            if sent and reviewing is not None:
                # The copy of the moderation decision the evidence index reads.
                subs[-1][-2] = reviewing.add(
                    submission_id=pk, answer_id=first, text=text, preference=preference
                )
        vectors.fill(documents)
        for row in subs:
            row[-1] = vectors.known[row[-1]]
        with transaction.atomic(), _without_key_checks():
            _copy(Submission, columns, subs)
            _copy(Answer, answer_columns, answers)
            if reviewing is not None:
                reviewing.write()
        progress.update(start + count)
    ReferenceCounter.objects.update_or_create(call=call, defaults={"last_number": number})
    if reviewing is not None:
        reviewing.publish()
        progress.step("Published report: findings, recommendations and figures")
    # VACUUM too, when we may (not inside a transaction, e.g. a test): it sets the visibility
    # map, so index-only scans (the dashboard's counts) behave as after autovacuum in a live
    # database rather than reading every row of freshly copied data.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [Submission, Answer]
    if reviewing is not None:
        from .models import Coding, Excerpt, Moderation, Review

        tables += [Review, Coding, Excerpt, Moderation]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f'{command} "{model._meta.db_table}"')
    progress.step(f"{command} of {len(tables)} tables")
    # The dashboard's counts, as beat would within a minute.
    dashboard_counts_refresh()
    progress.step("Dashboard counts refreshed")
    return call


@contextmanager
def _without_key_checks():
    """Inside a transaction, skip the foreign-key checks PostgreSQL defers to the commit (one
    lookup per written or deleted row and key). The rows are consistent by construction.
    Only a superuser may (the embedded servers connect as one); anyone else keeps the checks.
    The setting is put back at the end, so the rest of an enclosing transaction (a test's)
    is checked as usual; on an error the rollback puts it back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    if superuser:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


class _SearchVectors:
    """Each distinct search document's tsvector, computed once by PostgreSQL and then written
    as text with the responses (a few hundred distinct documents for any number of rows)."""

    def __init__(self):
        self.known: dict[str, str] = {}

    def fill(self, documents: list[str]) -> None:
        missing = sorted(set(documents) - self.known.keys())
        if not missing:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d, (setweight(to_tsvector('english', d), 'A')"
                " || setweight(to_tsvector('english', ''), 'B'))::text"
                " FROM unnest(%s::text[]) AS d",
                [missing],
            )
            self.known.update(cursor.fetchall())


def _organisation_name(rng: random.Random) -> str:
    return f"{rng.choice(LAST)} {rng.choice(['Ltd', 'Trust', 'Partners'])}"


def _reserve_ids(model, count: int) -> list[int]:
    """Take `count` ids from the table's sequence, so COPY rows can point at each other."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
