"""The evidence part of the demo data, written in our own words. Idempotent.

Two calls of the Place Taskforce: the closed "role of business in place-based regeneration"
with seven questions and sixty responses from every kind of respondent, and an open call on
skills in coastal towns, so that the respondent journey can be tried.
"""

import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from levelup.demo import demo_user, ensure_grant
from levelup.enums import BusinessSize, OrganisationType, Role
from levelup.models import Body, Place

from .demo_followup import load_followup_demo
from .enums import (
    CallStatus,
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    ScaleValue,
    SubmissionStatus,
)
from .models import Answer, CallForEvidence, Question, ReferenceCounter, Section, Submission
from .services.dashboard import dashboard_counts_refresh

B = OrganisationType.BUSINESS
LA = OrganisationType.LOCAL_AUTHORITY

CLOSED_CALL = {
    "title": "The role of business in place-based regeneration",
    "summary": (
        "How can businesses of every size work with councils and communities to improve the "
        "places where they operate? We asked businesses, councils, community groups, "
        "universities and parliamentarians."
    ),
    "background": (
        "<p>Many towns have seen their high streets empty and their young people leave. "
        "Businesses are part of these places: they employ local people, buy from local "
        "suppliers and often care about the town they grew up in.</p>"
        "<p>The Place Taskforce wants to understand what business already does for the "
        "places it is part of, what gets in the way, and what would help business, councils "
        "and communities to agree a shared plan and stick to it.</p>"
    ),
    "who_should_respond": (
        "Businesses of every size, councils and combined authorities, community and "
        "voluntary groups, universities and colleges, MPs and peers, and anyone with "
        "experience of local partnerships."
    ),
    "guidance": (
        "Answer the questions that matter to you; only two are required. Short, concrete "
        "examples help us most. You can attach a report if you have one."
    ),
    "privacy_notice": (
        "The Place Taskforce uses your response to write its report. We keep responses for "
        "two years after the report is published, then delete them. We only publish your "
        "response if you allow it, and never publish your email address."
    ),
    "publication_policy": (
        "We will publish responses whose authors agreed, after removing personal details "
        "about other people. Responses from organisations are published with the "
        "organisation's name unless you ask us not to."
    ),
    "reference_prefix": "PTF",
    "contact_email": "taskforce@levelup.example",
    "word_limit": 500,
}

CLOSED_SECTIONS = [
    (
        "Your involvement",
        "A little about how you are involved in the place where you work or live.",
        [
            (
                QuestionKind.SINGLE_CHOICE,
                "How involved is your organisation in regenerating the place where it operates?",
                False,
                ["Very involved", "Somewhat involved", "Not involved yet"],
                "",
            ),
            (
                QuestionKind.LONG_TEXT,
                "What does business contribute to regeneration in your place today? "
                "Please give examples.",
                True,
                [],
                "Think of jobs, training, buying locally, volunteering, space and money.",
            ),
        ],
    ),
    (
        "Barriers and what works",
        "",
        [
            (
                QuestionKind.MULTIPLE_CHOICE,
                "What stops businesses from doing more? Choose all that apply.",
                False,
                [
                    "Lack of time",
                    "Not knowing who to talk to",
                    "No clear local plan",
                    "Cost",
                    "Council processes",
                ],
                "",
            ),
            (
                QuestionKind.LONG_TEXT,
                "What has worked well when business, the council and community groups "
                "worked together?",
                True,
                [],
                "",
            ),
            (
                QuestionKind.SCALE,
                "Our council makes it easy for businesses to take part in local plans.",
                False,
                [],
                "",
            ),
        ],
    ),
    (
        "Looking ahead",
        "",
        [
            (
                QuestionKind.LONG_TEXT,
                "What should national government change to help business play its part?",
                False,
                [],
                "",
            ),
            (
                QuestionKind.NUMBER,
                "Roughly how many people does your organisation employ in the place?",
                False,
                [],
                "An estimate is fine.",
            ),
        ],
    ),
]

OPEN_CALL = {
    "title": "Skills and young people in coastal towns",
    "summary": (
        "What stops young people in coastal towns from getting the skills local employers "
        "need, and what has worked where you live?"
    ),
    "background": (
        "<p>Coastal towns often have fewer routes into skilled work than inland cities. "
        "We want to hear from young people, parents, employers, colleges and councils about "
        "what makes a difference.</p>"
    ),
    "who_should_respond": "Anyone who lives, learns or works in a coastal town.",
    "guidance": "Tell us in your own words. Examples from your own town help most.",
    "privacy_notice": (
        "We use your response to write our report and keep it for two years after the "
        "report is published. We publish it only if you allow it."
    ),
    "publication_policy": "We publish responses whose authors agreed, without email addresses.",
    "reference_prefix": "SYP",
    "contact_email": "taskforce@levelup.example",
    "word_limit": 400,
}

OPEN_SECTIONS = [
    (
        "Your experience",
        "",
        [
            (
                QuestionKind.LONG_TEXT,
                "What makes it hard for young people in your town to get the skills "
                "employers need?",
                True,
                [],
                "",
            ),
            (
                QuestionKind.SCALE,
                "Young people in my town know which local employers are hiring.",
                False,
                [],
                "",
            ),
        ],
    ),
    (
        "What works",
        "",
        [
            (
                QuestionKind.LONG_TEXT,
                "Tell us about a scheme, course or employer that has made a difference.",
                False,
                [],
                "",
            ),
            (
                QuestionKind.FILE,
                "Attach a report or case study",
                False,
                [],
                "If you have written something already, attach it here.",
            ),
        ],
    ),
]

