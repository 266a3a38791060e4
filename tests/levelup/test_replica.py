"""DATABASE_REPLICA_URL: public pages read from a real streaming replica; writes, and reads
after a write, from the primary.

A throwaway primary and replica (scripts/services.sh pair) run on their own ports and data
folders for this module; the shared development server is not touched.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def primary_and_replica(tmp_path_factory):
    folder = Path("/tmp") / f"levelup-pair-{os.getpid()}-{tmp_path_factory.getbasetemp().name}"
    primary, replica = _free_port(), _free_port()
    services = [str(ROOT / "scripts" / "services.sh"), "pair"]
    subprocess.run(
        [*services, "up", str(folder), str(primary), str(replica)], check=True, timeout=120
    )
    try:
        for port in (primary, replica):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "SELECT 1"],
                check=True,
                capture_output=True,
                timeout=30,
            )
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(primary), "-U", "postgres", "levelup"],
            check=True,
            timeout=30,
        )
        yield (
            f"postgres://postgres@127.0.0.1:{primary}/levelup",
            f"postgres://postgres@127.0.0.1:{replica}/levelup",
        )
    finally:
        subprocess.run([*services, "down", str(folder)], check=False, timeout=120)


def test_reads_go_to_the_replica_and_writes_pin_the_primary(primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URL": replica_url,
        "DJANGO_SETTINGS_MODULE": "levelup.settings.test",
    }

    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "levelup" / "replica_probe.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "public page, replicated call": 200,
        # The replica is paused, so a page that reads from it cannot see the new call.
        "public page, call not yet on the replica": 404,
        "start a response (a write)": 302,
        "pin cookie set after the write": True,
        "the form it redirects to (primary)": 200,
        "public page right after writing (pinned)": 200,
        "health check (not a replica page)": 200,
        "public page once the replica caught up": 200,
    }
