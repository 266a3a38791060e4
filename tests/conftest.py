"""Fixtures shared across the suite: people in each role, and a real Celery worker."""

import pytest
from django.test.utils import CaptureQueriesContext

from levelup.enums import Role
from tests.factories import (
    BodyFactory,
    CallForEvidenceFactory,
    PartnershipFactory,
    RoleGrantFactory,
    UserFactory,
)


@pytest.fixture
def body(db):
    return BodyFactory()


@pytest.fixture
def call(body):
    return CallForEvidenceFactory(body=body, open=True)


@pytest.fixture
def partnership(db):
    return PartnershipFactory()


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def site_admin(db):
    return RoleGrantFactory(user__name="Ada Admin", role=Role.ADMIN, target=None).user


@pytest.fixture
def secretariat(body):
    return RoleGrantFactory(user__name="Sam Secretariat", role=Role.SECRETARIAT, target=body).user


@pytest.fixture
def reviewer(call):
    return RoleGrantFactory(user__name="Rory Reviewer", role=Role.REVIEWER, target=call).user


@pytest.fixture
def connector(partnership):
    return RoleGrantFactory(
        user__name="Connie Connector", role=Role.CONNECTOR, target=partnership
    ).user


@pytest.fixture
def member(partnership):
    return RoleGrantFactory(user__name="Mo Member", role=Role.MEMBER, target=partnership).user


@pytest.fixture
def respondent(db):
    return UserFactory(name="Rosa Respondent")


@pytest.fixture
def assert_max_queries(django_db_blocker):
    """`with assert_max_queries(n):` fails when the block runs more than n queries.

    pytest-django's `django_assert_num_queries` asserts an exact count; this one suits
    pages whose count may only go down.
    """
    from django.db import connection

    class _Assert:
        def __init__(self, limit: int):
            self.limit = limit
            self.context = CaptureQueriesContext(connection)

        def __enter__(self):
            self.context.__enter__()
            return self.context

        def __exit__(self, *exc):
            self.context.__exit__(*exc)
            if exc[0] is None:
                executed = len(self.context.captured_queries)
                queries = "\n".join(q["sql"] for q in self.context.captured_queries)
                assert executed <= self.limit, (
                    f"{executed} queries, expected at most {self.limit}:\n{queries}"
                )

    return _Assert


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker, in a thread of this process, on the real Redis broker.

    Each pytest-xdist worker has its own queue (see settings/test.py), so this worker runs
    only the tasks this test process sends, against this process's test database.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from levelup.celery import app

    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=10,
        # Every kind of queue (email, extraction, ...), each named for this test process.
        queues=settings.LEVELUP_WORKER_QUEUES,
    ) as worker:
        yield worker


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, on a free port, that the test may stop and start."""
    from tests.faults import RedisServer

    server = RedisServer().start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.fixture
def fault_workers(tmp_path):
    """Start Celery worker processes (`start(broker_url=...)`); all are stopped at the end."""
    from tests.faults import CeleryWorker

    started: list[CeleryWorker] = []

    class _Workers:
        def start(self, *, broker_url: str, include: str = "", env=None) -> CeleryWorker:
            worker = CeleryWorker(broker_url=broker_url, include=include, log_dir=tmp_path, env=env)
            started.append(worker)
            return worker.start()

    yield _Workers()
    for worker in started:
        worker.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, stopped at first: the test calls `start()`."""
    from tests.faults import SmtpServer

    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server on loopback (moto's server mode, in its own process).

    Yields its endpoint URL; stopped when the session ends.
    """
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)  # noqa: S310 -- loopback
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_private_storage(s3_server, settings):
    """Private files go to a fresh bucket on the local S3 server for this test.

    Yields a boto3 client and the bucket's name, to look at what was stored.
    """
    import uuid

    import boto3

    from levelup.settings.base import private_storage_config

    bucket = f"levelup-test-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=bucket)
    config = private_storage_config(bucket=bucket, endpoint_url=s3_server)
    config["OPTIONS"].update(access_key="testing", secret_key="testing", region_name="us-east-1")
    settings.STORAGES = {**settings.STORAGES, "private": config}
    yield client, bucket