# Respondents of the closed call: (name or organisation, type, size, place slug).
RESPONDENTS = [
    ("Promenade Print Co.", B, BusinessSize.MICRO, "blackpool"),
    ("Golden Mile Rock Shop", B, BusinessSize.MICRO, "blackpool"),
    ("Tower Street Bakery", B, BusinessSize.MICRO, "blackpool"),
    ("Fenland Fresh Produce", B, BusinessSize.SMALL, "wisbech"),
    ("Nene Quay Joinery", B, BusinessSize.SMALL, "wisbech"),
    ("Market Place Opticians", B, BusinessSize.MICRO, "wisbech"),
    ("Aire Valley Engineering", B, BusinessSize.MEDIUM, "bradford"),
    ("Little Germany Lofts", B, BusinessSize.SMALL, "bradford"),
    ("Pennine Textiles Group", B, BusinessSize.LARGE, "bradford"),
    ("Northern Lights Energy plc", B, BusinessSize.LARGE, "blackpool"),
    ("Fylde Coast Logistics", B, BusinessSize.MEDIUM, "blackpool"),
    ("Isle of Ely Growers", B, BusinessSize.MEDIUM, "wisbech"),
    ("Bradford Curry Kitchen", B, BusinessSize.SMALL, "bradford"),
    ("Seafront Hotels Ltd", B, BusinessSize.MEDIUM, "blackpool"),
    ("National Grocers plc", B, BusinessSize.LARGE, ""),
    ("Wool Exchange Coffee", B, BusinessSize.MICRO, "bradford"),
    ("Blackpool Council", LA, "", "blackpool"),
    ("Fenland District Council", LA, "", "wisbech"),
    ("City of Bradford Metropolitan District Council", LA, "", "bradford"),
    ("Cambridgeshire County Council", LA, "", "wisbech"),
    ("Lancashire Combined Authority", OrganisationType.COMBINED_AUTHORITY, "", "blackpool"),
    ("West Yorkshire Combined Authority", OrganisationType.COMBINED_AUTHORITY, "", "bradford"),
    ("Wisbech Community Larder", OrganisationType.COMMUNITY, "", "wisbech"),
    ("Manningham Youth Trust", OrganisationType.COMMUNITY, "", "bradford"),
    ("Revoe Residents' Association", OrganisationType.COMMUNITY, "", "blackpool"),
    ("Fenland Volunteer Centre", OrganisationType.COMMUNITY, "", "wisbech"),
    ("Bradford Credit Union", OrganisationType.COMMUNITY, "", "bradford"),
    ("Claremont Community Garden", OrganisationType.COMMUNITY, "", "blackpool"),
    ("Fylde Coast College", OrganisationType.EDUCATION, "", "blackpool"),
    ("University of the Pennines", OrganisationType.EDUCATION, "", "bradford"),
    ("College of West Anglia", OrganisationType.EDUCATION, "", "wisbech"),
    ("Centre for Towns Research", OrganisationType.EDUCATION, "", ""),
    ("Coastal Towns Commission", OrganisationType.PUBLIC_BODY, "", "blackpool"),
    ("Office of the Member for Wisbech", OrganisationType.PARLIAMENTARIAN, "", "wisbech"),
    ("Office of the Member for Blackpool North", OrganisationType.PARLIAMENTARIAN, "", "blackpool"),
    ("Office of the Member for Bradford East", OrganisationType.PARLIAMENTARIAN, "", "bradford"),
    ("Friends of Lister Park", OrganisationType.OTHER, "", "bradford"),
    ("Blackpool Chamber of Commerce", OrganisationType.OTHER, "", "blackpool"),
    ("Wisbech Town Centre Partnership", OrganisationType.OTHER, "", "wisbech"),
    ("Federation of Small Firms, North", OrganisationType.OTHER, "", ""),
]
INDIVIDUALS = [
    ("Aisha Rahman", "bradford"),
    ("Tom Barker", "blackpool"),
    ("Gwen Lloyd", "wisbech"),
    ("Mohammed Iqbal", "bradford"),
    ("Sarah Whitworth", "blackpool"),
    ("Dan Kowalski", "wisbech"),
    ("Priya Shah", "bradford"),
    ("Graham Holt", "blackpool"),
    ("Ellen McCarthy", ""),
    ("Joe Pearson", "wisbech"),
    ("Nadia Hussain", "bradford"),
    ("Kevin Armitage", "blackpool"),
    ("Ruth Osei", "bradford"),
    ("Callum Reid", ""),
    ("Megan Fairclough", "blackpool"),
    ("Stanislav Nowak", "wisbech"),
    ("Hannah Brook", "bradford"),
    ("Peter Lomax", "blackpool"),
    ("Imogen Tate", "wisbech"),
    ("Lewis Grant", "bradford"),
]

CONTRIBUTIONS = {
    B: [
        "We take on two apprentices a year from the local college and most of them stay with us.",
        "We buy our supplies from firms within twenty miles wherever we can.",
        "Our staff volunteer a day a year each, mostly with the food bank and the park friends.",
        "We opened our meeting room to community groups free of charge in the evenings.",
        "We sponsor the town's summer festival and pay for its stewards.",
        "We moved our head office back into the town centre so our staff use the shops at lunch.",
    ],
    "public": [
        "The council brings employers into the town deal board and its sub-groups.",
        "We broker work placements between schools and larger employers.",
        "Business rates relief has kept a dozen shops open on the high street.",
        "Our regeneration team meets the chamber of commerce every month.",
    ],
    "community": [
        "Local firms give us surplus food, vans at weekends and the odd volunteer day.",
        "A builders' merchant donated materials to rebuild our community hall.",
        "Businesses mentor the young people who come to our youth club.",
        "A bank branch lets us run money advice sessions in its back office.",
    ],
    "other": [
        "From what I see, the biggest employers do the most, but small shops are the heart of it.",
        "Businesses here give money to good causes but rarely join the conversation about plans.",
        "Our research finds local firms spend far more locally than national chains do.",
        "Firms are willing, but nobody asks them until the plan is already written.",
    ],
}
WHAT_WORKED = [
    "A named person at the council who answered the phone made all the difference.",
    "A shared list of what each partner needed and could offer, kept up to date, worked well.",
    "A neutral broker who was neither council nor business got people round one table.",
    "Small, visible wins first (cleaning up one street) built trust for the bigger plans.",
    "Meeting in the community centre rather than the town hall brought different people in.",
    "Agreeing one goal for the whole town, and writing it down, stopped the arguments.",
    "Regular updates on what had been delivered kept businesses interested.",
    "Honestly, nothing has worked well yet: meetings happen, then nothing changes.",
]
NATIONAL = [
    "Funding that lasts longer than one year, so partnerships can plan.",
    "Fewer competitive bidding rounds; they reward councils with bid writers, not need.",
    "Let councils keep more of the business rates growth they help create.",
    "Recognise business time and in-kind support as match funding.",
    "Publish simple data on each place so partners agree on the facts.",
    "",
]
FIRST_NAMES = ["Alex", "Bernadette", "Chris", "Deepa", "Eamon", "Fatima", "George", "Helen"]
LAST_NAMES = ["Ashworth", "Begum", "Clarke", "Dawson", "Evans", "Farrow", "Gill", "Hartley"]
BARRIERS = [
    "Lack of time",
    "Not knowing who to talk to",
    "No clear local plan",
    "Cost",
    "Council processes",
]
INVOLVEMENT = ["Very involved", "Somewhat involved", "Not involved yet"]


