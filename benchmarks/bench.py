"""`make bench`: the evidence pages and the respondents' write path, end to end, measured.

Not part of the test suite. On this machine, loopback only, bounded in time:

1. starts its own PostgreSQL and Redis (scripts/services.sh with .run/bench as the folder,
   ports 54339 and 63809, or BENCH_PG_PORT / BENCH_REDIS_PORT) and its own database
   `levelup_bench`, then builds the data with `generate_synthetic_evidence` (responses with
   reviews, codings, excerpts, moderation and a published report) or reuses the data of the
   last run when it has the same size, and a partnership (benchmarks/partnership_data.py);
2. runs gunicorn (production settings, sync workers) and a Celery worker on every queue;
3. drives them with locust, headless: every page at c=1, each page alone at c=50 (and
   /healthz, the baseline, in the same run), first with the call open, then with it
   published (the report's public pages), then, the call open again, the respondents'
   journey with two 1 MB attachments at c=20;
4. reconciles every receipt (reference and each attachment's sha256) against the database
   and the stored files;
5. writes docs/benchmarks.md: the figures, the targets met or missed, the machine, the
   load average, the commit and the date, then the notes in benchmarks/notes.md.

    make bench                                  # 100,000 responses, a 60 s write run
    make bench BENCH_ARGS="--submissions 700000 --write-seconds 600"
    .venv/bin/python benchmarks/bench.py --help

The pages measured are listed in benchmarks/pages.py.
"""

import argparse
import hashlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUN = ROOT / ".run" / "bench"
BIN = ROOT / ".venv" / "bin"
# Its own servers' ports; BENCH_PG_PORT / BENCH_REDIS_PORT choose others (e.g. to run beside
# another checkout's benchmark).
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "54339"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "63809"))
DATABASE = "levelup_bench"
HOST = "127.0.0.1"


# What the target column says of a page without a target.
NO_TARGET = {"baseline": "baseline", "download": "none (a download that grows with the data)"}
# The figures of a run in which no request completed.
NOTHING = {"count": 0, "failures": 0, "p50": 0, "p95": 0, "p99": 0, "rps": 0.0}


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def services_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        LEVELUP_RUN_DIR=str(RUN), LEVELUP_PG_PORT=str(PG_PORT), LEVELUP_REDIS_PORT=str(REDIS_PORT)
    )
    return env


def django_env(secret_key: str) -> dict:
    """Production settings, pointed at the benchmark's own servers."""
    return {
        "DJANGO_SETTINGS_MODULE": "levelup.settings.production",
        "DJANGO_SECRET_KEY": secret_key,
        "DATABASE_URL": f"postgres://postgres@{HOST}:{PG_PORT}/{DATABASE}",
        "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to https (the cookies stay Secure).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "EVIDENCE_UPLOAD_ROOT": str(RUN / "private"),
        # Receipts are queued and "sent" by the worker, to nowhere.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 -- loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {url} did not answer")
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine() -> str:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) // (1024 * 1024)
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def locust(user: str, users: int, seconds: int, prefix: Path, env: dict, extra=()) -> dict:
    """Run locust headless; the figures per request name (see the locustfile's _save_stats)."""
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        user,
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--host",
        env["BENCH_HOST"],
        "--only-summary",
        "--loglevel",
        "WARNING",
        *extra,
    ]
    stats = Path(f"{prefix}.json")
    stats.unlink(missing_ok=True)
    with open(f"{prefix}.log", "w") as output:
        subprocess.run(
            command,
            env={**env, "BENCH_STATS": str(stats)},
            check=False,
            stdout=output,
            stderr=output,
            timeout=seconds + 300,
        )
    return json.loads(stats.read_text())


