"""The checks in conftest.py fail when they should: a harness that never fails proves nothing."""

import pytest

Failed = pytest.fail.Exception


def test_check_fails_on_an_accessibility_violation(page, visit, axe_check):
    visit("/")
    page.locator("main").evaluate("main => main.append(document.createElement('img'))")

    with pytest.raises(Failed) as excinfo:
        axe_check()

    assert str(excinfo.value).startswith(
        f"axe found accessibility violations on {page.url}:\n"
        "- image-alt (critical): Images must have alternative text\n"
        "    at img\n"
        "      Fix any of the following:\n"
    )


def test_check_fails_on_a_csp_violation(page, visit, axe_check):
    visit("/")
    page.locator("main").evaluate(
        "main => { const s = document.createElement('script'); s.textContent = '1'; "
        "main.append(s); }"
    )

    with pytest.raises(Failed) as excinfo:
        axe_check()

    assert "Content-Security-Policy problems:\nCSP violation on " in str(excinfo.value)
    assert "script-src 'self'" in str(excinfo.value)


def test_check_fails_on_a_document_without_csp_header(page, visit, live_server):
    page.route(
        f"{live_server.url}/no-csp/",
        lambda route: route.fulfill(body="<title>No CSP</title>", content_type="text/html"),
    )

    with pytest.raises(Failed) as excinfo:
        visit("/no-csp/")

    assert f"GET {live_server.url}/no-csp/ (200) has no Content-Security-Policy header" in str(
        excinfo.value
    )


def test_check_fails_when_a_page_was_left_unchecked(page, visit):
    page.goto("/accounts/sign-in/")

    with pytest.raises(Failed) as excinfo:
        visit("/")

    assert "Pages were left without an accessibility check" in str(excinfo.value)
    assert "/accounts/sign-in/" in str(excinfo.value)