def _call(body: Body, slug: str, values: dict, status: str, opens_at, closes_at) -> CallForEvidence:
    call, _created = CallForEvidence.objects.update_or_create(
        slug=slug,
        defaults={
            **values,
            "body": body,
            "status": status,
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
    )
    return call


def _questions(call: CallForEvidence, sections: list) -> list[Question]:
    questions = []
    for s_pos, (title, description, items) in enumerate(sections):
        section, _ = Section.objects.update_or_create(
            call=call, title=title, defaults={"description": description, "position": s_pos}
        )
        for q_pos, (kind, text, required, choices, help_text) in enumerate(items):
            question, _ = Question.objects.update_or_create(
                call=call,
                text=text,
                defaults={
                    "section": section,
                    "kind": kind,
                    "required": required,
                    "choices": choices,
                    "help_text": help_text,
                    "position": q_pos,
                },
            )
            questions.append(question)
    return questions


def _respondent_rows() -> list[dict]:
    rows = []
    for name, kind, size, place in RESPONDENTS:
        rows.append(
            {
                "respondent_name": "",
                "responding_as": RespondingAs.ORGANISATION,
                "organisation_name": name,
                "organisation_type": kind,
                "organisation_size": size,
                "place": place,
            }
        )
    for name, place in INDIVIDUALS:
        rows.append(
            {
                "respondent_name": name,
                "responding_as": RespondingAs.INDIVIDUAL,
                "organisation_name": "",
                "organisation_type": "",
                "organisation_size": "",
                "place": place,
            }
        )
    return rows


def _pool(kind: str) -> list[str]:
    if kind == B:
        return CONTRIBUTIONS[B]
    if kind in (LA, OrganisationType.COMBINED_AUTHORITY, OrganisationType.PUBLIC_BODY):
        return CONTRIBUTIONS["public"]
    if kind == OrganisationType.COMMUNITY:
        return CONTRIBUTIONS["community"]
    return CONTRIBUTIONS["other"]


def _answers(rng: random.Random, row: dict, place_name: str, questions: list[Question]):
    involvement, contribution, barriers, worked, scale, national, staff = questions
    pool = _pool(row["organisation_type"])
    text = " ".join(rng.sample(pool, k=2))
    if place_name:
        # "In Wisbech, our research finds…": the sentence carries on after the place.
        text = f"In {place_name}, {text[0].lower()}{text[1:]}"
    values = {
        involvement: {"text": rng.choice(INVOLVEMENT)},
        contribution: {"text": text},
        barriers: {"values": sorted(rng.sample(BARRIERS, k=rng.randint(1, 3)))},
        worked: {"text": " ".join(rng.sample(WHAT_WORKED, k=2))},
        scale: {"text": rng.choice(list(ScaleValue.values))},
        national: {"text": rng.choice(NATIONAL)},
    }
    if row["organisation_type"] == B:
        sizes = {"micro": (2, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 2000)}
        low, high = sizes[row["organisation_size"]]
        values[staff] = {"text": str(rng.randint(low, high))}
    return values


def _submissions(call: CallForEvidence, questions: list[Question], opened: datetime) -> None:
    """Sixty responses over the six weeks the call was open: 55 sent, 2 withdrawn, 3 drafts."""
    rng = random.Random(2021)  # noqa: S311 -- repeatable demo text, not security
    places = {p.slug: p for p in Place.objects.all()}
    rows = _respondent_rows()
    rng.shuffle(rows)
    number = Submission.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0
    for index, row in enumerate(rows, start=1):
        key = f"demo-{index:02d}"
        if Submission.objects.filter(call=call, import_key=key).exists():
            continue
        place = places.get(row.pop("place"))
        if not row["respondent_name"]:
            row["respondent_name"] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        started = opened + timedelta(days=rng.randint(0, 40), hours=rng.randint(8, 20))
        status = SubmissionStatus.SUBMITTED
        if index > 57:
            status = SubmissionStatus.DRAFT
        elif index > 55:
            status = SubmissionStatus.WITHDRAWN
        slug = row["organisation_name"] or row["respondent_name"]
        submission = Submission(
            call=call,
            import_key=key,
            created_at=started,
            respondent_email=f"{_email_name(slug)}@example.org",
            place=place,
            publication_preference=rng.choice(list(PublicationPreference.values)),
            consent_version=call.privacy_notice_version,
            consented_at=started,
            status=status,
            **row,
        )
        if status != SubmissionStatus.DRAFT:
            number += 1
            submission.number = number
            submission.reference = f"{call.reference_prefix}{number:04d}"
            submission.submitted_at = started + timedelta(hours=rng.randint(1, 72))
        if status == SubmissionStatus.WITHDRAWN:
            submission.withdrawn_at = submission.submitted_at + timedelta(days=2)
        submission.full_clean()
        submission.save()
        answers = _answers(rng, row, place.name if place else "", questions)
        Answer.objects.bulk_create(
            Answer(
                submission=submission,
                question=q,
                text=v.get("text", ""),
                values=v.get("values", []),
            )
            for q, v in answers.items()
            if v.get("text") or v.get("values")
        )
    ReferenceCounter.objects.update_or_create(call=call, defaults={"last_number": number})


def _email_name(text: str) -> str:
    return slugify(text)[:40].strip("-").replace("-", ".")


@transaction.atomic
def load_evidence() -> None:
    body = Body.objects.get(slug="place-taskforce")
    now = timezone.now()
    existing = CallForEvidence.objects.filter(
        slug="role-of-business-in-place-based-regeneration"
    ).first()
    # Keep the dates of an earlier run, so running the demo twice changes nothing.
    opened = existing.opens_at if existing else now - timedelta(days=120)
    closed = _call(
        body,
        "role-of-business-in-place-based-regeneration",
        CLOSED_CALL,
        CallStatus.CLOSED,
        opened,
        opened + timedelta(days=60),
    )
    _submissions(closed, _questions(closed, CLOSED_SECTIONS), opened)
    existing_open = CallForEvidence.objects.filter(
        slug="skills-and-young-people-in-coastal-towns"
    ).first()
    opens_at = existing_open.opens_at if existing_open else now - timedelta(days=7)
    closes_at = existing_open.closes_at if existing_open else now + timedelta(days=45)
    if closes_at <= now + timedelta(days=1):
        # The demo promises one open call: weeks later, `make run` moves its deadline on.
        closes_at = now + timedelta(days=45)
    open_call = _call(
        body,
        "skills-and-young-people-in-coastal-towns",
        OPEN_CALL,
        CallStatus.OPEN,
        opens_at,
        closes_at,
    )
    _questions(open_call, OPEN_SECTIONS)
    _imports(open_call)
    ensure_grant(user=demo_user("reviewer"), role=Role.REVIEWER, target=closed)
    # The secretariat's set-up (rubric, code frame, phases, assignments) comes first; the
    # reviewers' work (codings, excerpts, scores, a campaign, suggestions) builds on it.
    _demo_review_setup(closed)
    _demo_review_work()
    load_report()
    # Following up recommendations, after any published report above.
    load_followup_demo()
    # The dashboards' counts now, rather than at beat's next minute.
    dashboard_counts_refresh()


# Responses the secretariat typed into a spreadsheet, imported into the open call: one import
# finished, one whose worker kept stopping (failed, with "Try again" on its page).
IMPORTS = [
    (
        "youth-forum-paper-forms.csv",
        "Name,Email,What makes it hard for young people in your town to get the skills "
        "employers need?\n"
        "Kayla Morris,kayla.morris@example.org,The engineering course is two buses away.\n"
        "Dan Whitworth,dan.whitworth@example.org,Nobody at school tells you about "
        "apprenticeships.\n"
        "Priya Shah,priya.shah@example.org,Summer jobs on the front stop in September.\n",
        False,
    ),
    (
        "careers-fair-survey.csv",
        "Name,Email,What makes it hard for young people in your town to get the skills "
        "employers need?\n"
        "Owen Pryce,owen.pryce@example.org,There is no careers adviser in the sixth form.\n"
        "Leah Conway,leah.conway@example.org,Employers want experience we cannot get here.\n",
        True,
    ),
]


def _imports(call: CallForEvidence) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from levelup.enums import JobStatus
    from levelup.jobs import job_run
    from levelup.models import Job
    from levelup.selectors import job_latest

    from .models import ImportJob
    from .services.imports import (
        IMPORT_JOB_KIND,
        import_map,
        import_run_job,
        import_start,
        import_upload,
    )

    user = demo_user("secretariat")
    for name, text, fails in IMPORTS:
        if ImportJob.objects.filter(call=call, original_name=name).exists():
            continue
        # One transaction: the job's message goes to the broker only after it has run here.
        with transaction.atomic():
            upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
            job = import_upload(actor=user, call=call, uploaded_file=upload)
            job = import_start(actor=user, job=import_map(actor=user, job=job, mapping=job.mapping))
            background = job_latest(target=job, kind=IMPORT_JOB_KIND)
            if fails:
                # As if the worker running it had been stopped on each attempt.
                now = timezone.now()
                Job.objects.filter(pk=background.pk).update(
                    status=JobStatus.RUNNING,
                    attempts=background.max_attempts,
                    started_at=now,
                    heartbeat_at=now,
                )
            job_run(job_id=background.pk, body=lambda run: import_run_job(run=run))


# ---------------------------------------------------------------------------------------------
# Review, the reviewer's side: search, a campaign, codings, excerpts, scores, suggestions.

CAMPAIGN_TEXT = (
    "We are members of the Keep Our High Street Alive campaign. Our town centre is losing "
    "its banks, its post office and its independent shops one by one. Business rates fall "
    "hardest on the small traders who keep the high street open, while online retailers pay "
    "little towards the place. We ask the Taskforce to recommend a fairer system of business "
    "rates, a fund to bring empty shops back into use, and a duty on councils to involve "
    "local traders in every town centre plan."
)
# The two required questions, answered the same way by every member of the campaign.
CAMPAIGN_REQUIRED = {
    "What does business contribute": (
        "Our members are the small shops, cafés and market stalls that keep the town centre "
        "open six days a week and employ local people."
    ),
    "What has worked well": (
        "When the council let traders run the Christmas market together, footfall rose and "
        "two empty units were let within the year."
    ),
}
CAMPAIGN_OPENINGS = [
    ("Gwen Atherton", "blackpool", ""),
    ("Malik Hussain", "bradford", "I am writing in support of my neighbours. "),
    ("Sandra Pike", "wisbech", "Please read this as my own response. "),
    ("Owen Leckie", "blackpool", "As a market trader for twenty years: "),
    ("Priya Raman", "bradford", ""),
    ("Tom Whitlock", "wisbech", "I agree with the campaign. "),
]

# A rubric and a code frame for when the call has none yet (the secretariat's own set-up,
# loaded first when present, takes precedence).
DEMO_CRITERIA = [
    ("Relevance", "How closely the response speaks to the questions we asked.", 2),
    ("Strength of evidence", "Figures, examples and sources that back up what it says.", 2),
    ("Originality", "Whether it tells us something we have not heard elsewhere.", 1),
]
DEMO_LEVELS = [
    (1, "Weak", "Little we can use."),
    (2, "Limited", "Some points, thinly supported."),
    (3, "Adequate", "Useful, with some support."),
    (4, "Good", "Clear, with examples."),
    (5, "Excellent", "Evidence we should quote."),
]
DEMO_THEMES = [
    (
        "Skills and jobs",
        "Training, apprenticeships and local hiring.",
        [
            ("Apprenticeships", "Apprentices, placements and traineeships with local employers."),
            ("Schools and colleges", "Business working with schools, colleges and universities."),
        ],
    ),
    (
        "Buying locally",
        "Procurement, supply chains and local spending.",
        [
            ("Public procurement", "Council and public sector buying from local firms."),
        ],
    ),
    (
        "High streets",
        "Town centres, empty shops, markets and business rates.",
        [
            ("Business rates", "The cost of rates for small traders and what should change."),
        ],
    ),
    (
        "Partnership and trust",
        "How business, councils and communities work together.",
        [
            ("A shared plan", "One plan for the place that everyone signs up to."),
        ],
    ),
]


def _campaign_responses(call: CallForEvidence) -> list[Submission]:
    """Six near-identical responses from a local campaign (idempotent)."""
    question = Question.objects.get(
        call=call, text__startswith="What should national government change"
    )
    required = [
        (Question.objects.get(call=call, text__startswith=start), text)
        for start, text in CAMPAIGN_REQUIRED.items()
    ]
    places = {p.slug: p for p in Place.objects.all()}
    created = []
    number = Submission.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0
    sent_at = call.closes_at - timedelta(days=3)
    for index, (name, place, opening) in enumerate(CAMPAIGN_OPENINGS, start=1):
        key = f"demo-campaign-{index:02d}"
        submission = Submission.objects.filter(call=call, import_key=key).first()
        if submission is None:
            number += 1
            submission = Submission.objects.create(
                call=call,
                import_key=key,
                respondent_name=name,
                respondent_email=f"{_email_name(name)}@example.org",
                responding_as=RespondingAs.INDIVIDUAL,
                place=places.get(place),
                publication_preference=PublicationPreference.ANONYMOUS,
                consent_version=call.privacy_notice_version,
                consented_at=sent_at,
                status=SubmissionStatus.SUBMITTED,
                number=number,
                reference=f"{call.reference_prefix}{number:04d}",
                submitted_at=sent_at + timedelta(hours=index),
            )
            Answer.objects.create(
                submission=submission, question=question, text=opening + CAMPAIGN_TEXT
            )
            for required_question, text in required:
                Answer.objects.create(submission=submission, question=required_question, text=text)
        created.append(submission)
    ReferenceCounter.objects.update_or_create(call=call, defaults={"last_number": number})
    return created


def _rubric_and_code_frame(call: CallForEvidence) -> None:
    from .models import Criterion, Theme

    if not Criterion.objects.filter(call=call).exists():
        levels = [{"value": v, "label": label, "description": d} for v, label, d in DEMO_LEVELS]
        for position, (name, description, weight) in enumerate(DEMO_CRITERIA):
            Criterion.objects.create(
                call=call,
                name=name,
                description=description,
                weight=weight,
                levels=levels,
                position=position,
            )
    if not Theme.objects.filter(call=call).exists():
        for position, (name, description, children) in enumerate(DEMO_THEMES):
            parent = Theme.objects.create(
                call=call, name=name, description=description, position=position
            )
            for child_position, (child, child_description) in enumerate(children):
                Theme.objects.create(
                    call=call,
                    parent=parent,
                    name=child,
                    description=child_description,
                    position=child_position,
                )


def _demo_review_work() -> None:
    """The reviewer's side of the closed call: run after the secretariat's review set-up."""
    from .models import Excerpt, Review, Theme, ThemeSuggestion
    from .services.campaigns import campaigns_group
    from .services.review import ReviewInput, excerpt_create, review_save, submission_code
    from .services.search import submission_search_backfill
    from .services.suggestions import suggestion_decide, themes_suggest

    call = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    reviewer = demo_user("reviewer")
    campaign = _campaign_responses(call)
    _rubric_and_code_frame(call)
    submission_search_backfill(call_id=call.pk)
    sent = list(
        Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED).order_by("number")
    )
    # The demo reviewer's queue: every sent response, unless the set-up assigned them already.
    if not Review.objects.filter(call=call, reviewer=reviewer).exists():
        Review.objects.bulk_create(
            [Review(call=call, submission=s, reviewer=reviewer) for s in sent],
            ignore_conflicts=True,
        )
    if not call.campaign_groups.exists():
        campaigns_group(call=call)
    themes = {t.name: t for t in Theme.objects.filter(call=call, merged_into__isnull=True)}
    if Excerpt.objects.filter(call=call).exists():
        _demo_agreement(call)
        return
    rng = random.Random(77)  # noqa: S311 -- repeatable demo, not security
    representative = campaign[0]
    if "Business rates" in themes:
        submission_code(actor=reviewer, submission=representative, add=[themes["Business rates"]])
    quotes = [
        ("apprentice", "Apprenticeships and placements"),
        ("supplier", "Buying from local firms"),
        ("high street", "High streets and town centres"),
        ("plan", "Shared boards and decisions"),
        ("school", "Employers in schools and colleges"),
    ]
    reviews = {
        r.submission_id: r
        for r in Review.objects.filter(call=call, reviewer=reviewer).select_related("call")
    }
    from .models import Criterion

    criteria = list(Criterion.objects.filter(call=call, removed_at__isnull=True))
    done = 0
    for index, submission in enumerate(sent[:40]):
        review = reviews.get(submission.pk)
        if review is None:
            continue
        answers = list(submission.answers.exclude(text="").order_by("question__position"))
        turn = index % len(quotes)
        for word, theme_name in quotes[turn:] + quotes[:turn]:
            answer = next((a for a in answers if word in a.text.lower()), None)
            if answer is None or theme_name not in themes:
                continue
            start = answer.text.lower().index(word)
            sentence_start = answer.text.rfind(".", 0, start) + 1
            sentence_end = answer.text.find(".", start)
            quote = answer.text[sentence_start : sentence_end + 1 if sentence_end > 0 else None]
            if not Excerpt.objects.filter(submission=submission).exists() and done < 12:
                excerpt_create(
                    actor=reviewer,
                    review=review,
                    answer=answer,
                    quote=quote.strip(),
                    theme=themes[theme_name],
                )
                submission_code(actor=reviewer, submission=submission, add=[themes[theme_name]])
                done += 1
        if criteria and submission.number % 3 != 0:
            review_save(
                actor=reviewer,
                review=review,
                version=review.version,
                data=ReviewInput(
                    scores={c.pk: rng.randint(2, 5) for c in criteria},
                    confidence=rng.randint(2, 4),
                    notes="",
                    flags=["personal_data"] if submission.number == 7 else [],
                    mark_reviewed=submission.number % 2 == 0,
                ),
            )
    themes_suggest(call=call)
    pending = list(
        ThemeSuggestion.objects.filter(call=call, status="pending").order_by("-score", "pk")[:6]
    )
    for index, suggestion in enumerate(pending):
        suggestion_decide(actor=reviewer, suggestion=suggestion, accept=index % 3 != 2)
    _demo_agreement(call)


