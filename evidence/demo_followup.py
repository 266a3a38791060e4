"""Demo data for following up recommendations: responses, updates and one overdue response.

Runs after the rest of the evidence demo: an earlier, published Place Taskforce call about
high-street business rates carries the full example, and the main call's published
recommendations are followed up too. Idempotent.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from levelup.enums import OrganisationType
from levelup.models import Body, Organisation

from .enums import CallStatus, ImplementationStatus, RecommendationResponseKind
from .models import CallForEvidence, ImplementationUpdate, Recommendation, RecommendationFollowUp

MAIN_SLUG = "role-of-business-in-place-based-regeneration"
EARLIER_SLUG = "business-rates-and-the-high-street"

EARLIER_CALL = {
    "title": "Business rates and the high street",
    "summary": (
        "How do business rates shape what opens and closes on our high streets, and what "
        "would help small shops and cafés stay?"
    ),
    "reference_prefix": "BRH",
    "contact_email": "placetaskforce@example.org",
}

EARLIER_RECOMMENDATIONS = [
    (
        "Councils should publish which empty shop units they own and offer short, cheap "
        "leases to local traders.",
        "local_government",
        ("Local Government Association", OrganisationType.PUBLIC_BODY),
    ),
    (
        "Government should test a lower rates multiplier for independent shops in towns "
        "with the highest vacancy rates.",
        "national_government",
        ("HM Treasury", OrganisationType.PUBLIC_BODY),
    ),
    (
        "Business groups should run a mentoring scheme pairing established traders with "
        "people opening their first shop.",
        "business",
        ("Federation of Small Businesses", OrganisationType.BUSINESS),
    ),
    (
        "Landlords with several town-centre units should agree a shared plan with the council "
        "for filling them.",
        "business",
        ("British Property Federation", OrganisationType.BUSINESS),
    ),
]

# (response, responded by, days after publication, what they said, updates)
RESPONSES = [
    (
        RecommendationResponseKind.ACCEPTED,
        "Chair, Local Government Association",
        40,
        "We will ask every council to publish its list of empty units by the spring.",
        [
            (50, ImplementationStatus.IN_PROGRESS, 30, "Guidance sent to councils."),
            (110, ImplementationStatus.IN_PROGRESS, 70, "Two thirds of councils have published."),
        ],
    ),
    (
        RecommendationResponseKind.PARTLY_ACCEPTED,
        "Exchequer Secretary to the Treasury",
        58,
        "We will look at the evidence in the next business rates review, but not run a test.",
        [(90, ImplementationStatus.NOT_STARTED, None, "Waiting for the rates review.")],
    ),
    (
        RecommendationResponseKind.ACCEPTED,
        "Policy Chair, Federation of Small Businesses",
        30,
        "Our regional committees will run the scheme.",
        [(100, ImplementationStatus.DONE, 100, "Eighty pairs matched in the first year.")],
    ),
    None,  # the landlords' response is overdue
]


def _organisation(name: str, kind: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation:
        return organisation

    return Organisation.objects.create(name=name, slug=slugify(name), type=kind)


def _earlier_call() -> CallForEvidence:
    body = Body.objects.get(slug="place-taskforce")
    existing = CallForEvidence.objects.filter(slug=EARLIER_SLUG).first()
    opens_at = existing.opens_at if existing else timezone.now() - timedelta(days=400)
    call, _created = CallForEvidence.objects.update_or_create(
        slug=EARLIER_SLUG,
        defaults={
            **EARLIER_CALL,
            "body": body,
            "status": CallStatus.PUBLISHED,
            "opens_at": opens_at,
            "closes_at": opens_at + timedelta(days=60),
        },
    )
    for position, (text, audience, (org_name, org_type)) in enumerate(EARLIER_RECOMMENDATIONS):
        Recommendation.objects.update_or_create(
            call=call,
            position=position,
            defaults={
                "text": text,
                "audience": audience,
                "addressed_to": _organisation(org_name, org_type),
            },
        )
    return call


@transaction.atomic
def load_followup_demo() -> None:
    _follow_up(_earlier_call())
    main = CallForEvidence.objects.filter(slug=MAIN_SLUG, status=CallStatus.PUBLISHED).first()
    if main:
        _follow_up(main)


def _follow_up(call: CallForEvidence) -> None:
    published_on: date = timezone.localdate(call.closes_at) + timedelta(days=120)
    # Recent enough that the overdue one is overdue, old enough that updates have happened.
    published_on = min(published_on, timezone.localdate() - timedelta(days=120))
    recommendations = list(
        call.recommendations.filter(addressed_to__isnull=False).order_by("position", "pk")
    )
    for recommendation, plan in zip(recommendations, RESPONSES * 3, strict=False):
        followup, _created = RecommendationFollowUp.objects.get_or_create(
            recommendation=recommendation,
            defaults={"response_due_on": published_on + timedelta(days=61)},
        )
        if plan is None or followup.response:
            continue
        response, by, after, said, updates = plan
        followup.response = response
        followup.responded_by = by
        followup.responded_on = published_on + timedelta(days=after)
        followup.response_text = said
        followup.save()
        for days, status, percent, note in updates:
            ImplementationUpdate.objects.get_or_create(
                followup=followup,
                on=published_on + timedelta(days=days),
                defaults={"status": status, "percent_complete": percent, "note": note},
            )
