"""Benchmark: the export of a call's responses, as streamed CSV and as an XLSX job.

Not part of the test suite. It uses its own database (`levelup_bench_exports`) on the
embedded PostgreSQL (127.0.0.1:54329), fills it with `generate_synthetic_evidence` (about 95%
of the responses are sent, and only sent ones are exported), its own review rows
(three reviews a response, three themes each), four scored criteria and moderation decisions,
then measures, each in a child process of its own so that its memory is its own:

- the CSV export through the view (Django's test client, in process, no web server): the
  time to the first byte and to the first response row, the time to the last row, and how
  far the peak resident memory (VmHWM) rose above the process's memory before the request;
- the XLSX job's body (`export_xlsx_job`, what the Celery task runs): its time, and its peak
  resident memory (VmHWM, the whole process: Python, Django and openpyxl included).

    .venv/bin/python benchmarks/exports.py                       # 100,000 responses
    .venv/bin/python benchmarks/exports.py --reuse               # keep the data from last time
    .venv/bin/python benchmarks/exports.py --submissions 5000    # a quick run

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_exports"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
STAFF_EMAIL = "bench-exports-secretariat@example.org"
CRITERIA = ["Relevance", "Strength of evidence", "Local insight", "Feasibility"]
THEMES = [
    "Skills and apprenticeships",
    "Transport links",
    "High street vacancy",
    "Housing supply",
    "Digital connectivity",
    "Business rates",
    "Community assets",
    "Health and wellbeing",
]
REVIEWS_PER_RESPONSE = 3
TARGETS = {
    "csv_first_row_s": 2.0,
    "csv_total_s": 60.0,
    "csv_growth_mb": 100.0,
    "xlsx_total_s": 180.0,
    "xlsx_peak_mb": 300.0,
}


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> bool:
    """Start VmHWM again from the current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Data


def build(*, submissions: int, reuse: bool):
    from django.db import connection

    from evidence.enums import SubmissionStatus
    from evidence.models import CallForEvidence, Criterion, Submission, Theme
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence
    from levelup.enums import Role
    from levelup.models import RoleGrant, User
    from levelup.services import role_grant

    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    fresh = not (
        reuse
        and call
        and Criterion.objects.filter(call=call).count() == len(CRITERIA)
        # Synthetic rows have no continue token.
        and Submission.objects.filter(call=call, continue_token_hash="").count() == submissions
    )
    if fresh:
        started = time.perf_counter()
        call = generate_synthetic_evidence(submissions=submissions, review=False)
        reviewers = [
            User.objects.get_or_create(
                email=f"bench-exports-reviewer-{n}@example.org",
                defaults={"name": f"Bench Reviewer {n}"},
            )[0].pk
            for n in range(REVIEWS_PER_RESPONSE)
        ]
        themes = [
            Theme.objects.create(call=call, name=name, position=position).pk
            for position, name in enumerate(THEMES)
        ]
        for position, name in enumerate(CRITERIA):
            Criterion.objects.create(call=call, name=name, position=position, weight=1)
        sent_only = [call.pk, SubmissionStatus.SUBMITTED]
        with connection.cursor() as cursor:
            # Each sent response: reviewed by every bench reviewer, coded with three themes.
            cursor.execute(
                """
                INSERT INTO evidence_review (created_at, updated_at, call_id, submission_id,
                    reviewer_id, state, confidence, notes, flags, total, reviewed_at, version)
                SELECT now(), now(), s.call_id, s.id, u.id, 'reviewed', 3, '', '{}',
                       1 + ((s.id + u.id) %% 5), now(), 1
                  FROM evidence_submission s CROSS JOIN unnest(%s::bigint[]) AS u(id)
                 WHERE s.call_id = %s AND s.status = %s
                """,
                [reviewers, *sent_only],
            )
            cursor.execute(
                """
                INSERT INTO evidence_coding (created_at, updated_at, call_id, submission_id,
                    theme_id, source, coded_by_id)
                SELECT now(), now(), s.call_id, s.id,
                       (%s::bigint[])[1 + (s.id + k) %% %s], 'manual', %s
                  FROM evidence_submission s CROSS JOIN generate_series(0, 2) AS k
                 WHERE s.call_id = %s AND s.status = %s
                """,
                [themes, len(themes), reviewers[0], *sent_only],
            )
            # A score on every criterion for each review with a total.
            cursor.execute(
                """
                INSERT INTO evidence_score (created_at, updated_at, review_id, criterion_id, value)
                SELECT now(), now(), r.id, c.id, 1 + (r.id + c.id) %% 5
                  FROM evidence_review r JOIN evidence_criterion c ON c.call_id = r.call_id
                 WHERE r.call_id = %s AND r.total IS NOT NULL
                """,
                [call.pk],
            )
            # Moderation: approved, approved with redactions, withheld, or still waiting.
            cursor.execute(
                """
                INSERT INTO evidence_moderation (created_at, updated_at, call_id, submission_id,
                    state, reason, decided_at, proposed_state, proposed_reason)
                SELECT now(), now(), s.call_id, s.id,
                       (ARRAY['approved', 'approved_redacted', 'withheld', 'pending'])
                           [1 + s.id %% 4],
                       CASE WHEN s.id %% 4 = 2 THEN 'Names a private individual.' ELSE '' END,
                       CASE WHEN s.id %% 4 = 3 THEN NULL ELSE now() END, '', ''
                  FROM evidence_submission s
                 WHERE s.call_id = %s AND s.status = %s
                   AND s.publication_preference <> 'confidential'
                """,
                sent_only,
            )
            for table in ("review", "coding", "score", "moderation"):
                cursor.execute(f'VACUUM (ANALYZE) "evidence_{table}"')
        print(f"Data written in {time.perf_counter() - started:.0f} s", flush=True)
    staff, _created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"name": "Bench Secretariat"}
    )
    if not RoleGrant.objects.active().filter(user=staff, role=Role.SECRETARIAT).exists():
        role_grant(actor=None, user=staff, role=Role.SECRETARIAT, target=call.body)
    return call