def _demo_agreement(call: CallForEvidence) -> None:
    """The agreement figures, worked out here rather than waiting for a worker (the job's
    message, if it reaches one, then finds the job done and does nothing)."""
    from levelup.enums import JobStatus
    from levelup.jobs import job_run
    from levelup.models import Job

    from .services.agreement import AGREEMENT_JOB, agreement_figures, agreement_refresh

    done = Job.objects.filter(kind=AGREEMENT_JOB, object_id=call.pk, status=JobStatus.DONE)
    if done.exists():
        return
    with transaction.atomic():
        job = agreement_refresh(actor=None, call=call)
        job_run(job_id=job.pk, body=lambda run: agreement_figures(call=call))


# ------------------------------------------------------------------------ review set-up (demo)

DEMO_RUBRIC = [
    (
        "Relevance",
        "How directly the response speaks to the role of business in regenerating places.",
        1,
        [
            ("Not relevant", "Does not address the questions the call asked."),
            ("Slightly relevant", "Touches on place or business only in passing."),
            ("Relevant", "Answers some of the questions with a local angle."),
            ("Highly relevant", "Speaks to most questions from direct experience of a place."),
            ("Central", "Goes to the heart of how business and place work together."),
        ],
    ),
    (
        "Strength of evidence",
        "How well the points are backed: figures, named projects, evaluations.",
        1.5,
        [
            ("Assertion only", "Opinions without examples."),
            ("Anecdote", "One or two stories, no figures."),
            ("Some examples", "Named projects or places, few figures."),
            ("Well evidenced", "Figures and named projects that can be checked."),
            ("Strong", "Evaluated outcomes or data over several years."),
        ],
    ),
    (
        "Originality",
        "Whether the response tells the taskforce something it has not heard.",
        1,
        [
            ("Familiar", "Restates views widely held."),
            ("Mostly familiar", "A known view with a local detail."),
            ("Some new angle", "A new example or a twist on a known idea."),
            ("Fresh", "An approach few others described."),
            ("New insight", "Changes how the taskforce sees the question."),
        ],
    ),
]