def signed_in_with_second_factor(client, user) -> None:
    """Sign in as production requires of the secretariat: password, then an authenticator code.

    The person gets a confirmed authenticator (created once), and the code is typed into the
    real verification page, so the session is exactly what a person's would be."""
    from django.urls import reverse
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark authenticator", defaults={"confirmed": True}
    )
    client.force_login(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = f"{totp.token():0{device.digits}d}"
    answer = client.post(reverse("two-factor-verify"), {"code": code})
    if answer.status_code != 302:
        raise SystemExit(f"bench: the second factor was refused ({answer.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the pages and the write path.")
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="build the data even if it fits")
    parser.add_argument("--web-workers", type=int, default=5)
    parser.add_argument("--c1-seconds", type=int, default=60)
    parser.add_argument("--c50-seconds", type=int, default=10)
    parser.add_argument("--write-seconds", type=int, default=60, help="600 for 10 minutes")
    parser.add_argument("--write-users", type=int, default=20)
    parser.add_argument("--attachment-mb", type=float, default=1.0)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--under-load", default="", help="a sentence on what else ran")
    parser.add_argument(
        "--render-only", type=Path, help="write the doc again from a saved report.json"
    )
    args = parser.parse_args()
    if args.render_only:
        from benchmarks.pages import TARGETS, p95_target

        report = json.loads(args.render_only.read_text())
        args.output.write_text(render(report, TARGETS, p95_target))
        return

    RUN.mkdir(parents=True, exist_ok=True)
    started_file = RUN / "started"
    started_file.write_text("")
    processes: list[subprocess.Popen] = []
    subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), "up", str(started_file)],
        env=services_env(),
        check=True,
    )
    try:
        run(args, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(
            [str(ROOT / "scripts" / "services.sh"), "down", *started_file.read_text().split()],
            env=services_env(),
            check=False,
        )


def run(args, processes: list) -> None:
    import psycopg

    with psycopg.connect(f"postgres://postgres@{HOST}:{PG_PORT}/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            db.execute(f'CREATE DATABASE "{DATABASE}"')
        postgres_version = db.execute("SHOW server_version").fetchone()[0]

    secret_key = secrets.token_urlsafe(50)
    env = django_env(secret_key)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.pages import PAGES, TARGETS, Context, p95_target
    from benchmarks.partnership_data import SLUG as PARTNERSHIP_SLUG
    from benchmarks.partnership_data import build as build_partnership
    from evidence.enums import CallStatus, ModerationState
    from evidence.models import (
        Attachment,
        CallForEvidence,
        CallReport,
        Moderation,
        Question,
        Review,
        Submission,
    )
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence
    from evidence.synthetic_review import REVIEWER_EMAIL
    from levelup.enums import Role
    from levelup.models import RoleGrant, User
    from levelup.services import role_grant
    from partnerships.models import Partnership

    load_before = load_average()
    log("migrating and collecting static files")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    synthetic = Submission.objects.filter(call=call, continue_token_hash="").count() if call else 0
    # Data of an older run without the review and publishing data is built again.
    reviewed = call is not None and CallReport.objects.filter(call=call).exists()
    generation = None
    if args.rebuild or synthetic != args.submissions or not reviewed:
        log(f"building {args.submissions:,} responses")
        began = time.perf_counter()
        call = generate_synthetic_evidence(submissions=args.submissions, stdout=sys.stdout)
        generation = time.perf_counter() - began
    else:
        log(f"reusing {synthetic:,} responses")

    staff, _created = User.objects.get_or_create(
        email="bench-secretariat@example.org", defaults={"name": "Bench Secretariat"}
    )
    if not RoleGrant.objects.active().filter(user=staff, role=Role.SECRETARIAT).exists():
        role_grant(actor=None, user=staff, role=Role.SECRETARIAT, target=call.body)
    secretariat = Client(HTTP_HOST="localhost")
    signed_in_with_second_factor(secretariat, staff)
    reviewer = Client(HTTP_HOST="localhost")
    reviewer_user = User.objects.get(email=REVIEWER_EMAIL.format(index=0))
    reviewer.force_login(reviewer_user)
    log("building the partnership's data (once)")
    build_partnership()
    partnership = Partnership.objects.get(slug=PARTNERSHIP_SLUG)
    connector_user, _created = User.objects.get_or_create(
        email="bench-connector@example.org", defaults={"name": "Bench Connector"}
    )
    if partnership.pk not in connector_user.connector_partnership_ids:
        role_grant(actor=None, user=connector_user, role=Role.CONNECTOR, target=partnership)
    connector = Client(HTTP_HOST="localhost")
    connector.force_login(connector_user)
    respondent = Client(HTTP_HOST="localhost")
    start = respondent.post(reverse_start(call))
    draft_public_id = start["Location"].strip("/").split("/")[-2]
    cookies = {
        "anonymous": "",
        "respondent": f"sessionid={respondent.cookies['sessionid'].value}",
        "secretariat": f"sessionid={secretariat.cookies['sessionid'].value}",
        "reviewer": f"sessionid={reviewer.cookies['sessionid'].value}",
        "connector": f"sessionid={connector.cookies['sessionid'].value}",
    }
    clients = {
        "anonymous": Client(HTTP_HOST="localhost"),
        "respondent": respondent,
        "secretariat": secretariat,
        "reviewer": reviewer,
        "connector": connector,
    }
    reviews = Review.objects.filter(call=call, reviewer=reviewer_user)
    approved = Moderation.objects.filter(call=call, state=ModerationState.APPROVED)
    context = Context(
        call=call,
        draft_public_id=draft_public_id,
        place_id=call.submissions.exclude(place=None).values_list("place_id", flat=True).first(),
        email=Submission.objects.filter(call=call, number=max(1, synthetic // 2 or 1))
        .values_list("respondent_email", flat=True)
        .first(),
        sent=Submission.objects.filter(call=call, number__isnull=False).count(),
        extra={
            # Page 2,000 when there are that many (25 a page), else the last page.
            "queue_deep_page": min(2000, max(-(-reviews.count() // 25), 1)),
            "review_public_id": reviews.order_by("pk")
            .values_list("submission__public_id", flat=True)
            .first(),
            "index_deep_page": min(2000, max(-(-approved.count() // 25), 1)),
            "published_reference": approved.order_by("pk")
            .values_list("submission__reference", flat=True)
            .first(),
            "partnership_slug": PARTNERSHIP_SLUG,
        },
    )
    total = Submission.objects.filter(call=call).count()

    pages = []
    for page in sorted(PAGES, key=lambda page: page.phase == "published"):
        if page.phase == "published" and call.status != CallStatus.PUBLISHED:
            set_status(call, CallStatus.PUBLISHED)
        url = page.url(context)
        client = clients[page.who]
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"bench: {page.name} ({url}) answered {response.status_code}")
        pages.append(
            {
                "name": page.name,
                "kind": page.kind,
                "phase": page.phase,
                "url": url,
                "cookie": cookies[page.who],
                "queries": len(queries),
            }
        )

    set_status(call, CallStatus.OPEN)
    pages.sort(key=lambda page: [p.name for p in PAGES].index(page["name"]))
    questions = list(Question.objects.filter(call=call).order_by("section__position", "position"))
    by_kind = {(q.section.position, q.kind): q for q in questions}
    write = {
        "call_url": call.get_absolute_url(),
        "start_url": reverse_start(call),
        "answers_page_1": {
            f"q{by_kind[(0, 'long_text')].pk}": "The bus routes matter more than anything.",
            f"q{by_kind[(0, 'scale')].pk}": "agree",
            f"q{by_kind[(0, 'multiple_choice')].pk}": ["Skills", "Transport"],
            "action": "continue",
        },
        "answers_page_2": {
            f"q{by_kind[(1, 'long_text')].pk}": "Fund evening courses at the college.",
            f"q{by_kind[(1, 'number')].pk}": "12",
        },
        "file_field": f"q{by_kind[(1, 'file')].pk}",
        "reference_pattern": rf"{call.reference_prefix}\d{{4,}}",
    }
    config_path = RUN / "locust-config.json"
    config_path.write_text(
        json.dumps(
            {"pages": pages, "write": write, "attachment_bytes": int(args.attachment_mb * 2**20)}
        )
    )
    connection.close()

    port = free_port()
    server_env = {**os.environ, **env}
    log(f"starting gunicorn ({args.web_workers} workers) and a Celery worker")
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "levelup.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.web_workers),
            "--preload",
            "--log-level",
            "warning",
            "--error-logfile",
            str(RUN / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=server_env,
    )
    processes.append(gunicorn)
    celery = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "levelup",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=2",
            "--queues=levelup,email,extraction,imports,rendering,exports",
            f"--logfile={RUN / 'celery.log'}",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
    )
    processes.append(celery)
    host = f"http://{HOST}:{port}"
    wait_for(f"{host}/healthz", seconds=300)
    time.sleep(2)
    workers = children(gunicorn.pid)
    celery_workers = [celery.pid, *children(celery.pid)]
    rss_before = {pid: rss_mib(pid) for pid in workers}
    celery_rss_before = sum(rss_mib(pid) for pid in celery_workers)

    locust_env = {
        **os.environ,
        "BENCH_CONFIG": str(config_path),
        "BENCH_HOST": host,
        "BENCH_RECEIPTS": str(RUN / "receipts.json"),
    }
    c1, c50 = {}, {}
    for phase in ("open", "published"):
        # The report's pages exist once the call is published; the respondents write while
        # it is open, so it is published for these reads only and opened again after them.
        set_status(call, CallStatus.PUBLISHED if phase == "published" else CallStatus.OPEN)
        phase_env = {**locust_env, "BENCH_PHASE": phase}
        log(f"{phase} call: warming up")
        locust("PagesUser", args.web_workers, 20, RUN / "warm", phase_env)
        log(f"{phase} call: c=1, every page in turn, {args.c1_seconds} s")
        c1.update(locust("PagesUser", 1, args.c1_seconds, RUN / f"c1-{phase}", phase_env))
        for page in pages:
            if page["phase"] != phase:
                continue
            log(f"c=50, {page['name']}, {args.c50_seconds} s")
            rows = locust(
                "PagesUser",
                50,
                args.c50_seconds,
                RUN / "c50",
                {**phase_env, "BENCH_ONLY": page["name"]},
                # Requests under way at the end are waited for and counted.
                extra=["--stop-timeout", "30"],
            )
            if page["name"] not in rows:
                log(f"no request completed in {args.c50_seconds} s; see {RUN / 'c50.log'}")
            c50[page["name"]] = rows.get(page["name"], NOTHING)
    set_status(call, CallStatus.OPEN)
    load_reads = load_average()
    rss_after_reads = {pid: rss_mib(pid) for pid in workers}

    log(f"write path: c={args.write_users}, {args.write_seconds} s")
    written_since = datetime.now(UTC)
    began = time.monotonic()
    writes = locust(
        "RespondentUser",
        args.write_users,
        args.write_seconds,
        RUN / "write",
        locust_env,
        extra=["--stop-timeout", "60"],
    )
    write_wall = time.monotonic() - began
    load_writes = load_average()
    rss_after = {pid: rss_mib(pid) for pid in workers}
    celery_rss_after = sum(rss_mib(pid) for pid in celery_workers if Path(f"/proc/{pid}").exists())

    receipts = json.loads((RUN / "receipts.json").read_text())
    reconciliation = reconcile(receipts, call, written_since, Submission, Attachment)
    load_after = load_average()

    healthz = c50["/healthz"]["rps"]
    rows = []
    for page in pages:
        one = c1.get(page["name"], NOTHING)
        many = c50[page["name"]]
        ratio = many["rps"] / healthz if healthz else 0
        rows.append({**page, "c1": one, "c50": many, "ratio": ratio})

    write_rows = {name: row for name, row in writes.items() if name.startswith("write:")}
    total_row = writes["Aggregated"]
    report = {
        "submissions": args.submissions,
        "total": total,
        "generation": generation,
        "postgres": postgres_version,
        "machine": machine(),
        "commit": commit(),
        "date": datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        "load": {
            "before": load_before,
            "after reads": load_reads,
            "after writes": load_writes,
            "end": load_after,
        },
        "args": vars(args) | {"output": str(args.output)},
        "rows": rows,
        "rss_before": rss_before,
        "rss_after_reads": rss_after_reads,
        "rss_after": rss_after,
        "celery_rss": (celery_rss_before, celery_rss_after),
        "write_rows": write_rows,
        "write_total": total_row,
        "write_wall": write_wall,
        "reconciliation": reconciliation,
    }
    (RUN / "report.json").write_text(json.dumps(report, indent=1, default=str))
    args.output.write_text(render(report, TARGETS, p95_target))
    log(f"wrote {args.output}")


def set_status(call, status: str) -> None:
    """Open or publish the synthetic call (a field update: the benchmark's own data)."""
    type(call).objects.filter(pk=call.pk).update(status=status)
    call.status = status


def reverse_start(call) -> str:
    from django.urls import reverse

    return reverse("evidence:respond-start", kwargs={"slug": call.slug})


def reconcile(receipts, call, since, Submission, Attachment) -> dict:
    """Every receipt against the database and the stored files."""
    from django.db.models import Count, Max

    references = [r["reference"] for r in receipts]
    duplicated = len(references) - len(set(references))
    found = {
        s.reference: s
        for s in Submission.objects.filter(call=call, reference__in=references).prefetch_related(
            "attachments"
        )
    }
    missing = [ref for ref in references if ref not in found]
    wrong_response = [
        r["reference"]
        for r in receipts
        if r["reference"] in found and str(found[r["reference"]].public_id) != r["public_id"]
    ]
    checksum_mismatch, storage_mismatch, files = [], [], 0
    for receipt in receipts:
        submission = found.get(receipt["reference"])
        if submission is None:
            continue
        stored = sorted(a.sha256 for a in submission.attachments.all())
        if stored != sorted(receipt["sha256"]):
            checksum_mismatch.append(receipt["reference"])
        for attachment in submission.attachments.all():
            files += 1
            digest = hashlib.sha256()
            with attachment.file.open("rb") as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != attachment.sha256:
                storage_mismatch.append(receipt["reference"])
    sent_in_run = Submission.objects.filter(
        call=call, submitted_at__gte=since, number__isnull=False
    ).values_list("reference", flat=True)
    unreceipted = sorted(set(sent_in_run) - set(references))
    numbers = Submission.objects.filter(call=call, number__isnull=False).aggregate(
        count=Count("number"), highest=Max("number")
    )
    return {
        "receipts": len(receipts),
        "duplicated": duplicated,
        "missing": missing,
        "wrong_response": wrong_response,
        "checksum_mismatch": checksum_mismatch,
        "storage_mismatch": storage_mismatch,
        "files_checked": files,
        "sent_without_a_receipt_seen": unreceipted,
        "references_gap_free": numbers["count"] == numbers["highest"],
        "sent_total": numbers["count"],
    }


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def render(report: dict, targets: dict, p95_target) -> str:
    n = report["submissions"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/bench.py); the notes at the end are",
        "benchmarks/notes.md. Figures are from one run on one machine: read them beside",
        "`/healthz`, measured in the same run.",
        "",
        "## How to run it",
        "",
        "```sh",
        "make bench                                   # 100,000 responses, 60 s write run",
        'make bench BENCH_ARGS="--write-seconds 600"   # the 10-minute write run',
        'make bench BENCH_ARGS="--submissions 700000"  # rebuilds the data at that size',
        "```",
        "",
        "It starts its own PostgreSQL and Redis (`.run/bench`, ports 54339 and 63809; stopped",
        "afterwards, the data kept for the next run), builds or reuses the data in",
        "`levelup_bench` with `generate_synthetic_evidence` (responses with their reviews,",
        "codings, excerpts, moderation and a published report) and a partnership with its",
        "prospectus and progress (`benchmarks/partnership_data.py`), serves it with gunicorn "
        f"({report['args']['web_workers']} sync",
        "workers, `levelup.settings.production`, sessions and cache in Redis) and a Celery",
        "worker on every queue, and drives it with locust (headless, loopback). Pages are read",
        "with the session of a person allowed to see them (secretariat, one of the call's",
        "reviewers, a connector of the partnership, a respondent, or nobody). The report's",
        "public pages are read with the call published; the call is then opened again for the",
        "write run. The pages are listed in `benchmarks/pages.py`: add a line there to measure",
        "a new page. To run beside another checkout's benchmark, choose other ports:",
        "`BENCH_PG_PORT=54349 BENCH_REDIS_PORT=63819 .venv/bin/python benchmarks/bench.py`.",
        "",
        "## This run",
        "",
        f"- Date: {report['date']}; commit {report['commit']}.",
        f"- Machine: {report['machine']}; PostgreSQL {report['postgres']} (fsync off).",
        f"- Data: {report['total']:,} responses in the call ({n:,} synthetic, the rest "
        "written by earlier write runs and this one's setup)"
        + (
            f"; built in {report['generation']:.0f} s."
            if report["generation"]
            else "; reused from the last run."
        ),
        "- Load average (1 / 5 / 15 min): "
        + "; ".join(f"{k} {v}" for k, v in report["load"].items())
        + ".",
        f"- c=1: one locust user reading every page in turn for {report['args']['c1_seconds']} s"
        " (the open call's pages, then the published call's pages, each set for that long).",
        f"  c=50: fifty users reading one page for {report['args']['c50_seconds']} s, "
        "page after page.",
        "  locust runs on the same two cores as the server, so throughput is shared with it.",
    ]
    if report["args"]["under_load"]:
        lines.append(f"- Taken under load: {report['args']['under_load']}")
    lines += [
        "",
        f"## Pages ({n:,} responses)",
        "",
        "| Page | c=1 p50 (ms) | p95 | p99 | c=50 req/s | share of /healthz | queries "
        "| target | met? |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    missed, judged = [], 0
    for row in report["rows"]:
        one, many = row["c1"], row["c50"]
        goals, ok = [], True
        limit = p95_target(row["kind"], n)
        if limit is not None:
            goals.append(f"p95 ≤ {limit} ms")
            ok = ok and one["p95"] <= limit
        median = p95_target(row["kind"], n, "p50")
        if median is not None:
            goals.append(f"p50 ≤ {median} ms")
            ok = ok and one["p50"] <= median
        ratio_goal = targets[row["kind"]]["ratio"]
        if ratio_goal:
            goals.append(f"≥ {ratio_goal:.0%} of /healthz")
            ok = ok and row["ratio"] >= ratio_goal
        failures = one["failures"] + many["failures"]
        verdict = "—" if not goals else ("met" if ok else "**missed**")
        if not one["count"] or not many["count"]:
            verdict = "**not measured**: no request completed (see the locust logs)"
            ok = False
        judged += bool(goals)
        if goals and not ok:
            missed.append(row["name"])
        if failures:
            verdict += f" ({failures} failed requests)"
        lines.append(
            f"| {row['name']} | {_ms(one['p50'])} | {_ms(one['p95'])} | {_ms(one['p99'])} "
            f"| {many['rps']:,.0f} | {row['ratio']:.0%} | {row['queries']} "
            f"| {', '.join(goals) or NO_TARGET.get(row['kind'], 'none')} | {verdict} |"
        )
    rss_before = list(report["rss_before"].values())
    rss_reads = list(report["rss_after_reads"].values())
    rss_after = list(report["rss_after"].values())
    celery_before, celery_after = report["celery_rss"]
    lines += [
        "",
        "Queries: one render of the page (the same session), counted in-process before the run.",
        "",
        "## Memory",
        "",
        f"- gunicorn workers RSS (MiB), each: before {_list_mib(rss_before)}; after the reads "
        f"{_list_mib(rss_reads)}; after the writes {_list_mib(rss_after)}.",
        f"- Celery worker (all processes) RSS: {celery_before:.0f} MiB before, "
        f"{celery_after:.0f} MiB after.",
        "",
    ]
    total, wall = report["write_total"], report["write_wall"]
    rec = report["reconciliation"]
    rate = rec["receipts"] / report["args"]["write_seconds"]
    write_ok = rate >= 10 and total["p95"] <= 1000
    lines += [
        f"## Write path: respondents at c={report['args']['write_users']}, "
        f"{report['args']['write_seconds']} s",
        "",
        "Each simulated respondent does what a browser does: call page, start, details page,",
        "details, questions page 1, answers, questions page 2, attach a "
        f"{report['args']['attachment_mb']:g} MB PDF",
        "(upload), the page again, attach a second one with the last answers, check page, send,",
        "receipt: 13 requests, two attachments, one receipt with a reference.",
        "",
        f"- Complete responses: **{rec['receipts']:,}** in {report['args']['write_seconds']} s "
        f"= **{rate:.1f}/s** (target ≥ 10/s: {'met' if rate >= 10 else '**missed**'}); "
        f"wall time with the last journeys finishing {wall:.0f} s.",
        f"- All write requests: {total['count']:,}, {total['failures']} failed; "
        f"p50 {_ms(total['p50'])} ms, p95 {_ms(total['p95'])} ms, p99 {_ms(total['p99'])} ms "
        f"(target p95 ≤ 1,000 ms: {'met' if total['p95'] <= 1000 else '**missed**'}).",
        "",
        "| Step | requests | failed | p50 (ms) | p95 | p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in report["write_rows"].items():
        lines.append(
            f"| {name.removeprefix('write: ')} | {row['count']:,} | {row['failures']} "
            f"| {_ms(row['p50'])} | {_ms(row['p95'])} | {_ms(row['p99'])} |"
        )
    lost = (
        len(rec["missing"])
        + rec["duplicated"]
        + len(rec["wrong_response"])
        + len(rec["checksum_mismatch"])
        + len(rec["storage_mismatch"])
    )
    lines += [
        "",
        "### Reconciliation",
        "",
        f"- Receipts seen by the respondents: {rec['receipts']:,}; each reference looked up in",
        f"  the database: missing {len(rec['missing'])}, duplicated {rec['duplicated']}, "
        f"on another response {len(rec['wrong_response'])}.",
        f"- Attachments: {rec['files_checked']:,} files read back from storage and hashed; "
        f"sha256 different from what the respondent sent: {len(rec['checksum_mismatch'])} "
        f"responses; stored bytes different from the recorded sha256: "
        f"{len(rec['storage_mismatch'])}.",
        f"- Sent during the run but whose receipt the client did not read (cut by the end of "
        f"the run): {len(rec['sent_without_a_receipt_seen'])}.",
        f"- References gap-free over all {rec['sent_total']:,} sent responses: "
        f"{'yes' if rec['references_gap_free'] else '**no**'}.",
        "- **"
        + ("None lost, none duplicated, checksums equal." if lost == 0 else "PROBLEMS: see above.")
        + "**",
        "",
        "## Targets",
        "",
        f"- Pages: {judged - len(missed)} of {judged} met"
        + (f"; missed: {', '.join(missed)}." if missed else "."),
        f"- Write path: {'met' if write_ok else '**missed**'} "
        f"({rate:.1f} complete responses/s, p95 {_ms(total['p95'])} ms).",
        "",
    ]
    notes = ROOT / "benchmarks" / "notes.md"
    if notes.exists():
        lines += [notes.read_text().rstrip(), ""]
    return "\n".join(lines)


def _list_mib(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values) or "—"


if __name__ == "__main__":
    main()
