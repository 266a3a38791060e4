"""Large synthetic data for benchmarks: one open call with questions and many responses.

Rows are written with PostgreSQL's COPY (through psycopg 3), in batches, which writes
100,000 responses and their answers in well under a minute. Not for production data: no
services run and nothing is audited; it exists to measure pages at scale.
"""

import random
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

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


def _places() -> list[Place]:
    places = []
    for name, region in PLACES:
        place, _created = Place.objects.get_or_create(
            slug=f"synthetic-{name.lower().replace(' ', '-')}",
            defaults={"name": name, "local_authority": f"{name} Council", "region": region},
        )
        places.append(place)
    return places


def _copy(model, rows: list[dict]) -> None:
    """COPY rows (dicts of column → Python value) into the model's table."""
    if not rows:
        return
    columns = list(rows[0])
    table = model._meta.db_table
    fields = {f.column: f for f in model._meta.concrete_fields}
    quoted = ", ".join(f'"{column}"' for column in columns)
    sql = f'COPY "{table}" ({quoted}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [fields[c].get_db_prep_save(row[c], connection=connection) for c in columns]
            )


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
    *, submissions: int, batch_size: int = 10_000, seed: int = 42, stdout=None
) -> CallForEvidence:
    """Replace the synthetic call with a new one holding `submissions` responses
    (about 95% sent, 5% drafts), each answering three questions."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable fake data, not secrets
    with transaction.atomic():
        old = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
        if old is not None:
            Submission.objects.filter(call=old).delete()
            old.delete()
        body, _created = Body.objects.get_or_create(
            slug="synthetic-taskforce", defaults={"name": "Synthetic Taskforce"}
        )
        places = _places()
        call, questions = _call(body)
    now = timezone.now()
    org_types = list(OrganisationType.values)
    sizes = list(BusinessSize.values)
    scale = list(ScaleValue.values)
    number = 0
    for start in range(0, submissions, batch_size):
        count = min(batch_size, submissions - start)
        subs, answers = [], []
        ids = _reserve_ids(Submission, count)
        for offset in range(count):
            created = now - timedelta(days=30) + timedelta(seconds=rng.randrange(30 * 86400))
            sent = rng.random() < 0.95
            organisation = rng.random() < 0.6
            org_type = rng.choice(org_types) if organisation else ""
            if sent:
                number += 1
            subs.append(
                {
                    "id": ids[offset],
                    "created_at": created,
                    "updated_at": created,
                    "call_id": call.pk,
                    "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "status": SubmissionStatus.SUBMITTED if sent else SubmissionStatus.DRAFT,
                    "reference": f"SYN{number:04d}" if sent else "",
                    "number": number if sent else None,
                    "respondent_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "respondent_email": f"respondent{start + offset}@example.org",
                    "responding_as": RespondingAs.ORGANISATION
                    if organisation
                    else RespondingAs.INDIVIDUAL,
                    "organisation_name": _organisation_name(rng) if organisation else "",
                    "organisation_type": org_type,
                    "organisation_size": rng.choice(sizes)
                    if org_type == OrganisationType.BUSINESS
                    else "",
                    "place_id": rng.choice(places).pk if rng.random() < 0.9 else None,
                    "publication_preference": rng.choice(PublicationPreference.values),
                    "consent_version": 1,
                    "consented_at": created,
                    "continue_token_hash": "",
                    "submitted_at": created + timedelta(minutes=20) if sent else None,
                    "withdrawn_at": None,
                    "channel": SubmissionChannel.ONLINE,
                    "import_key": "",
                }
            )
            answers.append((ids[offset], created, questions[0], rng.choice(PHRASES), []))
            answers.append((ids[offset], created, questions[1], rng.choice(scale), []))
            answers.append(
                (ids[offset], created, questions[2], "", rng.sample(questions[2].choices, 2))
            )
        with transaction.atomic():
            _copy(Submission, subs)
            _copy(
                Answer,
                [
                    {
                        "created_at": created,
                        "updated_at": created,
                        "submission_id": sub_id,
                        "question_id": question.pk,
                        "text": text,
                        "values": values,
                    }
                    for sub_id, created, question, text, values in answers
                ],
            )
        if stdout is not None:
            stdout.write(f"{start + count:,} responses written")
    ReferenceCounter.objects.update_or_create(call=call, defaults={"last_number": number})
    # VACUUM too, when we may (not inside a transaction, e.g. a test): it sets the visibility
    # map, so index-only scans (the dashboard's counts) behave as after autovacuum in a live
    # database rather than reading every row of freshly copied data.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f'{command} "{Submission._meta.db_table}"')
        cursor.execute(f'{command} "{Answer._meta.db_table}"')
    return call


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