DEMO_CODE_FRAME = [
    (
        "Skills and young people",
        "Firms, schools and colleges building the skills a place needs.",
        [
            ("Apprenticeships and placements", "Places offered by local employers."),
            ("Employers in schools and colleges", "Talks, mentoring, shaping courses."),
            ("Retraining adults", "Second chances for people changing work."),
        ],
    ),
    (
        "High streets and town centres",
        "The health of the centre: shops, footfall, use of empty buildings.",
        [
            (
                "Empty shops and meanwhile use",
                "Vacant units lent for pop-ups, studios or services.",
            ),
            ("Evening and visitor economy", "Hospitality, events and what brings people in."),
            ("Business rates", "The cost of rates for small traders and what should change."),
        ],
    ),
    (
        "Transport and connectivity",
        "Getting people to work and goods to market; broadband.",
        [
            ("Buses and local journeys", "Routes, timetables and fares for workers."),
            ("Digital connectivity", "Broadband and mobile coverage for firms."),
        ],
    ),
    (
        "Local procurement",
        "Spending by councils and large firms that stays in the place.",
        [
            ("Buying from local firms", "Opening contracts to small local suppliers."),
            (
                "Social value in contracts",
                "Jobs, training and community benefits asked of bidders.",
            ),
        ],
    ),
    (
        "Anchor institutions",
        "Hospitals, universities, colleges and large employers rooted in the place.",
        [
            ("Universities and colleges", "Research, graduates and estates used for the town."),
            ("Large employers as anchors", "Big firms committing to the place for the long term."),
        ],
    ),
    (
        "Trust between council and business",
        "How well the council and firms work together, and what gets in the way.",
        [
            ("One front door", "A single contact at the council for businesses."),
            ("Speed of planning and licensing", "Decisions that keep pace with investment."),
            ("Shared boards and decisions", "Business sitting with the council on real decisions."),
        ],
    ),
    (
        "Funding and investment",
        "How regeneration is paid for, and for how long.",
        [
            ("Competitive bidding pots", "The cost and uncertainty of bidding for funds."),
            ("Long-term settlements", "Funding that lasts beyond one spending round."),
            ("Private and patient capital", "Investors willing to wait for returns."),
        ],
    ),
    (
        "Data and evidence",
        "Knowing what is happening in a place and whether it works.",
        [
            ("Sharing local data", "Councils, firms and charities pooling what they know."),
            ("Measuring outcomes", "Tracking jobs, pay and footfall over years."),
        ],
    ),
]

