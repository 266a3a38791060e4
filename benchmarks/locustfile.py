"""Load for `make bench` (benchmarks/bench.py starts locust with this file; not run by hand).

Two kinds of user:

- `PagesUser` reads pages: every page of the benchmark in turn (of the phase BENCH_PHASE:
  "open" or "published"), or only the page named by BENCH_ONLY. Each page carries the
  session cookie of the person who reads it.
- `RespondentUser` writes: the whole respondent journey, like a browser (13 requests: the
  call page, start, details, two pages of answers, two 1 MB attachments, check, send,
  receipt), and records every receipt's reference and each attachment's sha256 in
  BENCH_RECEIPTS for the reconciliation.

The settings file (BENCH_CONFIG, JSON) is written by bench.py.
"""

import contextlib
import hashlib
import json
import os
import random
import re
import threading

from locust import FastHttpUser, HttpUser, constant, events, task
from pdf_files import pdf_of_size

CONFIG = json.loads(open(os.environ["BENCH_CONFIG"]).read())  # noqa: SIM115 -- read once
RECEIPTS: list[dict] = []
_lock = threading.Lock()


class PagesUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        only, phase = os.environ.get("BENCH_ONLY"), os.environ.get("BENCH_PHASE")
        self.pages = [
            p
            for p in CONFIG["pages"]
            if (not only or p["name"] == only) and (not phase or p["phase"] == phase)
        ]
        self.index = random.randrange(len(self.pages))  # noqa: S311 -- load, not secrets

    @task
    def read(self):
        page = self.pages[self.index % len(self.pages)]
        self.index += 1
        headers = {"Cookie": page["cookie"]} if page["cookie"] else {}
        self.client.get(page["url"], name=page["name"], headers=headers)


class RespondentUser(HttpUser):
    wait_time = constant(0)

    def _keep_cookies(self, response) -> None:
        # Production cookies are Secure; the benchmark speaks plain HTTP on loopback, so the
        # client keeps their values itself and sends them with every request.
        for cookie in response.cookies:
            self.jar[cookie.name] = cookie.value
        self.client.cookies.clear()

    def _get(self, url: str, name: str):
        response = self.client.get(url, name=name, allow_redirects=False, cookies=self.jar)
        self._keep_cookies(response)
        return response

    def _post(self, url: str, name: str, data: dict, files=None) -> str:
        data = {**data, "csrfmiddlewaretoken": self.jar.get("csrftoken", "")}
        with self.client.post(
            url,
            name=name,
            data=data,
            files=files,
            cookies=self.jar,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")
                raise _Stop
            response.success()
            return response.headers["Location"]

    @task
    def respond(self):
        self.jar = {}
        self.client.cookies.clear()
        write = CONFIG["write"]
        with contextlib.suppress(_Stop):
            self._respond(write)

    def _respond(self, write: dict) -> None:
        self._get(write["call_url"], "write: call page")
        details = self._post(write["start_url"], "write: start", {})
        self._get(details, "write: details page")
        number = random.randrange(10**9)  # noqa: S311 -- load, not secrets
        page1 = self._post(
            details,
            "write: details",
            {
                "respondent_name": f"Load Tester {number}",
                "respondent_email": f"load{number}@example.org",
                "responding_as": "individual",
                "publication_preference": "named",
                "consent": "on",
            },
        )
        self._get(page1, "write: questions page 1")
        page2 = self._post(page1, "write: answers page 1", write["answers_page_1"])
        self._get(page2, "write: questions page 2")
        files = []
        for index, action in enumerate(["upload", "continue"], start=1):
            data = pdf_of_size(CONFIG["attachment_bytes"], f"Load test file {index}")
            files.append(hashlib.sha256(data).hexdigest())
            field = write["file_field"]
            upload = {field: (f"evidence-{index}.pdf", data, "application/pdf")}
            answers = write["answers_page_2"] if action == "continue" else {}
            location = self._post(
                page2, f"write: attach file {index}", {**answers, "action": action}, upload
            )
            if action == "upload":
                self._get(location, "write: questions page 2 (after upload)")
        check = location
        self._get(check, "write: check page")
        receipt = self._post(check, "write: send", {})
        with self.client.get(
            receipt, name="write: receipt", cookies=self.jar, catch_response=True
        ) as response:
            match = re.search(write["reference_pattern"], response.text)
            if response.status_code != 200 or match is None:
                response.failure("the receipt shows no reference")
                return
        with _lock:
            RECEIPTS.append(
                {"reference": match.group(0), "public_id": receipt.split("/")[-3], "sha256": files}
            )


class _Stop(Exception):
    pass


@events.test_stop.add_listener
def _save_receipts(**kwargs):
    path = os.environ.get("BENCH_RECEIPTS")
    if path:
        with open(path, "w") as handle:
            json.dump(RECEIPTS, handle)


def _figures(entry, seconds: float) -> dict:
    return {
        "count": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.50) or 0,
        "p95": entry.get_response_time_percentile(0.95) or 0,
        "p99": entry.get_response_time_percentile(0.99) or 0,
        "rps": entry.num_requests / seconds,
    }


@events.quitting.add_listener
def _save_stats(environment, **kwargs):
    """The final figures per request name (after every user stopped), for bench.py."""
    path = os.environ.get("BENCH_STATS")
    if path:
        total = environment.stats.total
        seconds = max((total.last_request_timestamp or 0) - total.start_time, 1.0)
        entries = environment.stats.entries.items()
        stats = {name: _figures(entry, seconds) for (name, _method), entry in entries}
        stats["Aggregated"] = _figures(total, seconds)
        with open(path, "w") as handle:
            json.dump(stats, handle)
