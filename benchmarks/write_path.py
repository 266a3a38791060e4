"""Benchmark: the CPU each request of the respondent's journey costs, in process.

Not part of the test suite. The same 13 requests as `make bench`'s write run (call page,
start, details, two pages of answers, two 1 MB PDF attachments, check, send, receipt), made
with Django's test client against its own database (`levelup_bench_write`) on the embedded
PostgreSQL, `--journeys` times. For each step it prints the median wall time and the median
CPU time of this process (Django, templates, the database driver; not PostgreSQL's own
work), which is what bounds the complete responses a second two cores can serve. Background
jobs (text extraction, receipt emails) are queued but not dispatched: the Celery worker's
share is measured apart. With `--profile`, the cProfile functions of the whole run are
printed, the most expensive first.

    .venv/bin/python benchmarks/write_path.py                  # 30 journeys
    .venv/bin/python benchmarks/write_path.py --journeys 10 --profile
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_write"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
os.environ.setdefault("EVIDENCE_UPLOAD_ROOT", str(ROOT / ".run" / "bench-write" / "private"))


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


class Journey:
    """One respondent, step by step, timing each request."""

    def __init__(self, client, call, questions, pdf, timings):
        self.client, self.call, self.pdf, self.timings = client, call, pdf, timings
        self.by_kind = {(q.section.position, q.kind): q for q in questions}

    def _timed(self, name, method, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = method(*args, **kwargs)
        self.timings[name].append(
            ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
        )
        return response

    def get(self, name, url, expect=200):
        response = self._timed(name, self.client.get, url)
        if response.status_code != expect:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        return response

    def post(self, name, url, data) -> str:
        response = self._timed(name, self.client.post, url, data)
        if response.status_code != 302:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        return response["Location"]

    def run(self, number: int) -> str:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        q = self.by_kind
        self.get("call page", self.call.get_absolute_url())
        details = self.post(
            "start", reverse("evidence:respond-start", kwargs={"slug": self.call.slug}), {}
        )
        self.get("details page", details)
        page1 = self.post(
            "details",
            details,
            {
                "respondent_name": f"Write Tester {number}",
                "respondent_email": f"write{number}@example.org",
                "responding_as": "individual",
                "publication_preference": "named",
                "consent": "on",
            },
        )
        self.get("questions page 1", page1)
        page2 = self.post(
            "answers page 1",
            page1,
            {
                f"q{q[(0, 'long_text')].pk}": "The bus routes matter more than anything.",
                f"q{q[(0, 'scale')].pk}": "agree",
                f"q{q[(0, 'multiple_choice')].pk}": ["Skills", "Transport"],
                "action": "continue",
            },
        )
        self.get("questions page 2", page2)
        field = f"q{q[(1, 'file')].pk}"
        upload = SimpleUploadedFile("evidence-1.pdf", self.pdf(1), "application/pdf")
        location = self.post("attach file 1", page2, {field: upload, "action": "upload"})
        self.get("questions page 2 (after upload)", location)
        upload = SimpleUploadedFile("evidence-2.pdf", self.pdf(2), "application/pdf")
        check = self.post(
            "attach file 2",
            page2,
            {
                field: upload,
                "action": "continue",
                f"q{q[(1, 'long_text')].pk}": "Fund evening courses at the college.",
                f"q{q[(1, 'number')].pk}": "12",
            },
        )
        self.get("check page", check)
        receipt = self.post("send", check, {})
        response = self.get("receipt", receipt)
        match = re.search(rf"{self.call.reference_prefix}\d{{4,}}", response.content.decode())
        if match is None:
            raise SystemExit("the receipt shows no reference")
        return match.group(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--attachment-mb", type=float, default=1.0)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from evidence_pages import machine
    from pdf_files import pdf_of_size

    import levelup.jobs
    from evidence.models import CallForEvidence, Question, Submission
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence

    setup_test_environment()  # "testserver" is an allowed host, emails stay in memory
    # Jobs are recorded as the request makes them; handing them to Celery is left out.
    levelup.jobs.dispatch_now = lambda *args, **kwargs: True
    call_command("migrate", verbosity=0)
    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    if call is None:
        call = generate_synthetic_evidence(submissions=1000, review=False)
    questions = list(Question.objects.filter(call=call).select_related("section"))
    size = int(args.attachment_mb * 2**20)
    timings = defaultdict(list)
    profiler = cProfile.Profile() if args.profile else None
    # Two warm-up journeys (imports, template loading), not counted.
    # One client for every journey, its cookies cleared in between: a new client would load
    # the middleware again (WhiteNoise indexing every static file), which a server does once.
    client = Client()
    for number in range(2):
        client.cookies.clear()
        warm = defaultdict(list)
        Journey(client, call, questions, lambda i: pdf_of_size(size, f"{i}"), warm).run(number)
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    for number in range(args.journeys):
        pdf = lambda index, n=number: pdf_of_size(size, f"Write test {n}.{index}")  # noqa: E731
        client.cookies.clear()
        Journey(client, call, questions, pdf, timings).run(number + 2)
    if profiler:
        profiler.disable()
    took = time.perf_counter() - began
    print(f"\nMachine: {machine()}")
    print(
        f"{args.journeys} complete responses with two {args.attachment_mb:g} MB files in "
        f"{took:.1f} s; {Submission.objects.filter(call=call).count():,} responses in the call; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n"
    )
    print("| Step | wall, median (ms) | CPU in process, median (ms) |")
    print("|---|---:|---:|")
    total_wall = total_cpu = 0.0
    for name, rows in timings.items():
        wall = statistics.median(row[0] for row in rows)
        cpu = statistics.median(row[1] for row in rows)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")
    print(f"| **a complete response** | **{total_wall:.0f}** | **{total_cpu:.0f}** |")
    print(
        f"\nAt {total_cpu:.0f} ms of CPU a response in the web process, two cores serve at most "
        f"{2000 / total_cpu:.1f} complete responses a second, before PostgreSQL's, the "
        "worker's and the load generator's share."
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()