DEMO_EXTRA_REVIEWERS = [
    ("reviewer.hannah", "Hannah Okafor"),
    ("reviewer.gareth", "Gareth Pryce"),
]


def _demo_reviewers() -> list:
    from django.conf import settings

    from levelup.demo import DEMO_DOMAIN
    from levelup.models import User
    from levelup.services import user_create

    people = [demo_user("reviewer")]
    for key, name in DEMO_EXTRA_REVIEWERS:
        email = f"{key}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(actor=None, email=email, name=name, password=settings.DEMO_PASSWORD)
        people.append(user)
    return people


def _demo_review_setup(call: CallForEvidence) -> None:
    """The closed call under review: a rubric, a two-level code frame, two phases (the full
    review active), three reviewers auto-assigned so each response has two or three reviews,
    scores that sometimes disagree, and one declared conflict of interest.

    Idempotent: every step looks for what an earlier run made. Other demo steps build on it.
    """
    from decimal import Decimal

    from evidence.models import Criterion, Review, ReviewerConflict, ReviewPhase, Theme
    from evidence.services import review_setup as rs

    actor = demo_user("secretariat")
    for name, description, weight, points in DEMO_RUBRIC:
        if not Criterion.objects.filter(call=call, name=name).exists():
            rs.criterion_create(
                actor=actor,
                call=call,
                name=name,
                description=description,
                weight=Decimal(str(weight)),
                levels=[{"label": label, "description": text} for label, text in points],
            )
    for name, description, children in DEMO_CODE_FRAME:
        parent = Theme.objects.filter(call=call, parent=None, name=name).first()
        if parent is None:
            parent = rs.theme_create(actor=actor, call=call, name=name, description=description)
        for child, text in children:
            if not Theme.objects.filter(call=call, parent=parent, name=child).exists():
                rs.theme_create(actor=actor, call=call, name=child, description=text, parent=parent)
    closes = timezone.localdate(call.closes_at)
    if not ReviewPhase.objects.filter(call=call, name="First sift").exists():
        rs.phase_create(
            actor=actor,
            call=call,
            name="First sift",
            may_score=False,
            may_code=True,
            others_scores="never",
            may_see_identity=True,
            due_on=closes + timedelta(days=14),
        )
    full = ReviewPhase.objects.filter(call=call, name="Full review").first()
    if full is None:
        full = rs.phase_create(
            actor=actor,
            call=call,
            name="Full review",
            may_score=True,
            may_code=True,
            others_scores="after_own",
            may_see_identity=True,
            due_on=closes + timedelta(days=42),
        )
    if not ReviewPhase.objects.filter(call=call, is_active=True).exists():
        rs.phase_activate(actor=actor, phase=full)

    reviewers = _demo_reviewers()
    for reviewer in reviewers:
        ensure_grant(user=reviewer, role=Role.REVIEWER, target=call)
    # Gareth sits on the board of the chamber of commerce: he declared it.
    gareth = reviewers[2]
    if not ReviewerConflict.objects.filter(call=call, reviewer=gareth).exists():
        rs.conflict_declare(
            actor=gareth,
            call=call,
            reviewer=gareth,
            organisation_name="Blackpool Chamber of Commerce",
        )
    if not Review.objects.filter(call=call).exists():
        rs.reviews_assign_automatic(actor=actor, call=call, submission_ids=None, per_response=2)
        # A third reading for every fourth response, where no conflict stands in the way.
        responses = list(
            Submission.objects.filter(call=call, reviews__isnull=False)
            .distinct()
            .order_by("number")
        )
        for submission in responses[::4]:
            have = set(submission.reviews.values_list("reviewer_id", flat=True))
            for reviewer in reviewers:
                if reviewer.pk not in have:
                    try:
                        rs.review_assign(
                            actor=actor, call=call, submission=submission, reviewer=reviewer
                        )
                    except ValidationError:
                        continue
                    break
    _demo_scores(call)