# ---------------------------------------------------------------------------------------------
# Children: one measurement each, printed as a JSON line


def child_csv(slug: str) -> dict:
    from django.test import Client
    from django.urls import reverse

    from levelup.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=STAFF_EMAIL))
    url = reverse("evidence:manage-export-csv", kwargs={"slug": slug})
    client.get(reverse("evidence:manage-submissions", kwargs={"slug": slug}))  # warm up
    baseline = status_mb("VmRSS")
    reset = reset_peak()
    started = time.perf_counter()
    response = client.get(url)
    first_byte = first_row = None
    chunks = size = 0
    for chunk in response.streaming_content:
        now = time.perf_counter() - started
        if first_byte is None:
            first_byte = now
        chunks += 1
        if chunks == 3:  # the byte-order mark, the header, then the first response
            first_row = now
        size += len(chunk)
    total = time.perf_counter() - started
    response.close()
    peak = status_mb("VmHWM")
    return {
        "status": response.status_code,
        "rows": chunks - 2,
        "bytes": size,
        "first_byte_s": first_byte,
        "first_row_s": first_row,
        "total_s": total,
        "baseline_mb": baseline,
        "peak_mb": peak,
        "growth_mb": peak - baseline,
        "peak_reset": reset,
    }


def child_xlsx(slug: str) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.storage import storages

    from evidence.models import CallForEvidence
    from evidence.services.exports import XLSX_JOB_KIND, export_xlsx_job
    from levelup.enums import JobStatus
    from levelup.jobs import job_run
    from levelup.models import Job, User

    call = CallForEvidence.objects.get(slug=slug)
    # The row `export_xlsx_start` would write, without sending a message to any broker.
    job = Job.objects.create(
        kind=XLSX_JOB_KIND,
        content_type=ContentType.objects.get_for_model(CallForEvidence),
        object_id=call.pk,
        params={"respondent_details": True},
        progress_total=call.submissions.filter(number__isnull=False).count(),
        created_by=User.objects.get(email=STAFF_EMAIL),
    )
    baseline = status_mb("VmRSS")
    reset = reset_peak()
    started = time.perf_counter()
    job = job_run(job_id=job.pk, body=lambda run: export_xlsx_job(run=run))
    total = time.perf_counter() - started
    peak = status_mb("VmHWM")
    if job is None or job.status != JobStatus.DONE:
        raise SystemExit(f"the XLSX job did not finish: {job and job.error}")
    path = job.result["path"]
    size = storages["private"].size(path)
    storages["private"].delete(path)
    job.delete()
    return {
        "rows": job.result["rows"],
        "bytes": size,
        "total_s": total,
        "baseline_mb": baseline,
        "peak_mb": peak,
        "growth_mb": peak - baseline,
        "peak_reset": reset,
    }


