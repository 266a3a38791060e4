"""Reads of the place prospectus: versions, their content and totals, comments and sign-offs."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, QuerySet, Sum

from evidence.models import Finding, Recommendation
from levelup.models import Job, User
from partnerships.diff import Segment, word_diff
from partnerships.enums import PDF_JOB_KIND, FundingStatus, MemberRole, ProspectusSection
from partnerships.models import (
    Commitment,
    InvestmentLine,
    Partnership,
    PartnershipMember,
    Priority,
    Prospectus,
    ProspectusComment,
    ProspectusVersion,
    SignOff,
)
from partnerships.rules import represented_members

from .agreements import lead_members


def prospectus_for_partnership(*, partnership: Partnership) -> Prospectus | None:
    """The partnership's prospectus, with its published version, for its private pages."""
    return (
        Prospectus.objects.filter(partnership=partnership)
        .select_related("published_version")
        .first()
    )


def prospectus_pdf_job(*, prospectus: Prospectus) -> Job | None:
    """The latest job that renders the prospectus's PDF: its status and progress."""
    return (
        Job.objects.filter(
            kind=PDF_JOB_KIND,
            content_type=ContentType.objects.get_for_model(Prospectus),
            object_id=prospectus.pk,
        )
        .order_by("-queued_at", "-pk")
        .first()
    )


def prospectus_latest_version(*, prospectus: Prospectus) -> ProspectusVersion:
    """The newest version: the only one that can be edited, signed off or published."""
    return (
        ProspectusVersion.objects.filter(prospectus=prospectus)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )


def prospectus_version_get(*, prospectus: Prospectus, number: int) -> ProspectusVersion | None:
    return (
        ProspectusVersion.objects.filter(prospectus=prospectus, number=number)
        .select_related("created_by")
        .first()
    )


def prospectus_public(*, partnership: Partnership) -> Prospectus | None:
    """The prospectus if it is published (the public sees only its published version)."""
    return (
        Prospectus.objects.filter(partnership=partnership, published_version__isnull=False)
        .select_related("published_version", "partnership__place")
        .first()
    )


def partnership_has_published_prospectus(*, partnership: Partnership) -> bool:
    return Prospectus.objects.filter(
        partnership=partnership, published_version__isnull=False
    ).exists()


def priorities_for_version(*, version: ProspectusVersion) -> QuerySet[Priority]:
    """The version's priorities with the findings and recommendations they cite (3 queries)."""
    return (
        Priority.objects.filter(version=version)
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("call")),
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("call")),
        )
        .order_by("position", "pk")
    )


def priorities_citing(
    *, finding: Finding | None = None, recommendation: Recommendation | None = None
) -> QuerySet[Priority]:
    """Priorities of published prospectuses (their published version only) that cite this
    finding or recommendation: what became of the evidence."""
    priorities = Priority.objects.filter(
        version__prospectus__published_version=F("version")
    ).select_related("version__prospectus__partnership__place")
    if finding is not None:
        priorities = priorities.filter(findings=finding)
    if recommendation is not None:
        priorities = priorities.filter(recommendations=recommendation)
    return priorities.order_by("version__prospectus__partnership__name", "position", "pk")


def commitments_for_version(*, version: ProspectusVersion) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(version=version)
        .select_related("member__organisation", "priority", "match__ask", "match__deliverable")
        .order_by("due_on", "pk")
    )


def investment_lines_for_version(*, version: ProspectusVersion) -> QuerySet[InvestmentLine]:
    return InvestmentLine.objects.filter(version=version).order_by("year", "project", "pk")


@dataclass(frozen=True)
class InvestmentTotals:
    """Totals of a version's investment plan, summed by the database (never typed)."""

    total: Decimal
    secured: Decimal
    pipeline: Decimal
    # (year, secured, pipeline), in year order
    by_year: list[tuple[int, Decimal, Decimal]] = field(default_factory=list)
    # (source, secured, pipeline), largest first
    by_source: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)