def _demo_scores(call: CallForEvidence) -> None:
    """Most reviews are in, with scores near each response's quality; some split sharply."""
    from evidence.enums import ReviewState, SubmissionReviewState
    from evidence.models import Criterion, Review, Score
    from evidence.services.review_setup import review_totals_recompute

    criteria = list(Criterion.objects.filter(call=call, removed_at__isnull=True))
    reviews = list(
        Review.objects.filter(call=call, scores__isnull=True)
        .select_related("submission")
        .order_by("submission__number", "reviewer_id")
    )
    if not reviews or not criteria:
        return
    rng = random.Random(2022)  # noqa: S311 -- repeatable demo scores, not security
    now = timezone.now()
    scores, finished = [], []
    for review in reviews:
        number = review.submission.number or 0
        if number % 9 == 0:
            continue  # not started yet
        quality = 2 + (number * 7) % 3  # 2, 3 or 4, fixed per response
        split = number % 6 == 1  # reviewers read these ones very differently
        for criterion in criteria:
            value = quality + rng.choice([-1, 0, 0, 0, 1])
            if split:
                value = 5 if review.reviewer_id % 2 else 1
            scores.append(Score(review=review, criterion=criterion, value=max(1, min(5, value))))
        review.confidence = rng.choice([2, 3, 3, 4])
        if number % 7 == 3:
            review.state = ReviewState.IN_PROGRESS
        else:
            review.state = ReviewState.REVIEWED
            review.reviewed_at = now - timedelta(days=rng.randint(1, 20))
        finished.append(review)
    Score.objects.bulk_create(scores)
    Review.objects.bulk_update(finished, ["confidence", "state", "reviewed_at"])
    review_totals_recompute(call=call)
    reviewed = Review.objects.filter(call=call).exclude(state=ReviewState.REVIEWED)
    Submission.objects.filter(call=call, reviews__isnull=False).exclude(
        pk__in=reviewed.values("submission_id")
    ).update(review_state=SubmissionReviewState.REVIEWED)


# The published report ------------------------------------------------------------------------

REPORT_THEMES = [
    (
        "Trusted local convenors",
        "Someone neutral who brings council, business and community together.",
    ),
    ("Long-term commitment", "Staying for years, not for one funding round."),
    ("Skills and young people", "Apprenticeships, placements and routes into local jobs."),
    ("Procurement and local spend", "Buying locally and opening supply chains to small firms."),
    ("High streets and town centres", "Footfall, empty units and the look of the centre."),
    ("Data and measuring change", "Knowing what changed and telling people about it."),
    ("Funding and investment", "Blending public money with private investment."),
    ("Community voice", "Residents shaping what happens in their place."),
]

REPORT_FINDINGS = [
    (
        "Places need a trusted, independent broker",
        "<p>Councils, businesses and community groups told us they rarely sit at the same "
        "table. Where someone independent did the convening, <strong>partnerships formed "
        "faster</strong> and lasted longer.</p>",
        ["Trusted local convenors", "Community voice"],
    ),
    (
        "Business commitment must be long-term to be believed",
        "<p>Short projects tied to one budget year left communities wary. Respondents "
        "valued firms that stayed for five years or more and said so publicly.</p>",
        ["Long-term commitment", "Funding and investment"],
    ),
    (
        "Skills and local spend are where business adds most",
        "<p>Placements, apprenticeships and buying from local suppliers were the "
        "contributions respondents most often said made a visible difference.</p>",
        ["Skills and young people", "Procurement and local spend"],
    ),
    (
        "Progress is rarely measured or shared",
        "<p>Few partnerships agreed at the start how they would know they had succeeded, "
        "and fewer reported back to residents.</p>",
        ["Data and measuring change", "High streets and town centres"],
    ),
]

REPORT_RECOMMENDATIONS = [
    ("business", "Commit to a place for at least five years and publish what you will do.", [1]),
    ("business", "Offer placements and apprenticeships to young people in the town first.", [2]),
    ("business", "Set a target for spend with local suppliers and report it each year.", [2]),
    (
        "local_government",
        "Name one officer as the partnership's contact and keep them in post.",
        [0],
    ),
    (
        "local_government",
        "Open procurement to small local firms with simpler, shorter tenders.",
        [2],
    ),
    (
        "local_government",
        "Share footfall and vacancy data with partners every quarter.",
        [3],
    ),
    (
        "national_government",
        "Fund independent business connectors in places that need them most.",
        [0],
    ),
    (
        "national_government",
        "Let regeneration funds run for five years rather than one.",
        [1],
    ),
    (
        "national_government",
        "Publish a simple common measure of local partnership progress.",
        [3],
    ),
    ("partnerships", "Agree a common goal in writing before planning projects.", [0]),
    ("partnerships", "Give residents a seat and a vote on the partnership board.", [0, 3]),
    ("partnerships", "Report progress to the town in public at least once a year.", [3]),
]

LGA_ANSWER = (
    "Councils want to work with business on regeneration but often lack the capacity to "
    "convene. Our roundtable heard that an independent broker builds trust quickly. "
    "We ask government to fund that role for at least five years."
)


def _first_sentence(text: str) -> tuple[int, int] | None:
    end = text.find(". ")
    end = len(text) if end < 0 else end + 1
    return (0, end) if end > 20 else None


