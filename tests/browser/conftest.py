"""Playwright browser tests against pytest-django's live server, with accessibility and CSP checks.

Fixtures
    `page`       a fresh browser context and page per test, bound to the live server (so the
                 test has a transactional database); relative URLs work (`visit("/")`).
    `visit`      `visit(path)` opens a page, waits for it to load and checks it.
    `submit`     `submit(locator)` clicks a button or link that loads a new page (a form post,
                 a redirect chain, a link), waits for the new page to load and checks it.
    `axe_check`  `axe_check()` checks the current page again, e.g. after it changed in place.

"Checks it" means: axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA rules) finds no violations,
no Content-Security-Policy violation was logged to the console, and every document the
live server sent carried a Content-Security-Policy header.

Why no page can go unchecked: a listener on the page records every HTML document the main
frame receives from the live server (redirects aside). Each check clears that record, and
fails when it holds more than the page being checked, naming the pages the test moved through
without a check. When the test ends, the current page is checked if it has not been, so the
last page needs no explicit call; a page left behind without a check fails the test. Checking
after each `load` event automatically would race the test's next action, so we do not.

CSP: console errors that mention the Content Security Policy, and live-server documents
(redirects included) without the Content-Security-Policy header, are recorded as they happen
and fail the next check (and, at the latest, the end of the test).

Each test leaves a full-page screenshot in test-results/<test id>.png (git-ignored).

The browser is Debian's Chromium at /usr/bin/chromium (`make test` installs it); Playwright's
own browser downloads are never used. Every test in this folder is marked `browser`.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, sync_playwright

# Playwright's sync API runs an event loop in the test thread, so Django would refuse the
# test's own (synchronous) database calls. This process only runs tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_SOURCE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS_DIR = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""

_call_failed = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_SOURCE_PATH}: run `make install` (npm ci).")
    return AXE_SOURCE_PATH.read_text()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `make test` installs it "
            "(scripts/system-deps.sh browser), or run `apt-get install chromium`."
        )
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary profile and removes it on close.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail}")
    return "\n".join(lines)


class CheckedPage:
    """Watches one page: what it loaded, what it logged, and which loads were checked."""

    def __init__(self, page: Page, origin: str, axe_source: str):
        self.page = page
        self.origin = origin.rstrip("/") + "/"
        self.axe_source = axe_source
        self.unchecked: list[str] = []
        self.problems: list[str] = []
        page.on("response", self._on_response)
        page.on("console", self._on_console)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or not response.url.startswith(self.origin):
            return
        if request.frame != self.page.main_frame:
            return
        if "content-security-policy" not in response.headers:
            self.problems.append(
                f"{request.method} {response.url} ({response.status}) has no "
                "Content-Security-Policy header"
            )
        if not 300 <= response.status < 400:
            self.unchecked.append(response.url)

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "error" and re.search(r"content[ -]security[ -]policy", text, re.I):
            self.problems.append(f"CSP violation on {self.page.url}: {text}")

    def check(self) -> None:
        """Run axe on the current page and report everything recorded since the last check."""
        self.page.wait_for_load_state("load")
        failures = []
        skipped = self.unchecked[:-1]
        if skipped:
            failures.append(
                "Pages were left without an accessibility check (use `visit`/`submit`, "
                "or `axe_check()` before moving on):\n" + "\n".join(f"- {u}" for u in skipped)
            )
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the page's CSP does not govern;
            # an injected <script> tag would be (rightly) refused.
            self.page.evaluate(self.axe_source)
        violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
        self.unchecked.clear()
        if violations:
            failures.append(
                f"axe found accessibility violations on {self.page.url}:\n"
                + _describe_violations(violations)
            )
        if self.problems:
            failures.append("Content-Security-Policy problems:\n" + "\n".join(self.problems))
            self.problems.clear()
        if failures:
            pytest.fail("\n\n".join(failures), pytrace=False)

    def visit(self, url: str) -> Response | None:
        response = self.page.goto(url)
        self.check()
        return response

    def submit(self, locator: Locator) -> None:
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def finish(self) -> None:
        if self.unchecked:
            self.check()
        elif self.problems:
            pytest.fail(
                "Content-Security-Policy problems:\n" + "\n".join(self.problems), pytrace=False
            )


@pytest.fixture
def checked_page(
    request: pytest.FixtureRequest, chromium: Browser, live_server, transactional_db, axe_source
) -> Iterator[CheckedPage]:
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    try:
        checked = CheckedPage(context.new_page(), live_server.url, axe_source)
        yield checked
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")
        checked.page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
        if not request.node.stash.get(_call_failed, True):
            checked.finish()
    finally:
        context.close()


@pytest.fixture
def page(checked_page: CheckedPage) -> Page:
    return checked_page.page


@pytest.fixture
def visit(checked_page: CheckedPage) -> Callable[[str], Response | None]:
    return checked_page.visit


@pytest.fixture
def submit(checked_page: CheckedPage) -> Callable[[Locator], None]:
    return checked_page.submit


@pytest.fixture
def axe_check(checked_page: CheckedPage) -> Callable[[], None]:
    return checked_page.check
