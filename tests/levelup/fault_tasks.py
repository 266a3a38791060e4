"""A job kind for the fault tests: it waits at a gate (a file the test creates), then records
that it ran. Loaded into worker processes with `celery worker --include`."""

import time
from pathlib import Path

from levelup.audit import audit_record
from levelup.jobs import JobRun, job_task

KIND = "tests.gated"
RAN = "tests.gated.ran"


@job_task(kind=KIND, soft_time_limit=30, time_limit=40)
def gated_job(run: JobRun) -> dict:
    gate = Path(run.params["gate"])
    while not gate.exists():  # the worker may be killed here
        time.sleep(0.02)
    audit_record(actor=None, action=RAN, target=run.job, changes={"attempt": run.attempt})
    return {"attempt": run.attempt}