@transaction.atomic
def load_report() -> None:
    """Publish the closed call's report: moderation (approved, withheld, one redaction),
    themes and excerpts, 4 findings, 12 recommendations, the LGA roundtable. Idempotent."""
    from levelup.models import Organisation

    from .enums import ModerationState, OralEvidenceKind, RedactionReason
    from .models import (
        CallReport,
        Coding,
        Excerpt,
        Finding,
        FindingExcerpt,
        Moderation,
        OralEvidence,
        Recommendation,
        Redaction,
        Theme,
    )
    from .selectors.publishing import excerpt_unquotable_reason, report_figures_to_store

    call = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    secretariat = demo_user("secretariat")
    long_questions = list(
        Question.objects.filter(call=call, kind=QuestionKind.LONG_TEXT).order_by("pk")
    )
    # The LGA's written response, informed by the roundtable.
    lga = Submission.objects.filter(call=call, import_key="demo-lga").first()
    if lga is None:
        number = (Submission.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        lga = Submission.objects.create(
            call=call,
            import_key="demo-lga",
            respondent_name="Policy team",
            respondent_email="policy.team@example.org",
            responding_as=RespondingAs.ORGANISATION,
            organisation_name="Local Government Association",
            organisation_type=OrganisationType.PUBLIC_BODY,
            publication_preference=PublicationPreference.NAMED,
            consent_version=call.privacy_notice_version,
            consented_at=call.closes_at - timedelta(days=3),
            status=SubmissionStatus.SUBMITTED,
            number=number,
            reference=f"{call.reference_prefix}{number:04d}",
            submitted_at=call.closes_at - timedelta(days=3),
            wants_report=True,
        )
        Answer.objects.create(submission=lga, question=long_questions[0], text=LGA_ANSWER)
        # Its other answers follow a council's, so the response is complete.
        council = (
            Submission.objects.filter(
                call=call,
                status=SubmissionStatus.SUBMITTED,
                organisation_type=OrganisationType.LOCAL_AUTHORITY,
            )
            .order_by("number")
            .first()
        )
        Answer.objects.bulk_create(
            Answer(submission=lga, question_id=a.question_id, text=a.text, values=a.values)
            for a in Answer.objects.filter(submission=council).exclude(question=long_questions[0])
        )
        ReferenceCounter.objects.update_or_create(call=call, defaults={"last_number": number})

    submitted = list(
        Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED).order_by("number")
    )
    public = [
        s for s in submitted if s.publication_preference != PublicationPreference.CONFIDENTIAL
    ]
    withheld = {public[3].pk, public[11].pk}
    pending = {public[-2].pk, public[-3].pk}
    redacted = public[5]
    redacted_answer = (
        Answer.objects.filter(submission=redacted).exclude(text="").order_by("pk").first()
    )
    if redacted_answer and not Redaction.objects.filter(submission=redacted).exists():
        words = redacted_answer.text.split(" ")
        span = len(" ".join(words[:3]))
        Redaction.objects.create(
            call=call,
            submission=redacted,
            answer=redacted_answer,
            start=0,
            end=span,
            reason=RedactionReason.THIRD_PARTY,
            created_by=secretariat,
        )
    now = timezone.now()
    for submission in public:
        if submission.pk in pending:
            continue
        state = ModerationState.APPROVED
        reason = ""
        if submission.pk in withheld:
            state, reason = (
                ModerationState.WITHHELD,
                "Names a member of staff and makes claims we cannot check.",
            )
        elif submission.pk == redacted.pk and redacted_answer:
            state = ModerationState.APPROVED_REDACTED
        Moderation.objects.update_or_create(
            submission=submission,
            defaults={
                "call": call,
                "state": state,
                "reason": reason,
                "decided_by": secretariat,
                "decided_at": now,
            },
        )

    themes = []
    for position, (name, description) in enumerate(REPORT_THEMES):
        theme, _created = Theme.objects.get_or_create(
            call=call,
            parent=None,
            name=name,
            merged_into=None,
            defaults={"description": description, "position": position},
        )
        themes.append(theme)
    by_name = {t.name: t for t in themes}

    # One excerpt (the first sentence of the first long answer) per response, themed in turn.
    answers = {
        a.submission_id: a
        for a in Answer.objects.filter(submission__in=submitted, question__in=long_questions)
        .exclude(text="")
        .order_by("-pk")
    }
    for index, submission in enumerate(submitted):
        answer = answers.get(submission.pk)
        span = _first_sentence(answer.text) if answer else None
        if span is None:
            continue
        theme = themes[0] if submission.pk == lga.pk else themes[index % len(themes)]
        Excerpt.objects.get_or_create(
            submission=submission,
            number=1,
            defaults={
                "call": call,
                "answer": answer,
                "start": span[0],
                "end": span[1],
                "text": answer.text[span[0] : span[1]],
                "theme": theme,
                "created_by": secretariat,
            },
        )
        if not Coding.objects.filter(
            submission=submission, theme=theme, removed_at__isnull=True
        ).exists():
            Coding.objects.create(
                call=call, submission=submission, theme=theme, coded_by=secretariat
            )

    findings = []
    for position, (title, summary, theme_names) in enumerate(REPORT_FINDINGS, start=1):
        finding, _created = Finding.objects.get_or_create(
            call=call, title=title, defaults={"summary": summary, "position": position}
        )
        finding.themes.set([by_name[n] for n in theme_names])
        findings.append(finding)
        quotes = 0
        for excerpt in (
            Excerpt.objects.filter(call=call, theme__name__in=theme_names)
            .select_related("submission")
            .order_by("submission__number")
        ):
            quotable = not excerpt_unquotable_reason(excerpt) and quotes < 3
            quotes += quotable
            FindingExcerpt.objects.get_or_create(
                finding=finding,
                excerpt=excerpt,
                defaults={"quoted": quotable, "added_by": secretariat},
            )
    for position, (audience, text, finding_indexes) in enumerate(REPORT_RECOMMENDATIONS, 1):
        recommendation, _created = Recommendation.objects.get_or_create(
            call=call, text=text, defaults={"audience": audience, "position": position}
        )
        if audience == "local_government" and position == 4:
            recommendation.addressed_to = Organisation.objects.filter(
                name__icontains="Blackpool Council"
            ).first()
            recommendation.save(update_fields=["addressed_to"])
        recommendation.findings.set([findings[i] for i in finding_indexes])

    roundtable, _created = OralEvidence.objects.get_or_create(
        call=call,
        title="Roundtable with the Local Government Association",
        defaults={
            "kind": OralEvidenceKind.ROUNDTABLE,
            "held_on": (call.closes_at - timedelta(days=20)).date(),
            "hosts": "Place Taskforce and the Local Government Association",
            "speakers": "Council leaders and regeneration officers from eight councils",
            "note": (
                "<p>Councillors described how hard it is to bring businesses to the table "
                "without a <strong>neutral convenor</strong>, and how short funding rounds "
                "undermine trust.</p><p>The discussion informed the LGA's written "
                "evidence.</p>"
            ),
            "is_published": True,
        },
    )
    roundtable.informed.set([lga])

    report, _created = CallReport.objects.get_or_create(
        call=call,
        defaults={
            "summary": (
                "<p>We heard from businesses of every size, councils, community groups, "
                "universities and MPs. Their evidence points to four findings and twelve "
                "recommendations for business, local and national government and "
                "partnerships.</p>"
            ),
            "published_at": now,
            "published_by": secretariat,
        },
    )
    report.figures = report_figures_to_store(call=call)
    report.content_version = max(report.content_version, 1)
    report.save(update_fields=["figures", "content_version", "updated_at"])
    call.status = CallStatus.PUBLISHED
    call.save(update_fields=["status", "updated_at"])
    _report_changes_and_pdf(report, secretariat)


# What changed after the report was first published (the public changelog), oldest first.
REPORT_CHANGES = [
    "Recommendation 4 is now addressed to Blackpool Council",
    "Oral evidence updated: Roundtable with the Local Government Association",
]


def _report_changes_and_pdf(report, secretariat) -> None:
    """A changelog entry or two after publication, and the report's PDF, made here and now
    by the service the background job runs (idempotent: a current PDF is kept)."""
    from .models import ReportChange
    from .services.report_pdf import report_pdf_render

    for summary in REPORT_CHANGES:
        ReportChange.objects.get_or_create(
            call=report.call, summary=summary, defaults={"changed_by": secretariat}
        )
    report_pdf_render(report_id=report.pk)