def run_child(kind: str, slug: str, upload_root: str) -> dict:
    env = {**os.environ, "EVIDENCE_UPLOAD_ROOT": upload_root}
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--slug", slug],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"the {kind} measurement failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def verdict(value: float, target_key: str) -> str:
    return "yes" if value <= TARGETS[target_key] else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the existing synthetic call")
    parser.add_argument("--child", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if not args.child:
        ensure_database()
    import django

    django.setup()
    if args.child:
        measure = child_csv if args.child == "csv" else child_xlsx
        print(json.dumps(measure(args.slug)))
        return

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call = build(submissions=args.submissions, reuse=args.reuse)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    sent = call.submissions.filter(number__isnull=False).count()
    connection.close()

    upload_root = tempfile.mkdtemp(prefix="levelup-bench-exports-")
    try:
        load_before = os.getloadavg()
        csv = run_child("csv", call.slug, upload_root)
        xlsx = run_child("xlsx", call.slug, upload_root)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(upload_root, ignore_errors=True)
    if csv["status"] != 200 or csv["rows"] != sent or xlsx["rows"] != sent:
        raise SystemExit(f"rows exported do not match the {sent:,} sent responses")

    print(f"\nMachine: {machine()}, PostgreSQL {postgres}")
    print(
        f"Call '{call.slug}': {args.submissions:,} responses, {sent:,} sent and exported "
        f"({len(CRITERIA)} criteria, 3 reviews and 3 themes a response)"
    )
    print(
        "Load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + "\n"
    )
    print("| Measure | Figure | Target | Met |")
    print("|---|---:|---:|---|")
    rows = [
        ("CSV: first byte", f"{csv['first_byte_s'] * 1000:.0f} ms", "", ""),
        (
            "CSV: first response row",
            f"{csv['first_row_s'] * 1000:.0f} ms",
            "≤ 2 s",
            verdict(csv["first_row_s"], "csv_first_row_s"),
        ),
        (
            f"CSV: all {csv['rows']:,} rows ({csv['bytes'] / 1e6:.0f} MB)",
            f"{csv['total_s']:.1f} s",
            "≤ 60 s",
            verdict(csv["total_s"], "csv_total_s"),
        ),
        (
            f"CSV: peak RSS growth (from {csv['baseline_mb']:.0f} MB)",
            f"{csv['growth_mb']:.1f} MB",
            "≤ 100 MB",
            verdict(csv["growth_mb"], "csv_growth_mb"),
        ),
        (
            f"XLSX job: all {xlsx['rows']:,} rows ({xlsx['bytes'] / 1e6:.0f} MB)",
            f"{xlsx['total_s']:.1f} s",
            "≤ 180 s",
            verdict(xlsx["total_s"], "xlsx_total_s"),
        ),
        (
            "XLSX job: peak RSS of the process",
            f"{xlsx['peak_mb']:.0f} MB",
            "≤ 300 MB",
            verdict(xlsx["peak_mb"], "xlsx_peak_mb"),
        ),
        (
            f"XLSX job: peak RSS growth (from {xlsx['baseline_mb']:.0f} MB)",
            f"{xlsx['growth_mb']:.1f} MB",
            "",
            "",
        ),
    ]
    for label, figure, target, met in rows:
        print(f"| {label} | {figure} | {target} | {met} |")
    if not (csv["peak_reset"] and xlsx["peak_reset"]):
        print("\n(VmHWM could not be reset: growth is measured from the process's start.)")


if __name__ == "__main__":
    main()
