"""Tests: a real PostgreSQL and a real Redis broker; never eager Celery, never SQLite."""

import os

from .base import *  # noqa: F403 -- settings modules extend base by design
from .base import CELERY_TASK_DEFAULT_QUEUE, celery_queue_names, celery_task_routes

DEBUG = False
# Tests of other features sign people in with force_login; the two-factor tests switch it on.
TWO_FACTOR_REQUIRED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The SMTP edge: tests read django.core.mail.outbox; the outbox tests use a real SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Each pytest-xdist worker has its own test database, so it gets its own queue too: a task
# sent by one worker must be run by that worker's Celery, which sees the same database.
# LEVELUP_TEST_DB lets several checkouts or people share one PostgreSQL and Redis.
_run = os.environ.get("LEVELUP_TEST_DB", "")
DATABASES["default"]["TEST"] = {"NAME": f"test_levelup{_run}"}  # noqa: F405 -- from base
_queue_suffix = f"-test{_run}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CELERY_TASK_DEFAULT_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}{_queue_suffix}"
CELERY_TASK_ROUTES = celery_task_routes(_queue_suffix)
LEVELUP_WORKER_QUEUES = celery_queue_names(_queue_suffix)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = False
