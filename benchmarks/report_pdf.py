"""Benchmark: the published report's PDF with 4 findings, 12 recommendations and 200 quotes.

Not part of the test suite. It uses its own database (`levelup_bench_report_pdf`, made
afresh each run) on the embedded PostgreSQL (127.0.0.1:54329), builds one published call of
that size (200 named responses approved for publication, each quoted once, spread over the
4 findings; 12 recommendations across the four audiences; one roundtable), then times the PDF
with the service the background job calls (`report_pdf_render`: read the report, lay out
the PDF with WeasyPrint, store it), and the public report page in process.

    .venv/bin/python benchmarks/report_pdf.py                       # 200 quotes, 3 renders
    .venv/bin/python benchmarks/report_pdf.py --quotes 20 --runs 1  # a quick look

Figures are recorded in docs/benchmarks.md (target: the PDF in 30 s or less).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_report_pdf"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"

FINDINGS = [
    "Places need a trusted, independent broker",
    "Business commitment must be long-term to be believed",
    "Skills programmes work when employers shape them",
    "Local spend is the quickest lever business has",
]
AUDIENCES = ["business", "local_government", "national_government", "partnerships"]
QUOTE = (
    "In our town the firms that stayed for years, offered placements to young people and "
    "bought from local suppliers changed how residents felt about the high street; "
    "response {n} adds that one-year projects were forgotten as soon as the money stopped."
)


def build(*, quotes: int):
    """A published call with 4 findings quoting `quotes` excerpts, and 12 recommendations."""
    from django.utils import timezone

    from evidence.enums import CallStatus, PublicationPreference
    from evidence.models import CallForEvidence, CallReport, Finding
    from evidence.selectors.publishing import report_figures_to_store
    from tests.factories import (
        AnswerFactory,
        BodyFactory,
        CallForEvidenceFactory,
        OrganisationFactory,
        QuestionFactory,
        SubmissionFactory,
    )
    from tests.factories.publishing import (
        ExcerptOfAnswerFactory,
        FindingExcerptFactory,
        ModerationFactory,
        OralEvidenceFactory,
        RecommendationFactory,
    )

    call = CallForEvidenceFactory(
        body=BodyFactory(name="Bench Taskforce"),
        slug="bench-report-pdf",
        title="The role of business in place-based regeneration (benchmark)",
        closed=True,
    )
    question = QuestionFactory(section__call=call, text="What has worked in your place?")
    findings = [
        Finding.objects.create(
            call=call,
            position=index + 1,
            title=title,
            summary="<p>" + "Respondents of every kind said much the same thing. " * 6 + "</p>",
        )
        for index, title in enumerate(FINDINGS)
    ]
    for n in range(1, quotes + 1):
        submission = SubmissionFactory(
            call=call,
            submitted=True,
            publication_preference=PublicationPreference.NAMED,
            respondent_name=f"Respondent {n}",
        )
        ModerationFactory(submission=submission)
        answer = AnswerFactory(submission=submission, question=question, text=QUOTE.format(n=n))
        excerpt = ExcerptOfAnswerFactory(answer=answer, number=1, end=len(answer.text))
        FindingExcerptFactory(
            finding=findings[n % len(findings)], excerpt=excerpt, quoted=True, position=n
        )
    council = OrganisationFactory(name="Bench Borough Council")
    for index in range(12):
        RecommendationFactory(
            call=call,
            position=index + 1,
            audience=AUDIENCES[index % len(AUDIENCES)],
            addressed_to=council if index % 3 == 0 else None,
            text=f"Recommendation {index + 1}: "
            + "commit for five years, publish what you spend locally and report it. " * 2,
        ).findings.set([findings[index % len(findings)]])
    OralEvidenceFactory(call=call, title="Roundtable with council leaders", note="<p>Notes.</p>")
    CallForEvidence.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    call.refresh_from_db()
    return CallReport.objects.create(
        call=call,
        summary="<p>What we heard, and what we recommend.</p>",
        published_at=timezone.now(),
        figures=report_figures_to_store(call=call),
        content_version=1,
    )


def fresh_database() -> None:
    """Drop and create the benchmark's own database (a call's responses are protected from
    deletion, so each run starts from an empty database rather than deleting the last one)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main() -> None:
    from evidence_pages import machine, measure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="PDF renders (each takes seconds)")
    args = parser.parse_args()

    import evidence_pages

    # Importing the evidence benchmark points DATABASE_URL at its database: point it back.
    evidence_pages.BENCH_DB = BENCH_DB
    os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
    fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    settings.EVIDENCE_UPLOAD_ROOT = str(ROOT / ".run" / "bench-private")
    report = build(quotes=args.quotes)

    from pypdf import PdfReader

    from evidence.models import CallReport
    from evidence.services.report_pdf import report_pdf_render

    timings, cpu = [], []
    for run in range(args.runs):
        CallReport.objects.filter(pk=report.pk).update(content_version=run + 2)
        start, start_cpu = time.perf_counter(), time.process_time()
        rendered = report_pdf_render(report_id=report.pk)
        timings.append(time.perf_counter() - start)
        # CPU time of this process: what the render costs whatever else shares the machine.
        cpu.append(time.process_time() - start_cpu)
    with rendered.pdf.open("rb") as handle:
        pages = len(PdfReader(handle).pages)
    median, p95, queries, status = measure(
        Client(HTTP_HOST="localhost"), report.call.get_absolute_url(), 10
    )
    print(machine())
    print(f"4 findings, 12 recommendations, {args.quotes} quotes")
    print(
        f"PDF: {min(timings):.1f} s best, {max(timings):.1f} s worst of {args.runs} wall clock; "
        f"{min(cpu):.1f} s to {max(cpu):.1f} s of CPU ({pages} pages, "
        f"{rendered.pdf_bytes / 1024:.0f} KiB); target 30 s"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(
        f"public report page: {median:.0f} ms median, {p95:.0f} ms p95, "
        f"{queries} queries ({status})"
    )


if __name__ == "__main__":
    main()