def investment_totals(*, version: ProspectusVersion) -> InvestmentTotals:
    """One grouped query: amounts by year, source and status, folded into the three views."""
    rows = (
        InvestmentLine.objects.filter(version=version)
        .values_list("year", "source", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    zero = Decimal(0)
    years: dict[int, list[Decimal]] = defaultdict(lambda: [zero, zero])
    sources: dict[str, list[Decimal]] = defaultdict(lambda: [zero, zero])
    for year, source, status, amount in rows:
        index = 0 if status == FundingStatus.SECURED else 1
        years[year][index] += amount
        sources[source][index] += amount
    secured = sum((s for s, _p in years.values()), zero)
    pipeline = sum((p for _s, p in years.values()), zero)
    return InvestmentTotals(
        total=secured + pipeline,
        secured=secured,
        pipeline=pipeline,
        by_year=[(year, *years[year]) for year in sorted(years)],
        by_source=sorted(
            ((source, *amounts) for source, amounts in sources.items()),
            key=lambda row: (-(row[1] + row[2]), row[0]),
        ),
    )


@dataclass(frozen=True)
class SignOffStatus:
    # The active lead members, each with `version_sign_offs` (their sign-off of the version).
    leads: list[PartnershipMember]
    signed_count: int
    signable: list[PartnershipMember]  # lead members the user may still sign off for

    @property
    def complete(self) -> bool:
        return bool(self.leads) and self.signed_count == len(self.leads)


def sign_off_status(*, version: ProspectusVersion, user: User) -> SignOffStatus:
    """The lead members and their sign-offs of `version`, and what `user` may still sign."""
    leads = list(
        lead_members(partnership=version.prospectus.partnership)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.filter(version=version).select_related("signed_by"),
                to_attr="version_sign_offs",
            )
        )
        .order_by("organisation__name", "pk")
    )
    mine = {
        rep.member_id
        for rep in represented_members(user).values()
        if rep.partnership_id == version.prospectus.partnership_id and rep.role == MemberRole.LEAD
    }
    return SignOffStatus(
        leads=leads,
        signed_count=sum(1 for lead in leads if lead.version_sign_offs),
        signable=[lead for lead in leads if lead.pk in mine and not lead.version_sign_offs],
    )


@dataclass(frozen=True)
class CommentSection:
    section: str
    label: str
    threads: list[ProspectusComment]  # first comments, each with `thread_replies`


def comments_by_section(*, prospectus: Prospectus) -> list[CommentSection]:
    """Every thread on the prospectus, grouped by section, open ones first (two queries)."""
    threads = (
        ProspectusComment.objects.filter(prospectus=prospectus, parent__isnull=True)
        .select_related("author", "resolved_by", "version")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ProspectusComment.objects.select_related("author", "version").order_by(
                    "created_at", "pk"
                ),
                to_attr="thread_replies",
            )
        )
        .order_by("created_at", "pk")
    )
    grouped: dict[str, list[ProspectusComment]] = defaultdict(list)
    for thread in threads:
        grouped[thread.section].append(thread)
    return [
        CommentSection(
            section=section.value,
            label=str(section.label),
            threads=sorted(grouped[section.value], key=lambda t: t.resolved_at is not None),
        )
        for section in ProspectusSection
    ]


def prospectus_as_text(
    *,
    version: ProspectusVersion,
    priorities: list[Priority] | None = None,
    commitments: list[Commitment] | None = None,
    lines: list[InvestmentLine] | None = None,
) -> str:
    """The whole version as plain text, for comparing versions word by word."""
    import nh3

    from levelup.money import format_gbp

    if priorities is None:
        priorities = list(priorities_for_version(version=version))
    if commitments is None:
        commitments = list(commitments_for_version(version=version))
    if lines is None:
        lines = list(investment_lines_for_version(version=version))
    vision = nh3.clean(version.vision, tags=set()).strip()
    parts = [str(ProspectusSection.VISION.label), vision, str(ProspectusSection.PRIORITIES.label)]
    parts += [_priority_text(p) for p in priorities]
    parts.append(str(ProspectusSection.COMMITMENTS.label))
    parts += [
        " – ".join(
            filter(
                None,
                [
                    c.member.organisation.name,
                    c.description,
                    c.due_on.strftime("%d %B %Y"),
                    format_gbp(c.value) if c.value is not None else "",
                    c.priority.title if c.priority_id else "",
                ],
            )
        )
        for c in commitments
    ]
    parts.append(str(ProspectusSection.INVESTMENT_PLAN.label))
    parts += [
        f"{line.year} – {line.project} – {format_gbp(line.amount)} – {line.source} – "
        f"{line.get_status_display()}"
        for line in lines
    ]
    return "\n\n".join(parts)


