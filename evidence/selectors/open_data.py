"""What a published call offers as open data: published responses, findings, recommendations.

A response is published by the report's own rule (`submissions_public`): its call's report is
published, it was sent and not withdrawn, its respondent allowed publication and moderation
approved it. Anonymous respondents' names
and organisations are never included. Answers are left out here: they reach the public only
through moderation, on the report's own evidence pages.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils.html import strip_tags

from evidence.enums import PublicationPreference, RespondingAs
from evidence.models import CallForEvidence, Finding, ImplementationUpdate, Submission
from evidence.selectors.followup import call_has_tracker, recommendations_with_followup
from evidence.selectors.publishing import submissions_public

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DATASETS = ("evidence", "findings", "recommendations")
COLUMNS = {
    "evidence": ["reference", "sent_on", "responding_as", "respondent", "organisation"],
    "findings": ["number", "title", "summary"],
    "recommendations": [
        "number",
        "recommendation",
        "audience",
        "addressed_to",
        "findings",
        "response_due_on",
        "response",
        "responded_by",
        "responded_on",
        "implementation_status",
        "percent_complete",
        "last_update_on",
    ],
}


def submissions_published(*, call: CallForEvidence) -> QuerySet[Submission]:
    """Responses the public may know of: the report's own rule (sent, publication allowed,
    moderation approved), none before the report is published."""
    return submissions_public(call=call).order_by("number")


def open_data_evidence(*, call: CallForEvidence) -> list[dict]:
    """One row per published response. Only the columns the file holds are read (not whole
    rows with their search vectors): 50,000 rows in about a second, not twenty."""
    labels = dict(RespondingAs.choices)
    rows = []
    published = submissions_published(call=call).values_list(
        "reference",
        "submitted_at",
        "responding_as",
        "publication_preference",
        "respondent_name",
        "organisation_name",
    )
    for (
        reference,
        submitted_at,
        responding_as,
        preference,
        name,
        organisation,
    ) in published.iterator(chunk_size=2000):
        named = preference == PublicationPreference.NAMED
        rows.append(
            {
                "reference": reference,
                "sent_on": submitted_at.date().isoformat() if submitted_at else "",
                "responding_as": str(labels.get(responding_as, responding_as)),
                "respondent": name if named else "",
                "organisation": organisation if named else "",
            }
        )
    return rows


def open_data_findings(*, call: CallForEvidence) -> list[dict]:
    if not call_has_tracker(call=call):
        return []
    findings = Finding.objects.filter(call=call).order_by("position", "pk")
    return [
        {"number": n, "title": f.title, "summary": strip_tags(f.summary).strip()}
        for n, f in enumerate(findings, start=1)
    ]


def open_data_recommendations(*, call: CallForEvidence) -> list[dict]:
    if not call_has_tracker(call=call):
        return []
    recommendations = recommendations_with_followup(call=call).prefetch_related(
        Prefetch("findings", queryset=Finding.objects.order_by("position", "pk"))
    )
    finding_numbers = {
        pk: n
        for n, pk in enumerate(
            Finding.objects.filter(call=call)
            .order_by("position", "pk")
            .values_list("pk", flat=True),
            start=1,
        )
    }
    rows = []
    for n, recommendation in enumerate(recommendations, start=1):
        followup = (
            getattr(recommendation, "followup", None) if _has_followup(recommendation) else None
        )
        updates: list[ImplementationUpdate] = list(followup.updates.all()) if followup else []
        latest = updates[-1] if updates else None
        rows.append(
            {
                "number": n,
                "recommendation": recommendation.text,
                "audience": recommendation.get_audience_display(),
                "addressed_to": recommendation.addressed_to.name
                if recommendation.addressed_to
                else "",
                "findings": [finding_numbers[f.pk] for f in recommendation.findings.all()],
                "response_due_on": followup.response_due_on.isoformat() if followup else "",
                "response": followup.get_response_display()
                if followup and followup.response
                else "",
                "responded_by": followup.responded_by if followup else "",
                "responded_on": followup.responded_on.isoformat()
                if followup and followup.responded_on
                else "",
                "implementation_status": latest.get_status_display() if latest else "",
                "percent_complete": latest.percent_complete if latest else None,
                "last_update_on": latest.on.isoformat() if latest else "",
            }
        )
    return rows


def _has_followup(recommendation) -> bool:
    try:
        recommendation.followup  # noqa: B018 - the reverse one-to-one raises when missing
    except ObjectDoesNotExist:
        return False
    return True


def open_data_rows(*, call: CallForEvidence, dataset: str) -> list[dict]:
    return {
        "evidence": open_data_evidence,
        "findings": open_data_findings,
        "recommendations": open_data_recommendations,
    }[dataset](call=call)
