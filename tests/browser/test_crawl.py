"""Every page a person can reach by following links passes the harness's checks, and none errors.

For the public and for each demo user (signed in through the form), a breadth-first crawl of
same-origin `<a href>` links, GET only, from "/" and the landing pages. Each page must answer
below 400 (a 403 or 404 reached through a link shown to that person is a bug), and pass the
harness's axe-core and Content-Security-Policy checks. Failures are collected and reported
together (role, URL, where the link was, problem) rather than stopping at the first.

To stay quick: at most two URLs per path pattern (ids, UUIDs and slugs replaced), of which at most
one with a query string (pagination and filters), and at most `PAGE_CAP` pages per person.
Skipped: the Django admin, signing out, and anything that is not HTML (downloads, exports).
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from levelup.demo import DEMO_USERS

from .conftest import RESULTS_DIR
from .test_partnerships_members import sign_in

PAGE_CAP = 60
START_PATHS = ["/", "/accounts/", "/partnerships/mine/", "/calls/", "/responses/"]
SKIP_PREFIXES = ("/admin/", "/accounts/sign-out/", "/static/", "/media/")
CRAWLERS = [None, *(person.email for person in DEMO_USERS), "lina.lead@demo.levelup.test"]
OWNER_SEGMENTS = {"calls", "partnerships"}  # the next segment is a slug, unless fixed
FIXED_SEGMENTS = {"", "mine", "actions", "new"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def pattern(path: str) -> str:
    """The path with ids, UUIDs and the slug of a call or partnership replaced: pages of the
    same kind share a pattern, so a crawl does not spend itself on three copies of one page."""
    segments = re.sub(r"\d+", "#", UUID.sub("<uuid>", path)).split("/")
    for index in range(1, len(segments)):
        if segments[index - 1] in OWNER_SEGMENTS and segments[index] not in FIXED_SEGMENTS:
            segments[index] = "<slug>"
    return "/".join(segments)


class Crawl:
    def __init__(self, checked_page, origin: str, role: str):
        self.checked = checked_page
        self.page = checked_page.page
        self.origin = origin.rstrip("/")
        self.role = role
        self.failures: list[str] = []
        self.visited: list[str] = []
        self.seen: set[str] = set()
        self.per_pattern: dict[str, list[str]] = {}

    def fail(self, url: str, found_on: str, problem: str) -> None:
        self.failures.append(f"[{self.role}] {url} (linked from {found_on}): {problem}")

    def admit(self, url: str) -> bool:
        """Whether `url` (absolute, no fragment) is worth a visit; records it if so."""
        if url in self.seen or not url.startswith(self.origin + "/"):
            return False
        parts = urlsplit(url)
        if parts.path.startswith(SKIP_PREFIXES):
            return False
        taken = self.per_pattern.setdefault(pattern(parts.path), [])
        with_query = [u for u in taken if urlsplit(u).query]
        if len(taken) >= 2 or (parts.query and with_query):
            return False
        taken.append(url)
        self.seen.add(url)
        return True

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download])", "(links) => links.map((a) => a.href)"
        )
        return [urldefrag(href).url for href in hrefs]

    def run(self) -> None:
        queue = deque()
        for path in START_PATHS:
            url = self.origin + path
            if self.admit(url):
                queue.append((url, "start"))
        while queue and len(self.visited) < PAGE_CAP:
            url, found_on = queue.popleft()
            head = self.page.request.head(url)
            kind = head.headers.get("content-type", "")
            if head.status != 405 and "text/html" not in kind:
                if head.status >= 400:
                    self.fail(url, found_on, f"HTTP {head.status}")
                continue  # a download or an export: not a page
            self.visited.append(url)
            try:
                response = self.page.goto(url)
            except Exception as error:  # a navigation error is a finding too
                self.checked.unchecked.clear()
                self.fail(url, found_on, f"could not load: {error}")
                continue
            try:
                self.checked.check()  # what `visit` does after loading the page
            except pytest.fail.Exception as failed:
                self.fail(url, found_on, str(failed))
            if response is not None and response.status >= 400:
                self.fail(url, found_on, f"HTTP {response.status}")
                continue
            for link in self.links():
                if self.admit(link):
                    queue.append((link, url))


def test_every_linked_page_passes_checks_for_public_and_each_demo_user(
    checked_page, live_server, page, visit, submit
):
    call_command("load_demo", verbosity=0)
    failures: list[str] = []
    coverage: dict[str, int] = {}

    for email in CRAWLERS:
        role = email.split("@")[0] if email else "public"
        page.context.clear_cookies()
        if email:
            sign_in(page, visit, submit, email=email, password=settings.DEMO_PASSWORD)
            assert "/accounts/sign-in/" not in page.url, f"{email} could not sign in"
        crawl = Crawl(checked_page, live_server.url, role)
        crawl.run()
        coverage[role] = len(crawl.visited)
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / f"crawl-{role}.txt").write_text("\n".join(crawl.visited) + "\n")
        failures.extend(crawl.failures)

    print("Pages crawled per role:", coverage)  # shown with -s; the lists are in test-results
    assert all(count >= 5 for count in coverage.values()), coverage
    assert not failures, f"{len(failures)} problems found:\n\n" + "\n\n".join(failures)