def _priority_text(priority: Priority) -> str:
    cites = [f"{f.title} ({f.call.title})" for f in priority.findings.all()] + [
        f"{r.text} ({r.call.title})" for r in priority.recommendations.all()
    ]
    text = f"{priority.position}. {priority.title}\n{priority.description}".strip()
    return text + ("\n" + "; ".join(cites) if cites else "")


def prospectus_version_diff(*, old: ProspectusVersion, new: ProspectusVersion) -> list[Segment]:
    return word_diff(prospectus_as_text(version=old), prospectus_as_text(version=new))


def prospectus_versions(*, prospectus: Prospectus) -> QuerySet[ProspectusVersion]:
    return (
        ProspectusVersion.objects.filter(prospectus=prospectus)
        .select_related("created_by")
        .order_by("-number")
    )


@dataclass(frozen=True)
class ProspectusContent:
    """Everything a page or the PDF shows of one version, read in a fixed number of queries."""

    version: ProspectusVersion
    priorities: list[Priority]
    commitments: list[Commitment]
    lines: list[InvestmentLine]
    totals: InvestmentTotals
    committed_value: Decimal
    charts: list

    def commitments_for(self, priority: Priority) -> list[Commitment]:
        return [c for c in self.commitments if c.priority_id == priority.pk]

    @property
    def unprioritised_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.priority_id is None]


def financial_year(year: int) -> str:
    """2026 → "2026–27": plan years are UK financial years (April to March)."""
    return InvestmentLine(year=year).financial_year


def investment_charts(*, totals: InvestmentTotals) -> list:
    """The investment plan by year, by source and secured vs pipeline, each with its table."""
    from django.utils.translation import gettext as _

    from levelup.charts import Series, bar_chart
    from levelup.money import format_gbp_short

    stacked = [
        Series(FundingStatus.SECURED.value, str(FundingStatus.SECURED.label)),
        Series(FundingStatus.PIPELINE.value, str(FundingStatus.PIPELINE.label)),
    ]
    return [
        bar_chart(
            chart_id="investment-by-year",
            title=_("Investment by year"),
            categories=[financial_year(year) for year, _s, _p in totals.by_year],
            series=stacked,
            values={
                "secured": [s for _y, s, _p in totals.by_year],
                "pipeline": [p for _y, _s, p in totals.by_year],
            },
            value_format=format_gbp_short,
            orientation="vertical",
            category_label=_("Financial year"),
            total_label=_("Total"),
        ),
        bar_chart(
            chart_id="investment-by-source",
            title=_("Investment by funding source"),
            categories=[source for source, _s, _p in totals.by_source],
            series=stacked,
            values={
                "secured": [s for _n, s, _p in totals.by_source],
                "pipeline": [p for _n, _s, p in totals.by_source],
            },
            value_format=format_gbp_short,
            category_label=_("Funding source"),
            total_label=_("Total"),
        ),
        bar_chart(
            chart_id="investment-secured-pipeline",
            title=_("Secured and pipeline investment"),
            categories=[str(FundingStatus.SECURED.label), str(FundingStatus.PIPELINE.label)],
            series=[Series("amount", _("Amount"))],
            values={"amount": [totals.secured, totals.pipeline]},
            value_format=format_gbp_short,
            category_label=_("Status"),
            total_label=_("Amount"),
        ),
    ]


def prospectus_content(*, version: ProspectusVersion) -> ProspectusContent:
    """The version's priorities, commitments, investment lines, totals and charts (4 queries)."""
    priorities = list(priorities_for_version(version=version))
    commitments = list(commitments_for_version(version=version))
    lines = list(investment_lines_for_version(version=version))
    totals = investment_totals(version=version)
    return ProspectusContent(
        version=version,
        priorities=priorities,
        commitments=commitments,
        lines=lines,
        totals=totals,
        committed_value=sum((c.value for c in commitments if c.value), Decimal(0)),
        charts=investment_charts(totals=totals),
    )
