"""Run in a subprocess by test_replica.py, against a primary and a streaming replica.

DATABASE_URL names the primary and DATABASE_REPLICA_URL the replica. It migrates the
primary, pauses replay on the replica, and prints (as JSON) what each kind of request saw,
so the test can tell which database answered.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from levelup.db import PIN_COOKIE  # noqa: E402
from tests.factories import CallForEvidenceFactory  # noqa: E402


def replica_caught_up() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    with connections["replica"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise SystemExit("the replica did not catch up")


def replay(paused: bool) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"
        )


def status(client: Client, url: str) -> int:
    return client.get(url).status_code


call_command("migrate", verbosity=0)
old = CallForEvidenceFactory(open=True, slug="replicated-call")
replica_caught_up()
replay(paused=True)
new = CallForEvidenceFactory(open=True, slug="not-yet-replicated")

seen = {}
visitor = Client(HTTP_HOST="localhost")
seen["public page, replicated call"] = status(visitor, old.get_absolute_url())
seen["public page, call not yet on the replica"] = status(visitor, new.get_absolute_url())

respondent = Client(HTTP_HOST="localhost")
start = respondent.post(f"{new.get_absolute_url()}respond/")
seen["start a response (a write)"] = start.status_code
seen["pin cookie set after the write"] = PIN_COOKIE in start.cookies
seen["the form it redirects to (primary)"] = status(respondent, start["Location"])
seen["public page right after writing (pinned)"] = status(respondent, new.get_absolute_url())
seen["health check (not a replica page)"] = status(visitor, "/healthz")

replay(paused=False)
replica_caught_up()
seen["public page once the replica caught up"] = status(
    Client(HTTP_HOST="localhost"), new.get_absolute_url()
)
print(json.dumps(seen))
